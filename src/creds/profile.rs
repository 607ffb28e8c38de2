//! A role session as a profile of the credentials file: the keys that
//! `rolehop write` and the picker's write action both store.

use super::Credentials;
use rolehop_files::credentials::{self as file, CredFileError, WriteOutcome};
use std::path::Path;

/// Write `creds` into `[profile]` of the credentials file at `path`.
///
/// Besides the three keys the SDKs read, it stores the expiry and principal
/// (the saml2aws convention that prompt themes such as starship read), and
/// drops a stale `aws_security_token` that could shadow the new token.
/// `role_arn` names the principal when STS did not report one. `region`
/// (the session's: the bookmark's, else the base identity's) goes in too:
/// botocore and the SDKs read it from the credentials file, so
/// `aws --profile NAME` works without a region of its own in ~/.aws/config.
pub fn write_session(
    path: &Path,
    profile: &str,
    creds: &Credentials,
    role_arn: &str,
    region: Option<&str>,
    force: bool,
) -> Result<WriteOutcome, CredFileError> {
    let expires = creds.expiration_rfc3339();
    let principal = creds.assumed_role_arn.as_deref().unwrap_or(role_arn);
    let mut values = vec![
        ("aws_access_key_id", creds.access_key_id.as_str()),
        ("aws_secret_access_key", creds.secret_access_key()),
        ("aws_session_token", creds.session_token()),
        ("x_security_token_expires", expires.as_str()),
        ("x_principal_arn", principal),
    ];
    if let Some(r) = region {
        values.push(("region", r));
    }
    // An old `aws_account_id` would be attached to the new credentials by
    // the SDKs (account-based endpoints): it belongs to whatever was there.
    file::write_profile(
        path,
        profile,
        &values,
        &["aws_security_token", "aws_account_id"],
        force,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    #[test]
    fn writes_session_keys_and_expiry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials");
        std::fs::write(
            &path,
            "[p]\naws_security_token = old\nAWS_ACCOUNT_ID = 999999999999\n",
        )
        .unwrap();
        let c = super::super::sample(SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000));
        write_session(
            &path,
            "p",
            &c,
            "arn:aws:iam::1:role/x",
            Some("eu-west-1"),
            false,
        )
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("aws_session_token = "), "{text}");
        assert!(
            text.contains("x_security_token_expires = 2027-01-15T08:00:00Z"),
            "{text}"
        );
        assert!(
            text.contains("x_principal_arn = arn:aws:sts::210987654321:assumed-role/Admin/alice"),
            "{text}"
        );
        assert!(!text.contains("aws_security_token"), "{text}");
        assert!(!text.to_lowercase().contains("aws_account_id"), "{text}");
        assert!(text.contains("region = eu-west-1"), "{text}");
    }
}
