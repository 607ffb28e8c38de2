//! The IAM Identity Center OIDC service (`sso-oauth`): the only code that
//! calls it. Client registrations, one per grant type (AWS answers 500 to a
//! client registered for both the device and the authorization-code grant),
//! kept in rolehop's cache until a day before they expire; the three
//! CreateToken grants.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_ssooidc::Client;
use secrecy::{ExposeSecret, SecretString};

use super::token::{self, Token};
use super::{Instance, SsoError, is_network, said};

/// The scope that makes tokens refreshable (an `[sso-session]`'s default).
pub const SCOPE: &str = "sso:account:access";
/// Registered without a port: any loopback port is then accepted (RFC 8252 §7.3).
pub const REDIRECT_URI: &str = "http://127.0.0.1/oauth/callback";
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const CLIENT_NAME: &str = "rolehop";

/// Which login a registration is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    AuthorizationCode,
    DeviceCode,
}

impl Grant {
    fn key(self) -> &'static str {
        match self {
            Grant::AuthorizationCode => "authcode",
            Grant::DeviceCode => "device",
        }
    }
}

/// A registered OIDC client.
#[derive(Clone)]
pub struct Registration {
    pub client_id: String,
    pub client_secret: SecretString,
    pub expires_at: SystemTime,
}

async fn client(inst: &Instance) -> Client {
    Client::new(&super::sdk_config(&inst.config.region).await)
}

fn refused<E>(inst: &Instance, what: &str, e: &aws_sdk_ssooidc::error::SdkError<E>) -> SsoError
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
{
    if is_network(e) {
        let (_, message, _) = said(e);
        return SsoError::Network {
            instance: inst.name.clone(),
            message,
        };
    }
    let (code, message, _) = said(e);
    let hint = match code.as_deref() {
        Some("InvalidClientMetadataException") | Some("InvalidRequestException") => Some(format!(
            "check start_url and region of [sso.{}] (the region is where the instance lives, e.g. the one in your access portal's sign-in page)",
            inst.name
        )),
        _ => None,
    };
    SsoError::Refused {
        instance: inst.name.clone(),
        what: what.to_owned(),
        message: match code {
            Some(c) if c != message => format!("{c}: {message}"),
            _ => message,
        },
        hint,
    }
}

fn from_epoch(secs: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).unwrap_or_default())
}

/// Where registrations are kept: `<cache>/sso/NAME.GRANT.json`.
fn registration_path(inst: &Instance, grant: Grant) -> Option<std::path::PathBuf> {
    Some(
        crate::paths::cache_dir()?
            .join("sso")
            .join(format!("{}.{}.json", inst.name, grant.key())),
    )
}

/// A registration for `grant`: the kept one while it has more than a day
/// left and was made for this start URL and region, else a new one.
pub async fn registration(
    inst: &Instance,
    grant: Grant,
    now: SystemTime,
) -> Result<Registration, SsoError> {
    let path = registration_path(inst, grant);
    if let Some(r) = path.as_deref().and_then(|p| read_registration(p, inst))
        && r.expires_at > now + Duration::from_secs(24 * 3600)
    {
        return Ok(r);
    }
    let mut req = client(inst)
        .await
        .register_client()
        .client_name(CLIENT_NAME)
        .client_type("public")
        .scopes(SCOPE);
    if grant == Grant::AuthorizationCode {
        req = req
            .grant_types("authorization_code")
            .grant_types("refresh_token")
            .redirect_uris(REDIRECT_URI)
            .issuer_url(&inst.config.start_url);
    }
    let out = req
        .send()
        .await
        .map_err(|e| refused(inst, "the client registration", &e))?;
    let r = Registration {
        client_id: out.client_id().unwrap_or_default().to_owned(),
        client_secret: SecretString::from(out.client_secret().unwrap_or_default().to_owned()),
        expires_at: from_epoch(out.client_secret_expires_at()),
    };
    if let Some(p) = path {
        // Losing it only costs a registration next time.
        let _ = write_registration(&p, inst, &r);
    }
    Ok(r)
}

fn read_registration(path: &std::path::Path, inst: &Instance) -> Option<Registration> {
    let text = zeroize::Zeroizing::new(std::fs::read_to_string(path).ok()?);
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let s = |k: &str| v.get(k).and_then(serde_json::Value::as_str);
    if s("startUrl")? != inst.config.start_url || s("region")? != inst.config.region {
        return None;
    }
    Some(Registration {
        client_id: s("clientId")?.to_owned(),
        client_secret: SecretString::from(s("clientSecret")?.to_owned()),
        expires_at: token::parse_timestamp(s("expiresAt")?)?,
    })
}

fn write_registration(
    path: &std::path::Path,
    inst: &Instance,
    r: &Registration,
) -> std::io::Result<()> {
    let text = zeroize::Zeroizing::new(
        serde_json::json!({
            "startUrl": inst.config.start_url,
            "region": inst.config.region,
            "clientId": r.client_id,
            "clientSecret": r.client_secret.expose_secret(),
            "expiresAt": token::timestamp(r.expires_at),
            "scopes": [SCOPE],
        })
        .to_string(),
    );
    let _lock = rolehop_files::fsutil::lock_for(path)?;
    rolehop_files::fsutil::atomic_write(path, text.as_bytes(), 0o600, true)
}

/// StartDeviceAuthorization's answer.
pub struct DeviceAuthorization {
    pub device_code: SecretString,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: Duration,
    pub interval: Duration,
}

pub async fn start_device(
    inst: &Instance,
    reg: &Registration,
) -> Result<DeviceAuthorization, SsoError> {
    let out = client(inst)
        .await
        .start_device_authorization()
        .client_id(&reg.client_id)
        .client_secret(reg.client_secret.expose_secret())
        .start_url(&inst.config.start_url)
        .send()
        .await
        .map_err(|e| refused(inst, "the device authorization", &e))?;
    Ok(DeviceAuthorization {
        device_code: SecretString::from(out.device_code().unwrap_or_default().to_owned()),
        user_code: out.user_code().unwrap_or_default().to_owned(),
        verification_uri: out.verification_uri().unwrap_or_default().to_owned(),
        verification_uri_complete: out.verification_uri_complete().map(str::to_owned),
        expires_in: Duration::from_secs(u64::try_from(out.expires_in()).unwrap_or(600)),
        interval: Duration::from_secs(u64::try_from(out.interval()).unwrap_or(5).max(1)),
    })
}

/// What one device-code poll said.
pub enum Poll {
    Token(Box<Token>),
    Pending,
    SlowDown,
}

/// The grant CreateToken is asked for.
pub enum TokenGrant<'a> {
    Device(&'a SecretString),
    Code {
        code: &'a str,
        verifier: &'a str,
        redirect_uri: &'a str,
    },
}

/// CreateToken for a login; the token carries the registration, so any
/// tool can refresh it.
pub async fn create_token(
    inst: &Instance,
    reg: &Registration,
    grant: TokenGrant<'_>,
    now: SystemTime,
) -> Result<Poll, SsoError> {
    let mut req = client(inst)
        .await
        .create_token()
        .client_id(&reg.client_id)
        .client_secret(reg.client_secret.expose_secret());
    req = match grant {
        TokenGrant::Device(code) => req
            .grant_type(DEVICE_GRANT)
            .device_code(code.expose_secret()),
        TokenGrant::Code {
            code,
            verifier,
            redirect_uri,
        } => req
            .grant_type("authorization_code")
            .code(code)
            .code_verifier(verifier)
            .redirect_uri(redirect_uri)
            .scope(SCOPE),
    };
    match req.send().await {
        Ok(out) => {
            let mut t = Token::new(
                &inst.config.start_url,
                &inst.config.region,
                SecretString::from(out.access_token().unwrap_or_default().to_owned()),
                now + Duration::from_secs(u64::try_from(out.expires_in()).unwrap_or_default()),
            );
            t.client_id = Some(reg.client_id.clone());
            t.client_secret = Some(reg.client_secret.clone());
            t.registration_expires_at = Some(reg.expires_at);
            t.refresh_token = out
                .refresh_token()
                .map(|r| SecretString::from(r.to_owned()));
            Ok(Poll::Token(Box::new(t)))
        }
        Err(e) => {
            let (code, message, _) = said(&e);
            match code.as_deref() {
                Some("AuthorizationPendingException") => Ok(Poll::Pending),
                Some("SlowDownException") => Ok(Poll::SlowDown),
                Some("ExpiredTokenException") => Err(SsoError::Login {
                    message: "the sign-in request expired before it was approved".into(),
                    hint: Some(format!("run rolehop sso login {} again", inst.name)),
                }),
                Some("AccessDeniedException") => Err(SsoError::Login {
                    message: format!("the sign-in was denied ({message})"),
                    hint: None,
                }),
                Some("InvalidGrantException") => Err(SsoError::Login {
                    message: format!("IAM Identity Center refused the sign-in code ({message})"),
                    hint: Some(format!("run rolehop sso login {} again", inst.name)),
                }),
                _ => Err(refused(inst, "the token", &e)),
            }
        }
    }
}

/// CreateToken with the refresh token of `t`: a new access token (and maybe
/// a new refresh token; without one the old is kept). InvalidGrant means
/// the Identity Center session is over.
pub async fn refresh(inst: &Instance, t: &Token) -> Result<Token, SsoError> {
    let (Some(id), Some(secret), Some(refresh)) =
        (&t.client_id, &t.client_secret, &t.refresh_token)
    else {
        return Err(inst.login_required("the token cannot be refreshed"));
    };
    let out = client(inst)
        .await
        .create_token()
        .client_id(id)
        .client_secret(secret.expose_secret())
        .grant_type("refresh_token")
        .refresh_token(refresh.expose_secret())
        .send()
        .await;
    let now = SystemTime::now();
    match out {
        Ok(out) => {
            let mut new = t.clone();
            new.access_token =
                SecretString::from(out.access_token().unwrap_or_default().to_owned());
            new.expires_at =
                now + Duration::from_secs(u64::try_from(out.expires_in()).unwrap_or_default());
            if let Some(r) = out.refresh_token() {
                new.refresh_token = Some(SecretString::from(r.to_owned()));
            }
            Ok(new)
        }
        Err(e) => {
            let (code, _, _) = said(&e);
            match code.as_deref() {
                Some("InvalidGrantException")
                | Some("ExpiredTokenException")
                | Some("InvalidClientException") => {
                    Err(inst.login_required("the refresh was refused"))
                }
                _ => Err(refused(inst, "the token refresh", &e)),
            }
        }
    }
}
