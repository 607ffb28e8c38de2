//! Recently used bookmarks, most recent first: the picker shows them on top
//! when the filter is empty, as the console keeps its last five roles.
//!
//! Stored as one name per line in `data_dir()/history`. The history is a
//! convenience, so a missing, unreadable or corrupt file reads as empty.

use rolehop_files::fsutil;
use std::io;
use std::path::{Path, PathBuf};

/// How many names are kept (the console keeps five).
pub const MAX: usize = 5;

/// `data_dir()/history`; None without a home directory (then no history).
pub fn default_path() -> Option<PathBuf> {
    crate::paths::data_dir().map(|d| d.join("history"))
}

/// The names in `path`, most recent first; empty when it is missing or unreadable.
pub fn load(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|text| parse(&text))
        .unwrap_or_default()
}

/// Valid, distinct names in file order, at most [`MAX`]; anything else is skipped.
pub fn parse(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim) {
        if plausible_name(line) && !names.iter().any(|n| n == line) {
            names.push(line.to_owned());
            if names.len() == MAX {
                break;
            }
        }
    }
    names
}

/// `names` with `name` moved to the front, at most [`MAX`] long.
pub fn push(names: &[String], name: &str) -> Vec<String> {
    std::iter::once(name.to_owned())
        .chain(names.iter().filter(|n| *n != name).cloned())
        .take(MAX)
        .collect()
}

/// Record a use of `name` and return the new history. A lock keeps two
/// rolehop windows from losing each other's updates.
pub fn record(path: &Path, name: &str) -> io::Result<Vec<String>> {
    let _lock = fsutil::lock_for(path)?;
    let names = push(&load(path), name);
    let mut text = names.join("\n");
    text.push('\n');
    fsutil::atomic_write(path, text.as_bytes(), fsutil::PRIVATE, false)?;
    Ok(names)
}

/// Bookmark names are short and made of letters, digits, `.`, `_` and `-`;
/// checking that much keeps garbage lines out of the list.
fn plausible_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_or_corrupt_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(&dir.path().join("none")).is_empty());
        let bad = dir.path().join("bad");
        std::fs::write(&bad, [0xff, 0xfe, 0x00, b'\n']).unwrap();
        assert!(load(&bad).is_empty());
        assert_eq!(
            parse("prod\n\x1b[31mevil\n \n\nprod\ndev\n"),
            ["prod", "dev"]
        );
    }

    #[test]
    fn most_recent_first_and_five_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("history");
        for name in ["a", "b", "c", "d", "e", "f", "c"] {
            record(&path, name).unwrap();
        }
        assert_eq!(load(&path), ["c", "f", "e", "d", "b"]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "c\nf\ne\nd\nb\n");
    }

    #[test]
    fn parse_keeps_at_most_five() {
        assert_eq!(parse("a\nb\nc\nd\ne\nf\ng\n").len(), MAX);
    }
}
