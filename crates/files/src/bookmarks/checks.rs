//! Field checks: every value of the file (and of the form) is checked
//! here, with a sentence that says what it must be.

use std::fmt;

use toml_edit::{Item, Value};

use super::*;

/// A command line for `mfa_process`: words as a shell splits them. The
/// error is a sentence for "mfa_process ...".
pub fn validate_mfa_process(s: &str) -> Result<(), String> {
    check_mfa_process(s)
}

pub(super) fn check_mfa_process(s: &str) -> Result<(), String> {
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

pub(super) fn check_yubikey_name(s: &str) -> Result<(), String> {
    if s.trim().is_empty() {
        return Err("must be an OATH account name (see `ykman oath accounts list`), or true to use the MFA serial".into());
    }
    if s.chars().any(char::is_control) {
        return Err(format!("must not contain control characters, got {s:?}"));
    }
    Ok(())
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
pub(super) struct Bounds {
    pub(super) min: u32,
    pub(super) max: u32,
    pub(super) human: &'static str,
}

pub(super) const ROLE_DURATION: Bounds = Bounds {
    min: MIN_DURATION,
    max: MAX_DURATION,
    human: "15m to 12h",
};
pub(super) const MFA_SESSION_DURATION: Bounds = Bounds {
    min: MIN_MFA_SESSION,
    max: MAX_MFA_SESSION,
    human: "15m to 36h",
};
pub(super) const REFRESH_WINDOW: Bounds = Bounds {
    min: 1,
    max: MAX_REFRESH_WINDOW,
    human: "1s to 12h",
};

pub(super) fn parse_duration_within(s: &str, bounds: Bounds) -> Result<u32, String> {
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

pub(super) fn range_error(b: Bounds, got: fmt::Arguments<'_>) -> String {
    format!(
        "must be between {} and {} seconds ({}), got {got}",
        b.min, b.max, b.human
    )
}

/// A duration written as seconds (integer) or text ("1h30m"), within `bounds`.
pub(super) fn duration_item(item: &Item, bounds: Bounds) -> Result<u32, String> {
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
pub(super) fn bool_item(item: &Item) -> Result<bool, String> {
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
pub(super) fn parse_units(s: &str) -> Option<u64> {
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

pub(super) fn check_name(s: &str) -> Result<(), String> {
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

pub(super) fn is_12_digits(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn check_account(s: &str) -> Result<(), String> {
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
pub(super) fn is_iam_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '=' | ',' | '.' | '@' | '_' | '-')
}

pub(super) fn check_role(s: &str) -> Result<(), String> {
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

pub(super) fn check_display(s: &str) -> Result<(), String> {
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

pub(super) fn check_mfa_serial(s: &str) -> Result<(), String> {
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
pub(super) fn is_mfa_arn(s: &str) -> bool {
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

pub(super) fn check_external_id(s: &str) -> Result<(), String> {
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
pub(super) fn is_region(s: &str) -> bool {
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

pub(super) fn check_region(s: &str) -> Result<(), String> {
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

pub(super) fn check_source_profile(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.chars().any(char::is_control) {
        return Err(format!("must not contain control characters, got {s:?}"));
    }
    if s.chars().any(|c| c.is_whitespace() || c == '[' || c == ']') {
        return Err(format!(
            "must not contain whitespace, '[' or ']', got {s:?}"
        ));
    }
    Ok(())
}

pub(super) fn check_session_name(s: &str) -> Result<(), String> {
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

/// `org`: an AWS Organizations ID, as `import organization` writes it.
pub fn check_org(s: &str) -> Result<(), String> {
    let ok = s.strip_prefix("o-").is_some_and(|rest| {
        (10..=32).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "must be an organization ID (o- and 10 to 32 lower-case letters or digits, e.g. \"o-a1b2c3d4e5\"), got {s:?}"
        ))
    }
}
