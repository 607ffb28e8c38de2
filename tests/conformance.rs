//! `rolehop write` against the edge cases of the SDKs' own parser suites
//! (the cross-SDK profile-parser tests, botocore's config fixtures, the Go
//! SDKs' INI files, the AWS CLI's writer cases), written out here as our
//! own files: for each, writing profile `p` keeps every byte outside it,
//! every other profile reads the same to the Rust SDK and to botocore
//! before and after, and `p` reads back what was written.

use rolehop::creds::file::write_profile;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const CASES: &[(&str, &str)] = &[
    ("empty file", ""),
    (
        "comments of every kind",
        "# top\n; also top\n[other] # next to the name\nregion = eu-west-1 # part of the value\n;x\n[p] ; here too\nfoo = bar\n",
    ),
    (
        "windows line endings",
        "[other]\r\nregion = eu-west-1\r\n\r\n[p]\r\naws_access_key_id = ASIAOLD\r\n",
    ),
    (
        "continued values",
        "[other]\nregion = us-\n  east-1\n  # not a comment\n[p]\ncustom = a\n  b\n",
    ),
    (
        "sub-properties in both",
        "[other]\ns3 =\n  max_concurrent_requests = 10\n\n  use_accelerate_endpoint = true\n[p]\ns3 =\n  aws_session_token = nested-not-ours\n",
    ),
    (
        "duplicate profiles",
        "[other]\na = 1\n[p]\naws_access_key_id = ASIAONE\n[other]\nb = 2\n[p]\naws_session_token = two\n",
    ),
    (
        "duplicate keys in any case",
        "[p]\nAWS_ACCESS_KEY_ID = ASIAUP\naws_access_key_id = ASIALOW\nAws_Session_Token = t\n[other]\nREGION = x\nregion = y\n",
    ),
    (
        "empty values",
        "[other]\nregion =\nout=\n[p]\naws_session_token =\n",
    ),
    (
        "unicode values",
        "[other]\nnote = café ☕ 😀\n[p]\nnote = ünïcode\n",
    ),
    (
        "profile prefix in the credentials file",
        "[profile p]\naws_access_key_id = ASIAPREFIXED\n[other]\nregion = x\n",
    ),
    (
        "spaces and tabs in headers",
        "[ p ]\naws_access_key_id = ASIAOLD\n[\tother\t]\nregion = x\n",
    ),
    (
        "an invalid profile name",
        "[foo bar]\nregion = x\n[other]\nregion = y\n",
    ),
    ("no final newline", "[other]\nregion = x\n[p]\nfoo = bar"),
    (
        "equals signs in values",
        "[other]\nurl = https://x/?a=b&c=d\n[p]\nx = y=z\n",
    ),
    (
        "leading blank and space lines",
        "\n\n   \n[other]\nregion = x\n",
    ),
    (
        "keys and values with spaces around",
        "[other]\nregion   =   eu-west-1   \n[p]\naws_access_key_id\t=\tASIATAB\n",
    ),
    (
        "sso-session and services sections",
        "[sso-session corp]\nsso_region = us-east-1\n[services dev]\ns3 =\n  endpoint_url = http://localhost\n[other]\nservices = dev\n",
    ),
    (
        "all valid profile name characters",
        "[a-b/c.d%e@f_g:h+i]\nx = 1\n[p]\ny = 2\n",
    ),
    ("empty comments", "#\n;\n[other]\n#\nregion = x\n;\n"),
    (
        "comment characters against the header",
        "[p]#x\nfoo = 1\n[other];y\nregion = x\n",
    ),
    (
        "a continuation reset by a header",
        "[other]\nregion = a\n  b\n[p]\n  \nfoo = bar\n",
    ),
    (
        "invalid property names are ignored",
        "[other]\nin valid = x\nregion = y\n",
    ),
    (
        "empty sub-property values",
        "[other]\ns3 =\n  addressing_style =\n  max = 1\n",
    ),
    (
        "a property before any profile",
        "orphan = 1\n[other]\nregion = x\n",
    ),
    ("an empty property key", "[other]\n = x\nregion = y\n"),
    (
        "a line without an equals sign",
        "[other]\nregion\n[p]\nfoo = bar\n",
    ),
    ("sections only", "[other]\n[p]\n[third]\n"),
    (
        "long-term keys elsewhere",
        "[default]\naws_access_key_id = AKIALONGTERM\naws_secret_access_key = secret\n[p]\naws_access_key_id = ASIAOLD\naws_session_token = old\n",
    ),
];

const WRITTEN: [(&str, &str); 3] = [
    ("aws_access_key_id", "ASIANEWKEYCONFORM"),
    ("aws_secret_access_key", "new/secret+value="),
    ("aws_session_token", "newTokenValue"),
];

/// Top-level key names (lowercased) of each section, by a plain scan.
fn keys_by_profile(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if let Some(rest) = line.strip_prefix('[') {
            current = rest.split(']').next().map(|n| n.trim().to_owned());
            continue;
        }
        if line.starts_with([' ', '\t', '#', ';']) {
            continue;
        }
        if let (Some(c), Some((k, _))) = (&current, line.split_once('=')) {
            out.entry(c.clone())
                .or_default()
                .insert(k.trim().to_ascii_lowercase());
        }
    }
    out
}

/// The Rust SDK's view: profile name -> key -> value, for the keys asked;
/// None when it refuses the whole file.
fn sdk_view(
    text: &str,
    keys: &BTreeMap<String, BTreeSet<String>>,
) -> Option<BTreeMap<String, BTreeMap<String, Option<String>>>> {
    use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
    let files = EnvConfigFiles::builder()
        .with_contents(EnvConfigFileKind::Credentials, text)
        .build();
    let fs = aws_types::os_shim_internal::Fs::from_slice(&[]);
    let env = aws_types::os_shim_internal::Env::from_slice(&[]);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let set = rt
        .block_on(aws_config::profile::load(&fs, &env, &files, None))
        .ok()?;
    let mut out = BTreeMap::new();
    for name in set.profiles() {
        let p = set.get_profile(name).unwrap();
        let wanted = keys.get(name).cloned().unwrap_or_default();
        let values = wanted
            .iter()
            .chain(
                WRITTEN
                    .iter()
                    .map(|(k, _)| k)
                    .map(|k| k.to_string())
                    .collect::<Vec<_>>()
                    .iter(),
            )
            .map(|k| (k.clone(), p.get(k).map(str::to_owned)))
            .collect();
        out.insert(name.to_owned(), values);
    }
    Some(out)
}

/// botocore's view (its own INI reader): profile -> key -> value, or None
/// when botocore refuses the whole file (it does for a section or a key
/// written twice, which the Rust SDK merges).
fn botocore_view(path: &Path) -> Option<serde_json::Value> {
    let py = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    let out = std::process::Command::new(py)
        .args([
            "-c",
            "import json, sys; from botocore.configloader import raw_config_parse; print(json.dumps(raw_config_parse(sys.argv[1], parse_subsections=True)))",
        ])
        .arg(path)
        .output()
        .expect("run botocore (scripts/test-deps installs it)");
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("ConfigParseError"), "botocore: {err}");
        return None;
    }
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

/// The text without the sections named `p` (what must not change).
fn outside(text: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut keep = true;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix('[') {
            keep = rest.split(']').next().map(str::trim) != Some("p");
            out.push(String::new());
        }
        if keep && let Some(last) = out.last_mut() {
            last.push_str(line);
        }
    }
    out.into_iter()
        .map(|s| s.trim_end_matches(['\r', '\n']).to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn writing_a_profile_keeps_every_other_profile_as_the_sdks_read_it() {
    for (case, text) in CASES {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials");
        std::fs::write(&path, text).unwrap();
        let botocore_before = botocore_view(&path);
        let keys = keys_by_profile(text);
        let before = sdk_view(text, &keys);
        write_profile(&path, "p", &WRITTEN, &["aws_security_token"], true)
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        let after_text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            outside(&after_text),
            outside(text),
            "{case}: bytes outside [p]\n{after_text}"
        );
        let after = sdk_view(&after_text, &keys);
        let botocore_after = botocore_view(&path);
        // A file an SDK refused stays refused (rolehop does not repair the
        // user's file); one it read, it still reads.
        assert_eq!(
            after.is_some(),
            before.is_some(),
            "{case}: the Rust SDK's verdict changed"
        );
        let (Some(before), Some(after)) = (before, after) else {
            continue;
        };
        for (name, values) in &before {
            if name == "p" {
                continue;
            }
            assert_eq!(
                after.get(name),
                Some(values),
                "{case}: Rust SDK, profile {name}"
            );
            if let (Some(b), Some(a)) = (&botocore_before, &botocore_after) {
                assert_eq!(a.get(name), b.get(name), "{case}: botocore, profile {name}");
            }
        }
        let names =
            |v: &BTreeMap<String, _>| v.keys().filter(|n| *n != "p").cloned().collect::<Vec<_>>();
        assert_eq!(
            names(&after),
            names(&before),
            "{case}: the same other profiles"
        );
        for (k, v) in WRITTEN {
            assert_eq!(
                after["p"][k].as_deref(),
                Some(v),
                "{case}: Rust SDK reads {k}\n{after_text}"
            );
            if let Some(a) = &botocore_after {
                assert_eq!(a["p"][k], v, "{case}: botocore reads {k}\n{after_text}");
            }
        }
    }
}
