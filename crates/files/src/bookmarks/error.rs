//! Errors of the bookmarks file: one line each, naming the file (and the place).

use std::io;
use std::path::{Path, PathBuf};

use super::*;

/// Anything that stops the bookmarks file from being read or changed. Every
/// variant displays as one line naming the file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Something wrong at a place in the file (syntax or a bad value).
    #[error("{}:{line}:{col}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        /// 1-based.
        line: usize,
        /// 1-based, in characters.
        col: usize,
        message: String,
    },
    /// A problem with the file as a whole rather than one place in it.
    #[error("{}: {message}", path.display())]
    File { path: PathBuf, message: String },
    #[error("{}: cannot {action}: {source}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        source: io::Error,
    },
    #[error("{}: no bookmark named {name:?}{} (see `rolehop list`)", path.display(), did_you_mean(.suggestion.as_deref()))]
    UnknownBookmark {
        path: PathBuf,
        name: String,
        suggestion: Option<String>,
    },
    #[error("{}: bookmark {name:?} already exists (choose another name)", path.display())]
    Exists { path: PathBuf, name: String },
    /// What the user typed for `add`/`update` is invalid; one entry per bad
    /// field so a form can mark each of them.
    #[error("{}: bookmark {name:?}: {}", path.display(), join_field_errors(.errors))]
    InvalidSpec {
        path: PathBuf,
        name: String,
        errors: Vec<(Field, String)>,
    },
    #[error(transparent)]
    NoConfigDir(#[from] NoConfigDir),
}

/// No home directory to put the bookmarks file in.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "cannot find a configuration directory for this user (set ROLEHOP_CONFIG to the bookmarks file)"
)]
pub struct NoConfigDir;

pub(super) fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!("; did you mean {s:?}?"))
}

pub(super) fn join_field_errors(errors: &[(Field, String)]) -> String {
    let parts: Vec<String> = errors
        .iter()
        .map(|(f, e)| format!("{} {e}", f.key()))
        .collect();
    parts.join("; ")
}

/// The closest candidate by Jaro-Winkler similarity, if it is close enough
/// to be a plausible typo.
pub(super) fn closest<'a>(
    needle: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(needle, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

pub(super) fn unknown_bookmark(path: &Path, name: &str, items: &[Bookmark]) -> ConfigError {
    ConfigError::UnknownBookmark {
        path: path.to_path_buf(),
        name: name.to_owned(),
        suggestion: closest(name, items.iter().map(|b| b.name.as_str())).map(str::to_owned),
    }
}

pub(super) fn io_error(path: &Path, action: &'static str, source: io::Error) -> ConfigError {
    ConfigError::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}
