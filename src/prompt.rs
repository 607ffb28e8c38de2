//! `rolehop prompt`: a short segment for PS1 or starship (`prod 42m`).
//!
//! Reads the environment only: no bookmarks file, no cache, no network, so it
//! costs a few milliseconds per prompt. It prints nothing unless the `AWS_*`
//! credentials are the ones rolehop handed over ([`EnvView::current_bookmark`]).

use crate::env::EnvView;
use crate::error::Result;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

/// The default `--format`.
pub const DEFAULT_FORMAT: &str = "{name} {left}";

/// The segment for `env` at `now`, or None outside a rolehop environment.
///
/// Placeholders: `{name}` (bookmark), `{left}` (`42m`, `1h05m`, `expired`,
/// or empty when the expiry is unknown), `{expiry}` (RFC 3339), `{account}`
/// and `{role}` (from the role ARN). The result is trimmed.
pub fn segment(env: &EnvView, format: &str, now: SystemTime) -> Option<String> {
    let name = env.current_bookmark()?;
    let expiry = env
        .get("AWS_CREDENTIAL_EXPIRATION")
        .or_else(|| env.get("AWS_SESSION_EXPIRATION"));
    let left = expiry
        .and_then(parse_rfc3339)
        .map_or_else(String::new, |t| match t.duration_since(now) {
            Ok(d) if d > Duration::ZERO => crate::commands::format_remaining(d),
            _ => "expired".to_owned(),
        });
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
    let t = aws_smithy_types::DateTime::from_str(s, aws_smithy_types::date_time::Format::DateTime)
        .ok()?;
    SystemTime::try_from(t).ok()
}

pub fn run(format: &str) -> Result<ExitCode> {
    if let Some(s) = segment(&EnvView::from_process(), format, SystemTime::now()) {
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
            segment(&e, DEFAULT_FORMAT, now).as_deref(),
            Some("prod 42m")
        );
        assert_eq!(
            segment(&e, "[{role}@{account}]", now).as_deref(),
            Some("[ops/Admin@210987654321]")
        );
        let past = env("ASIAROLE", "2027-01-15T07:59:00Z");
        assert_eq!(
            segment(&past, DEFAULT_FORMAT, now).as_deref(),
            Some("prod expired")
        );
        let unknown = env("ASIAROLE", "");
        assert_eq!(
            segment(&unknown, DEFAULT_FORMAT, now).as_deref(),
            Some("prod")
        );
    }

    #[test]
    fn silent_outside_rolehop() {
        let now = SystemTime::UNIX_EPOCH;
        // Keys exported by hand over a rolehop shell are not ours.
        assert_eq!(segment(&env("ASIAOTHER", ""), DEFAULT_FORMAT, now), None);
        assert_eq!(segment(&EnvView::default(), DEFAULT_FORMAT, now), None);
    }
}
