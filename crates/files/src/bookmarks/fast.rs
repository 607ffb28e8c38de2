//! The fast path for loading a *valid* bookmarks file.
//!
//! Why: `toml_edit` keeps every byte of layout (spans, decor, an ordered map
//! per table) so edits can preserve it, and the validator in the parent
//! module needs its spans for `file:line:col` errors. That costs ~6.7 µs and
//! ~4.5 KB per bookmark (callgrind: ~75% of `rolehop env` at 5,000 bookmarks
//! was `toml_edit` parsing; 100,000 bookmarks took 0.67 s and 458 MiB). Every
//! command and the picker load the whole file, so that was the start-up cost
//! at scale.
//!
//! How: a line scanner for the subset of TOML that bookmark files are made of
//! (`[defaults]`, `[settings]`, `[bookmarks]`, `[bookmarks.NAME]` headers;
//! `key = "string"`, `'literal'`, a decimal integer, `true`/`false`; comments;
//! LF or CRLF), applying the same checks as the validator. It never reports
//! an error: on anything outside the subset, or anything the validator would
//! reject (an escape sequence, a dotted key, an inline table, a duplicate, an
//! unknown key, a bad value...), it returns `None` and the caller runs the
//! `toml_edit` validator, which then produces the precise error (byte-for-byte
//! the same messages as before) or accepts a file that only looked unusual.
//!
//! Strings without escapes are borrowed from the text, so a bookmark costs
//! its final `String`s and little else (~0.4 µs). In debug builds and tests
//! every load that takes this path is checked against the validator's result
//! (`super::load_text`), so the whole test suite guards the equivalence.

use super::{
    BOOKMARK_KEYS, Color, ColorRule, DEFAULT_KEYS, EXTRA_KEYS, Loaded, MFA_SESSION_DURATION,
    MfaSource, REFRESH_WINDOW, ROLE_DURATION, Raw, SETTINGS_KEYS, Settings, YubiKeyRaw,
    check_account, check_display, check_external_id, check_mfa_process, check_mfa_serial,
    check_name, check_org, check_region, check_role, check_session_name, check_source_profile,
    check_yubikey_name, effective, extras_of, parse_duration_within,
};
use foldhash::fast::FixedState;
use std::collections::{BTreeMap, HashSet};

/// A value of the subset.
#[derive(Clone, Copy)]
enum Val<'a> {
    Str(&'a str),
    Int(i64),
    Bool(bool),
}

/// The table the following key/value lines belong to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Current {
    Root,
    Defaults,
    Settings,
    /// `[bookmarks]` itself: in the subset it holds no keys.
    BookmarkList,
    /// `[settings.colors]`: quoted globs to color names.
    Colors,
    Bookmark,
    /// `[sso.NAME]`: an IAM Identity Center instance.
    Sso,
}

/// `Some` with the loaded file when `text` is in the subset and valid;
/// `None` means "ask the validator".
pub(super) fn load(text: &str) -> Option<Loaded> {
    sso_named(whole(text)?)
}

/// Every `sso = "NAME"` names a `[sso.NAME]` (else the validator says which not).
fn sso_named(loaded: Loaded) -> Option<Loaded> {
    let known = &loaded.settings.sso;
    let dangling = loaded
        .extras
        .values()
        .any(|e| e.sso.as_ref().is_some_and(|s| !known.contains_key(s)));
    (!dangling).then_some(loaded)
}

/// The file in one pass.
fn whole(text: &str) -> Option<Loaded> {
    match pass(text, None)? {
        Pass::Done(loaded) => Some(loaded),
        // `[defaults]` after a bookmark: bookmarks are built as they are
        // read, so read again knowing the defaults (rare, and still fast).
        Pass::LateDefaults(defaults) => match pass(text, Some(defaults))? {
            Pass::Done(loaded) => Some(loaded),
            Pass::LateDefaults(_) => None,
        },
    }
}

enum Pass<'a> {
    Done(Loaded),
    LateDefaults(Raw<'a>),
}

/// The bookmark being read: its name, values and keys seen so far.
type Open<'a> = (&'a str, Raw<'a>, u32);

/// One pass over the file; `known`: the `[defaults]` table, when it comes
/// after the first bookmark.
fn pass<'a>(text: &'a str, known: Option<Raw<'a>>) -> Option<Pass<'a>> {
    let late_known = known.is_some();
    let mut defaults = known.unwrap_or_default();
    let mut settings = Settings::default();
    // Keys seen per table, as bits of their index in the allowed list: a
    // repeated key is a TOML error, left to the validator.
    let (mut defaults_seen, mut settings_seen) = (0u32, 0u32);
    let mut seen_tables = [false; 4];
    let mut late = false;
    // Roughly one bookmark per 100 bytes: sized once, never rehashed.
    let estimate = text.len() / 100 + 1;
    let mut items = Vec::with_capacity(estimate);
    let mut extras = BTreeMap::new();
    // foldhash: names are short and not attacker-chosen (SipHash was 8 % of
    // loading 5,000 bookmarks).
    let mut names: HashSet<&str, FixedState> =
        HashSet::with_capacity_and_hasher(estimate, FixedState::default());
    let mut open: Option<Open<'a>> = None;
    // The `[sso.NAME]` being read, and the keys it has.
    let mut open_sso: Option<(&'a str, super::SsoConfig, u32)> = None;
    let mut scratch = Raw::default();
    let mut current = Current::Root;

    let bytes = text.as_bytes();
    // A byte order mark is not part of the first line.
    let mut offset = if text.starts_with('\u{feff}') { 3 } else { 0 };
    while offset < bytes.len() {
        let line_start = offset;
        let end = memchr::memchr(b'\n', &bytes[offset..]).map_or(bytes.len(), |i| offset + i);
        offset = end + 1;
        // CRLF ends a line; a CR anywhere else (even last in the file) is
        // not TOML, and the scanner below refuses it.
        let len = if end < bytes.len() && end > line_start && bytes[end - 1] == b'\r' {
            end - 1 - line_start
        } else {
            end - line_start
        };
        let mut s = Scan {
            line: &text[line_start..line_start + len],
            base: line_start,
            pos: 0,
        };
        s.skip_ws();
        match s.peek() {
            None => {}
            Some(b'#') => s.comment()?,
            Some(b'[') => {
                s.pos += 1;
                let header = s.header()?;
                if let Some(done) = open.take() {
                    finish(text, done, &defaults, &mut items, &mut extras)?;
                }
                if let Some(done) = open_sso.take() {
                    finish_sso(done, &mut settings)?;
                }
                current = match header {
                    Header::One(key) => {
                        let i = ["defaults", "settings", "bookmarks"]
                            .iter()
                            .position(|t| *t == key)?;
                        if std::mem::replace(&mut seen_tables[i], true) {
                            return None;
                        }
                        if i == 0 && !items.is_empty() && !late_known {
                            late = true;
                        }
                        [Current::Defaults, Current::Settings, Current::BookmarkList][i]
                    }
                    Header::Two("bookmarks", name) => {
                        check_name(name).ok()?;
                        if !names.insert(name) {
                            return None;
                        }
                        open = Some((name, Raw::default(), 0));
                        Current::Bookmark
                    }
                    Header::Two("sso", name) => {
                        check_name(name).ok()?;
                        if settings.sso.contains_key(name) {
                            return None;
                        }
                        open_sso = Some((name, super::SsoConfig::default(), 0));
                        Current::Sso
                    }
                    Header::Two("settings", "colors") => {
                        if std::mem::replace(&mut seen_tables[3], true) {
                            return None;
                        }
                        Current::Colors
                    }
                    Header::Two(..) => return None,
                };
            }
            Some(_) => {
                // Globs are quoted keys; every other table's keys are bare.
                let key = if current == Current::Colors {
                    s.key()?
                } else {
                    s.bare_key()?
                };
                s.skip_ws();
                s.expect(b'=')?;
                s.skip_ws();
                let at = s.base + s.pos;
                let val = s.value()?;
                s.line_end()?;
                match current {
                    Current::Root | Current::BookmarkList => return None,
                    Current::Defaults => {
                        mark(&mut defaults_seen, &DEFAULT_KEYS, key)?;
                        // Known from the first pass: check again, keep those.
                        let raw = if late_known {
                            &mut scratch
                        } else {
                            &mut defaults
                        };
                        apply(raw, key, val, at)?;
                    }
                    Current::Settings => {
                        mark(&mut settings_seen, &SETTINGS_KEYS, key)?;
                        apply_setting(&mut settings, key, val)?;
                    }
                    Current::Colors => {
                        let Val::Str(color) = val else { return None };
                        if settings.colors.iter().any(|r| r.pattern == key) {
                            return None;
                        }
                        let rule = ColorRule::new(key, Color::parse(color).ok()?).ok()?;
                        settings.colors.push(rule);
                    }
                    Current::Bookmark => {
                        let (_, raw, seen) = open.as_mut()?;
                        mark_bookmark(seen, key)?;
                        apply(raw, key, val, at)?;
                    }
                    Current::Sso => {
                        let (_, cfg, seen) = open_sso.as_mut()?;
                        mark(seen, &super::sso::SSO_KEYS, key)?;
                        let Val::Str(v) = val else { return None };
                        super::sso::apply_sso_key(cfg, key, v)?;
                    }
                }
            }
        }
    }
    if let Some(done) = open.take() {
        finish(text, done, &defaults, &mut items, &mut extras)?;
    }
    if let Some(done) = open_sso.take() {
        finish_sso(done, &mut settings)?;
    }
    if late {
        return Some(Pass::LateDefaults(defaults));
    }
    super::apply_colors(&mut items, defaults.color.as_ref(), &settings.colors);
    Some(Pass::Done(Loaded {
        items,
        extras,
        settings,
    }))
}

/// A bookmark read to its end: checked as the validator does, then built.
fn finish(
    text: &str,
    (name, raw, _): Open<'_>,
    defaults: &Raw<'_>,
    items: &mut Vec<super::Bookmark>,
    extras: &mut BTreeMap<String, super::Extras>,
) -> Option<()> {
    let (Some(account), Some(role)) = (raw.account, raw.role) else {
        return None;
    };
    if (raw.via.is_some() && raw.source_profile.is_some())
        || (raw.mfa_process.is_some() && raw.mfa_yubikey.is_some())
    {
        return None;
    }
    // The validator's `sso_bookmark_check` says which key does not apply.
    if raw.sso.is_some()
        && (raw.mfa_serial.is_some()
            || raw.external_id.is_some()
            || raw.source_profile.is_some()
            || raw.via.is_some())
    {
        return None;
    }
    if let Some(e) = extras_of(text, &raw) {
        extras.insert(name.to_owned(), e);
    }
    items.push(effective(name, account, role, &raw, defaults));
    Some(())
}

/// An `[sso.NAME]` read to its end: both required keys set.
fn finish_sso(
    (name, cfg, _): (&str, super::SsoConfig, u32),
    settings: &mut Settings,
) -> Option<()> {
    if cfg.start_url.is_empty() || cfg.region.is_empty() {
        return None;
    }
    settings.sso.insert(name.to_owned(), cfg);
    Some(())
}

/// Record `key` as seen in a table allowing `allowed`; `None` if unknown or repeated.
fn mark(seen: &mut u32, allowed: &[&str], key: &str) -> Option<()> {
    let bit = 1u32 << allowed.iter().position(|k| *k == key)?;
    if *seen & bit != 0 {
        return None;
    }
    *seen |= bit;
    Some(())
}

fn mark_bookmark(seen: &mut u32, key: &str) -> Option<()> {
    let i = match BOOKMARK_KEYS.iter().position(|k| *k == key) {
        Some(i) => i,
        None => BOOKMARK_KEYS.len() + EXTRA_KEYS.iter().position(|k| *k == key)?,
    };
    let bit = 1u32 << i;
    if *seen & bit != 0 {
        return None;
    }
    *seen |= bit;
    Some(())
}

/// One key of a bookmark or of `[defaults]` (which `mark` has restricted),
/// with the validator's checks (`read_table`).
fn apply<'a>(raw: &mut Raw<'a>, key: &str, val: Val<'a>, at: usize) -> Option<()> {
    let checked = |check: fn(&str) -> Result<(), String>| match val {
        Val::Str(s) => check(s).ok().map(|()| Some(s)),
        _ => None,
    };
    match key {
        "account" => raw.account = checked(check_account)?,
        "role" => raw.role = checked(check_role)?,
        "display" => raw.display = checked(check_display)?,
        "color" => match val {
            Val::Str(s) => raw.color = Some(Color::parse(s).ok()?),
            _ => return None,
        },
        "mfa_serial" => raw.mfa_serial = checked(check_mfa_serial)?,
        "external_id" => raw.external_id = checked(check_external_id)?,
        "region" => raw.region = checked(check_region)?,
        "duration" => raw.duration = Some(duration(val, ROLE_DURATION)?),
        "source_profile" => raw.source_profile = checked(check_source_profile)?,
        "session_name" => raw.session_name = checked(check_session_name)?,
        "mfa_session" => match val {
            Val::Bool(b) => raw.mfa_session = Some(b),
            _ => return None,
        },
        "handover" => match val {
            Val::Str(s) => raw.handover = Some(super::HandoverMode::parse(s).ok()?),
            _ => return None,
        },
        "mfa_process" => raw.mfa_process = checked(check_mfa_process)?,
        "mfa_yubikey" => raw.mfa_yubikey = Some(yubikey(val)?),
        "org" => raw.org = checked(check_org)?,
        "sso" => raw.sso = checked(check_name)?,
        "via" => {
            raw.via = checked(check_name)?;
            raw.via_at = Some(at);
        }
        _ => return None,
    }
    Some(())
}

/// One key of `[settings]`, with the validator's checks (`read_settings`).
fn apply_setting(s: &mut Settings, key: &str, val: Val<'_>) -> Option<()> {
    let flag = || match val {
        Val::Bool(b) => Some(b),
        _ => None,
    };
    match key {
        "cache" => s.cache = flag()?,
        "mfa_session" => s.mfa_session = flag()?,
        "auto_renew" => s.auto_renew = flag()?,
        "handover" => match val {
            Val::Str(v) => s.handover = super::HandoverMode::parse(v).ok()?,
            _ => return None,
        },
        "mfa_session_duration" => s.mfa_session_duration = duration(val, MFA_SESSION_DURATION)?,
        "refresh_window" => s.refresh_window = Some(duration(val, REFRESH_WINDOW)?),
        // Both at once is the validator's error to tell.
        "mfa_process" if s.mfa_source.is_none() => {
            let Val::Str(v) = val else { return None };
            check_mfa_process(v).ok()?;
            s.mfa_source = MfaSource::from_raw(Some(v), None);
        }
        "mfa_yubikey" if s.mfa_source.is_none() => {
            s.mfa_source = MfaSource::from_raw(None, Some(yubikey(val)?));
        }
        _ => return None,
    }
    Some(())
}

/// As `yubikey_item`: an OATH account name, or true/false.
fn yubikey<'a>(val: Val<'a>) -> Option<YubiKeyRaw<'a>> {
    match val {
        Val::Str(s) => check_yubikey_name(s).ok().map(|()| YubiKeyRaw::Name(s)),
        Val::Bool(b) => Some(YubiKeyRaw::On(b)),
        Val::Int(_) => None,
    }
}

/// As `duration_item`: seconds as an integer, or text like "1h30m".
fn duration(val: Val<'_>, bounds: super::Bounds) -> Option<u32> {
    match val {
        Val::Int(n) => u32::try_from(n)
            .ok()
            .filter(|n| (bounds.min..=bounds.max).contains(n)),
        Val::Str(s) => parse_duration_within(s, bounds).ok(),
        Val::Bool(_) => None,
    }
}

enum Header<'a> {
    One(&'a str),
    Two(&'a str, &'a str),
}

/// A cursor over one line, without its line break; `base` is the line's
/// offset in the file.
struct Scan<'a> {
    line: &'a str,
    base: usize,
    pos: usize,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.line.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        (self.peek() == Some(b)).then(|| self.pos += 1)
    }

    /// `# ...` to the end of the line: TOML allows no control characters but
    /// tab in it (a lone CR included).
    fn comment(&mut self) -> Option<()> {
        let rest = &self.line[self.pos..];
        rest.chars()
            .all(|c| c == '\t' || !c.is_control())
            .then(|| self.pos = self.line.len())
    }

    /// Optional whitespace and comment, then the end of the line.
    fn line_end(&mut self) -> Option<()> {
        self.skip_ws();
        match self.peek() {
            None => Some(()),
            Some(b'#') => self.comment(),
            Some(_) => None,
        }
    }

    /// `[a]` or `[a.b]` after the `[`: bare or quoted (escape-free) keys,
    /// whitespace around the dot allowed as TOML does.
    fn header(&mut self) -> Option<Header<'a>> {
        if self.peek() == Some(b'[') {
            return None; // [[array of tables]]
        }
        self.skip_ws();
        let first = self.key()?;
        self.skip_ws();
        let header = if self.peek() == Some(b'.') {
            self.pos += 1;
            self.skip_ws();
            let second = self.key()?;
            self.skip_ws();
            Header::Two(first, second)
        } else {
            Header::One(first)
        };
        self.expect(b']')?;
        self.line_end()?;
        Some(header)
    }

    fn key(&mut self) -> Option<&'a str> {
        match self.peek()? {
            q @ (b'"' | b'\'') => self.quoted(q),
            _ => self.bare_key(),
        }
    }

    fn bare_key(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let len = self.line.as_bytes()[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
            .count();
        self.pos += len;
        (len > 0).then(|| &self.line[start..start + len])
    }

    /// A one-line string in `q` quotes with no escapes and no control
    /// characters but tab; multi-line strings and escapes are left to toml_edit.
    fn quoted(&mut self, q: u8) -> Option<&'a str> {
        let bytes = self.line.as_bytes();
        let start = self.pos + 1;
        let i = start + memchr::memchr(q, bytes.get(start..)?)?;
        // One pass over the whole string without stopping early, which the
        // compiler turns into vector code: a third of parsing was this loop.
        let bad = bytes[start..i].iter().fold(false, |bad, &b| {
            bad | (b == b'\\') | ((b < 0x20) & (b != b'\t')) | (b == 0x7f)
        });
        if bad {
            return None;
        }
        if i == start && bytes.get(i + 1) == Some(&q) {
            return None; // """ or ''': a multi-line string
        }
        self.pos = i + 1;
        Some(&self.line[start..i])
    }

    fn value(&mut self) -> Option<Val<'a>> {
        match self.peek()? {
            q @ (b'"' | b'\'') => self.quoted(q).map(Val::Str),
            b'0'..=b'9' => {
                let start = self.pos;
                let len = self.line.as_bytes()[start..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                self.pos += len;
                let digits = &self.line[start..self.pos];
                // A leading zero, "1_000", "1.5", "1e3", a date: not in the subset.
                if (len > 1 && digits.starts_with('0'))
                    || !matches!(self.peek(), None | Some(b' ' | b'\t' | b'#'))
                {
                    return None;
                }
                digits.parse().ok().map(Val::Int)
            }
            _ => match self.bare_key()? {
                "true" => Some(Val::Bool(true)),
                "false" => Some(Val::Bool(false)),
                _ => None,
            },
        }
    }
}

#[cfg(test)]
mod tests;
