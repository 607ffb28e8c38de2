//! Edits of the credentials file: every other byte kept.

use super::*;

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
