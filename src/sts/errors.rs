//! STS failures in words a user can act on. The SDK's own Display is a chain
//! of "dispatch failure: io error: ..." fragments; we map each case to one
//! sentence and a hint, and never include request bodies (they carry tokens).

use super::AssumeRequest;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use std::error::Error as StdError;

#[derive(Debug, thiserror::Error)]
pub enum StsError {
    /// `~/.aws/config` or `~/.aws/credentials` does not parse: `PATH:LINE:
    /// what is wrong; fix or remove that line`.
    #[error("{message}")]
    ProfileFile { message: String },
    #[error("no base AWS credentials found in {place}{}", detail_suffix(detail))]
    NoCredentials {
        /// Where we looked, e.g. `the environment or profile "default"`.
        place: String,
        /// Empty when simply nothing was found; the provider's words otherwise.
        detail: String,
    },
    /// The base profile signs in through `aws login` or IAM Identity Center
    /// and its session has ended (or never began): `command` starts one.
    #[error(
        "the {kind} of {place} has expired or was never started{}",
        detail_suffix(detail)
    )]
    SignInNeeded {
        place: String,
        /// "aws login session", "IAM Identity Center session".
        kind: &'static str,
        command: String,
        detail: String,
    },
    #[error(
        "access denied assuming {} as {}{}",
        role_arn.as_deref().unwrap_or("the role"),
        identity.as_deref().unwrap_or("your base identity"),
        detail_suffix(message)
    )]
    AccessDenied {
        role_arn: Option<String>,
        identity: Option<String>,
        message: String,
    },
    #[error("the MFA code was not accepted: {message}")]
    MfaFailed { message: String },
    /// GetSessionToken was denied: the base identity is a role (session
    /// credentials) or a policy forbids it.
    #[error("STS refused an MFA session (GetSessionToken): {message}")]
    SessionTokenRefused { message: String },
    #[error("the base credentials have expired: {message}")]
    ExpiredToken { message: String },
    #[error("AWS does not recognise the base credentials ({code}): {message}")]
    InvalidToken { code: String, message: String },
    #[error("the requested session length was refused: {message}")]
    DurationTooLong { message: String },
    #[error("STS is not activated in this region: {message}")]
    RegionDisabled { message: String },
    #[error("AWS is throttling STS requests, even after retrying")]
    Throttled,
    #[error("STS rejected the request: {message}")]
    Validation { message: String },
    #[error("cannot reach STS: {detail}")]
    Network { detail: String },
    /// The request's signature is too old or too new for AWS: the clock.
    #[error("AWS refused the request because this computer's clock is off: {message}")]
    ClockSkew { message: String },
    /// An answer that is not STS's (a proxy's page, a cut-off body).
    #[error("STS's answer could not be read: {detail}")]
    Unreadable { detail: String },
    #[error("STS call failed{}: {message}", code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Other {
        code: Option<String>,
        message: String,
    },
}

/// AWS's standard "User: X is not authorized ... on resource: Y" repeats what
/// the sentence already says; other messages add information.
fn detail_suffix(message: &str) -> String {
    if message.is_empty() || identity_from_message(message).is_some() {
        String::new()
    } else {
        format!(": {message}")
    }
}

impl StsError {
    /// Build an AccessDenied, naming the role and (if known) the caller.
    pub fn access_denied(
        role_arn: Option<String>,
        identity: Option<String>,
        message: String,
    ) -> Self {
        let identity = identity.or_else(|| identity_from_message(&message));
        StsError::AccessDenied {
            role_arn,
            identity,
            message,
        }
    }

    /// What to try next, for the line after the error.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            StsError::SignInNeeded { command, .. } => format!("run `{command}`, then try again"),
            StsError::ProfileFile { .. } => "the AWS CLI and SDKs stop at that line too; `aws configure list` checks the files once fixed".into(),
            StsError::NoCredentials { .. } => "configure base keys with `aws configure` (or `aws sso login`), set AWS_PROFILE, or set the bookmark's source_profile; `rolehop whoami` checks them".into(),
            StsError::AccessDenied { role_arn, .. } => {
                let role = role_arn.as_deref().unwrap_or("the role");
                format!(
                    "check that (1) {role}'s trust policy names your account or identity, (2) your identity's policy allows sts:AssumeRole on {role}, (3) the role does not require MFA (set mfa_serial) or an external ID (set external_id) you did not give"
                )
            }
            StsError::MfaFailed { .. } => "wait for the next code from your device and try again; check that mfa_serial is your device's ARN (IAM > Security credentials)".into(),
            StsError::SessionTokenRefused { .. } => "set mfa_session = false on the bookmark (or in [settings]) to assume with the MFA code directly".into(),
            StsError::ExpiredToken { .. } => "get fresh base credentials (for SSO: `aws sso login`), then try again".into(),
            StsError::InvalidToken { .. } => "check aws_access_key_id / aws_secret_access_key of the base profile; the keys may have been deactivated or deleted".into(),
            StsError::DurationTooLong { .. } => "lower the bookmark's duration (1h always works), or raise the role's MaxSessionDuration; roles assumed from temporary credentials are capped at 1h".into(),
            StsError::RegionDisabled { .. } => "activate STS for this region in IAM > Account settings, or set another region on the bookmark".into(),
            StsError::Throttled => "wait a few seconds and try again".into(),
            StsError::Network { .. } => "check your network connection or proxy; AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL point STS elsewhere if set".into(),
            StsError::ClockSkew { .. } => "set the clock right (e.g. `timedatectl set-ntp true`, or your system's time settings) and try again".into(),
            StsError::Unreadable { .. } => "a proxy or an AWS_ENDPOINT_URL_STS that is not STS may be in the way; try again, and check those".into(),
            StsError::Validation { .. } => "check the bookmark's fields (`rolehop doctor NAME` explains the usual causes)".into(),
            StsError::Other { .. } => "if it persists, run `rolehop doctor NAME`; AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL point STS elsewhere if set".into(),
        })
    }
}

/// AWS's AccessDenied text starts "User: arn:... is not authorized ...".
fn identity_from_message(message: &str) -> Option<String> {
    let rest = message.strip_prefix("User: ")?;
    let arn = rest.split_whitespace().next()?;
    arn.starts_with("arn:").then(|| arn.to_owned())
}

/// Map an SDK error to what happened.
pub(super) fn classify<E>(err: &SdkError<E>, req: Option<&AssumeRequest>) -> StsError
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    use aws_credential_types::provider::error::CredentialsError;
    if let Some(cred) = find_source::<CredentialsError>(err) {
        return credentials_error(cred);
    }
    match err {
        SdkError::ServiceError(_) => {
            let (code, message) = code_and_message(err);
            let message = message.unwrap_or_default();
            match code.as_deref() {
                Some("AccessDenied") if message.contains("MultiFactorAuthentication") => {
                    StsError::MfaFailed { message }
                }
                Some("AccessDenied") => {
                    StsError::access_denied(req.map(|r| r.role_arn.clone()), None, message)
                }
                Some("ExpiredToken" | "ExpiredTokenException") => {
                    StsError::ExpiredToken { message }
                }
                Some("RequestExpired" | "RequestTimeTooSkewed") => StsError::ClockSkew { message },
                Some("SignatureDoesNotMatch") if message.contains("Signature expired") => {
                    StsError::ClockSkew { message }
                }
                Some(c @ ("InvalidClientTokenId" | "SignatureDoesNotMatch")) => {
                    StsError::InvalidToken {
                        code: c.to_owned(),
                        message,
                    }
                }
                Some("RegionDisabledException") => StsError::RegionDisabled { message },
                Some("Throttling" | "ThrottlingException" | "RequestLimitExceeded") => {
                    StsError::Throttled
                }
                Some("ValidationError") if message.contains("DurationSeconds") => {
                    StsError::DurationTooLong { message }
                }
                Some("ValidationError") => StsError::Validation { message },
                other => StsError::Other {
                    code: other.map(str::to_owned),
                    message,
                },
            }
        }
        SdkError::TimeoutError(_) => StsError::Network {
            detail: format!(
                "no answer within {} s (ROLEHOP_STS_TIMEOUT sets the limit)",
                super::operation_timeout().as_secs()
            ),
        },
        SdkError::DispatchFailure(_) => StsError::Network {
            detail: innermost(err),
        },
        SdkError::ResponseError(_) => StsError::Unreadable {
            detail: innermost(err),
        },
        _ => StsError::Other {
            code: None,
            message: innermost(err),
        },
    }
}

/// A provider that found no (or broken) base credentials.
pub(super) fn credentials_error(
    cred: &aws_credential_types::provider::error::CredentialsError,
) -> StsError {
    use aws_credential_types::provider::error::CredentialsError;
    let detail = match cred {
        // "Nothing there": the sentence and hint say it all.
        CredentialsError::CredentialsNotLoaded(_) => String::new(),
        // The provider dropped the file and line; the SDK's loader has them.
        other if super::profile_file::is_parse_failure(&chain_text(other)) => {
            if let Some(message) = super::profile_file::default_files_error() {
                return StsError::ProfileFile { message };
            }
            one_line(&chain_text(other))
        }
        // A broken profile, SSO token, credential_process...: say what it said.
        other => one_line(&chain_text(other)),
    };
    StsError::NoCredentials {
        place: "the configured places".into(),
        detail,
    }
}

/// The error code and message of any AWS SDK call (STS, IAM, Organizations);
/// moto (and some proxies) answer in an XML shape for which the SDK finds no
/// code, so fall back to reading the raw body. Without an answer at all, the
/// innermost cause ("Connection refused").
pub fn code_and_message<E: ProvideErrorMetadata + StdError + 'static>(
    err: &SdkError<E>,
) -> (Option<String>, Option<String>) {
    let (code, message) = raw_code_and_message(err);
    (code.as_deref().map(clip), message.as_deref().map(clip))
}

fn raw_code_and_message<E: ProvideErrorMetadata + StdError + 'static>(
    err: &SdkError<E>,
) -> (Option<String>, Option<String>) {
    if let Some(c) = err.code() {
        return (Some(c.to_owned()), err.message().map(str::to_owned));
    }
    let Some(raw) = err.raw_response() else {
        return (
            None,
            Some(err.message().map_or_else(|| innermost(err), str::to_owned)),
        );
    };
    let body = raw
        .body()
        .bytes()
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    let code = xml_tag(&body, "Code")
        .or_else(|| (raw.status().as_u16() == 403).then(|| "AccessDenied".to_owned()));
    (
        code,
        xml_tag(&body, "Message").or_else(|| err.message().map(str::to_owned)),
    )
}

/// The most of an error's code or message rolehop repeats (real ones are a
/// sentence; the connector already stopped reading the body at 64 KiB).
const MAX_SAID: usize = 300;

/// One line of at most [`MAX_SAID`] characters, control characters escaped.
fn clip(said: &str) -> String {
    let line = said.split_whitespace().collect::<Vec<_>>().join(" ");
    let line = crate::text::sanitize(&line);
    match line.char_indices().nth(MAX_SAID) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

/// The text of `<tag>` in `body`; a tag left open (a body cut short) runs to
/// the end.
fn xml_tag(body: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let rest = &body[start..];
    let end = rest.find(&format!("</{tag}>")).unwrap_or(rest.len());
    Some(rest[..end].trim().to_owned())
}

fn find_source<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(t) = e.downcast_ref::<T>() {
            return Some(t);
        }
        cur = e.source();
    }
    None
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "a: b: c" from an error chain, skipping repeated fragments.
fn chain_text(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = cur {
        let s = e.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = e.source();
    }
    parts.join(": ")
}

/// The deepest cause is usually the one a user understands ("Connection refused").
fn innermost(err: &(dyn StdError + 'static)) -> String {
    let mut cur: &(dyn StdError + 'static) = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    let text = cur.to_string();
    if text.is_empty() {
        chain_text(err)
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn said_text_is_one_short_line() {
        assert_eq!(clip("Not\n  authorized\x1b[2J"), "Not authorized\\e[2J");
        let long = "é".repeat(1000);
        let cut = clip(&long);
        assert_eq!(cut.chars().count(), MAX_SAID + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(clip("short"), "short");
    }

    #[test]
    fn a_message_cut_short_is_still_read() {
        let body = "<Error><Code>AccessDenied</Code><Message>no access for";
        assert_eq!(xml_tag(body, "Code").as_deref(), Some("AccessDenied"));
        assert_eq!(xml_tag(body, "Message").as_deref(), Some("no access for"));
        assert_eq!(xml_tag(body, "RequestId"), None);
    }

    #[test]
    fn identity_is_read_from_aws_message() {
        let e = StsError::access_denied(
            Some("arn:aws:iam::210987654321:role/Admin".into()),
            None,
            "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/Admin".into(),
        );
        let text = e.to_string();
        assert!(text.starts_with("access denied assuming arn:aws:iam::210987654321:role/Admin as arn:aws:iam::123456789012:user/alice"), "{text}");
        assert!(e.hint().unwrap().contains("trust policy"));
    }

    #[test]
    fn xml_fallback_reads_code_and_message() {
        let body = "<ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>nope</Message></Error></Errors></ErrorResponse>";
        assert_eq!(xml_tag(body, "Code").as_deref(), Some("AccessDenied"));
        assert_eq!(xml_tag(body, "Message").as_deref(), Some("nope"));
        assert_eq!(xml_tag(body, "Missing"), None);
    }
}
