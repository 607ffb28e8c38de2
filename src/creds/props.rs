//! Property tests of the credentials-file editor over generated files:
//! comments of both kinds, CRLF, a BOM, duplicate sections, nested `s3 =`
//! blocks, keys without values, no final newline, upper-case keys. For each:
//! every section but the written profile is unchanged byte for byte, and the
//! profile, merged as the SDKs merge duplicates, reads back what was written.

use proptest::prelude::*;
use rolehop_files::credentials::{read_profile, write_profile};

/// One line of a section body.
fn body_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("# a comment".to_owned()),
        Just("; another comment".to_owned()),
        Just(String::new()),
        Just("   ".to_owned()),
        Just("region = eu-west-1".to_owned()),
        Just("novalue".to_owned()),
        Just("output=json".to_owned()),
        Just("s3 =\n  max_concurrent_requests = 10\n  aws_session_token = nested".to_owned()),
        Just("AWS_ACCESS_KEY_ID = ASIAOLDUPPER".to_owned()),
        Just("aws_secret_access_key = oldsecret".to_owned()),
        Just("Aws_Session_Token = oldtoken".to_owned()),
        Just("aws_security_token = stale".to_owned()),
        "[a-z_]{1,8} = [A-Za-z0-9/+=]{0,12}",
    ]
}

fn section() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("p"), Just("default"), Just("other"), Just("p-2")],
        prop_oneof![Just(""), Just(" # note"), Just("  ")],
        proptest::collection::vec(body_line(), 0..6),
    )
        .prop_map(|(name, trail, lines)| {
            let mut s = format!("[{name}]{trail}\n");
            for l in lines {
                s.push_str(&l);
                s.push('\n');
            }
            s
        })
}

/// A whole file: an optional leading comment (after a BOM, sometimes),
/// sections, then line-ending and final-newline variations.
fn file() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec(section(), 0..6),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(bom, head, sections, crlf, trim_end)| {
            let mut s = String::new();
            if bom {
                s.push('\u{feff}');
            }
            if bom || head {
                s.push_str("# credentials, by hand\n");
            }
            s.extend(sections);
            if trim_end {
                while s.ends_with('\n') {
                    s.pop();
                }
            }
            if crlf {
                s = s.replace('\n', "\r\n");
            }
            s
        })
}

/// The file cut at section headers: (name or None for the head, text).
fn split(text: &str) -> Vec<(Option<String>, String)> {
    let mut out: Vec<(Option<String>, String)> = vec![(None, String::new())];
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest.split(']').next().unwrap_or("").trim().to_owned();
            out.push((Some(name), String::new()));
        }
        if let Some(last) = out.last_mut() {
            last.1.push_str(line);
        }
    }
    out
}

/// Profile `name` as the SDKs see it: every copy merged, the later value of a
/// key (in any case) winning; top-level keys only.
fn merged(text: &str, name: &str) -> Vec<(String, String)> {
    let mut kv: Vec<(String, String)> = Vec::new();
    for (n, body) in split(text) {
        if n.as_deref() != Some(name) {
            continue;
        }
        for line in body.lines().skip(1) {
            if line.starts_with([' ', '\t', '#', ';']) {
                continue;
            }
            if let Some((k, v)) = line.split_once('=') {
                let k = k.trim().to_ascii_lowercase();
                let v = v.trim().trim_end_matches('\r').to_owned();
                kv.retain(|(key, _)| *key != k);
                kv.push((k, v));
            }
        }
    }
    kv
}

const WRITE: [(&str, &str); 3] = [
    ("aws_access_key_id", "ASIANEWKEY"),
    ("aws_secret_access_key", "newSecret/+="),
    ("aws_session_token", "newToken"),
];

proptest! {
    // ROLEHOP_PROPTEST_CASES=100000 for a long run; failures are printed
    // with their minimal input, not saved into the tree.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("ROLEHOP_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn writing_a_profile_changes_only_that_profile(text in file()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials");
        std::fs::write(&path, &text).unwrap();
        match write_profile(&path, "p", &WRITE, &["aws_security_token"], true) {
            Ok(_) => {}
            // Files the line parser cannot take back byte for byte are refused whole.
            Err(e) => {
                prop_assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "{}", e);
                return Ok(());
            }
        }
        let out = std::fs::read_to_string(&path).unwrap();
        // Every other section, and the head, byte for byte, in order.
        let others = |t: &str| {
            split(t)
                .into_iter()
                .filter(|(n, _)| n.as_deref() != Some("p"))
                .map(|(_, body)| body.trim_end_matches(['\r', '\n']).to_owned())
                .collect::<Vec<_>>()
        };
        prop_assert_eq!(others(&out), others(&text));
        // The profile reads back what was written, merged as the SDKs do.
        let got = merged(&out, "p");
        for (k, v) in WRITE {
            prop_assert!(
                got.iter().any(|(key, val)| key == k && val == v),
                "{} missing in {:?}\n{}", k, got, out
            );
        }
        prop_assert!(!got.iter().any(|(k, _)| k == "aws_security_token"), "{}", out);
        // No key twice in one copy (botocore refuses such a file).
        for (n, body) in split(&out) {
            if n.as_deref() != Some("p") {
                continue;
            }
            let mut seen = Vec::new();
            for line in body.lines().skip(1) {
                if line.starts_with([' ', '\t', '#', ';']) {
                    continue;
                }
                if let Some((k, _)) = line.split_once('=') {
                    let k = k.trim().to_ascii_lowercase();
                    if WRITE.iter().any(|(w, _)| *w == k) {
                        prop_assert!(!seen.contains(&k), "{} twice in\n{}", k, out);
                    }
                    seen.push(k);
                }
            }
        }
        // rolehop's own reader agrees on the first copy's keys.
        prop_assert!(read_profile(&path, "p").unwrap().is_some());
    }
}
