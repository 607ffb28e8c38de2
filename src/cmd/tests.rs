//! The terminal switch's retries: a code AWS refuses (an exact STS
//! response through aws-smithy-mocks; moto accepts any code) is asked for
//! again, three codes in all.

use super::{Ask, switch_prompting};
use crate::cli::MfaArgs;
use crate::engine::Engine;
use crate::env::EnvView;
use crate::error::Error;
use crate::sts::StsError;
use aws_sdk_sts::operation::assume_role::AssumeRoleOutput;
use aws_sdk_sts::types::{AssumedRoleUser, Credentials as StsCredentials};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use rolehop_files::bookmarks::Bookmarks;

const REFUSAL: &str = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>MultiFactorAuthentication failed with invalid MFA one time pass code. </Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>"#;

/// Bookmark "secure" assumed with its MFA code directly (no MFA session).
fn engine(dir: &tempfile::TempDir, client: &aws_sdk_sts::Client) -> Engine {
    let path = dir.path().join("bookmarks.toml");
    std::fs::write(
        &path,
        "[settings]\nmfa_session = false\n\n[bookmarks.secure]\naccount = \"210987654321\"\nrole = \"Admin\"\nmfa_serial = \"arn:aws:iam::123456789012:mfa/alice\"\n",
    )
    .unwrap();
    let env = EnvView::from_pairs([("AWS_ACCESS_KEY_ID", "AKIATESTBASE"), ("USER", "alice")]);
    Engine::new(Bookmarks::load(&path).unwrap(), env, None).with_client(client.clone())
}

fn assumed() -> AssumeRoleOutput {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expires = DateTime::from_secs(i64::try_from(now).unwrap() + 3600);
    AssumeRoleOutput::builder()
        .credentials(
            StsCredentials::builder()
                .access_key_id("ASIAROLE")
                .secret_access_key("mock-secret")
                .session_token("mock-token")
                .expiration(expires)
                .build()
                .unwrap(),
        )
        .assumed_role_user(
            AssumedRoleUser::builder()
                .assumed_role_id("AROA:x")
                .arn("arn:aws:sts::210987654321:assumed-role/Admin/alice")
                .build()
                .unwrap(),
        )
        .build()
}

/// Runs the switch with a person typing `codes`; what each prompt was told.
fn switch(refusals: usize, codes: &[&str]) -> (Result<(), Error>, Vec<Option<String>>, usize) {
    let rule = mock!(aws_sdk_sts::Client::assume_role)
        .sequence()
        .http_status(403, Some(REFUSAL.into()))
        .times(refusals)
        .output(assumed)
        .build();
    let client = mock_client!(aws_sdk_sts, RuleMode::Sequential, [&rule]);
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir, &client);
    let mut typed = codes.iter();
    let mut notes = Vec::new();
    let result = switch_prompting(
        &engine,
        "secure",
        &MfaArgs { mfa_code: None },
        Ask::Terminal,
        &mut |_, note| {
            notes.push(note);
            Ok(typed.next().expect("asked once too often").to_string())
        },
    )
    .map(|_| ());
    (result, notes, rule.num_calls())
}

#[test]
fn a_refused_code_is_asked_for_again() {
    let (result, notes, calls) = switch(1, &["111111", "222222"]);
    result.unwrap();
    assert_eq!(calls, 2);
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0], None);
    assert_eq!(
        notes[1].as_deref(),
        Some(
            "AWS refused that code: MultiFactorAuthentication failed with invalid MFA one time pass code; type the next one (2 tries left)"
        )
    );
}

#[test]
fn three_refused_codes_end_the_switch() {
    let (result, notes, calls) = switch(3, &["111111", "222222", "333333"]);
    assert!(
        matches!(result, Err(Error::Sts(StsError::MfaFailed { .. }))),
        "{result:?}"
    );
    assert_eq!((notes.len(), calls), (3, 3));
    assert!(notes[2].as_deref().unwrap().ends_with("(1 try left)"));
}

#[test]
fn a_code_from_the_flag_is_not_asked_for_again() {
    let rule = mock!(aws_sdk_sts::Client::assume_role)
        .sequence()
        .http_status(403, Some(REFUSAL.into()))
        .build();
    let client = mock_client!(aws_sdk_sts, RuleMode::Sequential, [&rule]);
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir, &client);
    let result = switch_prompting(
        &engine,
        "secure",
        &MfaArgs {
            mfa_code: Some("123456".into()),
        },
        Ask::Terminal,
        &mut |_, _| panic!("no prompt for a code given with --mfa-code"),
    );
    assert!(
        matches!(result, Err(Error::Sts(StsError::MfaFailed { .. }))),
        "{result:?}"
    );
}
