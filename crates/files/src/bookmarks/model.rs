//! The bookmarks file's model: bookmarks, their extras, settings, colors,
//! the typed form of a bookmark ([`BookmarkSpec`]) and its fields.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::*;

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

pub(super) const COLOR_NAMES: [(&str, Color); 5] = [
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
    pub name: Text,
    pub account: Text,
    pub role: Text,
    pub display: Text,
    pub color: Option<Color>,
    pub mfa_serial: Option<Text>,
    pub external_id: Option<Text>,
    pub region: Option<Text>,
    pub duration: Option<u32>,
    pub source_profile: Option<Text>,
    pub session_name: Option<Text>,
}

/// A bookmark's text: up to 24 bytes kept inline (names, accounts, roles,
/// regions, most display names), so loading 100,000 bookmarks makes ~1
/// allocation per bookmark instead of ~6.
pub type Text = compact_str::CompactString;

impl Bookmark {
    /// A bookmark with only its identity set, for tests.
    #[cfg(any(test, feature = "test-util"))]
    pub fn sample(name: &str, account: &str, role: &str, display: &str) -> Bookmark {
        Bookmark {
            name: name.into(),
            account: account.into(),
            role: role.into(),
            display: display.into(),
            color: None,
            mfa_serial: None,
            external_id: None,
            region: None,
            duration: None,
            source_profile: None,
            session_name: None,
        }
    }

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
    /// `org = "o-..."`: written by `import organization`, whose `--prune`
    /// removes only the bookmarks it marked for that organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// `sso = "NAME"`: the role is a permission set of `[sso.NAME]`, its
    /// credentials come from the portal (GetRoleCredentials), not STS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sso: Option<String>,
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
    pub(super) fn from_raw(
        process: Option<&str>,
        yubikey: Option<YubiKeyRaw<'_>>,
    ) -> Option<MfaSource> {
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
pub(super) enum YubiKeyRaw<'d> {
    Name(&'d str),
    On(bool),
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
    pub fn parse(s: &str) -> Result<HandoverMode, String> {
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
    /// The `[sso.NAME]` tables: IAM Identity Center instances, by name.
    pub sso: std::collections::BTreeMap<String, super::SsoConfig>,
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
    pub(super) fn new(pattern: &str, color: Color) -> Result<ColorRule, String> {
        let glob = glob::Pattern::new(pattern)
            .map_err(|e| format!("{pattern:?} is not a glob ({}): use * ? and [a-z]", e.msg))?;
        Ok(ColorRule {
            pattern: pattern.to_owned(),
            glob,
            color,
        })
    }

    /// Case-insensitive, so "*prod*" also colors "Prod payments".
    pub(super) fn matches(&self, text: &str) -> bool {
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
pub(super) fn apply_colors(items: &mut [Bookmark], default: Option<&Color>, rules: &[ColorRule]) {
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
            sso: std::collections::BTreeMap::new(),
        }
    }
}

/// The loaded bookmarks file.
#[derive(Clone, Debug)]
pub struct Bookmarks {
    /// The path as given to `load`, for messages.
    pub path: PathBuf,
    /// In file order. Shared, so the picker lists them without a copy
    /// (100,000 bookmarks are ~30 MB).
    pub items: std::sync::Arc<Vec<Bookmark>>,
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
            items: std::sync::Arc::new(loaded.items),
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
            org: None,
            sso: None,
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
        super::via::error_at(&self.path, self.extras(name).via_at, message)
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
    pub(super) fn value(&self, field: Field) -> Option<&str> {
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

    pub(super) fn is_required(self) -> bool {
        matches!(self, Field::Name | Field::Account | Field::Role)
    }
}
