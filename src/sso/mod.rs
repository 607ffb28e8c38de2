//! IAM Identity Center: roles reached through an access portal instead of
//! an IAM user. One login (the OIDC token, shared with the AWS CLI in
//! `~/.aws/sso/cache`) lasts as long as the Identity Center session; every
//! role's credentials are a GetRoleCredentials call with it.
//!
//! - [`token`]: the shared token file.
//! - [`oidc`]: the OIDC service: client registrations, the device and PKCE
//!   grants, refresh (the only code that calls it).
//! - [`portal`]: the access portal: GetRoleCredentials, the account and role
//!   lists, Logout (the only code that calls it).
//! - [`login`]: `rolehop sso login`: the browser, the loopback callback.
//! - [`sync`]: `rolehop sso sync`: the portal's roles as bookmarks, paced.
//! - [`marks`]: what rolehop remembers beside the token: sign-in, end,
//!   roles the portal refused (for the next sync).

pub mod login;
pub mod marks;
pub mod oidc;
pub mod portal;
pub mod sync;
pub mod token;

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use secrecy::SecretString;

use rolehop_files::bookmarks::SsoConfig;

/// Refresh the access token this long before it expires (botocore's
/// window, so rolehop refreshes first and the others find a fresh token).
pub const REFRESH_BEFORE: Duration = Duration::from_secs(15 * 60);

/// What IAM Identity Center calls fail with.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    /// No usable token: never logged in, logged out, or the Identity Center
    /// session ended. Only a person can fix it, with a browser.
    #[error("{instance}'s IAM Identity Center session has ended{}", why_suffix(.why))]
    LoginRequired { instance: String, why: String },
    /// GetRoleCredentials answered 403: the permission set is no longer
    /// assigned to this user in that account.
    #[error("IAM Identity Center no longer gives you {role} in account {account} ({instance})")]
    NoAccess {
        instance: String,
        account: String,
        role: String,
    },
    /// The portal's rate limit (about 20 calls a second per instance).
    #[error("IAM Identity Center is throttling {instance}'s calls (TooManyRequests)")]
    Throttled { instance: String },
    /// No answer: DNS, connection, timeout.
    #[error("cannot reach IAM Identity Center for {instance} ({message})")]
    Network { instance: String, message: String },
    /// Any other refusal, with AWS's code and message.
    #[error("IAM Identity Center refused {what} for {instance}: {message}")]
    Refused {
        instance: String,
        what: String,
        message: String,
        hint: Option<String>,
    },
    /// The login did not complete (denied in the browser, timed out, a
    /// callback that failed its checks).
    #[error("{message}")]
    Login {
        message: String,
        hint: Option<String>,
    },
    /// The token file could not be read or written.
    #[error("{}: {message}", .path.display())]
    Cache { path: PathBuf, message: String },
    /// No `[sso.NAME]` of that name.
    #[error("{message}")]
    Config {
        message: String,
        hint: Option<String>,
    },
}

fn why_suffix(why: &str) -> String {
    if why.is_empty() {
        String::new()
    } else {
        format!(" ({why})")
    }
}

impl SsoError {
    pub fn hint(&self) -> Option<String> {
        match self {
            SsoError::LoginRequired { instance, .. } => {
                Some(format!("run rolehop sso login {instance}"))
            }
            SsoError::NoAccess { instance, .. } => Some(format!(
                "ask your administrator for the assignment, or run rolehop sso sync {instance} --prune to drop the bookmark"
            )),
            SsoError::Throttled { .. } => Some("wait a few seconds and try again".into()),
            SsoError::Network { .. } => {
                Some("check your network, proxy (HTTPS_PROXY) and the instance's region".into())
            }
            SsoError::Refused { hint, .. }
            | SsoError::Login { hint, .. }
            | SsoError::Config { hint, .. } => hint.clone(),
            SsoError::Cache { .. } => Some("check the permissions of ~/.aws/sso/cache".into()),
        }
    }

    /// Only a person with a browser can fix it.
    pub fn needs_login(&self) -> bool {
        matches!(self, SsoError::LoginRequired { .. })
    }
}

/// One `[sso.NAME]`, by name.
#[derive(Clone, Debug)]
pub struct Instance {
    pub name: String,
    pub config: SsoConfig,
}

impl Instance {
    pub fn token_path(&self) -> Result<PathBuf, SsoError> {
        token::path_for(&self.name)
    }

    /// The token on disk, if any (not refreshed).
    pub fn cached_token(&self) -> Result<Option<token::Token>, SsoError> {
        token::read(&self.token_path()?)
    }

    fn login_required(&self, why: impl Into<String>) -> SsoError {
        SsoError::LoginRequired {
            instance: self.name.clone(),
            why: why.into(),
        }
    }
}

/// The instance called `name` in the bookmarks file, or an error listing them.
pub fn instance(
    settings: &rolehop_files::bookmarks::Settings,
    name: &str,
) -> Result<Instance, SsoError> {
    match settings.sso.get(name) {
        Some(config) => Ok(Instance {
            name: name.to_owned(),
            config: config.clone(),
        }),
        None => {
            let known: Vec<&str> = settings.sso.keys().map(String::as_str).collect();
            Err(SsoError::Config {
                message: format!("no IAM Identity Center instance {name:?} in the bookmarks file"),
                hint: Some(if known.is_empty() {
                    format!("add one: rolehop sso add {name} --start-url URL --region REGION")
                } else {
                    format!("instances there: {}", known.join(", "))
                }),
            })
        }
    }
}

/// The instance a command without NAME means: the only one, else an error.
pub fn only_instance(settings: &rolehop_files::bookmarks::Settings) -> Result<Instance, SsoError> {
    let mut names = settings.sso.keys();
    match (names.next(), names.next()) {
        (Some(name), None) => instance(settings, name),
        (None, _) => Err(SsoError::Config {
            message: "no IAM Identity Center instance in the bookmarks file".into(),
            hint: Some("add one: rolehop sso add NAME --start-url URL --region REGION".into()),
        }),
        (Some(_), Some(_)) => Err(SsoError::Config {
            message: "more than one IAM Identity Center instance: say which".into(),
            hint: Some(format!(
                "instances: {}",
                settings
                    .sso
                    .keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }),
    }
}

/// A fresh access token for `inst`: the cached one while more than
/// [`REFRESH_BEFORE`] is left, else refreshed (under the file's lock,
/// re-read first, the rotated refresh token written before it is used).
/// An expired token with no way to refresh it is [`SsoError::LoginRequired`].
pub async fn access_token(inst: &Instance, now: SystemTime) -> Result<SecretString, SsoError> {
    let path = inst.token_path()?;
    let fresh = |t: &token::Token| t.left(now) > REFRESH_BEFORE;
    match token::read(&path)? {
        Some(t) if fresh(&t) => return Ok(t.access_token),
        None => return Err(inst.login_required("not logged in")),
        Some(_) => {}
    }
    let _lock = token::lock(&path)?;
    // Another tool (or rolehop) may have refreshed it meanwhile.
    let Some(t) = token::read(&path)? else {
        return Err(inst.login_required("not logged in"));
    };
    if fresh(&t) {
        return Ok(t.access_token);
    }
    if !t.refreshable(now) {
        return if t.left(now) > Duration::ZERO {
            Ok(t.access_token)
        } else {
            Err(inst.login_required("the token expired and cannot be refreshed"))
        };
    }
    match oidc::refresh(inst, &t).await {
        Ok(new) => {
            token::write(&path, &new)?;
            Ok(new.access_token)
        }
        Err(e @ SsoError::LoginRequired { .. }) => {
            marks::ended(inst, now, t.expires_at);
            Err(e)
        }
        // Refresh failed for a passing reason: the old token still works.
        Err(_) if t.left(now) > Duration::from_secs(60) => Ok(t.access_token),
        Err(e) => Err(e),
    }
}

/// The SDK configuration the portal and OIDC clients start from: the
/// instance's region, rolehop's timeouts and connector, no credentials
/// (neither service signs; `AWS_ENDPOINT_URL_SSO` / `_SSO_OIDC` apply).
async fn sdk_config(region: &str) -> aws_config::SdkConfig {
    crate::sts::loader(region).no_credentials().load().await
}

/// The instance's OIDC endpoint, for the authorize URL the SDK does not
/// model: the `AWS_ENDPOINT_URL_SSO_OIDC` override, else AWS's.
pub fn oidc_endpoint(region: &str, env: &crate::env::EnvView) -> String {
    env.get("AWS_ENDPOINT_URL_SSO_OIDC")
        .or_else(|| env.get("AWS_ENDPOINT_URL"))
        .filter(|v| !v.is_empty())
        .map(|v| v.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| format!("https://oidc.{region}.amazonaws.com"))
}

/// Code and message of an SDK error, as [`crate::sts::code_and_message`].
fn said<E>(e: &aws_sdk_sso::error::SdkError<E>) -> (Option<String>, String, Option<u16>)
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
{
    let status = e.raw_response().map(|r| r.status().as_u16());
    let (code, message) = crate::sts::code_and_message(e);
    let message = message
        .or_else(|| code.clone())
        .unwrap_or_else(|| "no message".into());
    (code, message, status)
}

/// No answer at all (the request never got a response).
fn is_network<E>(e: &aws_sdk_sso::error::SdkError<E>) -> bool {
    use aws_sdk_sso::error::SdkError;
    matches!(e, SdkError::DispatchFailure(_) | SdkError::TimeoutError(_))
}
