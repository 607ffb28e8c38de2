//! Exact STS error responses that moto cannot produce, pushed through the
//! SDK's real XML parser and retry logic with aws-smithy-mocks.

use super::*;
use aws_sdk_sts::operation::assume_role::AssumeRoleOutput;
use aws_sdk_sts::types::{AssumedRoleUser, Credentials as StsCredentials};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;

const ROLE: &str = "arn:aws:iam::210987654321:role/Admin";

fn request() -> AssumeRequest {
    AssumeRequest {
        role_arn: ROLE.into(),
        session_name: "alice".into(),
        duration: Some(3600),
        external_id: Some("ext-123".into()),
        mfa: Some((
            "arn:aws:iam::123456789012:mfa/alice".into(),
            "123456".into(),
        )),
    }
}

fn error_xml(code: &str, message: &str) -> String {
    format!(
        r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>"#
    )
}

/// One AssumeRole answered by `status` + `body` (repeated `times`), through the real parser.
async fn assume_with(status: u16, body: String, times: usize) -> (StsError, usize) {
    let rule = mock!(aws_sdk_sts::Client::assume_role)
        .sequence()
        .http_status(status, Some(body))
        .times(times)
        .build();
    let client = mock_client!(aws_sdk_sts, RuleMode::Sequential, [&rule], |c| c
        .retry_config(
            aws_sdk_sts::config::retry::RetryConfig::standard()
                .with_initial_backoff(std::time::Duration::from_millis(1))
        ));
    let err = assume_role(&client, &request())
        .await
        .expect_err("should fail");
    (err, rule.num_calls())
}

#[tokio::test]
async fn access_denied_names_role_and_caller() {
    let msg = format!(
        "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: {ROLE}"
    );
    let (err, _) = assume_with(403, error_xml("AccessDenied", &msg), 1).await;
    assert_eq!(
        err.to_string(),
        format!("access denied assuming {ROLE} as arn:aws:iam::123456789012:user/alice")
    );
    let hint = err.hint().unwrap();
    assert!(
        hint.contains("trust policy")
            && hint.contains("sts:AssumeRole")
            && hint.contains("external ID"),
        "{hint}"
    );
}

#[tokio::test]
async fn bad_mfa_code_is_its_own_error() {
    let (err, _) = assume_with(
        403,
        error_xml(
            "AccessDenied",
            "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
        ),
        1,
    )
    .await;
    assert!(matches!(err, StsError::MfaFailed { .. }), "{err:?}");
    assert!(err.to_string().starts_with("the MFA code was not accepted"));
}

#[tokio::test]
async fn expired_base_token() {
    let (err, _) = assume_with(
        400,
        error_xml(
            "ExpiredToken",
            "The security token included in the request is expired",
        ),
        1,
    )
    .await;
    assert!(matches!(err, StsError::ExpiredToken { .. }), "{err:?}");
    assert!(err.hint().unwrap().contains("fresh base credentials"));
}

#[tokio::test]
async fn throttling_is_retried_then_explained() {
    let (err, calls) = assume_with(400, error_xml("Throttling", "Rate exceeded"), 3).await;
    assert!(matches!(err, StsError::Throttled), "{err:?}");
    assert_eq!(calls, 3, "the SDK's standard retry mode tries three times");
}

#[tokio::test]
async fn duration_above_role_maximum() {
    let (err, _) = assume_with(
        400,
        error_xml(
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ),
        1,
    )
    .await;
    assert!(matches!(err, StsError::DurationTooLong { .. }), "{err:?}");
    assert!(err.hint().unwrap().contains("MaxSessionDuration"));
}

#[tokio::test]
async fn region_disabled_and_invalid_keys() {
    let (err, _) = assume_with(
        403,
        error_xml(
            "RegionDisabledException",
            "STS is not activated in this region for account:210987654321.",
        ),
        1,
    )
    .await;
    assert!(matches!(err, StsError::RegionDisabled { .. }), "{err:?}");
    let (err, _) = assume_with(
        403,
        error_xml(
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
        1,
    )
    .await;
    assert!(
        matches!(err, StsError::InvalidToken { ref code, .. } if code == "InvalidClientTokenId"),
        "{err:?}"
    );
}

#[tokio::test]
async fn moto_style_error_body_is_read_raw() {
    // moto's IAM-auth errors nest <Errors><Error>; the SDK finds no code in them.
    let body = "<ErrorResponse><Errors><Error><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/bob is not authorized to perform: sts:AssumeRole</Message></Error></Errors></ErrorResponse>".to_string();
    let (err, _) = assume_with(403, body, 1).await;
    match err {
        StsError::AccessDenied {
            identity, role_arn, ..
        } => {
            assert_eq!(
                identity.as_deref(),
                Some("arn:aws:iam::123456789012:user/bob")
            );
            assert_eq!(role_arn.as_deref(), Some(ROLE));
        }
        other => panic!("expected AccessDenied, got {other:?}"),
    }
}

#[tokio::test]
async fn success_passes_every_parameter_and_keeps_secrets_wrapped() {
    let rule = mock!(aws_sdk_sts::Client::assume_role)
        .match_requests(|r| {
            r.role_arn() == Some(ROLE)
                && r.role_session_name() == Some("alice")
                && r.duration_seconds() == Some(3600)
                && r.external_id() == Some("ext-123")
                && r.serial_number() == Some("arn:aws:iam::123456789012:mfa/alice")
                && r.token_code() == Some("123456")
        })
        .then_output(|| {
            AssumeRoleOutput::builder()
                .credentials(
                    StsCredentials::builder()
                        .access_key_id("ASIAMOCK")
                        .secret_access_key("mock-secret-value")
                        .session_token("mock-token-value")
                        .expiration(DateTime::from_secs(2_000_000_000))
                        .build()
                        .unwrap(),
                )
                .assumed_role_user(
                    AssumedRoleUser::builder()
                        .assumed_role_id("AROA:alice")
                        .arn("arn:aws:sts::210987654321:assumed-role/Admin/alice")
                        .build()
                        .unwrap(),
                )
                .build()
        });
    let client = mock_client!(aws_sdk_sts, RuleMode::Sequential, [&rule]);
    let creds = assume_role(&client, &request()).await.unwrap();
    assert_eq!(rule.num_calls(), 1);
    assert_eq!(creds.access_key_id, "ASIAMOCK");
    assert_eq!(creds.secret_access_key(), "mock-secret-value");
    assert_eq!(creds.expiration_rfc3339(), "2033-05-18T03:33:20Z");
    assert_eq!(
        creds.assumed_role_arn.as_deref(),
        Some("arn:aws:sts::210987654321:assumed-role/Admin/alice")
    );
    let debug = format!("{creds:?}");
    assert!(!debug.contains("mock-secret-value") && !debug.contains("mock-token-value"));
}

/// GetSessionToken answered by `status` + `body`, through the real parser.
async fn session_token_with(status: u16, body: String) -> StsError {
    let rule = mock!(aws_sdk_sts::Client::get_session_token)
        .sequence()
        .http_status(status, Some(body))
        .build();
    let client = mock_client!(aws_sdk_sts, RuleMode::Sequential, [&rule]);
    get_session_token(
        &client,
        "arn:aws:iam::123456789012:mfa/alice",
        "123456",
        43_200,
    )
    .await
    .expect_err("should fail")
}

#[tokio::test]
async fn session_token_refused_for_a_role_is_its_own_error() {
    let err = session_token_with(
        403,
        error_xml(
            "AccessDenied",
            "Cannot call GetSessionToken with session credentials",
        ),
    )
    .await;
    assert!(
        matches!(err, StsError::SessionTokenRefused { .. }),
        "{err:?}"
    );
    assert!(err.hint().unwrap().contains("mfa_session = false"));
    // A wrong code is still an MFA failure, not a refusal to fall back from.
    let err = session_token_with(
        403,
        error_xml(
            "AccessDenied",
            "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
        ),
    )
    .await;
    assert!(matches!(err, StsError::MfaFailed { .. }), "{err:?}");
}

#[tokio::test]
async fn session_token_success_passes_serial_code_and_duration() {
    use aws_sdk_sts::operation::get_session_token::GetSessionTokenOutput;
    let rule = mock!(aws_sdk_sts::Client::get_session_token)
        .match_requests(|r| {
            r.serial_number() == Some("arn:aws:iam::123456789012:mfa/alice")
                && r.token_code() == Some("123456")
                && r.duration_seconds() == Some(900)
        })
        .then_output(|| {
            GetSessionTokenOutput::builder()
                .credentials(
                    StsCredentials::builder()
                        .access_key_id("ASIAMFA")
                        .secret_access_key("mfa-secret")
                        .session_token("mfa-token")
                        .expiration(DateTime::from_secs(2_000_000_000))
                        .build()
                        .unwrap(),
                )
                .build()
        });
    let client = mock_client!(aws_sdk_sts, RuleMode::Sequential, [&rule]);
    let c = get_session_token(
        &client,
        "arn:aws:iam::123456789012:mfa/alice",
        "123456",
        900,
    )
    .await
    .unwrap();
    assert_eq!(c.access_key_id, "ASIAMFA");
    assert_eq!(c.assumed_role_arn, None);
    assert!(!format!("{c:?}").contains("mfa-secret"));
}
