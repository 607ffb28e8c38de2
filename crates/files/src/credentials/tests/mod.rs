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

mod edit;
mod misc;
mod refusals;
