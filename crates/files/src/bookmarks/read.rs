//! The validating reader: `toml_edit` with spans, for `file:line:col`
//! errors; [`super::fast`] steps aside to it for anything unusual.

use std::fmt;
use std::ops::Range;
use std::path::Path;

use toml_edit::{Document, Item, Key, TableLike, Value};

use super::*;

// ---------------------------------------------------------------------------
// Loading

/// The file being read: its name for messages and its text for positions.
pub(super) struct Src<'a> {
    pub(super) path: &'a Path,
    pub(super) text: &'a str,
}

impl Src<'_> {
    /// An error at byte `span.start`, or about the whole file without a span.
    pub(super) fn error(&self, span: Option<Range<usize>>, message: String) -> ConfigError {
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
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset)];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    // Editors do not show a byte order mark as a column.
    let line_text = before[line_start..].trim_start_matches('\u{feff}');
    (line, line_text.chars().count() + 1)
}

/// `offset` moved back onto a char boundary, so slicing cannot panic even
/// if a span were to point inside a character.
pub(super) fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

pub(super) fn parse<'a>(src: &Src<'a>) -> Result<Document<&'a str>, ConfigError> {
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
pub(super) fn unquoted_number_hint(text: &str, offset: usize) -> String {
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
pub(super) enum Ctx<'a> {
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
pub(super) struct Raw<'d> {
    pub(super) account: Option<&'d str>,
    pub(super) role: Option<&'d str>,
    pub(super) display: Option<&'d str>,
    pub(super) color: Option<Color>,
    pub(super) mfa_serial: Option<&'d str>,
    pub(super) external_id: Option<&'d str>,
    pub(super) region: Option<&'d str>,
    pub(super) duration: Option<u32>,
    pub(super) source_profile: Option<&'d str>,
    pub(super) session_name: Option<&'d str>,
    pub(super) mfa_session: Option<bool>,
    pub(super) via: Option<&'d str>,
    pub(super) handover: Option<HandoverMode>,
    pub(super) mfa_process: Option<&'d str>,
    pub(super) mfa_yubikey: Option<YubiKeyRaw<'d>>,
    pub(super) org: Option<&'d str>,
    pub(super) sso: Option<&'d str>,
    /// Byte offset of the `via` value, for errors found later.
    pub(super) via_at: Option<usize>,
}

/// The kind of value the user wrote, with its article, for "got ..." messages.
pub(super) fn a_type(item: &Item) -> &'static str {
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
pub(super) fn read_table<'d>(
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
            "org" => raw.org = checked(check_org)?,
            "sso" => raw.sso = checked(check_name)?,
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
pub(super) fn yubikey_item(item: &Item) -> Result<YubiKeyRaw<'_>, String> {
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
pub(super) fn type_error(src: &Src<'_>, key: &str, item: &Item) -> String {
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

pub(super) fn unknown_key_message(
    ctx: Ctx<'_>,
    key: &str,
    item: &Item,
    allowed: &[&str],
) -> String {
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

pub(super) fn unknown_top_level_message(key: &str, item: &Item) -> String {
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
pub(super) fn bookmark_keys() -> Vec<&'static str> {
    BOOKMARK_KEYS.iter().chain(&EXTRA_KEYS).copied().collect()
}

/// Everything the file says, validated.
#[derive(Default)]
pub(super) struct Loaded {
    pub(super) items: Vec<Bookmark>,
    pub(super) extras: std::collections::BTreeMap<String, Extras>,
    pub(super) settings: Settings,
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
pub(super) fn load_text(src: &Src<'_>) -> Result<Loaded, ConfigError> {
    let loaded = load_unchained(src)?;
    via::check(src.path, &loaded.items, &loaded.extras)?;
    Ok(loaded)
}

/// [`load_text`] but for `via` chains, which span tables.
fn load_unchained(src: &Src<'_>) -> Result<Loaded, ConfigError> {
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

/// Validate the whole document (`via` chains included) and build the
/// effective bookmarks.
pub(super) fn collect(src: &Src<'_>, doc: &Document<&str>) -> Result<Vec<Bookmark>, ConfigError> {
    let loaded = collect_all(src, doc)?;
    via::check(src.path, &loaded.items, &loaded.extras)?;
    Ok(loaded.items)
}

/// Check `[settings]`; the first problem in file order is the error.
pub(super) fn read_settings(src: &Src<'_>, table: &dyn TableLike) -> Result<Settings, ConfigError> {
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
pub(super) fn read_colors(src: &Src<'_>, item: &Item) -> Result<Vec<ColorRule>, ConfigError> {
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

pub(super) fn collect_all(src: &Src<'_>, doc: &Document<&str>) -> Result<Loaded, ConfigError> {
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
    let mut settings = match root.get("settings").and_then(Item::as_table_like) {
        Some(t) => read_settings(src, t)?,
        None => Settings::default(),
    };
    if let Some(t) = root.get("sso").and_then(Item::as_table_like) {
        settings.sso = super::sso::read_sso(src, t)?;
    }
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
        if let Some(sso) = raw.sso {
            sso_bookmark_check(src, ctx, table, sso, &settings)?;
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

/// Keys an `sso` bookmark cannot use: the portal, not STS, makes its session.
pub(super) const NOT_FOR_SSO: [&str; 4] = ["mfa_serial", "external_id", "source_profile", "via"];

/// An `sso = "NAME"` bookmark names a `[sso.NAME]` and sets none of [`NOT_FOR_SSO`].
fn sso_bookmark_check(
    src: &Src<'_>,
    ctx: Ctx<'_>,
    table: &dyn TableLike,
    sso: &str,
    settings: &Settings,
) -> Result<(), ConfigError> {
    if !settings.sso.contains_key(sso) {
        let known = settings.sso.keys().map(String::as_str);
        let hint = match closest(sso, known) {
            Some(s) => did_you_mean(Some(s)),
            None => format!(" (add it: rolehop sso add {sso} --start-url URL --region REGION)"),
        };
        return Err(src.error(
            table.get("sso").and_then(Item::span),
            format!("{ctx}: sso names no [sso.{sso}] table{hint}"),
        ));
    }
    if let Some(key) = NOT_FOR_SSO.iter().find(|k| table.contains_key(k)) {
        return Err(src.error(
            table.key(key).and_then(Key::span),
            format!(
                "{ctx}: {key} does not apply to an IAM Identity Center role (sso = {sso:?}): its credentials come from the access portal; remove {key}"
            ),
        ));
    }
    Ok(())
}

/// A bookmark's `mfa_session` / `via`, if it sets either.
pub(super) fn extras_of(text: &str, raw: &Raw<'_>) -> Option<Extras> {
    let mfa_source = MfaSource::from_raw(raw.mfa_process, raw.mfa_yubikey);
    (raw.mfa_session.is_some()
        || raw.via.is_some()
        || raw.handover.is_some()
        || raw.org.is_some()
        || raw.sso.is_some()
        || mfa_source.is_some())
    .then(|| Extras {
        mfa_session: raw.mfa_session,
        via: raw.via.map(str::to_owned),
        via_at: raw.via_at.map(|at| line_col(text, at)),
        handover: raw.handover,
        mfa_source,
        org: raw.org.map(str::to_owned),
        sso: raw.sso.map(str::to_owned),
    })
}

/// The bookmark with `[defaults]` applied and `display` defaulted to the name;
/// its color only if it sets one ([`apply_colors`] fills in the others).
pub(super) fn effective(
    name: &str,
    account: &str,
    role: &str,
    raw: &Raw<'_>,
    defaults: &Raw<'_>,
) -> Bookmark {
    let own = |v: Option<&str>, d: Option<&str>| v.or(d).map(Text::from);
    Bookmark {
        name: name.into(),
        account: account.into(),
        role: role.into(),
        display: raw.display.unwrap_or(name).into(),
        color: raw.color.clone(),
        mfa_serial: own(raw.mfa_serial, defaults.mfa_serial),
        external_id: own(raw.external_id, defaults.external_id),
        region: own(raw.region, defaults.region),
        duration: raw.duration.or(defaults.duration),
        source_profile: own(raw.source_profile, defaults.source_profile),
        session_name: own(raw.session_name, defaults.session_name),
    }
}
