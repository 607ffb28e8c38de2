//! The IAM Identity Center token, in the file the AWS CLI and the SDKs share:
//! `~/.aws/sso/cache/<sha1(session name)>.json`.
//!
//! So one login serves every tool: `aws sso login --sso-session NAME`
//! satisfies rolehop and `rolehop sso login NAME` satisfies the AWS CLI,
//! boto3 and the Rust SDK. The AWS CLI writes this file in place, so a read
//! may see it torn: it is read again once before being taken as missing.
//! rolehop writes it atomically (temp file + rename), 0600, under its lock,
//! keeping keys it does not know, and always re-reads it under that lock
//! before a refresh (another tool may have rotated the refresh token).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};
use sha1::{Digest, Sha1};

use super::SsoError;

/// The token file of `[sso-session NAME]` (and of rolehop's `[sso.NAME]`).
pub fn path_for(session: &str) -> Result<PathBuf, SsoError> {
    let home = directories::BaseDirs::new()
        .map(|d| d.home_dir().to_path_buf())
        .ok_or_else(|| SsoError::Cache {
            path: PathBuf::from("~/.aws/sso/cache"),
            message: "no home directory to keep the IAM Identity Center token in".into(),
        })?;
    Ok(cache_dir(&home).join(file_name(session)))
}

fn cache_dir(home: &Path) -> PathBuf {
    home.join(".aws").join("sso").join("cache")
}

/// `<sha1(session)>.json`, lower-case hex, as botocore and aws-config name it.
pub fn file_name(session: &str) -> String {
    let digest = Sha1::digest(session.as_bytes());
    format!("{}.json", crate::text::hex(&digest))
}

/// What the file holds. Secrets stay [`SecretString`]s; `Debug` shows none.
#[derive(Clone)]
pub struct Token {
    pub start_url: String,
    pub region: String,
    pub access_token: SecretString,
    pub expires_at: SystemTime,
    /// The OIDC client that can refresh it.
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
    pub registration_expires_at: Option<SystemTime>,
    pub refresh_token: Option<SecretString>,
    /// Keys rolehop does not know, written back as they were.
    others: Map<String, Value>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("start_url", &self.start_url)
            .field("region", &self.region)
            .field("expires_at", &self.expires_at)
            .field("client_id", &self.client_id)
            .field("refreshable", &self.refresh_token.is_some())
            .finish_non_exhaustive()
    }
}

impl Token {
    /// A token just issued by CreateToken.
    pub fn new(
        start_url: &str,
        region: &str,
        access_token: SecretString,
        expires_at: SystemTime,
    ) -> Token {
        Token {
            start_url: start_url.to_owned(),
            region: region.to_owned(),
            access_token,
            expires_at,
            client_id: None,
            client_secret: None,
            registration_expires_at: None,
            refresh_token: None,
            others: Map::new(),
        }
    }

    /// Time left at `now` (zero once expired).
    pub fn left(&self, now: SystemTime) -> Duration {
        self.expires_at.duration_since(now).unwrap_or_default()
    }

    /// A refresh can be tried: a refresh token and a client still registered.
    pub fn refreshable(&self, now: SystemTime) -> bool {
        self.refresh_token.is_some()
            && self.client_id.is_some()
            && self.client_secret.is_some()
            && self.registration_expires_at.is_none_or(|t| t > now)
    }

    /// The file's text (JSON, keys as the AWS CLI writes them).
    fn to_json(&self) -> String {
        let mut m = self.others.clone();
        let mut put = |k: &str, v: Option<String>| match v {
            Some(v) => {
                m.insert(k.to_owned(), Value::String(v));
            }
            None => {
                m.remove(k);
            }
        };
        put("startUrl", Some(self.start_url.clone()));
        put("region", Some(self.region.clone()));
        put(
            "accessToken",
            Some(self.access_token.expose_secret().to_owned()),
        );
        put("expiresAt", Some(timestamp(self.expires_at)));
        put("clientId", self.client_id.clone());
        put(
            "clientSecret",
            self.client_secret
                .as_ref()
                .map(|s| s.expose_secret().to_owned()),
        );
        put(
            "registrationExpiresAt",
            self.registration_expires_at.map(timestamp),
        );
        put(
            "refreshToken",
            self.refresh_token
                .as_ref()
                .map(|s| s.expose_secret().to_owned()),
        );
        serde_json::to_string_pretty(&Value::Object(m)).unwrap_or_default()
    }

    /// Parse the file's text; `None` when it is not a token (torn, empty,
    /// or missing the two keys every reader needs).
    fn from_json(text: &str) -> Option<Token> {
        let Value::Object(mut m) = serde_json::from_str::<Value>(text).ok()? else {
            return None;
        };
        // aws-config reads keys in any case; so does rolehop.
        let mut take = |k: &str| -> Option<String> {
            let key = m.keys().find(|key| key.eq_ignore_ascii_case(k))?.clone();
            match m.remove(&key)? {
                Value::String(s) => Some(s),
                _ => None,
            }
        };
        let access_token = SecretString::from(take("accessToken")?);
        let expires_at = parse_timestamp(&take("expiresAt")?)?;
        Some(Token {
            start_url: take("startUrl").unwrap_or_default(),
            region: take("region").unwrap_or_default(),
            access_token,
            expires_at,
            client_id: take("clientId"),
            client_secret: take("clientSecret").map(SecretString::from),
            registration_expires_at: take("registrationExpiresAt")
                .and_then(|t| parse_timestamp(&t)),
            refresh_token: take("refreshToken").map(SecretString::from),
            others: m,
        })
    }
}

/// `%Y-%m-%dT%H:%M:%SZ`, the format every AWS tool writes.
pub fn timestamp(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}

/// RFC 3339 in any of the forms the tools write (`Z` or an offset, with or
/// without fractions; botocore once wrote `UTC`).
pub fn parse_timestamp(s: &str) -> Option<SystemTime> {
    use aws_smithy_types::date_time::{DateTime, Format};
    let s = s.trim();
    // `+HH:MM` / `-HH:MM`: read as UTC, then move by the offset.
    let (base, offset) = match s
        .len()
        .checked_sub(6)
        .and_then(|i| s.get(i..).map(|o| (i, o)))
    {
        Some((i, o)) if (o.starts_with('+') || o.starts_with('-')) && o.as_bytes()[3] == b':' => {
            let h: i64 = o[1..3].parse().ok()?;
            let m: i64 = o[4..6].parse().ok()?;
            let secs = (h * 3600 + m * 60) * if o.starts_with('-') { -1 } else { 1 };
            (format!("{}Z", &s[..i]), secs)
        }
        _ => (
            s.strip_suffix("UTC")
                .map_or_else(|| s.to_owned(), |t| format!("{}Z", t.trim_end())),
            0,
        ),
    };
    let t = DateTime::from_str(&base, Format::DateTime).ok()?;
    let t = SystemTime::try_from(t).ok()?;
    let by = Duration::from_secs(offset.unsigned_abs());
    if offset >= 0 {
        t.checked_sub(by)
    } else {
        t.checked_add(by)
    }
}

/// The token at `path`: `None` when there is none (or it is unreadable
/// twice: the AWS CLI writes in place, so one torn read is retried).
pub fn read(path: &Path) -> Result<Option<Token>, SsoError> {
    for attempt in 0..2 {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                if let Some(t) = Token::from_json(&text) {
                    return Ok(Some(t));
                }
                if attempt == 0 {
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(SsoError::Cache {
                    path: path.to_owned(),
                    message: format!("cannot read it: {e}"),
                });
            }
        }
    }
    Ok(None)
}

/// Write `token` to `path`: atomic, 0600 (an existing file is narrowed to
/// it). Call holding [`rolehop_files::fsutil::lock_for`]`(path)`.
pub fn write(path: &Path, token: &Token) -> Result<(), SsoError> {
    let text = zeroize::Zeroizing::new(token.to_json());
    rolehop_files::fsutil::atomic_write(path, text.as_bytes(), 0o600, true).map_err(|e| {
        SsoError::Cache {
            path: path.to_owned(),
            message: format!("cannot write it: {e}"),
        }
    })
}

/// Remove the token at `path` (logout); a missing one is fine.
pub fn remove(path: &Path) -> Result<(), SsoError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(SsoError::Cache {
            path: path.to_owned(),
            message: format!("cannot remove it: {e}"),
        }),
    }
}

/// Hold the writers' lock of the token at `path`.
pub fn lock(path: &Path) -> Result<rolehop_files::fsutil::WriteLock, SsoError> {
    rolehop_files::fsutil::lock_for(path).map_err(|e| SsoError::Cache {
        path: path.to_owned(),
        message: format!("cannot lock it: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_as_the_aws_cli_names_it() {
        // sha1("my-sso") as botocore computes it.
        assert_eq!(
            file_name("my-sso"),
            format!("{}.json", crate::text::hex(&Sha1::digest(b"my-sso")))
        );
        assert_eq!(file_name("corp").len(), 40 + 5);
    }

    #[test]
    fn round_trip_keeps_unknown_keys_and_hides_secrets() {
        let text = r#"{"startUrl":"https://d-1.awsapps.com/start","region":"eu-west-1","accessToken":"AT-SECRET","expiresAt":"2026-12-07T12:00:00Z","clientId":"cid","clientSecret":"CS-SECRET","registrationExpiresAt":"2027-03-01T00:00:00Z","refreshToken":"RT-SECRET","somethingElse":{"kept":true}}"#;
        let t = Token::from_json(text).unwrap();
        assert_eq!(timestamp(t.expires_at), "2026-12-07T12:00:00Z");
        let debug = format!("{t:?}");
        assert!(!debug.contains("SECRET"), "{debug}");
        let again: Value = serde_json::from_str(&t.to_json()).unwrap();
        let first: Value = serde_json::from_str(text).unwrap();
        assert_eq!(again, first);
    }

    #[test]
    fn timestamps_in_every_form_the_tools_write() {
        let want = parse_timestamp("2026-12-07T12:00:00Z").unwrap();
        for form in [
            "2026-12-07T12:00:00.000Z",
            "2026-12-07T12:00:00+00:00",
            "2026-12-07T12:00:00UTC",
            "2026-12-07T13:00:00+01:00",
        ] {
            assert_eq!(parse_timestamp(form), Some(want), "{form}");
        }
        assert_eq!(parse_timestamp("yesterday"), None);
    }

    #[test]
    fn a_torn_or_foreign_file_is_no_token() {
        assert!(Token::from_json("{\"startUrl\":\"x\",\"accessTo").is_none());
        assert!(Token::from_json("{\"startUrl\":\"x\"}").is_none());
        assert!(Token::from_json("[]").is_none());
        // Keys in another case, as aws-config accepts.
        assert!(
            Token::from_json(r#"{"accesstoken":"a","EXPIRESAT":"2026-01-01T00:00:00Z"}"#).is_some()
        );
    }

    #[test]
    fn written_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache").join(file_name("corp"));
        let mut t = Token::new(
            "https://d-1.awsapps.com/start",
            "eu-west-1",
            SecretString::from("at"),
            parse_timestamp("2030-01-01T00:00:00Z").unwrap(),
        );
        t.refresh_token = Some(SecretString::from("rt"));
        let _lock = lock(&path).unwrap();
        write(&path, &t).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let back = read(&path).unwrap().unwrap();
        assert_eq!(back.refresh_token.unwrap().expose_secret(), "rt");
        remove(&path).unwrap();
        assert!(read(&path).unwrap().is_none());
    }
}
