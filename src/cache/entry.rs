//! What the cache stores. Each session records the inputs it was made for, so
//! a changed bookmark, base identity or chain never reuses the wrong one.

use super::{from_unix, unix};
use crate::creds::Credentials;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::time::SystemTime;

/// Bumped when entries change shape; other versions are discarded.
pub const VERSION: u32 = 1;

/// How a role session was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// AssumeRole with the base credentials, no MFA.
    Plain,
    /// AssumeRole with the credentials of a cached MFA session (role chaining).
    MfaSession,
    /// AssumeRole from the base credentials with SerialNumber + TokenCode.
    DirectMfa,
    /// AssumeRole with the credentials of the `via` bookmark's session.
    Via,
    /// GetRoleCredentials from an IAM Identity Center portal (`sso = NAME`).
    Sso,
}

impl Mode {
    /// Whether credentials of this mode are chained (assumed with temporary
    /// credentials): STS caps them at 1 h, and the console's federation
    /// endpoint takes them without SessionDuration.
    pub fn is_chained(self) -> bool {
        matches!(self, Mode::MfaSession | Mode::Via)
    }
}

/// Temporary credentials as stored: secrets stay `SecretString` in memory
/// (zeroed on drop, redacted in `Debug`) and are written out only here.
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredCreds {
    pub access_key_id: String,
    #[serde(serialize_with = "expose", deserialize_with = "secret")]
    pub secret_access_key: SecretString,
    #[serde(serialize_with = "expose", deserialize_with = "secret")]
    pub session_token: SecretString,
    /// Unix seconds.
    pub expires: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed_role_arn: Option<String>,
}

impl std::fmt::Debug for StoredCreds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredCreds")
            .field("access_key_id", &self.access_key_id)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

fn expose<S: Serializer>(s: &SecretString, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.expose_secret())
}

fn secret<'de, D: Deserializer<'de>>(de: D) -> Result<SecretString, D::Error> {
    String::deserialize(de).map(SecretString::from)
}

impl From<&Credentials> for StoredCreds {
    fn from(c: &Credentials) -> Self {
        StoredCreds {
            access_key_id: c.access_key_id.clone(),
            secret_access_key: c.secret_access_key.clone(),
            session_token: c.session_token.clone(),
            expires: unix(c.expiration),
            assumed_role_arn: c.assumed_role_arn.clone(),
        }
    }
}

impl StoredCreds {
    pub fn to_credentials(&self) -> Credentials {
        Credentials {
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
            session_token: self.session_token.clone(),
            expiration: from_unix(self.expires),
            assumed_role_arn: self.assumed_role_arn.clone(),
        }
    }
}

/// A role session for one bookmark.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RoleSession {
    pub bookmark: String,
    pub role_arn: String,
    pub external_id: Option<String>,
    pub session_name: String,
    /// The duration asked of STS (None: the role's default).
    pub duration: Option<u32>,
    /// Who assumed it: see `engine::base_key`.
    pub base: String,
    pub mfa_serial: Option<String>,
    /// The bookmarks it was reached through, nearest first.
    pub via: Vec<String>,
    pub mode: Mode,
    pub creds: StoredCreds,
    /// Unix seconds when STS issued it (start of its lifetime).
    pub obtained: u64,
    pub region: Option<String>,
    /// Which STS limit shortened it, e.g. the 1 h role-chaining cap.
    pub limit: Option<String>,
}

/// An MFA session (GetSessionToken) of a base identity and device.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MfaSession {
    pub base: String,
    pub mfa_serial: String,
    pub creds: StoredCreds,
    pub obtained: u64,
}

/// What rolehop learned about a base identity.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Prefs {
    pub base: String,
    /// GetSessionToken was refused (the identity is a role): assume with the
    /// MFA code directly.
    pub direct_mfa: bool,
    pub since: u64,
}

/// One cache entry, tagged with its kind.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Entry {
    Role(RoleSession),
    Mfa(MfaSession),
    Prefs(Prefs),
    Totp(super::totp::TotpRecord),
    TotpKey(super::totp::TotpKey),
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    version: u32,
    #[serde(flatten)]
    entry: Entry,
}

impl Entry {
    /// The stored form; it holds the secrets, so it is wiped when dropped.
    pub fn encode(&self) -> zeroize::Zeroizing<Vec<u8>> {
        // Sized once for any token, so growing leaves no unwiped copy.
        let mut buf = Vec::with_capacity(16 * 1024);
        // Serializing plain structs of strings and numbers cannot fail.
        let _ = serde_json::to_writer(
            &mut buf,
            &Envelope {
                version: VERSION,
                entry: self.clone(),
            },
        );
        zeroize::Zeroizing::new(buf)
    }

    /// Parse stored bytes. The error says where, never what: serde's own
    /// messages can quote a value, and values here may be secrets.
    pub fn decode(data: &[u8]) -> Result<Entry, String> {
        let env: Envelope = serde_json::from_slice(data).map_err(|e| {
            let what = match e.classify() {
                serde_json::error::Category::Io => "read error",
                serde_json::error::Category::Syntax => "not JSON",
                serde_json::error::Category::Data => "unexpected content",
                serde_json::error::Category::Eof => "truncated",
            };
            format!("{what} at line {} column {}", e.line(), e.column())
        })?;
        if env.version != VERSION {
            return Err(format!(
                "format version {}, this rolehop reads {VERSION}",
                env.version
            ));
        }
        Ok(env.entry)
    }

    /// When the credentials in it expire (None for non-session entries).
    pub fn expires(&self) -> Option<SystemTime> {
        match self {
            Entry::Role(r) => Some(from_unix(r.creds.expires)),
            Entry::Mfa(m) => Some(from_unix(m.creds.expires)),
            _ => None,
        }
    }
}
