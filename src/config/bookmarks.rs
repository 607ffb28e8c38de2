//! The bookmarks file (`bookmarks.toml`): roles the user switches into.
//!
//! Users write this file by hand, so loading is strict (unknown keys are
//! errors with a suggestion, never silently ignored) and every error is one
//! line that points at the offending value as `PATH:LINE:COL`. Edits go
//! through `toml_edit` so the user's comments and layout survive, and a file
//! that does not load is never rewritten.

use std::fmt;
use std::fs;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml_edit::{Document, DocumentMut, Item, Key, Table, TableLike, Value};

use crate::fsutil;

mod batch;
mod fast;
#[cfg(test)]
mod props;

pub use batch::{Changes, Outcome, add_many, add_many_with, plan_for_file, plan_many};

/// Keys a `[bookmarks.NAME]` table may hold, in the order new tables are written.
const BOOKMARK_KEYS: [&str; 10] = [
    "account",
    "role",
    "display",
    "color",
    "mfa_serial",
    "external_id",
    "region",
    "duration",
    "source_profile",
    "session_name",
];
/// Keys `[defaults]` may hold: everything that is not per-bookmark identity.
const DEFAULT_KEYS: [&str; 7] = [
    "color",
    "mfa_serial",
    "external_id",
    "region",
    "duration",
    "source_profile",
    "session_name",
];
/// Per-bookmark keys that are not form fields (yet): how the role is reached.
const EXTRA_KEYS: [&str; 5] = [
    "mfa_session",
    "via",
    "handover",
    "mfa_process",
    "mfa_yubikey",
];
/// Keys of the top-level `[settings]` table.
const SETTINGS_KEYS: [&str; 9] = [
    "cache",
    "mfa_session",
    "mfa_session_duration",
    "refresh_window",
    "auto_renew",
    "handover",
    "colors",
    "mfa_process",
    "mfa_yubikey",
];
const TOP_KEYS: [&str; 3] = ["defaults", "bookmarks", "settings"];

const MIN_DURATION: u32 = 900;
const MAX_DURATION: u32 = 43_200;
/// GetSessionToken's limits for IAM users (root is capped at 1 h by STS itself).
const MIN_MFA_SESSION: u32 = 900;
const MAX_MFA_SESSION: u32 = 129_600;
/// A refresh window longer than any session would mean "always renew".
const MAX_REFRESH_WINDOW: u32 = 43_200;
const MFA_ARN_EXAMPLE: &str = "arn:aws:iam::123456789012:mfa/alice";

/// Written at the top of a file that `add` creates, so a user who finds the
/// file knows what it is and where its format is described.
const NEW_FILE_HEADER: &str = "# rolehop bookmarks: roles to switch into, like the AWS Console's \"Switch Role\".\n\
# Edit by hand or with `rolehop add`; `rolehop add --help` describes every field.\n";

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
    #[error(
        "cannot find a configuration directory for this user (set ROLEHOP_CONFIG to the bookmarks file)"
    )]
    NoConfigDir,
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!("; did you mean {s:?}?"))
}

fn join_field_errors(errors: &[(Field, String)]) -> String {
    let parts: Vec<String> = errors
        .iter()
        .map(|(f, e)| format!("{} {e}", f.key()))
        .collect();
    parts.join("; ")
}

/// A console colour: the five swatches the AWS Console offers, or any RGB.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(into = "String")]
pub enum Color {
    Red,
    Orange,
    Yellow,
    Green,
    Blue,
    Hex(u8, u8, u8),
}

const COLOR_NAMES: [(&str, Color); 5] = [
    ("red", Color::Red),
    ("orange", Color::Orange),
    ("yellow", Color::Yellow),
    ("green", Color::Green),
    ("blue", Color::Blue),
];

impl Color {
    /// A name (any case) or `#rrggbb`; the error is a sentence for "color ...".
    pub fn parse(s: &str) -> Result<Color, String> {
        if let Some((_, c)) = COLOR_NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(s)) {
            return Ok(c.clone());
        }
        if let Some(hex) = s.strip_prefix('#')
            && hex.len() == 6
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
        {
            let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
            return Ok(Color::Hex(byte(0), byte(2), byte(4)));
        }
        let hint = if s.starts_with('#') {
            String::new()
        } else {
            let lower = s.to_ascii_lowercase();
            closest(&lower, COLOR_NAMES.iter().map(|(n, _)| *n))
                .map_or_else(String::new, |n| format!(" (did you mean {n:?}?)"))
        };
        Err(format!(
            "must be red, orange, yellow, green, blue or #rrggbb, got {s:?}{hint}"
        ))
    }

    /// The colour as shown: the console's own palette for the named swatches.
    pub fn rgb(&self) -> (u8, u8, u8) {
        match *self {
            Color::Red => (0xf2, 0xb0, 0xa9),
            Color::Orange => (0xfb, 0xc8, 0xaa),
            Color::Yellow => (0xef, 0xda, 0x95),
            Color::Green => (0xb7, 0xca, 0x9d),
            Color::Blue => (0x83, 0xd4, 0xe8),
            Color::Hex(r, g, b) => (r, g, b),
        }
    }

    /// `rrggbb` without `#`, the form the console's switch-role URL takes.
    pub fn console_hex(&self) -> String {
        let (r, g, b) = self.rgb();
        format!("{r:02x}{g:02x}{b:02x}")
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Color::Hex(r, g, b) => write!(f, "#{r:02x}{g:02x}{b:02x}"),
            named => {
                let name = COLOR_NAMES
                    .iter()
                    .find(|(_, c)| c == named)
                    .map_or("", |(n, _)| *n);
                f.write_str(name)
            }
        }
    }
}

impl From<Color> for String {
    fn from(c: Color) -> String {
        c.to_string()
    }
}

/// One bookmark with its effective values: `[defaults]` already applied and
/// `display` defaulted to the name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Bookmark {
    pub name: String,
    pub account: String,
    pub role: String,
    pub display: String,
    pub color: Option<Color>,
    pub mfa_serial: Option<String>,
    pub external_id: Option<String>,
    pub region: Option<String>,
    pub duration: Option<u32>,
    pub source_profile: Option<String>,
    pub session_name: Option<String>,
}

impl Bookmark {
    /// The ARN to pass to `sts:AssumeRole`.
    pub fn role_arn(&self) -> String {
        format!(
            "arn:{}:iam::{}:role/{}",
            self.partition(),
            self.account,
            self.role
        )
    }

    /// The AWS partition, inferred from the region because the file has no
    /// partition key: China and GovCloud regions live in their own.
    pub fn partition(&self) -> &'static str {
        self.region.as_deref().map_or("aws", partition_of)
    }
}

/// The AWS partition a region belongs to: China and GovCloud regions have
/// their own.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// How a bookmark's role is reached, beyond the form fields: kept beside
/// [`Bookmark`] (in [`Bookmarks::extras`]) so code that builds bookmarks field
/// by field needs no change.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Extras {
    /// `mfa_session = false`: assume with the MFA code directly (up to 12 h,
    /// a code per renewal) instead of through a cached MFA session (1 h roles).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_session: Option<bool>,
    /// `via = "OTHER"`: assume OTHER first, then this role with its credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// Where `via` is written (line, column), for errors found when resolving.
    #[serde(skip)]
    pub via_at: Option<(usize, usize)>,
    /// `handover = "static"`: `exec` hands this role over as plain variables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handover: Option<HandoverMode>,
    /// `mfa_process` / `mfa_yubikey`: where this role's codes come from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_source: Option<MfaSource>,
}

/// Where MFA codes come from without typing (`mfa_process`, `mfa_yubikey`,
/// per bookmark or in `[settings]`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaSource {
    /// `mfa_process = "COMMAND ARGS"`: its standard output is the code.
    Process(String),
    /// `mfa_yubikey = "NAME"`: the code of OATH account NAME, from `ykman`.
    YubiKey(String),
    /// `mfa_yubikey = true`: the OATH account named like the MFA serial.
    YubiKeySerial,
    /// `mfa_yubikey = false` on a bookmark: ask, whatever `[settings]` say.
    Ask,
}

impl MfaSource {
    fn from_raw(process: Option<&str>, yubikey: Option<YubiKeyRaw<'_>>) -> Option<MfaSource> {
        match (process, yubikey) {
            (Some(p), _) => Some(MfaSource::Process(p.to_owned())),
            (None, Some(YubiKeyRaw::Name(n))) => Some(MfaSource::YubiKey(n.to_owned())),
            (None, Some(YubiKeyRaw::On(true))) => Some(MfaSource::YubiKeySerial),
            (None, Some(YubiKeyRaw::On(false))) => Some(MfaSource::Ask),
            (None, None) => None,
        }
    }
}

/// `mfa_yubikey` as written: an OATH account name, or true/false.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum YubiKeyRaw<'d> {
    Name(&'d str),
    On(bool),
}

/// A command line for `mfa_process`: words as a shell splits them. The
/// error is a sentence for "mfa_process ...".
pub fn validate_mfa_process(s: &str) -> Result<(), String> {
    check_mfa_process(s)
}

fn check_mfa_process(s: &str) -> Result<(), String> {
    if s.chars().any(char::is_control) {
        return Err(format!("must not contain control characters, got {s:?}"));
    }
    match shell_words::split(s) {
        Ok(words) if words.is_empty() => Err(
            "must name a command whose output is the code, e.g. \"ykman oath accounts code --single aws\"".into(),
        ),
        Ok(_) => Ok(()),
        Err(_) => Err(format!("has an unclosed quote: {s:?}")),
    }
}

fn check_yubikey_name(s: &str) -> Result<(), String> {
    if s.trim().is_empty() {
        return Err("must be an OATH account name (see `ykman oath accounts list`), or true to use the MFA serial".into());
    }
    if s.chars().any(char::is_control) {
        return Err(format!("must not contain control characters, got {s:?}"));
    }
    Ok(())
}

/// How `exec` and the picker's subshell hand credentials to the child.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HandoverMode {
    /// Served on loopback over the container credentials protocol and
    /// renewed before they expire (the default).
    #[default]
    Live,
    /// `AWS_ACCESS_KEY_ID` and friends: fixed, they die at expiry.
    Static,
}

impl HandoverMode {
    pub(crate) fn parse(s: &str) -> Result<HandoverMode, String> {
        match s {
            "live" => Ok(HandoverMode::Live),
            "static" => Ok(HandoverMode::Static),
            other => Err(format!("must be \"live\" or \"static\", got {other:?}")),
        }
    }
}

/// The `[settings]` table: how sessions are obtained, cached and renewed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Settings {
    /// Keep role and MFA sessions between runs (OS keyring or 0600 files).
    pub cache: bool,
    /// Assume MFA roles through one GetSessionToken session per device.
    pub mfa_session: bool,
    /// Length of that MFA session, in seconds.
    pub mfa_session_duration: u32,
    /// Renew this long before expiry instead of lifetime/4 within 1..10 min.
    pub refresh_window: Option<u32>,
    /// The picker renews sessions on its own as they near expiry.
    pub auto_renew: bool,
    /// How `exec` and the picker's subshell hand credentials over.
    pub handover: HandoverMode,
    /// `[settings.colors]`: the color of a bookmark that sets none, by the
    /// first glob matching its name or display.
    pub colors: Vec<ColorRule>,
    /// `mfa_process` / `mfa_yubikey` for every bookmark without its own.
    pub mfa_source: Option<MfaSource>,
}

/// One `"GLOB" = "COLOR"` of `[settings.colors]`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ColorRule {
    pub pattern: String,
    #[serde(skip)]
    glob: glob::Pattern,
    pub color: Color,
}

impl ColorRule {
    /// `pattern` as a shell glob (`*`, `?`, `[a-z]`); the error is a sentence.
    fn new(pattern: &str, color: Color) -> Result<ColorRule, String> {
        let glob = glob::Pattern::new(pattern)
            .map_err(|e| format!("{pattern:?} is not a glob ({}): use * ? and [a-z]", e.msg))?;
        Ok(ColorRule {
            pattern: pattern.to_owned(),
            glob,
            color,
        })
    }

    /// Case-insensitive, so "*prod*" also colors "Prod payments".
    fn matches(&self, text: &str) -> bool {
        const OPTIONS: glob::MatchOptions = glob::MatchOptions {
            case_sensitive: false,
            require_literal_separator: false,
            require_literal_leading_dot: false,
        };
        self.glob.matches_with(text, OPTIONS)
    }
}

/// Bookmarks without a color of their own: the first rule matching the name
/// or the display, else `[defaults]`' color. Both loaders end with this.
fn apply_colors(items: &mut [Bookmark], default: Option<&Color>, rules: &[ColorRule]) {
    for b in items.iter_mut().filter(|b| b.color.is_none()) {
        b.color = rules
            .iter()
            .find(|r| r.matches(&b.name) || r.matches(&b.display))
            .map(|r| r.color.clone())
            .or_else(|| default.cloned());
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cache: true,
            mfa_session: true,
            mfa_session_duration: 43_200,
            refresh_window: None,
            auto_renew: true,
            handover: HandoverMode::Live,
            colors: Vec::new(),
            mfa_source: None,
        }
    }
}

/// The loaded bookmarks file.
#[derive(Clone, Debug)]
pub struct Bookmarks {
    /// The path as given to `load`, for messages.
    pub path: PathBuf,
    /// In file order.
    pub items: Vec<Bookmark>,
    /// `mfa_session` / `via` of the bookmarks that set them, by name.
    pub extras: std::collections::BTreeMap<String, Extras>,
    pub settings: Settings,
}

impl Bookmarks {
    /// Read and validate the whole file; a missing file is an empty list so a
    /// new user can run `rolehop list` before adding anything.
    pub fn load(path: &Path) -> Result<Bookmarks, ConfigError> {
        let loaded = match fs::read_to_string(path) {
            Ok(text) => load_text(&Src { path, text: &text })?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Loaded::default(),
            Err(e) => return Err(io_error(path, "read", e)),
        };
        Ok(Bookmarks {
            path: path.to_path_buf(),
            items: loaded.items,
            extras: loaded.extras,
            settings: loaded.settings,
        })
    }

    /// `mfa_session` / `via` of bookmark `name` (all unset if it has none).
    pub fn extras(&self, name: &str) -> &Extras {
        static NONE: Extras = Extras {
            mfa_session: None,
            via: None,
            via_at: None,
            handover: None,
            mfa_source: None,
        };
        self.extras.get(name).unwrap_or(&NONE)
    }

    /// Where bookmark `name`'s codes come from without typing: its own
    /// `mfa_process` / `mfa_yubikey`, else `[settings]`'; `None`: ask.
    pub fn mfa_source(&self, name: &str) -> Option<&MfaSource> {
        match self
            .extras(name)
            .mfa_source
            .as_ref()
            .or(self.settings.mfa_source.as_ref())
        {
            Some(MfaSource::Ask) | None => None,
            Some(s) => Some(s),
        }
    }

    /// How bookmark `name` is handed to a child: its own `handover`, else
    /// the `[settings]` one.
    pub fn handover(&self, name: &str) -> HandoverMode {
        self.extras(name).handover.unwrap_or(self.settings.handover)
    }

    /// An error about bookmark `name`'s `via`, at its place in the file.
    pub fn via_error(&self, name: &str, message: String) -> ConfigError {
        match self.extras(name).via_at {
            Some((line, col)) => ConfigError::Invalid {
                path: self.path.clone(),
                line,
                col,
                message,
            },
            None => ConfigError::File {
                path: self.path.clone(),
                message,
            },
        }
    }

    /// The bookmark that `via` names, if any, or an error suggesting one.
    pub fn via_target(&self, name: &str) -> Result<Option<&Bookmark>, ConfigError> {
        let Some(via) = self.extras(name).via.as_deref() else {
            return Ok(None);
        };
        match self.items.iter().find(|b| b.name == via) {
            Some(b) => Ok(Some(b)),
            None => Err(self.via_error(
                name,
                format!(
                    "bookmark {name:?}: via names no bookmark {via:?}{}",
                    did_you_mean(closest(via, self.items.iter().map(|b| b.name.as_str())))
                ),
            )),
        }
    }

    /// The bookmark called `name` (exact match), or an error suggesting the
    /// closest name.
    pub fn get(&self, name: &str) -> Result<&Bookmark, ConfigError> {
        self.items
            .iter()
            .find(|b| b.name == name)
            .ok_or_else(|| unknown_bookmark(&self.path, name, &self.items))
    }
}

/// What the user typed (CLI flags or the TUI form): raw strings, validated by
/// `add`/`update`. An empty optional field means "not set".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BookmarkSpec {
    pub name: String,
    pub account: String,
    pub role: String,
    pub display: Option<String>,
    pub color: Option<String>,
    pub mfa_serial: Option<String>,
    pub external_id: Option<String>,
    pub region: Option<String>,
    pub duration: Option<String>,
    pub source_profile: Option<String>,
    pub session_name: Option<String>,
}

impl BookmarkSpec {
    /// The value typed for `field`; `None` for an unset optional field.
    fn value(&self, field: Field) -> Option<&str> {
        fn opt(v: &Option<String>) -> Option<&str> {
            v.as_deref().filter(|s| !s.is_empty())
        }
        match field {
            Field::Name => Some(&self.name),
            Field::Account => Some(&self.account),
            Field::Role => Some(&self.role),
            Field::Display => opt(&self.display),
            Field::Color => opt(&self.color),
            Field::MfaSerial => opt(&self.mfa_serial),
            Field::ExternalId => opt(&self.external_id),
            Field::Region => opt(&self.region),
            Field::Duration => opt(&self.duration),
            Field::SourceProfile => opt(&self.source_profile),
            Field::SessionName => opt(&self.session_name),
        }
    }
}

/// A field of a bookmark, for per-field validation and error reporting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Name,
    Account,
    Role,
    Display,
    Color,
    MfaSerial,
    ExternalId,
    Region,
    Duration,
    SourceProfile,
    SessionName,
}

impl Field {
    /// Every field, in the order keys are written to a new table.
    pub const ALL: [Field; 11] = [
        Field::Name,
        Field::Account,
        Field::Role,
        Field::Display,
        Field::Color,
        Field::MfaSerial,
        Field::ExternalId,
        Field::Region,
        Field::Duration,
        Field::SourceProfile,
        Field::SessionName,
    ];

    /// The TOML key (`"name"` for the name, which is the table key).
    pub fn key(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Account => "account",
            Field::Role => "role",
            Field::Display => "display",
            Field::Color => "color",
            Field::MfaSerial => "mfa_serial",
            Field::ExternalId => "external_id",
            Field::Region => "region",
            Field::Duration => "duration",
            Field::SourceProfile => "source_profile",
            Field::SessionName => "session_name",
        }
    }

    fn is_required(self) -> bool {
        matches!(self, Field::Name | Field::Account | Field::Role)
    }
}

/// Per-field check for as-you-type validation in the TUI form:
/// `Err(sentence)` like `must be 12 digits, got "12345"`, to be prefixed with
/// the field's key. An empty optional field is valid (it means "not set").
pub fn validate_field(field: Field, value: &str) -> Result<(), String> {
    if value.is_empty() && !field.is_required() {
        return Ok(());
    }
    match field {
        Field::Name => check_name(value),
        Field::Account => check_account(value),
        Field::Role => check_role(value),
        Field::Display => check_display(value),
        Field::Color => Color::parse(value).map(drop),
        Field::MfaSerial => check_mfa_serial(value),
        Field::ExternalId => check_external_id(value),
        Field::Region => check_region(value),
        Field::Duration => parse_duration(value).map(drop),
        Field::SourceProfile => check_source_profile(value),
        Field::SessionName => check_session_name(value),
    }
}

/// Seconds from `3600`, `15m`, `1h`, `1h30m`, `3600s` (units in h-m-s order,
/// each at most once), within STS's 900..=43200 limits.
pub fn parse_duration(s: &str) -> Result<u32, String> {
    parse_duration_within(s, ROLE_DURATION)
}

/// Bounds of a duration value and how to say them.
#[derive(Clone, Copy)]
struct Bounds {
    min: u32,
    max: u32,
    human: &'static str,
}

const ROLE_DURATION: Bounds = Bounds {
    min: MIN_DURATION,
    max: MAX_DURATION,
    human: "15m to 12h",
};
const MFA_SESSION_DURATION: Bounds = Bounds {
    min: MIN_MFA_SESSION,
    max: MAX_MFA_SESSION,
    human: "15m to 36h",
};
const REFRESH_WINDOW: Bounds = Bounds {
    min: 1,
    max: MAX_REFRESH_WINDOW,
    human: "1s to 12h",
};

fn parse_duration_within(s: &str, bounds: Bounds) -> Result<u32, String> {
    let secs = if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse::<u64>().unwrap_or(u64::MAX)
    } else {
        parse_units(s).ok_or_else(|| {
            format!("must be a number of seconds or a duration like \"15m\", \"1h\" or \"1h30m\", got {s:?}")
        })?
    };
    match u32::try_from(secs) {
        Ok(n) if (bounds.min..=bounds.max).contains(&n) => Ok(n),
        _ => Err(range_error(bounds, format_args!("{s:?}"))),
    }
}

fn range_error(b: Bounds, got: fmt::Arguments<'_>) -> String {
    format!(
        "must be between {} and {} seconds ({}), got {got}",
        b.min, b.max, b.human
    )
}

/// A duration written as seconds (integer) or text ("1h30m"), within `bounds`.
fn duration_item(item: &Item, bounds: Bounds) -> Result<u32, String> {
    match item {
        Item::Value(Value::Integer(n)) => {
            let n = *n.value();
            u32::try_from(n)
                .ok()
                .filter(|n| (bounds.min..=bounds.max).contains(n))
                .ok_or_else(|| range_error(bounds, format_args!("{n}")))
        }
        Item::Value(Value::String(s)) => parse_duration_within(s.value(), bounds),
        other => Err(format!(
            "must be a number of seconds or a string like \"1h\", got {}",
            a_type(other)
        )),
    }
}

/// `true` or `false`, nothing else (no "yes", no 1).
fn bool_item(item: &Item) -> Result<bool, String> {
    match item {
        Item::Value(Value::Boolean(b)) => Ok(*b.value()),
        Item::Value(Value::String(s)) if matches!(s.value().as_str(), "true" | "false") => Err(
            format!("must be true or false without quotes, got {:?}", s.value()),
        ),
        other => Err(format!("must be true or false, got {}", a_type(other))),
    }
}

/// `1h30m`-style durations; `None` if malformed. Saturates rather than
/// overflowing so huge numbers report as out of range.
fn parse_units(s: &str) -> Option<u64> {
    const UNITS: [(u8, u64); 3] = [(b'h', 3600), (b'm', 60), (b's', 1)];
    let mut total: u64 = 0;
    let mut next_unit = 0;
    let mut digits: Option<u64> = None;
    for b in s.bytes() {
        if b.is_ascii_digit() {
            let d = u64::from(b - b'0');
            digits = Some(digits.unwrap_or(0).saturating_mul(10).saturating_add(d));
            continue;
        }
        let n = digits.take()?;
        let i = UNITS[next_unit..].iter().position(|(u, _)| *u == b)? + next_unit;
        total = total.saturating_add(n.saturating_mul(UNITS[i].1));
        next_unit = i + 1;
    }
    // A trailing bare number ("1h30") is ambiguous: refuse it.
    (digits.is_none() && !s.is_empty()).then_some(total)
}

fn check_name(s: &str) -> Result<(), String> {
    let n = s.chars().count();
    if n == 0 {
        return Err("must not be empty".into());
    }
    if n > 64 {
        return Err(format!("must be at most 64 characters, got {n}"));
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err(format!(
            "may only contain letters, digits, '.', '_' and '-', got {s:?}"
        ));
    }
    if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!("must start with a letter or digit, got {s:?}"));
    }
    Ok(())
}

fn is_12_digits(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn check_account(s: &str) -> Result<(), String> {
    if is_12_digits(s) {
        return Ok(());
    }
    // The console shows accounts as 1234-5678-9012; people paste that.
    let digits: String = s.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    let hint = if digits != s && is_12_digits(&digits) {
        format!(" (without dashes: {digits:?})")
    } else {
        String::new()
    };
    Err(format!("must be 12 digits, got {s:?}{hint}"))
}

/// IAM's name alphabet, shared by role names, MFA device names and session names.
fn is_iam_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '=' | ',' | '.' | '@' | '_' | '-')
}

fn check_role(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.starts_with("arn:") {
        let hint = s
            .split_once(":role/")
            .map_or_else(String::new, |(_, name)| format!(" (use {name:?})"));
        return Err(format!("must be a role name, not an ARN, got {s:?}{hint}"));
    }
    if s.starts_with('/') || s.ends_with('/') {
        return Err(format!("must not start or end with '/', got {s:?}"));
    }
    if !s.chars().all(|c| c == '/' || is_iam_name_char(c)) {
        return Err(format!(
            "may only contain letters, digits and +=,.@_- (and '/' between path parts), got {s:?}"
        ));
    }
    for part in s.split('/') {
        if part.is_empty() {
            return Err(format!(
                "must not contain an empty path part (\"//\"), got {s:?}"
            ));
        }
        let n = part.chars().count();
        if n > 64 {
            return Err(format!(
                "must have at most 64 characters between '/', got {n} in {part:?}"
            ));
        }
    }
    Ok(())
}

fn check_display(s: &str) -> Result<(), String> {
    let n = s.chars().count();
    if n == 0 {
        return Err("must not be empty".into());
    }
    if n > 64 {
        return Err(format!("must be at most 64 characters, got {n}"));
    }
    if s.chars().any(char::is_control) {
        return Err(format!("must not contain control characters, got {s:?}"));
    }
    Ok(())
}

fn check_mfa_serial(s: &str) -> Result<(), String> {
    let n = s.chars().count();
    if s.starts_with("arn:") {
        if n <= 256 && is_mfa_arn(s) {
            return Ok(());
        }
        return Err(format!(
            "must be an MFA device ARN like \"{MFA_ARN_EXAMPLE}\", got {s:?}"
        ));
    }
    let charset_ok = s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+=/:,.@_-".contains(c));
    if (9..=256).contains(&n) && charset_ok {
        return Ok(());
    }
    Err(format!(
        "must be an MFA device ARN like \"{MFA_ARN_EXAMPLE}\" or a hardware serial (9 to 256 letters, digits and +=/:,.@_-), got {s:?}"
    ))
}

/// `arn:<partition>:iam::<12 digits>:mfa/<name, optionally with a path>`.
fn is_mfa_arn(s: &str) -> bool {
    let parse = || {
        let rest = s.strip_prefix("arn:")?;
        let (partition, rest) = rest.split_once(':')?;
        let rest = rest.strip_prefix("iam::")?;
        let (account, name) = rest.split_once(':')?;
        let name = name.strip_prefix("mfa/")?;
        let partition_ok = partition.starts_with("aws")
            && partition
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-');
        let name_ok = name
            .split('/')
            .all(|p| !p.is_empty() && p.chars().all(is_iam_name_char));
        Some(partition_ok && is_12_digits(account) && name_ok)
    };
    parse().unwrap_or(false)
}

fn check_external_id(s: &str) -> Result<(), String> {
    let n = s.chars().count();
    if !(2..=1224).contains(&n) {
        return Err(format!("must be 2 to 1224 characters, got {n}"));
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+=,.@:/_-".contains(c))
    {
        return Err(format!(
            "may only contain letters, digits and +=,.@:/_-, got {s:?}"
        ));
    }
    Ok(())
}

/// `^[a-z]{2}(-[a-z]+)+-\d+$`: shape only, so new regions need no release.
fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return false;
    };
    first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !middle.is_empty()
        && middle
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
}

fn check_region(s: &str) -> Result<(), String> {
    if is_region(s) {
        return Ok(());
    }
    let lower = s.to_ascii_lowercase();
    let hint = if is_region(&lower) {
        format!(" (regions are lowercase: {lower:?})")
    } else {
        String::new()
    };
    Err(format!(
        "must be an AWS region like \"eu-west-1\", got {s:?}{hint}"
    ))
}

fn check_source_profile(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.chars().any(|c| c.is_whitespace() || c == '[' || c == ']') {
        return Err(format!(
            "must not contain whitespace, '[' or ']', got {s:?}"
        ));
    }
    Ok(())
}

fn check_session_name(s: &str) -> Result<(), String> {
    let n = s.chars().count();
    if !(2..=64).contains(&n) {
        return Err(format!("must be 2 to 64 characters, got {n}"));
    }
    if !s.chars().all(is_iam_name_char) {
        return Err(format!(
            "may only contain letters, digits and +=,.@_-, got {s:?}"
        ));
    }
    Ok(())
}

/// The closest candidate by Jaro-Winkler similarity, if it is close enough
/// to be a plausible typo.
fn closest<'a>(needle: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(needle, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

fn unknown_bookmark(path: &Path, name: &str, items: &[Bookmark]) -> ConfigError {
    ConfigError::UnknownBookmark {
        path: path.to_path_buf(),
        name: name.to_owned(),
        suggestion: closest(name, items.iter().map(|b| b.name.as_str())).map(str::to_owned),
    }
}

fn io_error(path: &Path, action: &'static str, source: io::Error) -> ConfigError {
    ConfigError::Io {
        path: path.to_path_buf(),
        action,
        source,
    }
}

// ---------------------------------------------------------------------------
// Loading

/// The file being read: its name for messages and its text for positions.
struct Src<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Src<'_> {
    /// An error at byte `span.start`, or about the whole file without a span.
    fn error(&self, span: Option<Range<usize>>, message: String) -> ConfigError {
        match span {
            Some(span) => {
                let (line, col) = line_col(self.text, span.start);
                ConfigError::Invalid {
                    path: self.path.to_path_buf(),
                    line,
                    col,
                    message,
                }
            }
            None => ConfigError::File {
                path: self.path.to_path_buf(),
                message,
            },
        }
    }
}

/// 1-based line and column (in characters, so multibyte text before the
/// error does not shift the column an editor shows) of byte `offset`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset)];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    // Editors do not show a byte order mark as a column.
    let line_text = before[line_start..].trim_start_matches('\u{feff}');
    (line, line_text.chars().count() + 1)
}

/// `offset` moved back onto a char boundary, so slicing cannot panic even
/// if a span were to point inside a character.
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn parse<'a>(src: &Src<'a>) -> Result<Document<&'a str>, ConfigError> {
    Document::parse(src.text).map_err(|e| {
        let hint = e
            .span()
            .map_or_else(String::new, |s| unquoted_number_hint(src.text, s.start));
        let message = e.message().replace(['\n', '\r'], " ");
        src.error(e.span(), format!("invalid TOML: {message}{hint}"))
    })
}

/// `account = 012345678901` is a TOML syntax error (leading zero), not a type
/// error, so the syntax error path needs the "quote it" hint too.
fn unquoted_number_hint(text: &str, offset: usize) -> String {
    let start = text[..floor_char_boundary(text, offset)]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[start..].lines().next().unwrap_or("");
    let Some((key, value)) = line.split_once('=') else {
        return String::new();
    };
    let key = key.trim();
    let value = value.split('#').next().unwrap_or("").trim();
    let is_string_key = BOOKMARK_KEYS.contains(&key) && key != "duration" && key != "color";
    if is_string_key && !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit() || b == b'-')
    {
        format!(" (quote it: {key} = \"{value}\")")
    } else {
        String::new()
    }
}

/// Who a message is about: `defaults: ...` or `bookmark "prod": ...`.
#[derive(Clone, Copy)]
enum Ctx<'a> {
    Defaults,
    Bookmark(&'a str),
}

impl fmt::Display for Ctx<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ctx::Defaults => f.write_str("defaults"),
            Ctx::Bookmark(name) => write!(f, "bookmark {name:?}"),
        }
    }
}

/// One table's values, borrowed from the parsed document so loading copies
/// each string once, into the final `Bookmark`.
#[derive(Clone, Default)]
struct Raw<'d> {
    account: Option<&'d str>,
    role: Option<&'d str>,
    display: Option<&'d str>,
    color: Option<Color>,
    mfa_serial: Option<&'d str>,
    external_id: Option<&'d str>,
    region: Option<&'d str>,
    duration: Option<u32>,
    source_profile: Option<&'d str>,
    session_name: Option<&'d str>,
    mfa_session: Option<bool>,
    via: Option<&'d str>,
    handover: Option<HandoverMode>,
    mfa_process: Option<&'d str>,
    mfa_yubikey: Option<YubiKeyRaw<'d>>,
    /// Byte offset of the `via` value, for errors found later.
    via_at: Option<usize>,
}

/// The kind of value the user wrote, with its article, for "got ..." messages.
fn a_type(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::Value(v) => match v {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::InlineTable(_) => "a table",
        },
    }
}

/// Check one bookmark's (or `[defaults]`'s) keys; the first problem in file
/// order is the error.
fn read_table<'d>(
    src: &Src<'_>,
    ctx: Ctx<'_>,
    table: &'d dyn TableLike,
    allowed: &[&str],
) -> Result<Raw<'d>, ConfigError> {
    let mut raw = Raw::default();
    for (key, item) in table.iter() {
        if !allowed.contains(&key) {
            let span = table.key(key).and_then(Key::span);
            return Err(src.error(span, unknown_key_message(ctx, key, item, allowed)));
        }
        let bad = |sentence: String| src.error(item.span(), format!("{ctx}: {key} {sentence}"));
        let text = || match item {
            Item::Value(Value::String(s)) => Ok(s.value().as_str()),
            other => Err(bad(type_error(src, key, other))),
        };
        let checked = |check: fn(&str) -> Result<(), String>| {
            let s = text()?;
            check(s).map_err(&bad)?;
            Ok::<_, ConfigError>(Some(s))
        };
        match key {
            "account" => raw.account = checked(check_account)?,
            "role" => raw.role = checked(check_role)?,
            "display" => raw.display = checked(check_display)?,
            "color" => raw.color = Some(Color::parse(text()?).map_err(&bad)?),
            "mfa_serial" => raw.mfa_serial = checked(check_mfa_serial)?,
            "external_id" => raw.external_id = checked(check_external_id)?,
            "region" => raw.region = checked(check_region)?,
            "duration" => raw.duration = Some(duration_item(item, ROLE_DURATION).map_err(&bad)?),
            "source_profile" => raw.source_profile = checked(check_source_profile)?,
            "session_name" => raw.session_name = checked(check_session_name)?,
            "mfa_session" => raw.mfa_session = Some(bool_item(item).map_err(&bad)?),
            "handover" => raw.handover = Some(HandoverMode::parse(text()?).map_err(&bad)?),
            "mfa_process" => raw.mfa_process = checked(check_mfa_process)?,
            "mfa_yubikey" => raw.mfa_yubikey = Some(yubikey_item(item).map_err(&bad)?),
            "via" => {
                raw.via = checked(check_name)?;
                raw.via_at = item.span().map(|s| s.start);
            }
            _ => {}
        }
        if raw.mfa_process.is_some() && raw.mfa_yubikey.is_some() {
            return Err(src.error(
                item.span(),
                format!("{ctx}: set mfa_process or mfa_yubikey, not both"),
            ));
        }
    }
    Ok(raw)
}

/// `mfa_yubikey`: an OATH account name, or true / false.
fn yubikey_item(item: &Item) -> Result<YubiKeyRaw<'_>, String> {
    match item {
        Item::Value(Value::String(s)) => {
            let name = s.value().as_str();
            check_yubikey_name(name)?;
            Ok(YubiKeyRaw::Name(name))
        }
        Item::Value(Value::Boolean(b)) => Ok(YubiKeyRaw::On(*b.value())),
        other => Err(format!(
            "must be an OATH account name or true/false, got {}",
            a_type(other)
        )),
    }
}

/// "must be a string, got an integer", with "quote it" when the user wrote a
/// bare number or boolean that was meant as text.
fn type_error(src: &Src<'_>, key: &str, item: &Item) -> String {
    let what = if key == "account" {
        "a quoted string of 12 digits"
    } else {
        "a string"
    };
    let scalar = matches!(
        item,
        Item::Value(Value::Integer(_) | Value::Float(_) | Value::Boolean(_))
    );
    let hint = match item.span().and_then(|s| src.text.get(s)) {
        Some(raw) if scalar => format!(" (quote it: {key} = \"{}\")", raw.replace('_', "")),
        _ => String::new(),
    };
    format!("must be {what}, got {}{hint}", a_type(item))
}

fn unknown_key_message(ctx: Ctx<'_>, key: &str, item: &Item, allowed: &[&str]) -> String {
    let hint = match ctx {
        Ctx::Bookmark(_) if key == "name" => {
            " (the name is the table key, as in [bookmarks.NAME])".to_owned()
        }
        // `[bookmarks.my.prod]` makes a bookmark "my" with a table "prod".
        Ctx::Bookmark(name) if item.is_table_like() => {
            format!(" (to use '.' in a name, quote it: [bookmarks.\"{name}.{key}\"])")
        }
        Ctx::Defaults
            if matches!(
                key,
                "mfa_session" | "handover" | "mfa_process" | "mfa_yubikey"
            ) =>
        {
            " (set it per bookmark, or for all in [settings])".to_owned()
        }
        Ctx::Defaults if BOOKMARK_KEYS.contains(&key) || EXTRA_KEYS.contains(&key) => {
            format!(" ({key} has no default; set it in each bookmark)")
        }
        _ => did_you_mean(closest(key, allowed.iter().copied())),
    };
    format!(
        "{ctx}: unknown key {key:?}{hint} (allowed: {})",
        allowed.join(", ")
    )
}

fn unknown_top_level_message(key: &str, item: &Item) -> String {
    let hint = if DEFAULT_KEYS.contains(&key) {
        " (put it under [defaults])".to_owned()
    } else if item
        .as_table_like()
        .is_some_and(|t| t.contains_key("account") || t.contains_key("role"))
    {
        format!(" (bookmarks go under [bookmarks.{key}])")
    } else {
        did_you_mean(closest(key, TOP_KEYS.iter().copied()))
    };
    format!(
        "unknown top-level key {key:?}{hint} (allowed: {})",
        TOP_KEYS.join(", ")
    )
}

/// Every key a `[bookmarks.NAME]` table may hold.
fn bookmark_keys() -> Vec<&'static str> {
    BOOKMARK_KEYS.iter().chain(&EXTRA_KEYS).copied().collect()
}

/// Everything the file says, validated.
#[derive(Default)]
struct Loaded {
    items: Vec<Bookmark>,
    extras: std::collections::BTreeMap<String, Extras>,
    settings: Settings,
}

/// Load a bookmarks file's text as [`Bookmarks::load`] does after reading it,
/// for the fuzz target (`fuzz/`); built with debug assertions, it also checks
/// the fast loader against the validator. The number of bookmarks.
#[doc(hidden)]
pub fn fuzz_load(text: &str) -> Result<usize, ConfigError> {
    load_text(&Src {
        path: Path::new("fuzz.toml"),
        text,
    })
    .map(|l| l.items.len())
}

/// Read the file's text: the fast path for a valid file in the usual form
/// (see `fast`), else the `toml_edit` validator, which reports the precise
/// error or accepts a valid file the fast path does not handle.
fn load_text(src: &Src<'_>) -> Result<Loaded, ConfigError> {
    let Some(loaded) = fast::load(src.text) else {
        return collect_all(src, &parse(src)?);
    };
    // Debug builds and tests check every fast load against the validator,
    // so the whole test suite guards their equivalence.
    #[cfg(debug_assertions)]
    #[allow(clippy::expect_used)] // a failed check is a bug to see, in debug builds only
    {
        let slow = collect_all(src, &parse(src).expect("fast path accepted invalid TOML"))
            .expect("fast path accepted a file the validator rejects");
        assert_eq!(loaded.items, slow.items, "fast path: different bookmarks");
        assert_eq!(loaded.extras, slow.extras, "fast path: different extras");
        assert_eq!(
            loaded.settings, slow.settings,
            "fast path: different settings"
        );
    }
    Ok(loaded)
}

/// Validate the whole document and build the effective bookmarks.
fn collect(src: &Src<'_>, doc: &Document<&str>) -> Result<Vec<Bookmark>, ConfigError> {
    collect_all(src, doc).map(|l| l.items)
}

/// Check `[settings]`; the first problem in file order is the error.
fn read_settings(src: &Src<'_>, table: &dyn TableLike) -> Result<Settings, ConfigError> {
    let mut s = Settings::default();
    let (mut process, mut yubikey) = (None, None);
    for (key, item) in table.iter() {
        if !SETTINGS_KEYS.contains(&key) {
            let span = table.key(key).and_then(Key::span);
            let hint = if BOOKMARK_KEYS.contains(&key) {
                " (put it under [defaults])".to_owned()
            } else {
                did_you_mean(closest(key, SETTINGS_KEYS.iter().copied()))
            };
            return Err(src.error(
                span,
                format!(
                    "settings: unknown key {key:?}{hint} (allowed: {})",
                    SETTINGS_KEYS.join(", ")
                ),
            ));
        }
        let bad = |sentence: String| src.error(item.span(), format!("settings: {key} {sentence}"));
        match key {
            "cache" => s.cache = bool_item(item).map_err(bad)?,
            "mfa_session" => s.mfa_session = bool_item(item).map_err(bad)?,
            "auto_renew" => s.auto_renew = bool_item(item).map_err(bad)?,
            "handover" => {
                let text = match item {
                    Item::Value(Value::String(v)) => v.value().as_str(),
                    other => return Err(bad(format!("must be a string, got {}", a_type(other)))),
                };
                s.handover = HandoverMode::parse(text).map_err(bad)?
            }
            "mfa_session_duration" => {
                s.mfa_session_duration = duration_item(item, MFA_SESSION_DURATION).map_err(bad)?
            }
            "refresh_window" => {
                s.refresh_window = Some(duration_item(item, REFRESH_WINDOW).map_err(bad)?)
            }
            "colors" => s.colors = read_colors(src, item)?,
            "mfa_process" => {
                let text = match item {
                    Item::Value(Value::String(v)) => v.value().as_str(),
                    other => return Err(bad(format!("must be a string, got {}", a_type(other)))),
                };
                check_mfa_process(text).map_err(bad)?;
                process = Some(text);
            }
            "mfa_yubikey" => yubikey = Some(yubikey_item(item).map_err(bad)?),
            _ => {}
        }
        if process.is_some() && yubikey.is_some() {
            return Err(src.error(
                item.span(),
                "settings: set mfa_process or mfa_yubikey, not both".into(),
            ));
        }
    }
    s.mfa_source = MfaSource::from_raw(process, yubikey);
    Ok(s)
}

/// `[settings.colors]` (or `colors = { ... }`): `"GLOB" = "COLOR"`, in order.
fn read_colors(src: &Src<'_>, item: &Item) -> Result<Vec<ColorRule>, ConfigError> {
    let Some(table) = item.as_table_like() else {
        return Err(src.error(
            item.span(),
            format!(
                "settings: colors must be a table like [settings.colors] with \"*prod*\" = \"red\", got {}",
                a_type(item)
            ),
        ));
    };
    let mut rules = Vec::new();
    for (pattern, value) in table.iter() {
        let at = value.span();
        let color = match value {
            Item::Value(Value::String(v)) => Color::parse(v.value())
                .map_err(|e| src.error(at, format!("settings.colors: {pattern:?}: color {e}")))?,
            other => {
                return Err(src.error(
                    at,
                    format!(
                        "settings.colors: {pattern:?} must be a color string like \"red\", got {}",
                        a_type(other)
                    ),
                ));
            }
        };
        let rule = ColorRule::new(pattern, color).map_err(|e| {
            src.error(
                table.key(pattern).and_then(Key::span),
                format!("settings.colors: {e}"),
            )
        })?;
        rules.push(rule);
    }
    Ok(rules)
}

fn collect_all(src: &Src<'_>, doc: &Document<&str>) -> Result<Loaded, ConfigError> {
    let root = doc.as_table();
    for (key, item) in root.iter() {
        let span = || root.key(key).and_then(Key::span);
        if !TOP_KEYS.contains(&key) {
            return Err(src.error(span(), unknown_top_level_message(key, item)));
        }
        if !item.is_table_like() {
            let example = if key == "bookmarks" {
                "[bookmarks.NAME]".to_owned()
            } else {
                format!("[{key}]")
            };
            return Err(src.error(
                span(),
                format!("{key} must be a table like {example}, got {}", a_type(item)),
            ));
        }
    }

    let defaults = match root.get("defaults").and_then(Item::as_table_like) {
        Some(t) => read_table(src, Ctx::Defaults, t, &DEFAULT_KEYS)?,
        None => Raw::default(),
    };
    let settings = match root.get("settings").and_then(Item::as_table_like) {
        Some(t) => read_settings(src, t)?,
        None => Settings::default(),
    };
    let Some(list) = root.get("bookmarks").and_then(Item::as_table_like) else {
        return Ok(Loaded {
            settings,
            ..Loaded::default()
        });
    };

    let mut items = Vec::with_capacity(list.len());
    let mut extras = std::collections::BTreeMap::new();
    for (name, item) in list.iter() {
        let key_span = || list.key(name).and_then(Key::span).or_else(|| item.span());
        if let Err(e) = check_name(name) {
            return Err(src.error(key_span(), format!("bookmark {name:?}: name {e}")));
        }
        let ctx = Ctx::Bookmark(name);
        let Some(table) = item.as_table_like() else {
            return Err(src.error(
                item.span().or_else(key_span),
                format!(
                    "{ctx} must be a table like [bookmarks.{name}], got {}",
                    a_type(item)
                ),
            ));
        };
        let raw = read_table(src, ctx, table, &bookmark_keys())?;
        let header = || item.span().or_else(key_span);
        let missing = |key: &str, example: &str| {
            src.error(
                header(),
                format!("{ctx}: missing required key {key:?} (e.g. {key} = \"{example}\")"),
            )
        };
        let account = raw
            .account
            .ok_or_else(|| missing("account", "123456789012"))?;
        let role = raw.role.ok_or_else(|| missing("role", "Admin"))?;
        if let (Some(_), Some(_)) = (raw.via, raw.source_profile) {
            let span = table.get("source_profile").and_then(Item::span);
            return Err(src.error(
                span,
                format!("{ctx}: set via or source_profile, not both (with via, the credentials of the via bookmark are the source)"),
            ));
        }
        if let Some(e) = extras_of(src.text, &raw) {
            extras.insert(name.to_owned(), e);
        }
        items.push(effective(name, account, role, &raw, &defaults));
    }
    apply_colors(&mut items, defaults.color.as_ref(), &settings.colors);
    Ok(Loaded {
        items,
        extras,
        settings,
    })
}

/// A bookmark's `mfa_session` / `via`, if it sets either.
fn extras_of(text: &str, raw: &Raw<'_>) -> Option<Extras> {
    let mfa_source = MfaSource::from_raw(raw.mfa_process, raw.mfa_yubikey);
    (raw.mfa_session.is_some()
        || raw.via.is_some()
        || raw.handover.is_some()
        || mfa_source.is_some())
    .then(|| Extras {
        mfa_session: raw.mfa_session,
        via: raw.via.map(str::to_owned),
        via_at: raw.via_at.map(|at| line_col(text, at)),
        handover: raw.handover,
        mfa_source,
    })
}

/// The bookmark with `[defaults]` applied and `display` defaulted to the name;
/// its color only if it sets one ([`apply_colors`] fills in the others).
fn effective(name: &str, account: &str, role: &str, raw: &Raw<'_>, defaults: &Raw<'_>) -> Bookmark {
    let own = |v: Option<&str>, d: Option<&str>| v.or(d).map(str::to_owned);
    Bookmark {
        name: name.to_owned(),
        account: account.to_owned(),
        role: role.to_owned(),
        display: raw.display.unwrap_or(name).to_owned(),
        color: raw.color.clone(),
        mfa_serial: own(raw.mfa_serial, defaults.mfa_serial),
        external_id: own(raw.external_id, defaults.external_id),
        region: own(raw.region, defaults.region),
        duration: raw.duration.or(defaults.duration),
        source_profile: own(raw.source_profile, defaults.source_profile),
        session_name: own(raw.session_name, defaults.session_name),
    }
}

// ---------------------------------------------------------------------------
// Editing

/// Insert a new bookmark at the end of the file; error if the name exists.
/// Creates the file (and its directories) on first add.
pub fn add(path: &Path, spec: &BookmarkSpec) -> Result<(), ConfigError> {
    add_with(path, spec, &Extras::default())
}

/// [`add`] with `mfa_session` / `via` (`rolehop add --mfa-session --via`).
/// `via` must name an existing bookmark other than the new one.
pub fn add_with(path: &Path, spec: &BookmarkSpec, extras: &Extras) -> Result<(), ConfigError> {
    edit(path, |doc, items| {
        let mut errors = spec_errors(spec);
        if let Some(via) = extras.via.as_deref() {
            let problem = if via == spec.name {
                Some("cannot go via itself".to_owned())
            } else if !items.iter().any(|b| b.name == via) {
                Some(format!(
                    "via names no bookmark {via:?}{}",
                    did_you_mean(closest(via, items.iter().map(|b| b.name.as_str())))
                ))
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(ConfigError::File {
                    path: path.to_path_buf(),
                    message: format!("bookmark {:?}: {problem}", spec.name),
                });
            }
            if spec.value(Field::SourceProfile).is_some() {
                errors.push((
                    Field::SourceProfile,
                    "cannot be set together with via".to_owned(),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(ConfigError::InvalidSpec {
                path: path.to_path_buf(),
                name: spec.name.clone(),
                errors,
            });
        }
        if items.iter().any(|b| b.name == spec.name) {
            return Err(ConfigError::Exists {
                path: path.to_path_buf(),
                name: spec.name.clone(),
            });
        }
        append(doc, spec, extras);
        Ok(())
    })
}

/// Replace bookmark `old_name` by `spec` (which may rename it), keeping its
/// position and its comments; fields that are None are removed from the table.
pub fn update(path: &Path, old_name: &str, spec: &BookmarkSpec) -> Result<(), ConfigError> {
    edit(path, |doc, items| {
        if !items.iter().any(|b| b.name == old_name) {
            return Err(unknown_bookmark(path, old_name, items));
        }
        check_spec(path, spec)?;
        if spec.name != old_name && items.iter().any(|b| b.name == spec.name) {
            return Err(ConfigError::Exists {
                path: path.to_path_buf(),
                name: spec.name.clone(),
            });
        }
        let list = doc
            .as_table_mut()
            .get_mut("bookmarks")
            .ok_or_else(|| internal(path, "bookmarks table vanished"))?;
        let table = list
            .as_table_like_mut()
            .and_then(|l| l.get_mut(old_name))
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| internal(path, "bookmark table vanished"))?;
        let inherited = items.iter().find(|b| b.name == old_name);
        let spec = match inherited {
            Some(old) => keep_inherited(spec, old, &*table),
            None => spec.clone(),
        };
        set_fields(table, &spec);
        if spec.name != old_name {
            rename(list, old_name, &spec.name);
        }
        Ok(())
    })
}

/// An edit form shows values inherited from `[defaults]` like the bookmark's
/// own. One the user left as shown stays inherited rather than being copied
/// into the bookmark, so changing the default later still reaches it.
fn keep_inherited(spec: &BookmarkSpec, old: &Bookmark, table: &dyn TableLike) -> BookmarkSpec {
    let mut spec = spec.clone();
    // What the form showed for each inheritable field (as `Form::edit` renders it).
    let fields: [(Field, Option<String>, &mut Option<String>); 7] = [
        (
            Field::Color,
            old.color.as_ref().map(|c| c.to_string()),
            &mut spec.color,
        ),
        (
            Field::MfaSerial,
            old.mfa_serial.clone(),
            &mut spec.mfa_serial,
        ),
        (
            Field::ExternalId,
            old.external_id.clone(),
            &mut spec.external_id,
        ),
        (Field::Region, old.region.clone(), &mut spec.region),
        (
            Field::Duration,
            old.duration.map(|d| d.to_string()),
            &mut spec.duration,
        ),
        (
            Field::SourceProfile,
            old.source_profile.clone(),
            &mut spec.source_profile,
        ),
        (
            Field::SessionName,
            old.session_name.clone(),
            &mut spec.session_name,
        ),
    ];
    for (field, shown, value) in fields {
        if table.get(field.key()).is_none() && value.is_some() && *value == shown {
            *value = None;
        }
    }
    spec
}

/// Delete bookmark `name`, with the comment block directly above its header.
pub fn remove(path: &Path, name: &str) -> Result<(), ConfigError> {
    edit(path, |doc, items| {
        if !items.iter().any(|b| b.name == name) {
            return Err(unknown_bookmark(path, name, items));
        }
        let removed = doc
            .as_table_mut()
            .get_mut("bookmarks")
            .and_then(Item::as_table_like_mut)
            .and_then(|l| l.remove(name))
            .ok_or_else(|| internal(path, "bookmark table vanished"))?;
        if let Item::Table(t) = removed {
            keep_detached_comments(doc, &t);
        }
        Ok(())
    })
}

fn internal(path: &Path, what: &str) -> ConfigError {
    ConfigError::File {
        path: path.to_path_buf(),
        message: format!("internal error: {what}; nothing was written"),
    }
}

/// The shared edit cycle: lock, re-read, refuse an invalid file, apply `f`,
/// check the result still loads, write atomically.
fn edit(
    path: &Path,
    f: impl FnOnce(&mut DocumentMut, &[Bookmark]) -> Result<(), ConfigError>,
) -> Result<(), ConfigError> {
    let real = fsutil::real_path(path).map_err(|e| io_error(path, "write", e))?;
    let _lock = fsutil::lock_for(&real).map_err(|e| io_error(path, "lock", e))?;
    let text = match fs::read_to_string(&real) {
        Ok(t) if t.trim().is_empty() => NEW_FILE_HEADER.to_owned(),
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => NEW_FILE_HEADER.to_owned(),
        Err(e) => return Err(io_error(path, "read", e)),
    };
    let src = Src { path, text: &text };
    let parsed = parse(&src)?;
    let items = collect(&src, &parsed)?;
    let mut doc = parsed.into_mut();
    f(&mut doc, &items)?;

    let mut out = doc.to_string();
    // toml_edit writes '\n'; keep a CRLF file CRLF.
    if text.contains("\r\n") {
        out = out.replace("\r\n", "\n").replace('\n', "\r\n");
    }
    let check = Src { path, text: &out };
    if let Err(e) = parse(&check).and_then(|d| collect(&check, &d)) {
        return Err(internal(
            path,
            &format!("the edit would not load back ({e})"),
        ));
    }
    fsutil::atomic_write(&real, out.as_bytes(), fsutil::PRIVATE, false)
        .map_err(|e| io_error(path, "write", e))
}

fn spec_errors(spec: &BookmarkSpec) -> Vec<(Field, String)> {
    Field::ALL
        .iter()
        .filter_map(|&f| {
            let v = spec.value(f)?;
            validate_field(f, v).err().map(|e| (f, e))
        })
        .collect()
}

fn check_spec(path: &Path, spec: &BookmarkSpec) -> Result<(), ConfigError> {
    let errors = spec_errors(spec);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ConfigError::InvalidSpec {
            path: path.to_path_buf(),
            name: spec.name.clone(),
            errors,
        })
    }
}

/// The TOML value to store for a validated field. Colours are written in
/// canonical form; durations stay as typed, digits as an integer.
fn spec_value(field: Field, s: &str) -> Value {
    match field {
        Field::Color => {
            Color::parse(s).map_or_else(|_| Value::from(s), |c| Value::from(c.to_string()))
        }
        Field::Duration if s.bytes().all(|b| b.is_ascii_digit()) => s
            .parse::<i64>()
            .map_or_else(|_| Value::from(s), Value::from),
        _ => Value::from(s),
    }
}

/// Whether the stored value already means what the user typed, so an
/// unchanged field keeps its exact spelling (`"Red"`, `"1h"`, comments).
fn same_meaning(field: Field, old: &Value, new: &str) -> bool {
    match (field, old) {
        (Field::Color, Value::String(s)) => Color::parse(s.value()).ok() == Color::parse(new).ok(),
        (Field::Duration, Value::Integer(n)) => {
            parse_duration(new).ok().map(i64::from) == Some(*n.value())
        }
        (Field::Duration, Value::String(s)) => {
            parse_duration(s.value()).ok() == parse_duration(new).ok()
        }
        (_, Value::String(s)) => s.value() == new,
        _ => false,
    }
}

/// Make `table` hold exactly the spec's fields, editing values in place so
/// keys keep their order, comments and spacing.
fn set_fields(table: &mut dyn TableLike, spec: &BookmarkSpec) {
    for field in Field::ALL.into_iter().skip(1) {
        let key = field.key();
        let Some(new) = spec.value(field) else {
            table.remove(key);
            continue;
        };
        match table.get_mut(key) {
            Some(Item::Value(old)) => {
                if !same_meaning(field, old, new) {
                    let decor = old.decor().clone();
                    *old = spec_value(field, new);
                    *old.decor_mut() = decor;
                }
            }
            _ => {
                table.insert(key, Item::Value(spec_value(field, new)));
            }
        }
    }
}

/// Rename a key of `list` without moving it: entries after it are taken out
/// and put back in order, since toml_edit has no in-place rename.
fn rename(list: &mut Item, old: &str, new: &str) {
    let renamed = |k: &Key| {
        Key::new(new)
            .with_leaf_decor(k.leaf_decor().clone())
            .with_dotted_decor(k.dotted_decor().clone())
    };
    match list {
        Item::Table(t) => {
            let tail: Vec<(Key, Item)> = take_tail(t.iter().map(|(k, _)| k), old)
                .iter()
                .filter_map(|k| t.remove_entry(k))
                .collect();
            for (key, item) in tail.into_iter().rev() {
                let key = if key.get() == old { renamed(&key) } else { key };
                t.insert_formatted(&key, item);
            }
        }
        Item::Value(Value::InlineTable(t)) => {
            let tail: Vec<(Key, Value)> = take_tail(t.iter().map(|(k, _)| k), old)
                .iter()
                .filter_map(|k| t.remove_entry(k))
                .collect();
            for (key, value) in tail.into_iter().rev() {
                let key = if key.get() == old { renamed(&key) } else { key };
                t.insert_formatted(&key, value);
            }
        }
        _ => {}
    }
}

/// The keys from `old` to the end, last first: removing from the end keeps
/// each removal O(1) (an `IndexMap` shifts everything after a removed key).
fn take_tail<'a>(keys: impl Iterator<Item = &'a str>, old: &str) -> Vec<String> {
    let mut tail: Vec<String> = keys.skip_while(|k| *k != old).map(str::to_owned).collect();
    tail.reverse();
    tail
}

/// Append `[bookmarks.NAME]` after everything else, including end-of-file
/// comments, separated by one blank line: the existing text stays a prefix.
fn append(doc: &mut DocumentMut, spec: &BookmarkSpec, extras: &Extras) {
    append_all(doc, [(spec, extras)]);
}

/// [`append`] for several bookmarks in order, rendering the document once
/// (an import of thousands stays linear).
fn append_all<'a>(
    doc: &mut DocumentMut,
    entries: impl IntoIterator<Item = (&'a BookmarkSpec, &'a Extras)>,
) {
    let mut first = true;
    let mut position = max_position(doc.as_table());
    for (spec, extras) in entries {
        let mut table = Table::new();
        for field in Field::ALL.into_iter().skip(1) {
            if let Some(v) = spec.value(field) {
                table.insert(field.key(), Item::Value(spec_value(field, v)));
            }
        }
        if let Some(on) = extras.mfa_session {
            table.insert("mfa_session", Item::Value(Value::from(on)));
        }
        if let Some(via) = extras.via.as_deref() {
            table.insert("via", Item::Value(Value::from(via)));
        }
        if extras.handover == Some(HandoverMode::Static) {
            table.insert("handover", Item::Value(Value::from("static")));
        }
        match &extras.mfa_source {
            Some(MfaSource::Process(p)) => {
                table.insert("mfa_process", Item::Value(Value::from(p.as_str())));
            }
            Some(MfaSource::YubiKey(n)) => {
                table.insert("mfa_yubikey", Item::Value(Value::from(n.as_str())));
            }
            Some(MfaSource::YubiKeySerial) => {
                table.insert("mfa_yubikey", Item::Value(Value::from(true)));
            }
            Some(MfaSource::Ask) => {
                table.insert("mfa_yubikey", Item::Value(Value::from(false)));
            }
            None => {}
        }
        // A hand-written inline `bookmarks = { ... }` can only take another entry.
        if let Some(Item::Value(Value::InlineTable(list))) = doc.as_table_mut().get_mut("bookmarks")
        {
            list.insert(&spec.name, Value::InlineTable(table.into_inline_table()));
            continue;
        }

        if first {
            let rendered = doc.to_string();
            let separator = if rendered.is_empty() || rendered.ends_with("\n\n") {
                ""
            } else if rendered.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            // End-of-file comments stay above the new table rather than below it.
            let trailing = doc.trailing().as_str().unwrap_or("");
            table
                .decor_mut()
                .set_prefix(format!("{trailing}{separator}"));
            doc.set_trailing("");
            first = false;
        } else {
            // The previous table was appended by us and ends with a newline.
            table.decor_mut().set_prefix("\n");
        }
        position = position.saturating_add(1);
        table.set_position(Some(position));

        let root = doc.as_table_mut();
        if let Some(Item::Table(list)) = root.get_mut("bookmarks") {
            list.insert(&spec.name, Item::Table(table));
        } else {
            let mut list = Table::new();
            list.set_implicit(true);
            list.insert(&spec.name, Item::Table(table));
            root.insert("bookmarks", Item::Table(list));
        }
    }
}

/// The largest table position in the document, so a new table sorts last.
fn max_position(table: &Table) -> isize {
    let mut max = table.position().unwrap_or(0);
    for (_, item) in table.iter() {
        let sub = match item {
            Item::Table(t) => max_position(t),
            Item::ArrayOfTables(a) => a.iter().map(max_position).max().unwrap_or(0),
            _ => 0,
        };
        max = max.max(sub);
    }
    max
}

/// A removed table takes its header comment with it, but text above the last
/// blank line before it (a file header, a section note) belongs to the file:
/// move that to the next table, or to the end of the file.
fn keep_detached_comments(doc: &mut DocumentMut, removed: &Table) {
    let prefix = removed
        .decor()
        .prefix()
        .and_then(|p| p.as_str())
        .unwrap_or("");
    // Byte range of the last blank line, which separates the detached text
    // from the removed table's own comment block.
    let mut blank = None;
    let mut offset = 0;
    for line in prefix.split_inclusive('\n') {
        if line.trim().is_empty() && line.ends_with('\n') {
            blank = Some(offset..offset + line.len());
        }
        offset += line.len();
    }
    let Some(blank) = blank else { return };
    if blank.start == 0 {
        return;
    }
    let Some(pos) = removed.position() else {
        return;
    };
    let starts_blank = |s: &str| {
        s.split_inclusive('\n')
            .next()
            .is_some_and(|l| l.trim().is_empty() && l.ends_with('\n'))
    };
    if let Some(next) = next_table_after(doc.as_table_mut(), pos) {
        let old = next.decor().prefix().and_then(|p| p.as_str()).unwrap_or("");
        // Keep the detached text separated from the next table's header.
        let end = if starts_blank(old) {
            blank.start
        } else {
            blank.end
        };
        let joined = format!("{}{old}", &prefix[..end]);
        next.decor_mut().set_prefix(joined);
    } else {
        let old = doc.trailing().as_str().unwrap_or("");
        let joined = format!("{}{old}", &prefix[..blank.start]);
        doc.set_trailing(joined);
    }
}

/// The visible table with the smallest position greater than `pos`.
fn next_table_after(root: &mut Table, pos: isize) -> Option<&mut Table> {
    fn visible(t: &Table) -> Option<isize> {
        t.position().filter(|_| !t.is_implicit() && !t.is_dotted())
    }
    fn best(table: &Table, pos: isize, found: &mut Option<isize>) {
        if let Some(p) = visible(table)
            && p > pos
            && found.is_none_or(|f| p < f)
        {
            *found = Some(p);
        }
        for (_, item) in table.iter() {
            match item {
                Item::Table(t) => best(t, pos, found),
                Item::ArrayOfTables(a) => a.iter().for_each(|t| best(t, pos, found)),
                _ => {}
            }
        }
    }
    fn find(table: &mut Table, target: isize) -> Option<&mut Table> {
        if visible(table) == Some(target) {
            return Some(table);
        }
        for (_, item) in table.iter_mut() {
            let found = match item {
                Item::Table(t) => find(t, target),
                Item::ArrayOfTables(a) => a.iter_mut().find_map(|t| find(t, target)),
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }
    let mut found = None;
    best(root, pos, &mut found);
    find(root, found?)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn valid_example_loads_with_defaults_applied() {
        let items = load_str(EXAMPLE).unwrap();
        assert_eq!(
            items,
            vec![
                Bookmark {
                    name: "prod".into(),
                    account: "210987654321".into(),
                    role: "CrossAccountRole".into(),
                    display: "Prod (admin)".into(),
                    color: Some(Color::Red),
                    mfa_serial: Some("arn:aws:iam::123456789012:mfa/alice".into()),
                    external_id: None,
                    region: Some("us-east-1".into()),
                    duration: Some(3600),
                    source_profile: None,
                    session_name: None,
                },
                Bookmark {
                    name: "dev".into(),
                    account: "012345678901".into(),
                    role: "ops/Admin".into(),
                    display: "dev".into(),
                    color: Some(Color::Hex(0xa1, 0xb2, 0xc3)),
                    mfa_serial: None,
                    external_id: None,
                    region: Some("eu-west-1".into()),
                    duration: Some(900),
                    source_profile: None,
                    session_name: None,
                },
            ]
        );
        assert_eq!(
            items[1].role_arn(),
            "arn:aws:iam::012345678901:role/ops/Admin"
        );
        let json = serde_json::to_value(&items[1]).unwrap();
        assert_eq!(json["color"], "#a1b2c3");
        assert_eq!(json["account"], "012345678901");
    }

    #[test]
    fn defaults_fill_every_inheritable_field_and_bookmark_wins() {
        let text = r#"
[defaults]
color = "blue"
mfa_serial = "GAHT12345678"
external_id = "ext-1"
region = "cn-north-1"
duration = 7200
source_profile = "base"
session_name = "alice"

[bookmarks.a]
account = "111111111111"
role = "R"
session_name = "bob"
"#;
        let b = &load_str(text).unwrap()[0];
        assert_eq!(b.color, Some(Color::Blue));
        assert_eq!(b.mfa_serial.as_deref(), Some("GAHT12345678"));
        assert_eq!(b.external_id.as_deref(), Some("ext-1"));
        assert_eq!(b.region.as_deref(), Some("cn-north-1"));
        assert_eq!(b.duration, Some(7200));
        assert_eq!(b.source_profile.as_deref(), Some("base"));
        assert_eq!(b.session_name.as_deref(), Some("bob"));
        assert_eq!(b.partition(), "aws-cn");
        assert_eq!(b.role_arn(), "arn:aws-cn:iam::111111111111:role/R");
    }

    #[test]
    fn partition_follows_region() {
        let mut b = load_str(EXAMPLE).unwrap().remove(0);
        for (region, partition) in [
            (None, "aws"),
            (Some("us-gov-west-1"), "aws-us-gov"),
            (Some("cn-northwest-1"), "aws-cn"),
            (Some("eu-west-1"), "aws"),
        ] {
            b.region = region.map(str::to_owned);
            assert_eq!(b.partition(), partition, "{region:?}");
        }
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

    #[test]
    fn every_invalid_field_gives_its_message_at_the_value() {
        let long = "a".repeat(65);
        let cases: Vec<(String, String)> = vec![
            (r#"account = "12345""#.into(), r#"3:11: bookmark "prod": account must be 12 digits, got "12345""#.into()),
            (r#"account = "1234-5678-9012""#.into(), r#"3:11: bookmark "prod": account must be 12 digits, got "1234-5678-9012" (without dashes: "123456789012")"#.into()),
            (r#"account = "21098765432a""#.into(), r#"3:11: bookmark "prod": account must be 12 digits, got "21098765432a""#.into()),
            ("account = 210987654321".into(), r#"3:11: bookmark "prod": account must be a quoted string of 12 digits, got an integer (quote it: account = "210987654321")"#.into()),
            (r#"role = """#.into(), r#"3:8: bookmark "prod": role must not be empty"#.into()),
            (r#"role = "a b""#.into(), r#"3:8: bookmark "prod": role may only contain letters, digits and +=,.@_- (and '/' between path parts), got "a b""#.into()),
            (r#"role = "/ops/Admin""#.into(), r#"3:8: bookmark "prod": role must not start or end with '/', got "/ops/Admin""#.into()),
            (r#"role = "ops/""#.into(), r#"3:8: bookmark "prod": role must not start or end with '/', got "ops/""#.into()),
            (r#"role = "ops//Admin""#.into(), r#"3:8: bookmark "prod": role must not contain an empty path part ("//"), got "ops//Admin""#.into()),
            (format!(r#"role = "ops/{long}""#), format!(r#"3:8: bookmark "prod": role must have at most 64 characters between '/', got 65 in "{long}""#)),
            (r#"role = "arn:aws:iam::123456789012:role/ops/Admin""#.into(), r#"3:8: bookmark "prod": role must be a role name, not an ARN, got "arn:aws:iam::123456789012:role/ops/Admin" (use "ops/Admin")"#.into()),
            ("role = 7".into(), r#"3:8: bookmark "prod": role must be a string, got an integer (quote it: role = "7")"#.into()),
            (r#"display = """#.into(), r#"3:11: bookmark "prod": display must not be empty"#.into()),
            (format!(r#"display = "{long}""#), r#"3:11: bookmark "prod": display must be at most 64 characters, got 65"#.into()),
            (r#"display = "a\tb""#.into(), r#"3:11: bookmark "prod": display must not contain control characters, got "a\tb""#.into()),
            (r#"color = "purple""#.into(), r#"3:9: bookmark "prod": color must be red, orange, yellow, green, blue or #rrggbb, got "purple""#.into()),
            (r#"color = "gren""#.into(), r#"3:9: bookmark "prod": color must be red, orange, yellow, green, blue or #rrggbb, got "gren" (did you mean "green"?)"#.into()),
            (r##"color = "#12345g""##.into(), r##"3:9: bookmark "prod": color must be red, orange, yellow, green, blue or #rrggbb, got "#12345g""##.into()),
            (r#"mfa_serial = "arn:aws:iam::123456789012:user/alice""#.into(), r#"3:14: bookmark "prod": mfa_serial must be an MFA device ARN like "arn:aws:iam::123456789012:mfa/alice", got "arn:aws:iam::123456789012:user/alice""#.into()),
            (r#"mfa_serial = "arn:aws:iam::12345:mfa/alice""#.into(), r#"3:14: bookmark "prod": mfa_serial must be an MFA device ARN like "arn:aws:iam::123456789012:mfa/alice", got "arn:aws:iam::12345:mfa/alice""#.into()),
            (r#"mfa_serial = "short""#.into(), r#"3:14: bookmark "prod": mfa_serial must be an MFA device ARN like "arn:aws:iam::123456789012:mfa/alice" or a hardware serial (9 to 256 letters, digits and +=/:,.@_-), got "short""#.into()),
            (r#"mfa_serial = "GAHT 12345678""#.into(), r#"3:14: bookmark "prod": mfa_serial must be an MFA device ARN like "arn:aws:iam::123456789012:mfa/alice" or a hardware serial (9 to 256 letters, digits and +=/:,.@_-), got "GAHT 12345678""#.into()),
            (r#"external_id = "x""#.into(), r#"3:15: bookmark "prod": external_id must be 2 to 1224 characters, got 1"#.into()),
            (r#"external_id = "a b""#.into(), r#"3:15: bookmark "prod": external_id may only contain letters, digits and +=,.@:/_-, got "a b""#.into()),
            ("external_id = 12_345".into(), r#"3:15: bookmark "prod": external_id must be a string, got an integer (quote it: external_id = "12345")"#.into()),
            (r#"region = "eu-west""#.into(), r#"3:10: bookmark "prod": region must be an AWS region like "eu-west-1", got "eu-west""#.into()),
            (r#"region = "EU-WEST-1""#.into(), r#"3:10: bookmark "prod": region must be an AWS region like "eu-west-1", got "EU-WEST-1" (regions are lowercase: "eu-west-1")"#.into()),
            (r#"region = "e-west-1""#.into(), r#"3:10: bookmark "prod": region must be an AWS region like "eu-west-1", got "e-west-1""#.into()),
            ("duration = 600".into(), r#"3:12: bookmark "prod": duration must be between 900 and 43200 seconds (15m to 12h), got 600"#.into()),
            ("duration = -1".into(), r#"3:12: bookmark "prod": duration must be between 900 and 43200 seconds (15m to 12h), got -1"#.into()),
            (r#"duration = "13h""#.into(), r#"3:12: bookmark "prod": duration must be between 900 and 43200 seconds (15m to 12h), got "13h""#.into()),
            (r#"duration = "1 hour""#.into(), r#"3:12: bookmark "prod": duration must be a number of seconds or a duration like "15m", "1h" or "1h30m", got "1 hour""#.into()),
            ("duration = true".into(), r#"3:12: bookmark "prod": duration must be a number of seconds or a string like "1h", got a boolean"#.into()),
            (r#"source_profile = "my profile""#.into(), r#"3:18: bookmark "prod": source_profile must not contain whitespace, '[' or ']', got "my profile""#.into()),
            (r#"source_profile = "[x]""#.into(), r#"3:18: bookmark "prod": source_profile must not contain whitespace, '[' or ']', got "[x]""#.into()),
            (r#"source_profile = """#.into(), r#"3:18: bookmark "prod": source_profile must not be empty"#.into()),
            (r#"session_name = "a""#.into(), r#"3:16: bookmark "prod": session_name must be 2 to 64 characters, got 1"#.into()),
            (r#"session_name = "a b""#.into(), r#"3:16: bookmark "prod": session_name may only contain letters, digits and +=,.@_-, got "a b""#.into()),
            (r#"acount = "1""#.into(), r#"3:1: bookmark "prod": unknown key "acount"; did you mean "account"? (allowed: account, role, display, color, mfa_serial, external_id, region, duration, source_profile, session_name, mfa_session, via, handover, mfa_process, mfa_yubikey)"#.into()),
            (r#"name = "prod""#.into(), r#"3:1: bookmark "prod": unknown key "name" (the name is the table key, as in [bookmarks.NAME]) (allowed: account, role, display, color, mfa_serial, external_id, region, duration, source_profile, session_name, mfa_session, via, handover, mfa_process, mfa_yubikey)"#.into()),
            (r#"zzz = "1""#.into(), r#"3:1: bookmark "prod": unknown key "zzz" (allowed: account, role, display, color, mfa_serial, external_id, region, duration, source_profile, session_name, mfa_session, via, handover, mfa_process, mfa_yubikey)"#.into()),
        ];
        for (line, expected) in cases {
            assert_eq!(
                err(&bookmark_with(&line)),
                format!("b.toml:{expected}"),
                "for {line}"
            );
        }
    }

    #[test]
    fn valid_field_forms_load() {
        for line in [
            r#"role = "a+=,.@_-Z9/b""#,
            r#"mfa_serial = "arn:aws-us-gov:iam::123456789012:mfa/team/alice""#,
            r#"mfa_serial = "GAHT12345678""#,
            r#"external_id = "a+=,.@:/_-""#,
            r#"region = "us-gov-west-1""#,
            r#"color = "YeLLow""#,
            r#"duration = "43200""#,
            r#"display = "Prod ✓ (admin)""#,
            r#"session_name = "alice@example.com""#,
        ] {
            assert!(load_str(&bookmark_with(line)).is_ok(), "{line}");
        }
    }

    #[test]
    fn missing_required_key_points_at_the_header() {
        let text = "# x\n\n  [bookmarks.prod]\naccount = \"210987654321\"\n";
        assert_eq!(
            err(text),
            r#"b.toml:3:3: bookmark "prod": missing required key "role" (e.g. role = "Admin")"#
        );
        let text = "[bookmarks.prod]\nrole = \"R\"\n";
        assert_eq!(
            err(text),
            r#"b.toml:1:1: bookmark "prod": missing required key "account" (e.g. account = "123456789012")"#
        );
    }

    #[test]
    fn bad_names_and_structure() {
        let ok = "\naccount = \"210987654321\"\nrole = \"R\"\n";
        let cases = [
            (
                "[bookmarks.\"a b\"]",
                r#"b.toml:1:12: bookmark "a b": name may only contain letters, digits, '.', '_' and '-', got "a b""#,
            ),
            (
                "[bookmarks.-x]",
                r#"b.toml:1:12: bookmark "-x": name must start with a letter or digit, got "-x""#,
            ),
            (
                "[bookmarks.\"\"]",
                r#"b.toml:1:12: bookmark "": name must not be empty"#,
            ),
            (
                "[bookmarks.my.prod]",
                r#"b.toml:1:15: bookmark "my": unknown key "prod" (to use '.' in a name, quote it: [bookmarks."my.prod"]) (allowed: account, role, display, color, mfa_serial, external_id, region, duration, source_profile, session_name, mfa_session, via, handover, mfa_process, mfa_yubikey)"#,
            ),
            (
                "[bookmark.prod]",
                r#"b.toml:1:2: unknown top-level key "bookmark"; did you mean "bookmarks"? (allowed: defaults, bookmarks, settings)"#,
            ),
            (
                "[prod]",
                r#"b.toml:1:2: unknown top-level key "prod" (bookmarks go under [bookmarks.prod]) (allowed: defaults, bookmarks, settings)"#,
            ),
            (
                "[[bookmarks]]",
                r#"b.toml:1:3: bookmarks must be a table like [bookmarks.NAME], got an array of tables"#,
            ),
        ];
        for (header, expected) in cases {
            assert_eq!(err(&format!("{header}{ok}")), expected, "{header}");
        }
        let long = "a".repeat(65);
        assert_eq!(
            err(&format!("[bookmarks.{long}]{ok}")),
            format!(
                r#"b.toml:1:12: bookmark "{long}": name must be at most 64 characters, got 65"#
            )
        );
        assert_eq!(
            err("region = \"us-east-1\"\n"),
            r#"b.toml:1:1: unknown top-level key "region" (put it under [defaults]) (allowed: defaults, bookmarks, settings)"#
        );
        assert_eq!(
            err("[bookmarks]\nprod = \"x\"\n"),
            r#"b.toml:2:8: bookmark "prod" must be a table like [bookmarks.prod], got a string"#
        );
        assert_eq!(
            err("settings = 1\n"),
            "b.toml:1:1: settings must be a table like [settings], got an integer"
        );
        // Dotted and inline bookmarks are TOML too.
        let items =
            load_str("[bookmarks]\na = { account = \"111111111111\", role = \"R\" }\nb.account = \"222222222222\"\nb.role = \"S\"\n")
                .unwrap();
        assert_eq!(
            items.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
    }

    /// What `Bookmarks::load` does with the text: the fast path when it
    /// applies (checked against the validator in tests), else the validator.
    fn load_full(text: &str) -> Result<Loaded, ConfigError> {
        load_text(&Src {
            path: Path::new("b.toml"),
            text,
        })
    }

    fn settings_err(text: &str) -> String {
        match load_full(text) {
            Ok(_) => panic!("expected an error for {text:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn settings_parse_with_defaults_and_located_errors() {
        let s = load_full("").unwrap().settings;
        assert_eq!(s, Settings::default());
        assert!(s.cache && s.mfa_session && s.auto_renew);
        assert_eq!((s.mfa_session_duration, s.refresh_window), (43_200, None));
        let s = load_full(
            "[settings]\ncache = false\nmfa_session = false\nmfa_session_duration = \"36h\"\nrefresh_window = \"2m\"\nauto_renew = false\nhandover = \"static\"\n",
        )
        .unwrap()
        .settings;
        assert_eq!(
            s,
            Settings {
                cache: false,
                mfa_session: false,
                mfa_session_duration: 129_600,
                refresh_window: Some(120),
                auto_renew: false,
                handover: HandoverMode::Static,
                colors: Vec::new(),
                mfa_source: None,
            }
        );
        assert_eq!(
            load_full("[settings]\nmfa_session_duration = 900\n")
                .unwrap()
                .settings
                .mfa_session_duration,
            900
        );
        for (text, expected) in [
            (
                "[settings]\ncache = \"false\"\n",
                r#"b.toml:2:9: settings: cache must be true or false without quotes, got "false""#,
            ),
            (
                "[settings]\ncache = 1\n",
                "b.toml:2:9: settings: cache must be true or false, got an integer",
            ),
            (
                "[settings]\nmfa_session_duration = \"48h\"\n",
                r#"b.toml:2:24: settings: mfa_session_duration must be between 900 and 129600 seconds (15m to 36h), got "48h""#,
            ),
            (
                "[settings]\nmfa_session_duration = 600\n",
                "b.toml:2:24: settings: mfa_session_duration must be between 900 and 129600 seconds (15m to 36h), got 600",
            ),
            (
                "[settings]\nrefresh_window = \"soon\"\n",
                r#"b.toml:2:18: settings: refresh_window must be a number of seconds or a duration like "15m", "1h" or "1h30m", got "soon""#,
            ),
            (
                "[settings]\nrefresh_window = 0\n",
                "b.toml:2:18: settings: refresh_window must be between 1 and 43200 seconds (1s to 12h), got 0",
            ),
            (
                "[settings]\ncahce = true\n",
                r#"b.toml:2:1: settings: unknown key "cahce"; did you mean "cache"? (allowed: cache, mfa_session, mfa_session_duration, refresh_window, auto_renew, handover, colors, mfa_process, mfa_yubikey)"#,
            ),
            (
                "[settings]\nregion = \"eu-west-1\"\n",
                r#"b.toml:2:1: settings: unknown key "region" (put it under [defaults]) (allowed: cache, mfa_session, mfa_session_duration, refresh_window, auto_renew, handover, colors, mfa_process, mfa_yubikey)"#,
            ),
        ] {
            assert_eq!(settings_err(text), expected, "{text}");
        }
    }

    #[test]
    fn color_rules_color_bookmarks_without_their_own() {
        let text = "[defaults]\ncolor = \"blue\"\n\n[settings.colors]\n\"*prod*\" = \"red\"\n\"*PROD-eu*\" = \"yellow\" # never reached: the first match wins\n\"*stag*\" = \"orange\"\n\n[bookmarks.prod-eu]\naccount = \"111111111111\"\nrole = \"R\"\n\n[bookmarks.payments]\naccount = \"222222222222\"\nrole = \"R\"\ndisplay = \"Payments Staging\"\n\n[bookmarks.prod-own]\naccount = \"333333333333\"\nrole = \"R\"\ncolor = \"green\"\n\n[bookmarks.sandbox]\naccount = \"444444444444\"\nrole = \"R\"\n";
        let (_dir, path) = file_with(text);
        let b = Bookmarks::load(&path).unwrap();
        let color = |n: &str| b.get(n).unwrap().color.clone();
        assert_eq!(color("prod-eu"), Some(Color::Red));
        // Display matched too, in any case.
        assert_eq!(color("payments"), Some(Color::Orange));
        // Its own color wins over every rule.
        assert_eq!(color("prod-own"), Some(Color::Green));
        // No rule: the [defaults] color.
        assert_eq!(color("sandbox"), Some(Color::Blue));
        let patterns: Vec<&str> = b
            .settings
            .colors
            .iter()
            .map(|r| r.pattern.as_str())
            .collect();
        assert_eq!(patterns, ["*prod*", "*PROD-eu*", "*stag*"]);
        // The same through the validator (an inline table is outside the fast path).
        let inline = "[settings]\ncolors = { \"*prod*\" = \"red\" }\n[bookmarks.prod-eu]\naccount = \"111111111111\"\nrole = \"R\"\n";
        let (_d, p) = file_with(inline);
        assert_eq!(
            Bookmarks::load(&p).unwrap().items[0].color,
            Some(Color::Red)
        );
    }

    #[test]
    fn mfa_sources_per_bookmark_and_in_settings() {
        let text = "[settings]\nmfa_yubikey = \"AWS:alice\"\n\n[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"\nmfa_process = \"op item get 'AWS prod' --otp\"\n\n[bookmarks.b]\naccount = \"222222222222\"\nrole = \"R\"\n\n[bookmarks.c]\naccount = \"333333333333\"\nrole = \"R\"\nmfa_yubikey = false\n\n[bookmarks.d]\naccount = \"444444444444\"\nrole = \"R\"\nmfa_yubikey = true\n";
        let (_dir, path) = file_with(text);
        let b = Bookmarks::load(&path).unwrap();
        assert_eq!(
            b.mfa_source("a"),
            Some(&MfaSource::Process("op item get 'AWS prod' --otp".into()))
        );
        assert_eq!(
            b.mfa_source("b"),
            Some(&MfaSource::YubiKey("AWS:alice".into()))
        );
        assert_eq!(b.mfa_source("c"), None);
        assert_eq!(b.mfa_source("d"), Some(&MfaSource::YubiKeySerial));
        for (text, expected) in [
            (
                "[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"\nmfa_process = \"op 'unclosed\"\n",
                r#"b.toml:4:15: bookmark "a": mfa_process has an unclosed quote: "op 'unclosed""#,
            ),
            (
                "[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"\nmfa_process = \"  \"\n",
                r#"b.toml:4:15: bookmark "a": mfa_process must name a command whose output is the code, e.g. "ykman oath accounts code --single aws""#,
            ),
            (
                "[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"\nmfa_yubikey = 1\n",
                r#"b.toml:4:15: bookmark "a": mfa_yubikey must be an OATH account name or true/false, got an integer"#,
            ),
            (
                "[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"\nmfa_process = \"x\"\nmfa_yubikey = true\n",
                r#"b.toml:5:15: bookmark "a": set mfa_process or mfa_yubikey, not both"#,
            ),
            (
                "[settings]\nmfa_yubikey = true\nmfa_process = \"x\"\n",
                r#"b.toml:3:15: settings: set mfa_process or mfa_yubikey, not both"#,
            ),
            (
                "[defaults]\nmfa_process = \"x\"\n",
                r#"b.toml:2:1: defaults: unknown key "mfa_process" (set it per bookmark, or for all in [settings]) (allowed: color, mfa_serial, external_id, region, duration, source_profile, session_name)"#,
            ),
        ] {
            assert_eq!(settings_err(text), expected, "{text}");
        }
    }

    #[test]
    fn color_rules_errors_name_the_place() {
        for (text, expected) in [
            (
                "[settings.colors]\n\"*prod*\" = \"pink\"\n",
                r#"b.toml:2:12: settings.colors: "*prod*": color must be red, orange, yellow, green, blue or #rrggbb, got "pink""#,
            ),
            (
                "[settings.colors]\n\"[prod\" = \"red\"\n",
                r#"b.toml:2:1: settings.colors: "[prod" is not a glob (invalid range pattern): use * ? and [a-z]"#,
            ),
            (
                "[settings.colors]\n\"*prod*\" = 1\n",
                r#"b.toml:2:12: settings.colors: "*prod*" must be a color string like "red", got an integer"#,
            ),
            (
                "[settings]\ncolors = \"red\"\n",
                r#"b.toml:2:10: settings: colors must be a table like [settings.colors] with "*prod*" = "red", got a string"#,
            ),
        ] {
            assert_eq!(settings_err(text), expected, "{text}");
        }
    }

    #[test]
    fn handover_per_bookmark_and_in_settings() {
        let text = "[settings]\nhandover = \"static\"\n\n[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"\nhandover = \"live\"\n\n[bookmarks.b]\naccount = \"222222222222\"\nrole = \"P\"\n";
        let (_dir, path) = file_with(text);
        let loaded = Bookmarks::load(&path).unwrap();
        assert_eq!(loaded.handover("a"), HandoverMode::Live);
        assert_eq!(loaded.handover("b"), HandoverMode::Static);
        let (_dir, path) = file_with(
            "[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"\nhandover = \"fixed\"\n",
        );
        let e = Bookmarks::load(&path).unwrap_err().to_string();
        assert!(
            e.ends_with(r#":4:12: bookmark "a": handover must be "live" or "static", got "fixed""#),
            "{e}"
        );
        let (_dir, path) = file_with("[defaults]\nhandover = \"static\"\n");
        let e = Bookmarks::load(&path).unwrap_err().to_string();
        assert!(
            e.contains("set it per bookmark, or for all in [settings]"),
            "{e}"
        );
    }

    #[test]
    fn via_and_mfa_session_per_bookmark() {
        let text = "[bookmarks.hub]\naccount = \"111111111111\"\nrole = \"R\"\nmfa_session = false\n\n[bookmarks.prod]\naccount = \"222222222222\"\nrole = \"P\"\nvia   = \"hub\"\n";
        let loaded = load_full(text).unwrap();
        assert_eq!(loaded.extras["hub"].mfa_session, Some(false));
        assert_eq!(loaded.extras["prod"].via.as_deref(), Some("hub"));
        assert_eq!(loaded.extras["prod"].via_at, Some((9, 9)));
        assert_eq!(loaded.items.len(), 2, "the Bookmark values are unchanged");
        for (line, expected) in [
            (
                "mfa_session = \"no\"",
                "3:15: bookmark \"prod\": mfa_session must be true or false, got a string",
            ),
            (
                "via = \"a b\"",
                "3:7: bookmark \"prod\": via may only contain letters, digits, '.', '_' and '-', got \"a b\"",
            ),
            (
                "via = \"x\"\nsource_profile = \"base\"",
                "4:18: bookmark \"prod\": set via or source_profile, not both (with via, the credentials of the via bookmark are the source)",
            ),
        ] {
            assert_eq!(
                err(&bookmark_with(line)),
                format!("b.toml:{expected}"),
                "{line}"
            );
        }
        assert_eq!(
            err("[defaults]\nmfa_session = false\n"),
            r#"b.toml:2:1: defaults: unknown key "mfa_session" (set it per bookmark, or for all in [settings]) (allowed: color, mfa_serial, external_id, region, duration, source_profile, session_name)"#
        );
    }

    #[test]
    fn add_with_via_checks_the_target_and_writes_the_keys() {
        let (_dir, path) = file_with(EXAMPLE);
        let extras = |via: &str| Extras {
            mfa_session: Some(false),
            via: Some(via.into()),
            via_at: None,
            handover: None,
            mfa_source: None,
        };
        let e = add_with(&path, &spec("x", "111111111111", "R"), &extras("prd")).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                r#"{}: bookmark "x": via names no bookmark "prd"; did you mean "prod"?"#,
                path.display()
            )
        );
        let e = add_with(&path, &spec("x", "111111111111", "R"), &extras("x")).unwrap_err();
        assert!(e.to_string().contains("cannot go via itself"), "{e}");
        add_with(&path, &spec("x", "111111111111", "R"), &extras("prod")).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.ends_with("[bookmarks.x]\naccount = \"111111111111\"\nrole = \"R\"\nmfa_session = false\nvia = \"prod\"\n"),
            "{text}"
        );
        let b = Bookmarks::load(&path).unwrap();
        assert_eq!(b.via_target("x").unwrap().unwrap().name, "prod");
        assert_eq!(b.via_target("prod").unwrap(), None);
        // An edit of the bookmark from the form keeps its extra keys.
        let mut s = spec("x", "111111111111", "R2");
        s.region = Some("eu-west-1".into());
        update(&path, "x", &s).unwrap();
        let b = Bookmarks::load(&path).unwrap();
        assert_eq!(b.extras("x").via.as_deref(), Some("prod"));
        assert_eq!(b.extras("x").mfa_session, Some(false));
    }

    #[test]
    fn defaults_are_validated_too() {
        assert_eq!(
            err("[defaults]\nregin = \"eu-west-1\"\n"),
            r#"b.toml:2:1: defaults: unknown key "regin"; did you mean "region"? (allowed: color, mfa_serial, external_id, region, duration, source_profile, session_name)"#
        );
        assert_eq!(
            err("[defaults]\nrole = \"Admin\"\n"),
            r#"b.toml:2:1: defaults: unknown key "role" (role has no default; set it in each bookmark) (allowed: color, mfa_serial, external_id, region, duration, source_profile, session_name)"#
        );
        assert_eq!(
            err("[defaults]\nduration = 100\n"),
            "b.toml:2:12: defaults: duration must be between 900 and 43200 seconds (15m to 12h), got 100"
        );
    }

    #[test]
    fn syntax_errors_have_a_location_and_one_line() {
        assert_eq!(
            err("[bookmarks.prod]\naccount = 012345678901\n"),
            r#"b.toml:2:11: invalid TOML: unexpected leading zero, expected nothing (quote it: account = "012345678901")"#
        );
        let e = err("[bookmarks.prod]\nrole = \"unterminated\n");
        assert!(e.starts_with("b.toml:2:21: invalid TOML: "), "{e}");
        assert!(!e.contains('\n'), "{e}");
        let e = err("[bookmarks.prod]\nrole = \"a\"\nrole = \"b\"\n");
        assert_eq!(e, "b.toml:3:1: invalid TOML: duplicate key");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "[bookmarks]\nprod = { display = \"Ünï ✓\", account = \"12\", role = \"A\" }\n";
        assert_eq!(
            err(text),
            r#"b.toml:2:39: bookmark "prod": account must be 12 digits, got "12""#
        );
        let e = err("[bookmarks.prod]\ndisplay = \"é ✓\" x\n");
        assert!(e.starts_with("b.toml:2:17: invalid TOML:"), "{e}");
        assert_eq!(line_col("ab\ncé✓d", 9), (2, 4));
        assert_eq!(line_col("ab", 0), (1, 1));
        assert_eq!(line_col("\u{feff}ab", 4), (1, 2));
        assert_eq!(line_col("é", 1), (1, 1));
    }

    #[test]
    fn missing_file_is_empty_but_other_read_errors_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope.toml");
        let b = Bookmarks::load(&path).unwrap();
        assert!(b.items.is_empty());
        assert_eq!(b.path, path);
        let e = Bookmarks::load(dir.path()).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("{}: cannot read: ", dir.path().display())),
            "{e}"
        );
    }

    #[test]
    fn load_reports_the_path_as_given() {
        let (_dir, path) = file_with("[bookmarks.prod]\naccount = \"1\"\nrole = \"R\"\n");
        let e = Bookmarks::load(&path).unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                r#"{}:2:11: bookmark "prod": account must be 12 digits, got "1""#,
                path.display()
            )
        );
    }

    #[test]
    fn get_finds_or_suggests() {
        let (_dir, path) = file_with(EXAMPLE);
        let b = Bookmarks::load(&path).unwrap();
        assert_eq!(b.get("dev").unwrap().account, "012345678901");
        assert_eq!(
            b.get("prd").unwrap_err().to_string(),
            format!(
                r#"{}: no bookmark named "prd"; did you mean "prod"? (see `rolehop list`)"#,
                path.display()
            )
        );
        assert_eq!(
            b.get("zzzzzz").unwrap_err().to_string(),
            format!(
                r#"{}: no bookmark named "zzzzzz" (see `rolehop list`)"#,
                path.display()
            )
        );
    }

    #[test]
    fn duration_forms_and_bounds() {
        for (s, secs) in [
            ("900", 900),
            ("43200", 43200),
            ("15m", 900),
            ("1h", 3600),
            ("12h", 43200),
            ("90m", 5400),
            ("1h30m", 5400),
            ("3600s", 3600),
            ("1h0m1s", 3601),
            ("0001000", 1000),
        ] {
            assert_eq!(parse_duration(s), Ok(secs), "{s}");
        }
        let range =
            |s: &str| format!("must be between 900 and 43200 seconds (15m to 12h), got {s:?}");
        let form = |s: &str| {
            format!(
                "must be a number of seconds or a duration like \"15m\", \"1h\" or \"1h30m\", got {s:?}"
            )
        };
        for s in [
            "899",
            "43201",
            "14m",
            "12h1s",
            "0",
            "99999999999999999999",
            "9999999999h",
        ] {
            assert_eq!(parse_duration(s), Err(range(s)), "{s}");
        }
        for s in [
            "", "h", "1m1h", "1h1h", "1h30", "-1h", " 1h", "1.5h", "1H", "1d",
        ] {
            assert_eq!(parse_duration(s), Err(form(s)), "{s}");
        }
    }

    #[test]
    fn validate_field_for_the_form() {
        assert_eq!(
            validate_field(Field::Account, "12345"),
            Err(r#"must be 12 digits, got "12345""#.into())
        );
        assert_eq!(
            validate_field(Field::Name, ""),
            Err("must not be empty".into())
        );
        // Empty optional fields mean "not set".
        for f in Field::ALL.into_iter().skip(3) {
            assert_eq!(validate_field(f, ""), Ok(()), "{f:?}");
        }
        assert_eq!(validate_field(Field::Duration, "1h"), Ok(()));
        assert!(validate_field(Field::Color, "mauve").is_err());
        let keys: Vec<&str> = Field::ALL.iter().map(|f| f.key()).collect();
        assert_eq!(keys[0], "name");
        assert_eq!(keys[1..], BOOKMARK_KEYS);
    }

    #[test]
    fn colors() {
        assert_eq!(Color::parse("ReD"), Ok(Color::Red));
        assert_eq!(Color::parse("#0aFf10"), Ok(Color::Hex(10, 255, 16)));
        assert!(Color::parse("#0aff1").is_err());
        assert!(Color::parse("#0aff100").is_err());
        assert_eq!(Color::Hex(10, 255, 16).to_string(), "#0aff10");
        assert_eq!(Color::Orange.to_string(), "orange");
        assert_eq!(Color::Red.console_hex(), "f2b0a9");
        assert_eq!(Color::Orange.console_hex(), "fbc8aa");
        assert_eq!(Color::Yellow.console_hex(), "efda95");
        assert_eq!(Color::Green.console_hex(), "b7ca9d");
        assert_eq!(Color::Blue.console_hex(), "83d4e8");
        assert_eq!(Color::Blue.rgb(), (0x83, 0xd4, 0xe8));
        assert_eq!(Color::Hex(1, 2, 3).console_hex(), "010203");
        assert_eq!(serde_json::to_string(&Color::Green).unwrap(), "\"green\"");
    }

    // -- editing ------------------------------------------------------------

    #[test]
    fn add_to_missing_file_creates_it_with_a_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep/er/bookmarks.toml");
        let mut s = spec("prod", "012345678901", "ops/Admin");
        s.color = Some("RED".into());
        s.duration = Some("1h".into());
        s.display = Some(String::new());
        add(&path, &s).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!(
                "{NEW_FILE_HEADER}\n[bookmarks.prod]\naccount = \"012345678901\"\nrole = \"ops/Admin\"\ncolor = \"red\"\nduration = \"1h\"\n"
            )
        );
        let b = Bookmarks::load(&path).unwrap();
        assert_eq!(b.items[0].duration, Some(3600));
        assert_eq!(b.items[0].display, "prod");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let mut s2 = spec("a.b", "111111111111", "R");
        s2.duration = Some("3600".into());
        add(&path, &s2).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.ends_with("\n\n[bookmarks.\"a.b\"]\naccount = \"111111111111\"\nrole = \"R\"\nduration = 3600\n"), "{text}");
        assert_eq!(Bookmarks::load(&path).unwrap().items.len(), 2);
    }

    #[test]
    fn add_appends_and_keeps_everything_else_byte_for_byte() {
        let original = "# My bookmarks  \n\n[defaults]   # shared\nregion = \"us-east-1\"\n\n[bookmarks.prod]  # the key\naccount = \"210987654321\" # acct\nrole   =   'Admin'\n\n[settings]\nauto_renew = false\n# the end\n";
        let (_dir, path) = file_with(original);
        let mut s = spec("dev", "111111111111", "Dev");
        s.display = Some("Dev box".into());
        s.color = Some("#AABBCC".into());
        s.mfa_serial = Some("GAHT12345678".into());
        s.external_id = Some("ext".into());
        s.region = Some("eu-west-1".into());
        s.duration = Some("15m".into());
        s.source_profile = Some("base".into());
        s.session_name = Some("me".into());
        add(&path, &s).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!(
                "{original}\n[bookmarks.dev]\naccount = \"111111111111\"\nrole = \"Dev\"\ndisplay = \"Dev box\"\ncolor = \"#aabbcc\"\nmfa_serial = \"GAHT12345678\"\nexternal_id = \"ext\"\nregion = \"eu-west-1\"\nduration = \"15m\"\nsource_profile = \"base\"\nsession_name = \"me\"\n"
            )
        );
        let names: Vec<String> = Bookmarks::load(&path)
            .unwrap()
            .items
            .into_iter()
            .map(|b| b.name)
            .collect();
        assert_eq!(names, ["prod", "dev"]);
    }

    #[test]
    fn add_separates_with_one_blank_line() {
        for (original, expected_sep) in [
            (
                "[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"",
                "\n\n",
            ),
            (
                "[bookmarks.a]\naccount = \"111111111111\"\nrole = \"R\"\n\n\n",
                "",
            ),
            ("[defaults]\nregion = \"eu-west-1\"\n", "\n"),
        ] {
            let (_dir, path) = file_with(original);
            add(&path, &spec("b", "222222222222", "S")).unwrap();
            let mut expected = original.to_owned();
            if !expected.ends_with('\n') {
                // toml_edit ends every line, including the last one.
                expected.push('\n');
                expected.push_str(&expected_sep[1..]);
            } else {
                expected.push_str(expected_sep);
            }
            expected.push_str("[bookmarks.b]\naccount = \"222222222222\"\nrole = \"S\"\n");
            assert_eq!(fs::read_to_string(&path).unwrap(), expected, "{original:?}");
        }
    }

    #[test]
    fn add_to_an_inline_bookmarks_table_keeps_end_comments() {
        let original = "bookmarks = { a = { account = \"111111111111\", role = \"R\" } }\n# end\n";
        let (_dir, path) = file_with(original);
        add(&path, &spec("b", "222222222222", "S")).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "bookmarks = { a = { account = \"111111111111\", role = \"R\" } , b = { account = \"222222222222\", role = \"S\" } }\n# end\n"
        );
    }

    #[test]
    fn add_keeps_crlf_line_endings() {
        let original = "# hi\r\n[bookmarks.a]\r\naccount = \"111111111111\"\r\nrole = \"R\"\r\n";
        let (_dir, path) = file_with(original);
        add(&path, &spec("b", "222222222222", "S")).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!(
                "{original}\r\n[bookmarks.b]\r\naccount = \"222222222222\"\r\nrole = \"S\"\r\n"
            )
        );
        assert_eq!(Bookmarks::load(&path).unwrap().items.len(), 2);
    }

    #[test]
    fn add_refuses_a_duplicate_name() {
        let (_dir, path) = file_with(EXAMPLE);
        let e = add(&path, &spec("prod", "111111111111", "R")).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                r#"{}: bookmark "prod" already exists (choose another name)"#,
                path.display()
            )
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), EXAMPLE);
    }

    #[test]
    fn add_reports_every_bad_field_in_one_line() {
        let (_dir, path) = file_with(EXAMPLE);
        let mut s = spec("new", "123", "");
        s.color = Some("purple".into());
        s.duration = Some("".into());
        let e = add(&path, &s).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                r#"{}: bookmark "new": account must be 12 digits, got "123"; role must not be empty; color must be red, orange, yellow, green, blue or #rrggbb, got "purple""#,
                path.display()
            )
        );
        let ConfigError::InvalidSpec { errors, .. } = e else {
            panic!("wrong variant")
        };
        let fields: Vec<Field> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, [Field::Account, Field::Role, Field::Color]);
        assert_eq!(fs::read_to_string(&path).unwrap(), EXAMPLE);
    }

    const EDITABLE: &str = "# header\n\n[defaults]\nregion = \"us-east-1\"\n\n# Production: careful.\n[bookmarks.prod]   # main\naccount = \"210987654321\"\n# the role we use\nrole = 'Admin'   # admin\ncolor = \"Red\"\nduration = \"1h\"\n\n# Development.\n[bookmarks.dev]\naccount = \"111111111111\"\nrole = \"Dev\"\n# trailing\n";

    #[test]
    fn update_in_place_renames_and_removes_fields_keeping_comments() {
        let (_dir, path) = file_with(EDITABLE);
        let mut s = spec("production", "210987654322", "Admin");
        s.color = Some("red".into());
        s.region = Some("eu-west-1".into());
        update(&path, "prod", &s).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "# header\n\n[defaults]\nregion = \"us-east-1\"\n\n# Production: careful.\n[bookmarks.production]   # main\naccount = \"210987654322\"\n# the role we use\nrole = 'Admin'   # admin\ncolor = \"Red\"\nregion = \"eu-west-1\"\n\n# Development.\n[bookmarks.dev]\naccount = \"111111111111\"\nrole = \"Dev\"\n# trailing\n"
        );
        let b = Bookmarks::load(&path).unwrap();
        let names: Vec<&str> = b.items.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["production", "dev"]);
        assert_eq!(b.items[0].duration, None);
    }

    #[test]
    fn update_keeps_inherited_defaults_inherited() {
        let (_dir, path) = file_with(EDITABLE);
        // What the edit form submits unchanged: the effective values, the
        // default region included.
        let mut s = spec("dev", "111111111111", "Dev");
        s.region = Some("us-east-1".into());
        update(&path, "dev", &s).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), EDITABLE);
        // A different value is the bookmark's own.
        s.region = Some("eu-west-1".into());
        update(&path, "dev", &s).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.ends_with("role = \"Dev\"\nregion = \"eu-west-1\"\n# trailing\n"),
            "{text}"
        );
    }

    #[test]
    fn update_with_the_same_values_changes_nothing() {
        let (_dir, path) = file_with(EDITABLE);
        let mut s = spec("prod", "210987654321", "Admin");
        s.color = Some("RED".into());
        s.duration = Some("3600".into());
        update(&path, "prod", &s).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), EDITABLE);
    }

    #[test]
    fn update_rename_keeps_position_of_inline_and_dotted_bookmarks() {
        let original = "[bookmarks]\na = { account = \"111111111111\", role = \"R\" } # first\nb = { account = \"222222222222\", role = \"S\" }\nc.account = \"333333333333\"\nc.role = \"T\"\n";
        let (_dir, path) = file_with(original);
        let mut s = spec("z", "111111111111", "R");
        s.region = Some("eu-west-1".into());
        update(&path, "a", &s).unwrap();
        let mut s = spec("y", "333333333333", "T");
        s.display = Some("Why".into());
        update(&path, "c", &s).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        let b = Bookmarks::load(&path).unwrap();
        let names: Vec<&str> = b.items.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["z", "b", "y"], "{text}");
        assert_eq!(b.items[0].region.as_deref(), Some("eu-west-1"));
        assert!(text.contains("} # first\n"), "{text}");
        assert!(
            text.ends_with("\ny.account = \"333333333333\"\ny.role = \"T\"\ny.display = \"Why\"\n"),
            "{text}"
        );
        assert!(
            text.contains("\nb = { account = \"222222222222\", role = \"S\" }\n"),
            "{text}"
        );
    }

    #[test]
    fn update_errors() {
        let (_dir, path) = file_with(EDITABLE);
        let e = update(&path, "prd", &spec("prd", "111111111111", "R")).unwrap_err();
        assert!(
            matches!(&e, ConfigError::UnknownBookmark { suggestion: Some(s), .. } if s == "prod"),
            "{e}"
        );
        let e = update(&path, "prod", &spec("dev", "111111111111", "R")).unwrap_err();
        assert!(matches!(e, ConfigError::Exists { .. }), "{e}");
        let e = update(&path, "prod", &spec("prod", "1", "R")).unwrap_err();
        assert!(matches!(e, ConfigError::InvalidSpec { .. }), "{e}");
        assert_eq!(fs::read_to_string(&path).unwrap(), EDITABLE);
    }

    #[test]
    fn remove_leaves_other_text_identical() {
        let (_dir, path) = file_with(EDITABLE);
        remove(&path, "prod").unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "# header\n\n[defaults]\nregion = \"us-east-1\"\n\n# Development.\n[bookmarks.dev]\naccount = \"111111111111\"\nrole = \"Dev\"\n# trailing\n"
        );
        remove(&path, "dev").unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "# header\n\n[defaults]\nregion = \"us-east-1\"\n# trailing\n"
        );
        let e = remove(&path, "dev").unwrap_err();
        assert!(matches!(e, ConfigError::UnknownBookmark { .. }), "{e}");
    }

    #[test]
    fn remove_keeps_the_file_header_above_the_first_bookmark() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.toml");
        add(&path, &spec("a", "111111111111", "R")).unwrap();
        add(&path, &spec("b", "222222222222", "S")).unwrap();
        remove(&path, "a").unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!("{NEW_FILE_HEADER}\n[bookmarks.b]\naccount = \"222222222222\"\nrole = \"S\"\n")
        );
        remove(&path, "b").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), NEW_FILE_HEADER);
    }

    #[test]
    fn edits_refuse_an_invalid_file_and_leave_it_untouched() {
        for bad in [
            "[bookmarks.prod]\naccount = \"1\"\nrole = \"R\"\n",
            "[bookmarks.prod\n",
            "[bookmarks.prod]\naccount = \"111111111111\"\nrole = \"R\"\nregin = \"x\"\n",
        ] {
            let (_dir, path) = file_with(bad);
            let s = spec("prod", "111111111111", "R");
            let errors = [
                add(&path, &spec("new", "111111111111", "R")).unwrap_err(),
                update(&path, "prod", &s).unwrap_err(),
                remove(&path, "prod").unwrap_err(),
            ];
            for e in errors {
                assert!(matches!(e, ConfigError::Invalid { .. }), "{bad:?}: {e}");
                assert!(e.to_string().starts_with(&format!("{}:", path.display())));
            }
            assert_eq!(fs::read_to_string(&path).unwrap(), bad);
        }
    }

    #[cfg(unix)]
    #[test]
    fn edits_go_through_symlinks_and_keep_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, real) = file_with(EXAMPLE);
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        add(&link, &spec("new", "111111111111", "R")).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(Bookmarks::load(&real).unwrap().items.len(), 3);
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
}
