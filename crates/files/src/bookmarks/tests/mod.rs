use super::*;
use std::fs;
use std::path::{Path, PathBuf};

const EXAMPLE: &str = r##"# My roles.
[defaults]
region = "us-east-1"
duration = "1h"

[bookmarks.prod]            # the key is the name
account = "210987654321"
role = "CrossAccountRole"
display = "Prod (admin)"
color = "red"
mfa_serial = "arn:aws:iam::123456789012:mfa/alice"

[bookmarks.dev]
account = "012345678901"
role = "ops/Admin"
region = "eu-west-1"
duration = 900
color = "#A1B2C3"
"##;

fn load_str(text: &str) -> Result<Vec<Bookmark>, ConfigError> {
    load_full(text).map(|l| l.items)
}

fn err(text: &str) -> String {
    match load_str(text) {
        Ok(items) => panic!("expected an error, loaded {items:?}"),
        Err(e) => e.to_string(),
    }
}

fn file_with(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bookmarks.toml");
    fs::write(&path, text).unwrap();
    (dir, path)
}

fn spec(name: &str, account: &str, role: &str) -> BookmarkSpec {
    BookmarkSpec {
        name: name.into(),
        account: account.into(),
        role: role.into(),
        ..BookmarkSpec::default()
    }
}

/// What `Bookmarks::load` does with the text: the fast path when it
/// applies (checked against the validator in tests), else the validator.
fn load_full(text: &str) -> Result<Loaded, ConfigError> {
    load_text(&Src {
        path: Path::new("b.toml"),
        text,
    })
}

/// A bookmark with `line` as its third line, the required keys filled in.
fn bookmark_with(line: &str) -> String {
    let mut s = String::from("# note\n[bookmarks.prod]\n");
    s.push_str(line);
    s.push('\n');
    if !line.starts_with("account ") {
        s.push_str("account = \"210987654321\"\n");
    }
    if !line.starts_with("role ") {
        s.push_str("role = \"Admin\"\n");
    }
    s
}

mod edit;
mod read;
mod settings;
mod sso;
