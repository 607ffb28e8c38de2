//! Editor for the AWS shared credentials file (`~/.aws/credentials`).
//!
//! People keep hand-written profiles, comments and SDK tuning (`s3 =` blocks)
//! in this file, so we edit it line by line and leave every byte we do not own
//! exactly as it was. Writers are serialised with a sidecar lock and the file
//! is replaced atomically, always with mode 0600, because it holds secrets.
//!
//! Line rules follow the AWS SDKs' profile parser: a line starting with `[` is
//! a section header, `#`/`;` start a comment, whitespace-only lines are blank,
//! and any other line starting with a space or tab continues the previous
//! property (a nested block such as `s3 =` or a multi-line value).

use std::borrow::Cow;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use ini_roundtrip::{Item, Parser};

use crate::fsutil;

/// The variable the AWS SDKs and CLI read for the file's location.
const PATH_ENV: &str = "AWS_SHARED_CREDENTIALS_FILE";
const ACCESS_KEY_ID: &str = "aws_access_key_id";
/// Either key marks a profile as holding temporary (session) credentials.
const SESSION_KEYS: [&str; 2] = ["aws_session_token", "aws_security_token"];

/// What [`write_profile`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The file did not exist and was created.
    Created,
    /// The file existed; the profile section was appended to it.
    Added,
    /// The profile section existed and was edited in place.
    Updated,
    /// The profile is written in this many sections of the same name (the
    /// SDKs merge them); every copy was edited so they read the new values.
    UpdatedCopies(usize),
}

/// Errors carry paths, profile names and key names, never a value: values are
/// secrets and these errors end up on the terminal and in logs.
#[derive(Debug, thiserror::Error)]
pub enum CredFileError {
    #[error(
        "cannot locate the AWS credentials file: no home directory found; set {PATH_ENV} to its path"
    )]
    NoHome,
    #[error(
        "cannot read the AWS credentials file {path}: {source}; check that it is a readable file"
    )]
    Read { path: PathBuf, source: io::Error },
    #[error(
        "cannot lock the AWS credentials file {path} for writing: {source}; check that its directory is writable"
    )]
    Lock { path: PathBuf, source: io::Error },
    #[error(
        "cannot write the AWS credentials file {path}: {source}; check the permissions and free space of its directory"
    )]
    Write { path: PathBuf, source: io::Error },
    #[error("the AWS credentials file {path} is not valid UTF-8; fix or move it, then retry")]
    NotUtf8 { path: PathBuf },
    #[error(
        "cannot make sense of the lines of the AWS credentials file {path}; it was left unchanged, please report this as a bug"
    )]
    Unparsable { path: PathBuf },
    #[error(
        "profile [{profile}] in {path} holds long-term access keys; pick another profile name with --profile, or pass --force to overwrite them"
    )]
    LongTermKeys { profile: String, path: PathBuf },
    #[error(
        "profile [{profile}] in {path} also sets {key}, which the AWS SDKs use before access keys, so the keys written there would be ignored; remove {key} from it or pick another profile name with --profile"
    )]
    OtherSource {
        profile: String,
        key: &'static str,
        path: PathBuf,
    },
    #[error("invalid profile name {name:?} for {path}: {reason}; pick another name with --profile")]
    InvalidProfileName {
        name: String,
        reason: &'static str,
        path: PathBuf,
    },
    #[error(
        "invalid key name {key:?} for {path}: keys must be one line, without '=', '[', '#', ';' or surrounding spaces"
    )]
    InvalidKey { key: String, path: PathBuf },
    #[error(
        "the value for {key} contains a line break and cannot be stored in {path}; nothing was written"
    )]
    InvalidValue { key: String, path: PathBuf },
}

/// `AWS_SHARED_CREDENTIALS_FILE` if set and non-empty (a leading `~/` is
/// expanded, as the SDKs do), else `$HOME/.aws/credentials`.
pub fn default_path() -> Result<PathBuf, CredFileError> {
    resolve_path(std::env::var_os(PATH_ENV), || {
        directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf())
    })
}

/// The shared config file: `AWS_CONFIG_FILE`, else `~/.aws/config` (same rules).
/// Sections there are named `[profile NAME]` (except `[default]`).
pub fn config_path() -> Result<PathBuf, CredFileError> {
    let home = || directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
    match std::env::var_os("AWS_CONFIG_FILE").filter(|v| !v.is_empty()) {
        Some(v) => resolve_path(Some(v), home),
        None => Ok(home()
            .ok_or(CredFileError::NoHome)?
            .join(".aws")
            .join("config")),
    }
}

/// [`default_path`] with its inputs passed in, so tests need not touch the
/// process environment.
fn resolve_path(
    env: Option<OsString>,
    home: impl FnOnce() -> Option<PathBuf>,
) -> Result<PathBuf, CredFileError> {
    let Some(value) = env.filter(|v| !v.is_empty()) else {
        return home()
            .map(|h| h.join(".aws").join("credentials"))
            .ok_or(CredFileError::NoHome);
    };
    let under_home = match value.to_str() {
        Some("~") => Some(String::new()),
        Some(s) => s.strip_prefix("~/").map(str::to_owned),
        None => None,
    };
    match under_home {
        Some(rest) => home()
            .map(|h| if rest.is_empty() { h } else { h.join(rest) })
            .ok_or(CredFileError::NoHome),
        None => Ok(PathBuf::from(value)),
    }
}

/// Set `values` (key, value) in section `[profile]` and delete the `remove`
/// keys from it, atomically.
///
/// Existing keys are rewritten in place as `key = value`; later duplicates of
/// a key we set or remove are deleted, since the SDK would otherwise read an
/// ambiguous value. New keys go right after the section's last property line.
/// A key we rewrite or delete also loses its indented continuation lines: left
/// behind, they would be read as part of the new value. If a key appears in
/// both lists it is set; if it is given twice in `values`, the last one wins.
///
/// Refuses to touch a section holding long-term keys (`aws_access_key_id`
/// without a session token) unless `force`: those are the user's own keys and
/// overwriting them with temporary ones would lose them. Refuses, forced or
/// not, to write access keys into a profile that also sets `role_arn`,
/// `credential_process`, SSO settings or another key of `OTHER_SOURCES`:
/// the SDKs would use that instead, and ignore the keys written.
pub fn write_profile(
    path: &Path,
    profile: &str,
    values: &[(&str, &str)],
    remove: &[&str],
    force: bool,
) -> Result<WriteOutcome, CredFileError> {
    check_profile(profile, path)?;
    check_sdk_name(profile, path)?;
    for &(key, value) in values {
        check_key(key, path)?;
        if value.contains(['\n', '\r']) {
            return Err(CredFileError::InvalidValue {
                key: key.to_owned(),
                path: path.to_path_buf(),
            });
        }
    }
    for key in remove {
        check_key(key, path)?;
    }
    let mut set: Vec<(&str, &str)> = Vec::with_capacity(values.len());
    for &(key, value) in values {
        match set.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => set.push((key, value)),
        }
    }
    let drop: Vec<&str> = remove
        .iter()
        .copied()
        .filter(|key| !set.iter().any(|(k, _)| k == key))
        .collect();

    let (real, _lock) = lock(path)?;
    let (text, outcome) = match read_text(path, &real)? {
        None => (new_section(profile, &set, "\n"), WriteOutcome::Created),
        Some(old) => match edit(&old, profile, &set, &drop, force) {
            Ok(edited) => edited,
            Err(Refusal::LongTermKeys) => {
                return Err(CredFileError::LongTermKeys {
                    profile: profile.to_owned(),
                    path: path.to_path_buf(),
                });
            }
            Err(Refusal::OtherSource(key)) => {
                return Err(CredFileError::OtherSource {
                    profile: profile.to_owned(),
                    key,
                    path: path.to_path_buf(),
                });
            }
            Err(Refusal::Unparsable) => {
                return Err(CredFileError::Unparsable {
                    path: path.to_path_buf(),
                });
            }
        },
    };
    // The new file text holds the secret key and token: wiped once written.
    let text = zeroize::Zeroizing::new(text);
    write_text(path, &real, &text)?;
    Ok(outcome)
}

/// Fail as [`write_profile`] without `force` would, but without writing or
/// locking: callers run it before STS so no MFA code is spent on a write that
/// will be refused. Advisory only; `write_profile` checks again under its lock.
pub fn check_writable(path: &Path, profile: &str) -> Result<(), CredFileError> {
    check_profile(profile, path)?;
    check_sdk_name(profile, path)?;
    let real = fsutil::real_path(path).map_err(|source| CredFileError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    let Some(text) = read_text(path, &real)? else {
        return Ok(());
    };
    let lines = parse(&text).ok_or_else(|| CredFileError::Unparsable {
        path: path.to_path_buf(),
    })?;
    let copies: Vec<&[Line<'_>]> = sections(&lines, profile)
        .into_iter()
        .map(|r| &lines[r])
        .collect();
    if holds_long_term_keys(&copies) {
        return Err(CredFileError::LongTermKeys {
            profile: profile.to_owned(),
            path: path.to_path_buf(),
        });
    }
    if let Some(key) = other_source(&copies, &[]) {
        return Err(CredFileError::OtherSource {
            profile: profile.to_owned(),
            key,
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// Refuse a write to `profile` when `[profile NAME]` of the shared config
/// file (`AWS_CONFIG_FILE` or `~/.aws/config`) takes its credentials from
/// elsewhere (a `role_arn`, SSO, a process...): the SDKs merge that section
/// with the credentials file's and use that source, ignoring the keys
/// written (typical after `import aws-config` named a bookmark like the
/// profile). A config file that cannot be read is left to the SDK to report.
pub fn check_config(profile: &str) -> Result<(), CredFileError> {
    match config_path() {
        Ok(path) => check_config_at(&path, profile),
        Err(_) => Ok(()),
    }
}

/// [`check_config`] with the config file's path given.
pub fn check_config_at(config: &Path, profile: &str) -> Result<(), CredFileError> {
    let Ok(Some(text)) = read_text(config, config) else {
        return Ok(());
    };
    let Some(lines) = parse(&text) else {
        return Ok(());
    };
    // `[profile p]` (any whitespace between), and for default also `[default]`.
    let copies: Vec<&[Line<'_>]> = sections_where(&lines, |line| match line.kind {
        Kind::Header(Some(name)) => {
            let words: Vec<&str> = name.split_whitespace().collect();
            words == ["profile", profile] || (profile == "default" && words == ["default"])
        }
        _ => false,
    })
    .into_iter()
    .map(|r| &lines[r])
    .collect();
    match other_source(&copies, &[]) {
        Some(key) => Err(CredFileError::OtherSource {
            profile: profile.to_owned(),
            key,
            path: config.to_path_buf(),
        }),
        None => Ok(()),
    }
}

/// Does the `[default]` profile of the shared credentials file hold keys
/// (which the SDKs would use before a live endpoint)?
pub fn default_profile_has_keys() -> bool {
    default_path()
        .ok()
        .and_then(|p| read_profile(&p, "default").ok().flatten())
        .is_some_and(|kvs| {
            kvs.iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("aws_access_key_id"))
        })
}

/// Remove every `[profile]` section: header through the line before the next
/// header. Duplicate sections of one name are one profile to the SDKs (they
/// merge them), so removing only the first would leave the profile alive.
/// `Ok(false)` when there is no such section (the file is not touched).
pub fn remove_profile(path: &Path, profile: &str) -> Result<bool, CredFileError> {
    check_profile(profile, path)?;
    let (real, _lock) = lock(path)?;
    let Some(old) = read_text(path, &real)? else {
        return Ok(false);
    };
    let lines = parse(&old).ok_or_else(|| CredFileError::Unparsable {
        path: path.to_path_buf(),
    })?;
    let ranges = sections(&lines, profile);
    if ranges.is_empty() {
        return Ok(false);
    }
    let mut text = String::with_capacity(old.len());
    for (i, line) in lines.iter().enumerate() {
        if !ranges.iter().any(|r| r.contains(&i)) {
            text.push_str(line.text);
            text.push_str(line.eol);
        }
    }
    write_text(path, &real, &text)?;
    Ok(true)
}

/// Top-level `key = value` pairs of the first `[profile]` section, in file
/// order, duplicates included. Indented continuation lines and lines without
/// `=` are skipped. `None` if the file or the section is missing.
pub fn read_profile(
    path: &Path,
    profile: &str,
) -> Result<Option<Vec<(String, String)>>, CredFileError> {
    check_profile(profile, path)?;
    let Some(text) = read_text(path, path)? else {
        return Ok(None);
    };
    let lines = parse(&text).ok_or_else(|| CredFileError::Unparsable {
        path: path.to_path_buf(),
    })?;
    let Some(range) = sections(&lines, profile).into_iter().next() else {
        return Ok(None);
    };
    let pairs = lines[range]
        .iter()
        .filter_map(|line| match line.kind {
            Kind::Property {
                key,
                val: Some(val),
            } => Some((key.to_owned(), val.to_owned())),
            _ => None,
        })
        .collect();
    Ok(Some(pairs))
}

/// `aws_access_key_id` without a session token among the profile's top-level
/// keys (in any of its copies, any case, as the SDKs merge them): the
/// user's own long-term keys, which a write would destroy.
fn holds_long_term_keys(copies: &[&[Line<'_>]]) -> bool {
    let has = |name: &str| copies.iter().any(|c| has_key(c, name));
    has(ACCESS_KEY_ID) && !SESSION_KEYS.iter().any(|k| has(k))
}

/// Keys with which the AWS SDKs take a profile's credentials from elsewhere
/// than its access keys (a role to assume, web identity, SSO, a process):
/// the Rust SDK checks all of them first, botocore the role, web identity
/// and SSO ones. The order is the one a message names the first found in.
pub const OTHER_SOURCES: [&str; 10] = [
    "role_arn",
    "credential_source",
    "web_identity_token_file",
    "sso_session",
    "sso_start_url",
    "sso_account_id",
    "sso_role_name",
    "sso_region",
    "login_session",
    "credential_process",
];

/// The first of [`OTHER_SOURCES`] among the profile's top-level keys (any
/// copy, any case) that the write does not itself set or remove (`except`):
/// keys written next to it would not be the credentials the SDKs use.
fn other_source(copies: &[&[Line<'_>]], except: &[&str]) -> Option<&'static str> {
    OTHER_SOURCES.into_iter().find(|key| {
        !except.iter().any(|e| e.eq_ignore_ascii_case(key))
            && copies.iter().any(|c| has_key(c, key))
    })
}

/// Names become `[name]` headers and are matched trimmed, so anything that
/// would break the header or not match itself again is refused.
fn check_profile(name: &str, path: &Path) -> Result<(), CredFileError> {
    let reason = if trim(name).is_empty() {
        "it is empty"
    } else if name.contains(['\n', '\r']) {
        "it contains a line break"
    } else if name.contains(['[', ']']) {
        "it contains '[' or ']'"
    } else if trim(name) != name {
        "it starts or ends with whitespace"
    } else {
        return Ok(());
    };
    Err(CredFileError::InvalidProfileName {
        name: name.to_owned(),
        reason,
        path: path.to_path_buf(),
    })
}

/// A profile we write must be one the SDKs can name: the Rust SDK refuses a
/// whole file with a section named otherwise (rolehop's own base
/// credentials included), so only letters, digits and `- / . % @ _ : +`.
fn check_sdk_name(name: &str, path: &Path) -> Result<(), CredFileError> {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-/.%@_:+".contains(c))
    {
        return Ok(());
    }
    Err(CredFileError::InvalidProfileName {
        name: name.to_owned(),
        reason: "the AWS SDKs accept only letters, digits and - / . % @ _ : + in profile names",
        path: path.to_path_buf(),
    })
}

/// Keys come from our own code, but a bad one would corrupt the file.
fn check_key(key: &str, path: &Path) -> Result<(), CredFileError> {
    let bad = trim(key).is_empty()
        || trim(key) != key
        || key.contains(['\n', '\r', '='])
        || key.starts_with(['[', '#', ';']);
    if bad {
        return Err(CredFileError::InvalidKey {
            key: key.to_owned(),
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// The file's text, or `None` if it does not exist. `shown` is the path for
/// messages (the one the user gave), `real` the one to read.
/// The file `path` leads to (through symlinks), locked against other writers
/// until the lock is dropped.
fn lock(path: &Path) -> Result<(PathBuf, fsutil::WriteLock), CredFileError> {
    let real = fsutil::real_path(path).map_err(|source| CredFileError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    let lock = fsutil::lock_for(&real).map_err(|source| CredFileError::Lock {
        path: path.to_path_buf(),
        source,
    })?;
    Ok((real, lock))
}

fn read_text(shown: &Path, real: &Path) -> Result<Option<String>, CredFileError> {
    match fs::read(real) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| CredFileError::NotUtf8 {
                path: shown.to_path_buf(),
            }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(CredFileError::Read {
            path: shown.to_path_buf(),
            source,
        }),
    }
}

fn write_text(shown: &Path, real: &Path, text: &str) -> Result<(), CredFileError> {
    fsutil::atomic_write(real, text.as_bytes(), fsutil::PRIVATE, true).map_err(|source| {
        CredFileError::Write {
            path: shown.to_path_buf(),
            source,
        }
    })
}

mod ini;
#[cfg(test)]
mod tests;

pub use ini::fuzz_edit;
use ini::*;
