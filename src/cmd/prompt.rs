//! `rolehop prompt`: a short segment for PS1 or starship (`prod 42m`).
//!
//! Reads the environment only: no bookmarks file, no cache, no STS, so it
//! costs a few milliseconds per prompt. It prints nothing unless the `AWS_*`
//! credentials are the ones rolehop handed over ([`EnvView::current_bookmark`]).
//! In a live shell it asks the serving rolehop (on loopback, from memory)
//! what it serves now, and adds `mfa` when a renewal waits for a code.

use crate::env::EnvView;
use crate::error::Result;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

/// The segment for `env` at `now`, or None outside a rolehop environment.
///
/// Placeholders: `{name}` (bookmark), `{left}` (`42m`, `1h05m`, `expired`,
/// or empty when the expiry is unknown), `{expiry}` (RFC 3339), `{account}`
/// and `{role}` (from the role ARN). The result is trimmed.
pub fn segment(env: &EnvView, format: &str, now: SystemTime) -> Option<String> {
    let expiry = env
        .get("AWS_CREDENTIAL_EXPIRATION")
        .or_else(|| env.get("AWS_SESSION_EXPIRATION"));
    render(env, format, now, expiry, false)
}

/// The segment of a live shell, from what its endpoint serves (`status`;
/// None when it does not answer: then `{left}` is `?`).
pub fn live_segment(
    env: &EnvView,
    format: &str,
    now: SystemTime,
    status: Option<&crate::serve::Status>,
) -> Option<String> {
    match status {
        Some(s) => render(
            env,
            format,
            now,
            Some(&s.expiration),
            s.mfa_wanted.is_some(),
        ),
        None => render(env, format, now, Some("?"), false),
    }
}

fn render(
    env: &EnvView,
    format: &str,
    now: SystemTime,
    expiry: Option<&str>,
    mfa_wanted: bool,
) -> Option<String> {
    let name = env.current_bookmark()?;
    let mut left = match expiry {
        Some("?") => "?".to_owned(),
        _ => expiry
            .and_then(parse_rfc3339)
            .map_or_else(String::new, |t| match t.duration_since(now) {
                Ok(d) if d > Duration::ZERO => crate::text::remaining(d),
                _ => "expired".to_owned(),
            }),
    };
    if mfa_wanted {
        left.push_str(" mfa");
    }
    let expiry = expiry.filter(|e| *e != "?");
    let arn = env.get("ROLEHOP_ROLE_ARN").unwrap_or("");
    // arn:PARTITION:iam::ACCOUNT:role/PATH/NAME
    let mut parts = arn.splitn(6, ':');
    let account = parts.nth(4).unwrap_or("");
    let role = parts
        .next()
        .and_then(|r| r.strip_prefix("role/"))
        .unwrap_or("");
    let text = format
        .replace("{name}", name)
        .replace("{left}", &left)
        .replace("{expiry}", expiry.unwrap_or(""))
        .replace("{account}", account)
        .replace("{role}", role);
    Some(crate::text::sanitize(text.trim()))
}

fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    crate::serve::client::parse_time(s)
}

pub fn run(format: &str) -> Result<ExitCode> {
    let env = EnvView::from_process();
    let now = SystemTime::now();
    let text = match crate::serve::client::Live::from_env(&env) {
        // A prompt must never hang: a quarter second, then `?`.
        Some(live) => {
            let status = live.status(Duration::from_millis(250)).ok();
            live_segment(&env, format, now, status.as_ref())
        }
        None => segment(&env, format, now),
    };
    if let Some(s) = text {
        println!("{s}");
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(key: &str, expiry: &str) -> EnvView {
        EnvView::from_pairs([
            ("AWS_ACCESS_KEY_ID", "ASIAROLE"),
            ("ROLEHOP_ACCESS_KEY_ID", key),
            ("ROLEHOP_BOOKMARK", "prod"),
            (
                "ROLEHOP_ROLE_ARN",
                "arn:aws:iam::210987654321:role/ops/Admin",
            ),
            ("AWS_CREDENTIAL_EXPIRATION", expiry),
        ])
    }

    #[test]
    fn shows_name_and_time_left() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        // 2027-01-15T08:00:00Z is 1_800_000_000.
        let e = env("ASIAROLE", "2027-01-15T08:42:30Z");
        assert_eq!(
            segment(&e, crate::cli::DEFAULT_PROMPT_FORMAT, now).as_deref(),
            Some("prod 42m")
        );
        assert_eq!(
            segment(&e, "[{role}@{account}]", now).as_deref(),
            Some("[ops/Admin@210987654321]")
        );
        let past = env("ASIAROLE", "2027-01-15T07:59:00Z");
        assert_eq!(
            segment(&past, crate::cli::DEFAULT_PROMPT_FORMAT, now).as_deref(),
            Some("prod expired")
        );
        let unknown = env("ASIAROLE", "");
        assert_eq!(
            segment(&unknown, crate::cli::DEFAULT_PROMPT_FORMAT, now).as_deref(),
            Some("prod")
        );
    }

    #[test]
    fn silent_outside_rolehop() {
        let now = SystemTime::UNIX_EPOCH;
        // Keys exported by hand over a rolehop shell are not ours.
        assert_eq!(
            segment(
                &env("ASIAOTHER", ""),
                crate::cli::DEFAULT_PROMPT_FORMAT,
                now
            ),
            None
        );
        assert_eq!(
            segment(&EnvView::default(), crate::cli::DEFAULT_PROMPT_FORMAT, now),
            None
        );
    }
}
