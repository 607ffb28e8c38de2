use super::*;
use std::sync::Arc;

/// Comments of both kinds, blank lines, long-term keys with a nested block
/// (whose child looks like a session token but is not top-level).
const HEAD: &str = "\
# Managed by hand; rolehop only edits its own profiles
; an old-style comment

[default]
aws_access_key_id = AKIAEXAMPLEDEFAULT
aws_secret_access_key = defaultSecretValue
s3 =
  max_concurrent_requests = 10
  aws_session_token = nested-not-top-level
region=eu-west-1

# the work profile, refreshed by rolehop
";
/// A profile to update: old `aws_security_token`, an unknown key, a nested
/// block as its last property, a blank line before the next section.
const WORK: &str = "\
[work]
aws_access_key_id = ASIAOLDWORK
aws_secret_access_key = oldWorkSecret
aws_security_token = oldWorkToken
custom_unknown_key = keep me
s3 =
    max_queue_size = 100

";
/// A section at the end of the file, without a trailing newline.
const TAIL: &str = "\
[tail]
aws_access_key_id   =   ASIATAIL
aws_session_token = tailToken";

fn fixture() -> String {
    format!("{HEAD}{WORK}{TAIL}")
}

fn file_with(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credentials");
    fs::write(&path, text).unwrap();
    (dir, path)
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

const ROTATE: &[(&str, &str)] = &[
    ("aws_access_key_id", "ASIANEW"),
    ("aws_secret_access_key", "newSecret"),
    ("aws_session_token", "newToken"),
];

#[test]
fn update_in_place_changes_only_those_lines() {
    let (_dir, path) = file_with(&fixture());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    }
    let values = [
        ("aws_access_key_id", "ASIANEW"),
        ("aws_secret_access_key", "newSecret"),
        ("aws_security_token", "newToken"),
    ];
    let outcome = write_profile(&path, "work", &values, &[], false).unwrap();
    assert_eq!(outcome, WriteOutcome::Updated);
    let work = "\
[work]
aws_access_key_id = ASIANEW
aws_secret_access_key = newSecret
aws_security_token = newToken
custom_unknown_key = keep me
s3 =
    max_queue_size = 100

";
    assert_eq!(read(&path), format!("{HEAD}{work}{TAIL}"));
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn removing_a_key_and_adding_one_after_the_nested_block() {
    let (_dir, path) = file_with(&fixture());
    let outcome = write_profile(&path, "work", ROTATE, &["aws_security_token"], false).unwrap();
    assert_eq!(outcome, WriteOutcome::Updated);
    let work = "\
[work]
aws_access_key_id = ASIANEW
aws_secret_access_key = newSecret
custom_unknown_key = keep me
s3 =
    max_queue_size = 100
aws_session_token = newToken

";
    assert_eq!(read(&path), format!("{HEAD}{work}{TAIL}"));
    assert_eq!(
        read_profile(&path, "work").unwrap().unwrap(),
        [
            ("aws_access_key_id", "ASIANEW"),
            ("aws_secret_access_key", "newSecret"),
            ("custom_unknown_key", "keep me"),
            ("s3", ""),
            ("aws_session_token", "newToken"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}

#[test]
fn append_new_section() {
    let new = "[new]\naws_access_key_id = ASIANEW\naws_secret_access_key = newSecret\naws_session_token = newToken\n";
    // No trailing newline: end the last line, then one blank line.
    let (_dir, path) = file_with(&fixture());
    assert_eq!(
        write_profile(&path, "new", ROTATE, &["aws_security_token"], false).unwrap(),
        WriteOutcome::Added
    );
    assert_eq!(read(&path), format!("{}\n\n{new}", fixture()));
    // Trailing newline: add the blank line only.
    let (_dir, path) = file_with(&format!("{}\n", fixture()));
    write_profile(&path, "new", ROTATE, &[], false).unwrap();
    assert_eq!(read(&path), format!("{}\n\n{new}", fixture()));
    // Already ends with a blank line: add nothing before the header.
    let (_dir, path) = file_with(&format!("{}\n\n", fixture()));
    write_profile(&path, "new", ROTATE, &[], false).unwrap();
    assert_eq!(read(&path), format!("{}\n\n{new}", fixture()));
}

#[test]
fn duplicate_keys_keep_the_first_and_lose_the_rest() {
    let text = "\
[other]
aws_session_token = untouched
[dup]
aws_session_token = first
region = us-east-1
aws_session_token = second
  continuation of second
aws_security_token = old
aws_security_token = older
output = json
# end of dup
";
    let (_dir, path) = file_with(text);
    write_profile(
        &path,
        "dup",
        &[("aws_session_token", "new")],
        &["aws_security_token"],
        false,
    )
    .unwrap();
    let expected = "\
[other]
aws_session_token = untouched
[dup]
aws_session_token = new
region = us-east-1
output = json
# end of dup
";
    assert_eq!(read(&path), expected);
}

#[test]
fn indented_lines_are_never_keys_nor_split_from_their_parent() {
    let text = "[p]\ns3 =\n  aws_session_token = nested\n\tregion = nested\n";
    let (_dir, path) = file_with(text);
    write_profile(
        &path,
        "p",
        &[("aws_session_token", "new"), ("region", "eu-west-1")],
        &[],
        false,
    )
    .unwrap();
    assert_eq!(
        read(&path),
        "[p]\ns3 =\n  aws_session_token = nested\n\tregion = nested\naws_session_token = new\nregion = eu-west-1\n"
    );
    // A key we rewrite loses its continuation lines (they would extend the new value).
    let (_dir, path) = file_with("[p]\naws_session_token = old\n  more-old\nregion = x\n");
    write_profile(&path, "p", &[("aws_session_token", "new")], &[], false).unwrap();
    assert_eq!(read(&path), "[p]\naws_session_token = new\nregion = x\n");
}

#[test]
fn crlf_files_stay_crlf() {
    let crlf = |s: &str| s.replace('\n', "\r\n");
    let (_dir, path) = file_with(&crlf(&fixture()));
    write_profile(&path, "work", ROTATE, &["aws_security_token"], false).unwrap();
    write_profile(&path, "new", &[("aws_session_token", "t")], &[], false).unwrap();
    let work = "\
[work]
aws_access_key_id = ASIANEW
aws_secret_access_key = newSecret
custom_unknown_key = keep me
s3 =
    max_queue_size = 100
aws_session_token = newToken

";
    let expected = format!("{HEAD}{work}{TAIL}\n\n[new]\naws_session_token = t\n");
    let got = read(&path);
    assert_eq!(got, crlf(&expected));
    assert!(!got.replace("\r\n", "").contains(['\n', '\r']), "{got:?}");
}

#[test]
fn last_line_without_newline_stays_without() {
    let (_dir, path) = file_with(&fixture());
    write_profile(
        &path,
        "tail",
        &[("aws_session_token", "newTail")],
        &[],
        false,
    )
    .unwrap();
    let updated = format!(
        "{HEAD}{WORK}[tail]\naws_access_key_id   =   ASIATAIL\naws_session_token = newTail"
    );
    assert_eq!(read(&path), updated);
    write_profile(&path, "tail", &[("region", "eu-west-2")], &[], false).unwrap();
    assert_eq!(read(&path), format!("{updated}\nregion = eu-west-2"));
    // A header at EOF with no keys yet.
    let (_dir, path) = file_with("[a]\nx = 1\n[empty]");
    write_profile(&path, "empty", &[("k", "v")], &[], false).unwrap();
    assert_eq!(read(&path), "[a]\nx = 1\n[empty]\nk = v");
}

#[test]
fn empty_file_gets_the_section() {
    let (_dir, path) = file_with("");
    let outcome = write_profile(&path, "p", &[("aws_session_token", "t")], &[], false).unwrap();
    assert_eq!(outcome, WriteOutcome::Added);
    assert_eq!(read(&path), "[p]\naws_session_token = t\n");
}

#[test]
fn missing_file_and_directory_are_created_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new-dir").join("credentials");
    let outcome = write_profile(&path, "p", ROTATE, &["aws_security_token"], false).unwrap();
    assert_eq!(outcome, WriteOutcome::Created);
    assert_eq!(
        read(&path),
        "[p]\naws_access_key_id = ASIANEW\naws_secret_access_key = newSecret\naws_session_token = newToken\n"
    );
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn long_term_keys_are_refused_unless_forced() {
    let (_dir, path) = file_with(&fixture());
    let err = write_profile(&path, "default", ROTATE, &[], false).unwrap_err();
    assert!(
        matches!(&err, CredFileError::LongTermKeys { profile, .. } if profile == "default"),
        "{err:?}"
    );
    let shown = err.to_string();
    assert!(
        shown.contains("--profile") && shown.contains("--force"),
        "{shown}"
    );
    assert_eq!(read(&path), fixture());

    let outcome = write_profile(&path, "default", ROTATE, &[], true).unwrap();
    assert_eq!(outcome, WriteOutcome::Updated);
    let default = "\
[default]
aws_access_key_id = ASIANEW
aws_secret_access_key = newSecret
s3 =
  max_concurrent_requests = 10
  aws_session_token = nested-not-top-level
region=eu-west-1
aws_session_token = newToken
";
    let before =
        "# Managed by hand; rolehop only edits its own profiles\n; an old-style comment\n\n";
    let after = format!("\n# the work profile, refreshed by rolehop\n{WORK}{TAIL}");
    assert_eq!(read(&path), format!("{before}{default}{after}"));
}

#[test]
fn check_writable_predicts_the_refusal() {
    let (dir, path) = file_with(&fixture());
    let err = check_writable(&path, "default").unwrap_err();
    assert!(matches!(err, CredFileError::LongTermKeys { .. }), "{err:?}");
    check_writable(&path, "work").unwrap();
    check_writable(&path, "tail").unwrap();
    check_writable(&path, "absent").unwrap();
    check_writable(&dir.path().join("missing"), "default").unwrap();
    let err = check_writable(&path, "a]b").unwrap_err();
    assert!(
        matches!(err, CredFileError::InvalidProfileName { .. }),
        "{err:?}"
    );
    assert_eq!(read(&path), fixture());
}

/// The SDKs take such a profile's credentials from its role_arn,
/// credential_process or SSO settings, never from keys written next to
/// them: `rolehop write` would report keys nobody reads.
#[test]
fn a_config_profile_that_takes_credentials_elsewhere_refuses_the_write() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
            &config,
            "[default]\ncredential_process = /bin/x\n[profile   prod]\nregion = eu-west-1\nROLE_ARN = arn:aws:iam::1:role/x\n[profile dev]\nregion = x\n[prod]\nrole_arn = ignored-by-the-sdk-in-the-config-file\n",
        )
        .unwrap();
    let e = check_config_at(&config, "prod").unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "profile [prod] in {} also sets role_arn, which the AWS SDKs use before access keys, so the keys written there would be ignored; remove role_arn from it or pick another profile name with --profile",
            config.display()
        )
    );
    assert!(check_config_at(&config, "default").is_err());
    assert!(check_config_at(&config, "dev").is_ok());
    assert!(check_config_at(&config, "other").is_ok());
    assert!(check_config_at(&dir.path().join("missing"), "prod").is_ok());
}

#[test]
fn profiles_that_take_credentials_elsewhere_are_refused_forced_or_not() {
    for (text, key) in [
        (
            "[p]\nrole_arn = arn:aws:iam::111111111111:role/R\nsource_profile = base\n",
            "role_arn",
        ),
        (
            "[p]\ncredential_process = /usr/bin/get-creds\n",
            "credential_process",
        ),
        (
            "[p]\nSSO_SESSION = corp\nsso_account_id = 1\n",
            "sso_session",
        ),
        (
            "[p]\nregion = x\n[q]\n[p]\nweb_identity_token_file = /t\n",
            "web_identity_token_file",
        ),
    ] {
        let (_dir, path) = file_with(text);
        for force in [false, true] {
            let err = write_profile(&path, "p", &[("aws_access_key_id", "ASIANEW")], &[], force)
                .unwrap_err();
            assert!(
                matches!(err, CredFileError::OtherSource { key: k, .. } if k == key),
                "{text:?}: {err:?}"
            );
            assert!(
                err.to_string().contains(&format!("remove {key} from it")),
                "{err}"
            );
        }
        assert!(matches!(
            check_writable(&path, "p"),
            Err(CredFileError::OtherSource { .. })
        ));
        assert_eq!(read(&path), text, "left alone");
    }
    // A nested key of that name is no such key; another profile's is not ours.
    let text = "[p]\ns3 =\n  role_arn = nested\n[other]\ncredential_process = x\n";
    let (_dir, path) = file_with(text);
    check_writable(&path, "p").unwrap();
    write_profile(&path, "p", &[("aws_access_key_id", "ASIANEW")], &[], false).unwrap();
    // Writing other keys than access keys is not refused.
    let (_dir, path) = file_with("[p]\ncredential_process = x\n");
    write_profile(&path, "p", &[("region", "eu-west-1")], &[], false).unwrap();
}

#[test]
fn remove_profile_removes_exactly_that_section() {
    let (_dir, path) = file_with(&fixture());
    assert!(remove_profile(&path, "work").unwrap());
    assert_eq!(read(&path), format!("{HEAD}{TAIL}"));

    let (_dir, path) = file_with(&fixture());
    assert!(remove_profile(&path, "tail").unwrap());
    assert_eq!(read(&path), format!("{HEAD}{WORK}"));

    let (_dir, path) = file_with(&fixture());
    assert!(!remove_profile(&path, "absent").unwrap());
    assert_eq!(read(&path), fixture());

    let (_dir, path) = file_with("[a]\nx = 1\n[ a ]\ny = 2\n[b]\nz = 3\n");
    assert!(remove_profile(&path, "a").unwrap());
    assert_eq!(read(&path), "[b]\nz = 3\n");

    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("credentials");
    assert!(!remove_profile(&missing, "a").unwrap());
    assert!(!missing.exists());
}

#[test]
fn header_forms_and_duplicate_sections() {
    let text = "[ spaced ]\na = 1\n[commented] # note\nb = 2\n[trailing]  \nc = 3\n[d]\nd = 1\n[d]\nd = 2\n";
    let (_dir, path) = file_with(text);
    for name in ["commented", "trailing"] {
        let outcome = write_profile(&path, name, &[("k", name)], &[], false).unwrap();
        assert_eq!(outcome, WriteOutcome::Updated, "{name}");
    }
    // botocore does not trim `[ spaced ]` (the Rust SDK does): it is
    // updated, and `[spaced]` is written for botocore to read.
    let outcome = write_profile(&path, "spaced", &[("k", "spaced")], &[], false).unwrap();
    assert_eq!(outcome, WriteOutcome::UpdatedCopies(2));
    // Two copies are one profile to the SDKs: a new key goes into the last.
    let outcome = write_profile(&path, "d", &[("k", "d")], &[], false).unwrap();
    assert_eq!(outcome, WriteOutcome::UpdatedCopies(2));
    assert_eq!(
        read(&path),
        "[ spaced ]\na = 1\n[commented] # note\nb = 2\nk = commented\n[trailing]  \nc = 3\nk = trailing\n[d]\nd = 1\n[d]\nd = 2\nk = d\n\n[spaced]\nk = spaced\n"
    );
    // A key both copies have is updated in both, so the later one is new too.
    write_profile(&path, "d", &[("d", "3")], &[], false).unwrap();
    assert!(
        read(&path).contains("[d]\nd = 3\n[d]\nd = 3\nk = d\n"),
        "{}",
        read(&path)
    );
}

#[test]
fn read_profile_absent_cases() {
    let (dir, path) = file_with(&fixture());
    assert_eq!(read_profile(&path, "absent").unwrap(), None);
    assert_eq!(
        read_profile(&dir.path().join("missing"), "work").unwrap(),
        None
    );
    let tail = read_profile(&path, "tail").unwrap().unwrap();
    assert_eq!(
        tail,
        [
            ("aws_access_key_id", "ASIATAIL"),
            ("aws_session_token", "tailToken")
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}

#[test]
fn fifty_concurrent_writers_lose_nothing() {
    let (_dir, path) = file_with(&fixture());
    let path = Arc::new(path);
    let threads: Vec<_> = (0..50)
        .map(|i| {
            let path = Arc::clone(&path);
            std::thread::spawn(move || {
                let id = format!("ASIA{i}");
                let token = format!("token-{i}");
                let values = [("aws_access_key_id", &*id), ("aws_session_token", &*token)];
                write_profile(&path, &format!("p{i}"), &values, &[], false).unwrap()
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), WriteOutcome::Added);
    }
    let text = read(&path);
    assert!(text.starts_with(&fixture()), "{text}");
    for i in 0..50 {
        let got = read_profile(&path, &format!("p{i}")).unwrap().unwrap();
        let want = [
            ("aws_access_key_id".to_owned(), format!("ASIA{i}")),
            ("aws_session_token".to_owned(), format!("token-{i}")),
        ];
        assert_eq!(got, want);
        assert_eq!(text.matches(&format!("[p{i}]\n")).count(), 1);
    }
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
}

#[cfg(unix)]
#[test]
fn symlinked_file_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("dotfiles").join("credentials");
    fs::create_dir_all(target.parent().unwrap()).unwrap();
    fs::write(&target, fixture()).unwrap();
    let link = dir.path().join(".aws").join("credentials");
    fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();

    write_profile(&link, "work", ROTATE, &["aws_security_token"], false).unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(read(&target).contains("aws_session_token = newToken\n"));
    assert!(remove_profile(&link, "work").unwrap());
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(read(&target), format!("{HEAD}{TAIL}"));
    assert_eq!(mode(&target), 0o600);
}

#[test]
fn bad_names_keys_and_values_are_refused_without_writing() {
    let (_dir, path) = file_with(&fixture());
    for name in ["", "  ", "a]b", "[a", "a\nb", "a\rb", " lead", "trail\t"] {
        let err = write_profile(&path, name, &[("k", "v")], &[], false).unwrap_err();
        assert!(
            matches!(err, CredFileError::InvalidProfileName { .. }),
            "{name:?}: {err:?}"
        );
    }
    for key in ["", "a=b", "a\nb", " k", "[k", "#k", ";k"] {
        let err = write_profile(&path, "p", &[(key, "v")], &[], false).unwrap_err();
        assert!(
            matches!(err, CredFileError::InvalidKey { .. }),
            "{key:?}: {err:?}"
        );
        let err = write_profile(&path, "p", &[], &[key], false).unwrap_err();
        assert!(
            matches!(err, CredFileError::InvalidKey { .. }),
            "{key:?}: {err:?}"
        );
    }
    for value in ["a\nb", "a\rb", "\r\n"] {
        let err = write_profile(&path, "p", &[("k", value)], &[], false).unwrap_err();
        assert!(
            matches!(&err, CredFileError::InvalidValue { key, .. } if key == "k"),
            "{err:?}"
        );
    }
    assert_eq!(read(&path), fixture());
}

#[test]
fn keys_match_in_any_case_and_keep_their_spelling() {
    // Long-term keys written in capitals are still long-term keys.
    let (_dir, path) =
        file_with("[prod]\nAWS_ACCESS_KEY_ID = AKIALONGTERM\nAWS_Secret_Access_Key = s\n");
    let err = write_profile(&path, "prod", ROTATE, &[], false).unwrap_err();
    assert!(matches!(err, CredFileError::LongTermKeys { .. }), "{err:?}");
    assert!(check_writable(&path, "prod").is_err());
    // Temporary keys in capitals are updated in place, not duplicated
    // (botocore refuses a whole file with a key twice in a section).
    let text = "[work]\nAWS_ACCESS_KEY_ID = ASIAOLD\nAws_Secret_Access_Key = old\nAWS_SESSION_TOKEN = old\nAWS_SECURITY_TOKEN = stale\n";
    let (_dir, path) = file_with(text);
    write_profile(&path, "work", ROTATE, &["aws_security_token"], false).unwrap();
    assert_eq!(
        read(&path),
        "[work]\nAWS_ACCESS_KEY_ID = ASIANEW\nAws_Secret_Access_Key = newSecret\nAWS_SESSION_TOKEN = newToken\n"
    );
}

#[test]
fn profile_names_the_sdks_cannot_read_are_refused_before_writing() {
    let (_dir, path) = file_with(&fixture());
    for name in ["a#b", "a;b", "a b", "a=b", "a\"b", "prod!", "été"] {
        let err = write_profile(&path, name, ROTATE, &[], false).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.contains("only letters, digits and - / . % @ _ : +"),
            "{name:?}: {shown}"
        );
        assert!(check_writable(&path, name).is_err(), "{name:?}");
    }
    assert_eq!(read(&path), fixture());
    for name in [
        "a-b",
        "team/prod",
        "x.y",
        "50%",
        "me@corp",
        "a_b",
        "ns:p",
        "a+b",
    ] {
        write_profile(&path, name, ROTATE, &[], false).unwrap();
    }
}

#[test]
fn no_error_shows_a_value() {
    const SECRET: &str = "s3cr3tV4lue";
    let multi = format!("{SECRET}\nline2");
    let values = [("aws_secret_access_key", SECRET)];
    let dir = tempfile::tempdir().unwrap();
    let mut errors = Vec::new();

    errors.push(resolve_path(None, || None).unwrap_err());
    let (_d, creds) = file_with(&fixture());
    errors.push(write_profile(&creds, "default", &values, &[], false).unwrap_err());
    errors.push(
        write_profile(
            &creds,
            "p",
            &[("aws_secret_access_key", &multi)],
            &[],
            false,
        )
        .unwrap_err(),
    );
    errors.push(write_profile(&creds, "bad\nname", &values, &[], false).unwrap_err());
    errors.push(write_profile(&creds, "p", &[("bad=key", SECRET)], &[], false).unwrap_err());
    let a_dir = dir.path().join("a-dir");
    fs::create_dir(&a_dir).unwrap();
    errors.push(write_profile(&a_dir, "p", &values, &[], false).unwrap_err());
    // Locks live in the runtime directory now: a lock failure is built too.
    errors.push(CredFileError::Lock {
        path: creds.clone(),
        source: io::Error::other("no locks"),
    });
    let latin1 = dir.path().join("latin1");
    fs::write(&latin1, b"[p]\nk = caf\xe9\n").unwrap();
    errors.push(write_profile(&latin1, "p", &values, &[], false).unwrap_err());
    // Hard to provoke from outside; built directly so every variant is checked.
    errors.push(CredFileError::Write {
        path: creds.clone(),
        source: io::Error::other("disk full"),
    });
    errors.push(CredFileError::Unparsable {
        path: creds.clone(),
    });

    let kinds: Vec<_> = errors.iter().map(std::mem::discriminant).collect();
    for (i, kind) in kinds.iter().enumerate() {
        assert!(
            !kinds[..i].contains(kind),
            "duplicate variant: {:?}",
            errors[i]
        );
    }
    assert_eq!(errors.len(), 10, "one of each variant");
    for err in &errors {
        let shown = format!("{err} | {err:?} | {err:#?}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains("line2"), "{shown}");
        let line = err.to_string();
        assert!(!line.contains('\n'), "{line}");
        if !matches!(err, CredFileError::NoHome) {
            assert!(
                line.contains(&*dir.path().to_string_lossy())
                    || line.contains(&*creds.to_string_lossy()),
                "{line}"
            );
        }
    }
}

#[test]
fn default_path_resolution() {
    let home = || Some(PathBuf::from("/home/u"));
    let creds = PathBuf::from("/home/u/.aws/credentials");
    assert_eq!(resolve_path(None, home).unwrap(), creds);
    assert_eq!(resolve_path(Some("".into()), home).unwrap(), creds);
    assert_eq!(
        resolve_path(Some("/etc/creds".into()), home).unwrap(),
        PathBuf::from("/etc/creds")
    );
    assert_eq!(
        resolve_path(Some("~/x/creds".into()), home).unwrap(),
        PathBuf::from("/home/u/x/creds")
    );
    assert!(matches!(
        resolve_path(None, || None),
        Err(CredFileError::NoHome)
    ));
    assert!(default_path().is_ok());
}

#[test]
fn parse_round_trips_odd_input() {
    for doc in [
        "",
        "\n",
        "\r\n\r\n",
        "a\rb\r\nc\n",
        "[x\nnot a header]\n  [indented]\n=\n  \n\t\n;c\n#c",
        "é = ü\n[ünï]\nk=v",
    ] {
        let lines = parse(doc).unwrap();
        let joined: String = lines.iter().flat_map(|l| [l.text, l.eol]).collect();
        assert_eq!(joined, doc);
    }
}
