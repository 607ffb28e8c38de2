//! The only module that talks to AWS: base credentials through aws-config,
//! then AssumeRole / GetCallerIdentity through aws-sdk-sts.

mod connector;
mod errors;
pub mod profile_file;
pub mod region;

pub use errors::{StsError, code_and_message};

use crate::creds::Credentials;
use crate::env::{BaseSource, EnvView};
use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_sts::Client;
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// STS's global endpoint lives in us-east-1; used when nothing names a region.
pub const FALLBACK_REGION: &str = "us-east-1";

/// Where the base (trusted-account) credentials come from, for messages.
pub fn describe_source(source: &BaseSource, env: &EnvView) -> String {
    match source {
        BaseSource::Chain { profile } => {
            let p = profile
                .as_deref()
                .or_else(|| env.get("AWS_PROFILE"))
                .unwrap_or("default");
            format!("the environment or profile \"{p}\"")
        }
        BaseSource::Profile(p) => format!("profile \"{p}\""),
        BaseSource::Keys { .. } => "the base keys saved by the outer rolehop shell".into(),
        BaseSource::NotCopied { access_key_id } => format!(
            "the environment keys ({access_key_id}) of the shell outside this rolehop shell, which rolehop does not copy into a role's shell"
        ),
    }
}

/// Say where we looked when no base credentials were found; for a profile
/// that signs in (`aws login`, IAM Identity Center), what to run.
pub fn name_source(err: StsError, source: &BaseSource, env: &EnvView) -> StsError {
    match err {
        StsError::NoCredentials { detail, .. } => {
            let place = describe_source(source, env);
            let profile = match source {
                BaseSource::Chain { profile } => Some(
                    profile
                        .clone()
                        .or_else(|| env.get("AWS_PROFILE").map(str::to_owned))
                        .unwrap_or_else(|| "default".into()),
                ),
                BaseSource::Profile(p) => Some(p.clone()),
                _ => None,
            };
            let flag = |p: &str| {
                if p == "default" {
                    String::new()
                } else {
                    format!(" --profile {p}")
                }
            };
            match profile.as_deref().and_then(|p| Some((p, signs_in(p)?))) {
                Some((p, BaseKind::Login)) => StsError::SignInNeeded {
                    place,
                    kind: "aws login session",
                    command: format!("aws login{}", flag(p)),
                    detail,
                },
                Some((p, BaseKind::Sso)) => StsError::SignInNeeded {
                    place,
                    kind: "IAM Identity Center session",
                    command: format!("aws sso login{}", flag(p)),
                    detail,
                },
                _ => StsError::NoCredentials { place, detail },
            }
        }
        other => other,
    }
}

/// Where base credentials came from, as `doctor` and `whoami` name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseKind {
    Login,
    Sso,
    Process,
    WebIdentity,
    RoleProfile,
    Container,
    Instance,
    Environment,
    ProfileKeys,
    /// Keys rolehop was handed (an older outer shell's stash).
    Given,
}

impl BaseKind {
    pub fn label(self) -> &'static str {
        match self {
            BaseKind::Login => "aws login session",
            BaseKind::Sso => "IAM Identity Center",
            BaseKind::Process => "credential_process",
            BaseKind::WebIdentity => "web identity",
            BaseKind::RoleProfile => "role profile",
            BaseKind::Container => "container endpoint",
            BaseKind::Instance => "instance metadata",
            BaseKind::Environment => "environment",
            BaseKind::ProfileKeys => "profile keys",
            BaseKind::Given => "keys given to rolehop",
        }
    }

    /// From the features the SDK's providers record on the credentials
    /// they make; the most specific wins (a role profile's source is keys).
    fn of(c: &aws_credential_types::Credentials) -> BaseKind {
        use aws_credential_types::credential_feature::AwsCredentialFeature as F;
        let features = c
            .get_property::<Vec<F>>()
            .map(Vec::as_slice)
            .unwrap_or_default();
        let has = |wanted: &[F]| features.iter().any(|f| wanted.contains(f));
        if has(&[F::CredentialsProfileLogin, F::CredentialsLogin]) {
            BaseKind::Login
        } else if has(&[F::CredentialsProfileSso, F::CredentialsSso]) {
            BaseKind::Sso
        } else if has(&[F::CredentialsProfileProcess, F::CredentialsProcess]) {
            BaseKind::Process
        } else if has(&[
            F::CredentialsProfileStsWebIdToken,
            F::CredentialsEnvVarsStsWebIdToken,
            F::CredentialsStsAssumeRoleWebId,
        ]) {
            BaseKind::WebIdentity
        } else if has(&[F::CredentialsStsAssumeRole]) {
            BaseKind::RoleProfile
        } else if has(&[F::CredentialsHttp]) {
            BaseKind::Container
        } else if has(&[F::CredentialsImds]) {
            BaseKind::Instance
        } else if has(&[F::CredentialsEnvVars]) {
            BaseKind::Environment
        } else if has(&[F::CredentialsProfile]) {
            BaseKind::ProfileKeys
        } else {
            BaseKind::Given
        }
    }
}

/// Whether profile `name` signs in (`login_session`: `aws login`; SSO keys:
/// IAM Identity Center), from the config file as written; `None` for
/// anything else or a file that cannot be read.
fn signs_in(name: &str) -> Option<BaseKind> {
    let config = rolehop_files::credentials::config_path().ok()?;
    let section = if name == "default" {
        "default".to_owned()
    } else {
        format!("profile {name}")
    };
    let keys = rolehop_files::credentials::read_profile(&config, &section).ok()??;
    let has = |k: &str| keys.iter().any(|(key, _)| key.eq_ignore_ascii_case(k));
    if has("login_session") {
        Some(BaseKind::Login)
    } else if ["sso_session", "sso_start_url"].iter().any(|k| has(k)) {
        Some(BaseKind::Sso)
    } else {
        None
    }
}

/// Base credentials resolved locally, and where they came from.
pub struct BaseFound {
    pub access_key_id: String,
    pub kind: BaseKind,
    creds: aws_credential_types::Credentials,
}

impl BaseFound {
    /// An STS client signing with exactly these credentials (no second
    /// resolution: a credential_process would run twice).
    pub async fn client(&self, region: &str) -> Client {
        Client::new(
            &loader(region)
                .credentials_provider(self.creds.clone())
                .load()
                .await,
        )
    }
}

/// The region for the STS call and for the hand-over: the bookmark's, else
/// the original `AWS_REGION`/`AWS_DEFAULT_REGION`, else the base profile's
/// ([`region::Regions`], which `list` and the picker show); None: nothing
/// names one. Never IMDS: probing instance metadata costs seconds on a laptop.
pub async fn resolve_region(
    bookmark_region: Option<&str>,
    env: &EnvView,
    source: &BaseSource,
) -> Option<String> {
    if let Some(r) = bookmark_region
        .map(str::to_owned)
        .or_else(|| env.base_region())
    {
        return Some(r);
    }
    if matches!(
        source,
        BaseSource::Keys { .. } | BaseSource::NotCopied { .. }
    ) {
        return None;
    }
    region::Regions::load(env)
        .await
        .resolve(None, source)
        .named()
}

/// An STS client whose credentials come only from the explicit chain for
/// `source`, so a missing identity is reported in milliseconds, not after the
/// default chain's ~4 s of metadata probing.
pub async fn client(source: &BaseSource, region: &str) -> Client {
    Client::new(&base_config(source, region).await)
}

async fn base_config(source: &BaseSource, region: &str) -> aws_config::SdkConfig {
    let mut loader = loader(region);
    loader = match source {
        BaseSource::Chain { profile } => {
            let mut pp = aws_config::profile::ProfileFileCredentialsProvider::builder();
            if let Some(p) = profile {
                pp = pp.profile_name(p);
                loader = loader.profile_name(p);
            }
            let chain = CredentialsProviderChain::first_try(
                "Environment",
                aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
            )
            .or_else("Profile", pp.build());
            loader.credentials_provider(chain)
        }
        BaseSource::Profile(p) => {
            let pp = aws_config::profile::ProfileFileCredentialsProvider::builder()
                .profile_name(p)
                .build();
            loader.profile_name(p).credentials_provider(pp)
        }
        BaseSource::Keys {
            access_key_id,
            secret_access_key,
            session_token,
        } => loader.credentials_provider(aws_credential_types::Credentials::new(
            access_key_id.clone(),
            secret_access_key.expose_secret().to_owned(),
            session_token.as_ref().map(|t| t.expose_secret().to_owned()),
            None,
            "rolehop-base",
        )),
        BaseSource::NotCopied { .. } => loader.credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::credential_fn::provide_credentials_fn(|| async {
                    Err(
                        aws_credential_types::provider::error::CredentialsError::not_loaded(
                            "the base keys are not in this shell",
                        ),
                    )
                }),
            ),
        ),
    };
    loader.load().await
}

/// The SDK config of the base credentials for `source`, for other AWS
/// clients (IAM in `rolehop policy --apply-*`).
pub async fn sdk_config(source: &BaseSource, region: &str) -> aws_config::SdkConfig {
    base_config(source, region).await
}

/// How long one STS operation may take, retries included: 10 s, or
/// `ROLEHOP_STS_TIMEOUT` (`30s`, `1m`, or seconds). A server that accepts and
/// never answers is then reported in that time, not after the SDK's minutes.
pub fn operation_timeout() -> Duration {
    std::env::var("ROLEHOP_STS_TIMEOUT")
        .ok()
        .and_then(|v| {
            v.parse::<u64>()
                .map(Duration::from_secs)
                .ok()
                .or_else(|| humantime::parse_duration(&v).ok())
        })
        .filter(|d| !d.is_zero())
        .unwrap_or(Duration::from_secs(10))
}

/// The config loader every client starts from: explicit region, bounded timeouts.
pub(crate) fn loader(region: &str) -> aws_config::ConfigLoader {
    let total = operation_timeout();
    // Leave room for the SDK's retries inside the whole operation's time.
    let attempt = (total / 2).max(Duration::from_secs(1));
    let timeouts = aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3).min(attempt))
        .operation_attempt_timeout(attempt)
        .operation_timeout(total)
        .build();
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .timeout_config(timeouts)
        // The SDK's connector, minus loading root certificates for http:// endpoints.
        .http_client(connector::client())
}

/// An STS client signing with temporary credentials rolehop already holds (an
/// MFA session, or the role before this one in a `via` chain): the next
/// AssumeRole is then role chaining.
pub async fn client_with(creds: &Credentials, region: &str) -> Client {
    let provider = aws_credential_types::Credentials::new(
        creds.access_key_id.clone(),
        creds.secret_access_key().to_owned(),
        Some(creds.session_token().to_owned()),
        Some(creds.expiration),
        "rolehop-session",
    );
    Client::new(&loader(region).credentials_provider(provider).load().await)
}

/// Resolve the base credentials locally (files, environment, SSO cache or
/// `credential_process`), without calling STS: what `doctor` reports.
pub async fn base_credentials(source: &BaseSource, region: &str) -> Result<BaseFound, StsError> {
    use aws_credential_types::provider::ProvideCredentials;
    let config = base_config(source, region).await;
    let Some(provider) = config.credentials_provider() else {
        return Err(StsError::NoCredentials {
            place: "the configured places".into(),
            detail: String::new(),
        });
    };
    match provider.provide_credentials().await {
        Ok(c) => Ok(BaseFound {
            access_key_id: c.access_key_id().to_owned(),
            kind: BaseKind::of(&c),
            creds: c,
        }),
        Err(e) => Err(errors::credentials_error(&e)),
    }
}

/// Everything one AssumeRole call needs.
#[derive(Clone, Debug)]
pub struct AssumeRequest {
    pub role_arn: String,
    pub session_name: String,
    pub duration: Option<u32>,
    pub external_id: Option<String>,
    /// (MFA device serial or ARN, 6-digit code)
    pub mfa: Option<(String, String)>,
}

/// Assume the role; SDK errors become `StsError`s a user can act on.
pub async fn assume_role(client: &Client, req: &AssumeRequest) -> Result<Credentials, StsError> {
    let (serial, code) = match &req.mfa {
        Some((s, c)) => (Some(s.clone()), Some(c.clone())),
        None => (None, None),
    };
    let out = client
        .assume_role()
        .role_arn(&req.role_arn)
        .role_session_name(&req.session_name)
        .set_duration_seconds(req.duration.map(|d| d as i32))
        .set_external_id(req.external_id.clone())
        .set_serial_number(serial)
        .set_token_code(code)
        .send()
        .await
        .map_err(|e| errors::classify(&e, Some(req)))?;
    let assumed_role_arn = out.assumed_role_user().map(|u| u.arn().to_owned());
    let c = out.credentials.ok_or_else(|| StsError::Other {
        code: None,
        message: "STS answered without credentials".into(),
    })?;
    // Convert at once and let the SDK type (which owns copies of the
    // secrets) drop here.
    convert(&c, assumed_role_arn)
}

/// GetSessionToken: an MFA session for the base identity. AccessDenied here
/// (typically "Cannot call GetSessionToken with session credentials": the
/// base identity is itself a role) becomes `SessionTokenRefused`, so the
/// caller can fall back to AssumeRole with the MFA code.
pub async fn get_session_token(
    client: &Client,
    serial: &str,
    code: &str,
    duration: u32,
) -> Result<Credentials, StsError> {
    let out = client
        .get_session_token()
        .serial_number(serial)
        .token_code(code)
        .duration_seconds(i32::try_from(duration).unwrap_or(i32::MAX))
        .send()
        .await
        .map_err(|e| match errors::classify(&e, None) {
            StsError::AccessDenied { message, .. } => StsError::SessionTokenRefused { message },
            other => other,
        })?;
    let c = out.credentials.ok_or_else(|| StsError::Other {
        code: None,
        message: "STS answered without credentials".into(),
    })?;
    convert(&c, None)
}

/// The SDK's credentials as ours; the SDK type (which owns copies of the
/// secrets) is dropped by the caller right after.
fn convert(
    c: &aws_sdk_sts::types::Credentials,
    assumed_role_arn: Option<String>,
) -> Result<Credentials, StsError> {
    let expiration =
        std::time::SystemTime::try_from(*c.expiration()).map_err(|_| StsError::Other {
            code: None,
            message: "STS answered with an expiry time rolehop cannot read".into(),
        })?;
    Ok(Credentials {
        access_key_id: c.access_key_id().to_owned(),
        secret_access_key: SecretString::from(c.secret_access_key().to_owned()),
        session_token: SecretString::from(c.session_token().to_owned()),
        expiration,
        assumed_role_arn,
    })
}

/// Who the base credentials belong to.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

pub async fn caller_identity(client: &Client) -> Result<Identity, StsError> {
    let out = client
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| errors::classify(&e, None))?;
    Ok(Identity {
        account: out.account().unwrap_or_default().to_owned(),
        arn: out.arn().unwrap_or_default().to_owned(),
        user_id: out.user_id().unwrap_or_default().to_owned(),
    })
}

/// Fill in "who you are" on an AccessDenied, when STS's message did not say.
/// One extra call on an error path is worth the clearer message.
pub async fn with_identity(client: &Client, err: StsError) -> StsError {
    match err {
        StsError::AccessDenied {
            role_arn,
            identity: None,
            message,
        } => {
            let identity = caller_identity(client).await.ok().map(|i| i.arn);
            StsError::access_denied(role_arn, identity, message)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests;

/// GetCallerIdentity of the base identity `env` (with `profile`) holds, and
/// where those credentials come from (for people).
pub async fn base_identity(
    env: &EnvView,
    profile: Option<&str>,
) -> Result<(Identity, String), StsError> {
    let source = env.base_source(profile);
    let region = resolve_region(None, env, &source).await;
    let region = region.as_deref().unwrap_or(FALLBACK_REGION);
    // Resolved once, here: the kind is known, and a credential_process runs once.
    let found = base_credentials(&source, region)
        .await
        .map_err(|e| name_source(e, &source, env))?;
    let identity = caller_identity(&found.client(region).await)
        .await
        .map_err(|e| name_source(e, &source, env))?;
    let place = describe_source(&source, env);
    Ok((identity, format!("{place} ({})", found.kind.label())))
}
