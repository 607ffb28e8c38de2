//! What is refused (long-term keys, profiles that take credentials
//! elsewhere) and reading and removing a profile.

use super::*;

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
