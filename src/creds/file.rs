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

    let real = fsutil::real_path(path).map_err(|source| CredFileError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    let _lock = fsutil::lock_for(&real).map_err(|source| CredFileError::Lock {
        path: path.to_path_buf(),
        source,
    })?;
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
    let real = fsutil::real_path(path).map_err(|source| CredFileError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    let _lock = fsutil::lock_for(&real).map_err(|source| CredFileError::Lock {
        path: path.to_path_buf(),
        source,
    })?;
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
/// and SSO ones.
const OTHER_SOURCES: [&str; 10] = [
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

/// The parser's notion of whitespace, so our trimming matches its own.
fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii_whitespace())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind<'a> {
    /// A line starting with `[`; `None` when it is malformed (it still ends
    /// the previous section, as it does for the SDKs).
    Header(Option<&'a str>),
    /// A top-level property; `val` is `None` when the line has no `=`.
    Property {
        key: &'a str,
        val: Option<&'a str>,
    },
    /// An indented line: a child of the previous property, never a key.
    Nested,
    Comment,
    Blank,
}

/// One line of the file: `text` and `eol` are slices of the original, so
/// writing them back reproduces it byte for byte.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    text: &'a str,
    /// `\n`, `\r\n`, `\r`, or empty for a last line without a newline.
    eol: &'a str,
    kind: Kind<'a>,
}

/// Split `doc` into lines. `None` if the pieces would not add up to `doc`
/// exactly: better to refuse than to write back something else.
fn parse(doc: &str) -> Option<Vec<Line<'_>>> {
    let mut lines = Vec::new();
    let mut pos = 0;
    for item in Parser::new(doc) {
        let (raw, kind) = match item {
            Item::SectionEnd => continue,
            Item::Section { raw, .. } | Item::Error(raw) => (raw, Kind::Header(header_name(raw))),
            Item::Comment { raw } => (raw, Kind::Comment),
            Item::Blank { raw } => (raw, Kind::Blank),
            Item::Property { raw, .. } if raw.starts_with([' ', '\t']) => (raw, Kind::Nested),
            Item::Property { key, val, raw } => (raw, Kind::Property { key, val }),
        };
        let text_end = pos + raw.len();
        if doc.get(pos..text_end)? != raw {
            return None;
        }
        let rest = doc.get(text_end..)?;
        let eol_len = if rest.starts_with("\r\n") {
            2
        } else if rest.starts_with(['\r', '\n']) {
            1
        } else {
            0
        };
        let end = text_end + eol_len;
        lines.push(Line {
            text: raw,
            eol: doc.get(text_end..end)?,
            kind,
        });
        pos = end;
    }
    (pos == doc.len()).then_some(lines)
}

/// `[ name ]`, optionally followed by a comment, gives `name`; the SDKs
/// accept the same forms.
fn header_name(raw: &str) -> Option<&str> {
    let inner = raw.strip_prefix('[')?;
    let close = inner.find(']')?;
    let after = trim(&inner[close + 1..]);
    (after.is_empty() || after.starts_with(['#', ';'])).then_some(trim(&inner[..close]))
}

/// Line ranges of every `[name]` section: header through the line before the
/// next header (or the end of the file).
fn sections(lines: &[Line<'_>], name: &str) -> Vec<Range<usize>> {
    sections_where(lines, |line| line.kind == Kind::Header(Some(name)))
}

/// The sections a write edits: headers written exactly `[name]` (spaces
/// after `]` and a comment allowed). The SDKs disagree on `[ name ]`: the
/// Rust SDK trims it to `name`, botocore reads a profile " name ". So such a
/// section is left alone and `[name]` is written after it: botocore then
/// reads our `[name]`, and the Rust SDK, merging both, reads our values last.
fn sections_to_write(lines: &[Line<'_>], name: &str) -> Vec<Range<usize>> {
    sections_where(lines, |line| {
        line.kind == Kind::Header(Some(name))
            && line
                .text
                .strip_prefix('[')
                .and_then(|r| r.split(']').next())
                == Some(name)
    })
}

fn sections_where(lines: &[Line<'_>], is_it: impl Fn(&Line<'_>) -> bool) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        if is_it(line) {
            let end = lines[start + 1..]
                .iter()
                .position(|l| matches!(l.kind, Kind::Header(_)))
                .map_or(lines.len(), |n| start + 1 + n);
            ranges.push(start..end);
        }
    }
    ranges
}

/// The file's own newline (the first one in it), so added lines match.
fn newline_of<'a>(lines: &[Line<'a>]) -> &'a str {
    lines
        .iter()
        .map(|l| l.eol)
        .find(|eol| !eol.is_empty())
        .unwrap_or("\n")
}

fn new_section(profile: &str, set: &[(&str, &str)], nl: &str) -> String {
    let mut text = format!("[{profile}]{nl}");
    for (key, value) in set {
        text.push_str(&format!("{key} = {value}{nl}"));
    }
    text
}

enum Refusal {
    LongTermKeys,
    /// The profile gets its credentials from this key, not from keys.
    OtherSource(&'static str),
    Unparsable,
}

/// A line of the edited section. `anchor` marks property lines and their
/// children: new keys go after the last anchor, so they never land between a
/// nested block's parent and its children, nor among the blank lines and
/// comments that lead into the next section.
struct OutLine<'a> {
    text: Cow<'a, str>,
    eol: &'a str,
    anchor: bool,
}

/// The edit of a session into `[p]`, on text, for the fuzz target (`fuzz/`):
/// the new text, or None when the file is refused.
#[doc(hidden)]
pub fn fuzz_edit(doc: &str) -> Option<String> {
    let set = [
        ("aws_access_key_id", "ASIAFUZZ"),
        ("aws_secret_access_key", "fuzzSecret"),
        ("aws_session_token", "fuzzToken"),
    ];
    edit(doc, "p", &set, &["aws_security_token"], true)
        .ok()
        .map(|(text, _)| text)
}

/// The edit behind [`write_profile`], on text: `set` has unique keys and
/// `drop` none of them.
///
/// Keys match as the SDKs match them, ignoring ASCII case (botocore
/// lowercases them), and keep the user's spelling when updated. A profile
/// written twice (`[p]` ... `[p]`) is one profile to the SDKs, the later value
/// of a key winning: every copy gets the new values, and keys that no copy
/// has go into the last one, so what the SDKs read is what was written.
///
/// The SDKs disagree on `[ p ]`: the Rust SDK trims it to `p`, botocore reads
/// a profile " p ". Such a copy is updated like any other, and when no copy
/// is written exactly `[p]`, a `[p]` with every key is appended for botocore.
fn edit(
    doc: &str,
    profile: &str,
    set: &[(&str, &str)],
    drop: &[&str],
    force: bool,
) -> Result<(String, WriteOutcome), Refusal> {
    let lines = parse(doc).ok_or(Refusal::Unparsable)?;
    let nl = newline_of(&lines);
    let ranges = sections(&lines, profile);
    let exact = sections_to_write(&lines, profile);
    let copies: Vec<&[Line<'_>]> = ranges.iter().map(|r| &lines[r.clone()]).collect();
    if !force && holds_long_term_keys(&copies) {
        return Err(Refusal::LongTermKeys);
    }
    // Access keys written next to a role_arn, credential_process, SSO
    // settings... would be ignored: refused, forced or not.
    if set
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case(ACCESS_KEY_ID))
    {
        let except: Vec<&str> = set
            .iter()
            .map(|(k, _)| *k)
            .chain(drop.iter().copied())
            .collect();
        if let Some(key) = other_source(&copies, &except) {
            return Err(Refusal::OtherSource(key));
        }
    }
    // Keys no copy has go into the last exact copy, or into a new section.
    let last_exact = exact.last().cloned();
    let missing: Vec<(&str, &str)> = set
        .iter()
        .copied()
        .filter(|(k, _)| !copies.iter().any(|c| has_key(c, k)))
        .collect();

    let mut text = String::with_capacity(doc.len() + 64 * set.len());
    let push = |text: &mut String, t: &str, eol: &str| {
        text.push_str(t);
        text.push_str(eol);
    };
    let mut from = 0;
    for range in &ranges {
        for line in &lines[from..range.start] {
            push(&mut text, line.text, line.eol);
        }
        let add: &[(&str, &str)] = if Some(range) == last_exact.as_ref() {
            &missing
        } else {
            &[]
        };
        for line in rewrite(&lines[range.clone()], set, drop, add, nl) {
            push(&mut text, &line.text, line.eol);
        }
        from = range.end;
    }
    for line in &lines[from..] {
        push(&mut text, line.text, line.eol);
    }
    if last_exact.is_none() {
        if !text.is_empty() {
            if !text.ends_with(['\n', '\r']) {
                text.push_str(nl);
            }
            if lines.last().is_some_and(|l| l.kind != Kind::Blank) {
                text.push_str(nl);
            }
        }
        text.push_str(&new_section(profile, set, nl));
    }
    let outcome = match (ranges.len(), last_exact.is_some()) {
        (0, _) => WriteOutcome::Added,
        (1, true) => WriteOutcome::Updated,
        (n, _) => WriteOutcome::UpdatedCopies(n + usize::from(last_exact.is_none())),
    };
    Ok((text, outcome))
}

/// Whether a section has top-level key `name` (any case).
fn has_key(section: &[Line<'_>], name: &str) -> bool {
    section
        .iter()
        .any(|l| matches!(l.kind, Kind::Property { key, .. } if key.eq_ignore_ascii_case(name)))
}

/// One copy of the section with `set` applied, `drop` removed and `add`
/// appended after its last property.
fn rewrite<'a>(
    section: &[Line<'a>],
    set: &[(&str, &str)],
    drop: &[&str],
    add: &[(&str, &str)],
    nl: &'a str,
) -> Vec<OutLine<'a>> {
    let mut body: Vec<OutLine<'_>> = Vec::with_capacity(section.len() + add.len());
    let mut written: Vec<&str> = Vec::new();
    // Whether indented lines belong to a property we rewrote or deleted.
    let mut dropping = false;
    for (i, line) in section.iter().enumerate() {
        let keep = OutLine {
            text: Cow::Borrowed(line.text),
            eol: line.eol,
            anchor: i > 0 && matches!(line.kind, Kind::Property { .. } | Kind::Nested),
        };
        match line.kind {
            Kind::Property { key, .. } => {
                dropping = true;
                if let Some(&(name, value)) = set.iter().find(|(k, _)| k.eq_ignore_ascii_case(key))
                {
                    // The first spelling is updated; repeats of a key (in
                    // any case) go, or the SDKs might read a stale one.
                    if !written.contains(&name) {
                        written.push(name);
                        body.push(OutLine {
                            text: Cow::Owned(format!("{key} = {value}")),
                            ..keep
                        });
                    }
                } else if !drop.iter().any(|d| d.eq_ignore_ascii_case(key)) {
                    dropping = false;
                    body.push(keep);
                }
            }
            Kind::Nested if dropping => {}
            _ => body.push(keep),
        }
    }
    if !add.is_empty() {
        // Index 0 is the header: an empty section gets its keys right below it.
        let at = body.iter().rposition(|l| l.anchor).unwrap_or(0);
        // Only the file's last line lacks a newline; keep it that way.
        let at_eof = body[at].eol.is_empty();
        if at_eof {
            body[at].eol = nl;
        }
        let count = add.len();
        let added = add.iter().enumerate().map(|(n, (key, value))| OutLine {
            text: Cow::Owned(format!("{key} = {value}")),
            eol: if at_eof && n + 1 == count { "" } else { nl },
            anchor: true,
        });
        body.splice(at + 1..at + 1, added);
    }
    body
}

#[cfg(test)]
mod tests;
