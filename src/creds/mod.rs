//! Temporary credentials and every way of handing them over.

pub mod export;
mod handover;
pub mod profile;
#[cfg(test)]
mod props;

pub use handover::Handover;

use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::time::{Duration, SystemTime};

/// A set of temporary AWS credentials for one assumed role.
///
/// The secret parts are `SecretString`s: they are zeroed on drop and `Debug`
/// prints `[REDACTED]`, so an accidental `{:?}` in a log or panic leaks nothing.
#[derive(Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    pub session_token: SecretString,
    pub expiration: SystemTime,
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` as STS reported it.
    pub assumed_role_arn: Option<String>,
}

impl Credentials {
    pub fn secret_access_key(&self) -> &str {
        self.secret_access_key.expose_secret()
    }

    pub fn session_token(&self) -> &str {
        self.session_token.expose_secret()
    }

    /// Time left at `now`; zero once expired.
    pub fn remaining(&self, now: SystemTime) -> Duration {
        self.expiration
            .duration_since(now)
            .unwrap_or(Duration::ZERO)
    }

    /// The expiry as RFC 3339 in UTC, whole seconds (`2026-11-23T10:32:45Z`).
    pub fn expiration_rfc3339(&self) -> String {
        rfc3339(self.expiration)
    }
}

/// `value` as JSON in one buffer that is wiped when dropped. `value` must
/// borrow its secrets (a struct of `&str`), never copy them into a
/// `serde_json::Value`: those copies would be freed unwiped. The buffer is
/// allocated once, large enough for any session token, so growing it leaves
/// no copy behind.
pub fn secret_json(value: &impl serde::Serialize) -> SecretString {
    let mut buf = Vec::with_capacity(16 * 1024);
    // Structs of strings and numbers: serializing cannot fail.
    let _ = serde_json::to_writer(&mut buf, value);
    // serde_json writes UTF-8 only.
    SecretString::from(String::from_utf8(buf).unwrap_or_default())
}

/// The container credentials protocol's answer (ECS, `rolehop exec`).
#[derive(serde::Serialize)]
pub struct ContainerJson<'a> {
    #[serde(rename = "AccessKeyId")]
    pub access_key_id: &'a str,
    #[serde(rename = "SecretAccessKey")]
    pub secret_access_key: &'a str,
    #[serde(rename = "Token")]
    pub token: &'a str,
    #[serde(rename = "Expiration")]
    pub expiration: String,
}

impl<'a> ContainerJson<'a> {
    pub fn of(c: &'a Credentials) -> ContainerJson<'a> {
        ContainerJson {
            access_key_id: &c.access_key_id,
            secret_access_key: c.secret_access_key(),
            token: c.session_token(),
            expiration: c.expiration_rfc3339(),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"[REDACTED]")
            .field("session_token", &"[REDACTED]")
            .field("expiration", &rfc3339(self.expiration))
            .field("assumed_role_arn", &self.assumed_role_arn)
            .finish()
    }
}

/// RFC 3339 in UTC with whole seconds, the form SDKs and prompt themes parse.
/// Times outside 1970..9999 (a clock or a file gone wrong) are clamped to
/// that range rather than panicking.
pub fn rfc3339(t: SystemTime) -> String {
    let last = SystemTime::UNIX_EPOCH + Duration::from_secs(253_402_300_799);
    let t = t.clamp(SystemTime::UNIX_EPOCH, last);
    humantime::format_rfc3339_seconds(t).to_string()
}

#[cfg(test)]
pub(crate) fn sample(expiration: SystemTime) -> Credentials {
    Credentials {
        access_key_id: "ASIAEXAMPLEKEY".into(),
        secret_access_key: SecretString::from("sEcReT/with+chars=".to_string()),
        session_token: SecretString::from("ToKeN'with\"quotes$and`ticks".to_string()),
        expiration,
        assumed_role_arn: Some("arn:aws:sts::210987654321:assumed-role/Admin/alice".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let c = sample(SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000));
        let shown = format!("{c:?} {c:#?}");
        assert!(!shown.contains("sEcReT"), "{shown}");
        assert!(!shown.contains("ToKeN"), "{shown}");
        assert!(shown.contains("ASIAEXAMPLEKEY"));
        assert!(shown.contains("2027-01-15T08:00:00Z"), "{shown}");
    }

    #[test]
    fn rfc3339_of_absurd_times_is_no_panic() {
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let far = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::from(u32::MAX) * 1000);
        assert_eq!(rfc3339(far), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn remaining_is_zero_after_expiry() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        let c = sample(t);
        assert_eq!(
            c.remaining(t - Duration::from_secs(5)),
            Duration::from_secs(5)
        );
        assert_eq!(c.remaining(t + Duration::from_secs(5)), Duration::ZERO);
    }
}
