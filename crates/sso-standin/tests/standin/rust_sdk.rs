//! The same shapes through the Rust SDK crates rolehop uses (aws-sdk-ssooidc,
//! aws-sdk-sso): their deserializers and error classification accept them.

use aws_sdk_sso::config::retry::RetryConfig;
use aws_sdk_sso::error::ProvideErrorMetadata;
use aws_sdk_sso::operation::list_accounts::ListAccountsError;
use aws_sdk_ssooidc::operation::create_token::CreateTokenError;
use sso_standin::{Config, Fixtures, Standin};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

fn clients(s: &Standin) -> (aws_sdk_ssooidc::Client, aws_sdk_sso::Client) {
    let region = aws_sdk_sso::config::Region::new("us-east-1");
    let oidc = aws_sdk_ssooidc::Config::builder()
        .behavior_version(aws_sdk_ssooidc::config::BehaviorVersion::latest())
        .region(region.clone())
        .endpoint_url(s.url())
        .retry_config(aws_sdk_ssooidc::config::retry::RetryConfig::disabled())
        .build();
    let sso = aws_sdk_sso::Config::builder()
        .behavior_version(aws_sdk_sso::config::BehaviorVersion::latest())
        .region(region)
        .endpoint_url(s.url())
        .retry_config(RetryConfig::disabled())
        .build();
    (
        aws_sdk_ssooidc::Client::from_conf(oidc),
        aws_sdk_sso::Client::from_conf(sso),
    )
}

#[tokio::test]
async fn the_rust_sdk_parses_the_login_the_lists_and_the_errors() {
    let s = Standin::start(Config {
        device_interval_secs: 0,
        tps: 0.0,
        fixtures: Fixtures::Generated {
            accounts: 45,
            roles: 3,
        },
        ..Config::default()
    })
    .expect("start");
    let (oidc, sso) = clients(&s);

    let reg = oidc
        .register_client()
        .client_name("rust-sdk-check")
        .client_type("public")
        .scopes("sso:account:access")
        .send()
        .await
        .expect("RegisterClient");
    let (id, secret) = (
        reg.client_id().expect("id"),
        reg.client_secret().expect("secret"),
    );
    let dev = oidc
        .start_device_authorization()
        .client_id(id)
        .client_secret(secret)
        .start_url(s.start_url())
        .send()
        .await
        .expect("StartDeviceAuthorization");
    let poll = || {
        oidc.create_token()
            .client_id(id)
            .client_secret(secret)
            .grant_type(DEVICE_GRANT)
            .device_code(dev.device_code().expect("device code"))
            .send()
    };
    match poll().await.map_err(|e| e.into_service_error()) {
        Err(CreateTokenError::AuthorizationPendingException(e)) => {
            assert_eq!(e.error(), Some("authorization_pending"));
        }
        other => panic!("not pending: {other:?}"),
    }
    s.approve_device(dev.user_code());
    let token = poll().await.expect("CreateToken");
    assert_eq!(
        (token.token_type(), token.expires_in()),
        (Some("Bearer"), 3600)
    );
    let access = token.access_token().expect("access token");

    let accounts: Vec<_> = sso
        .list_accounts()
        .access_token(access)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<_, _>>()
        .await
        .expect("ListAccounts pages");
    assert_eq!(accounts.len(), 45);
    assert_eq!(accounts[3].account_name(), Some("開発 dev 3"));
    let account = accounts[0].account_id().expect("account id");
    let roles: Vec<_> = sso
        .list_account_roles()
        .access_token(access)
        .account_id(account)
        .max_results(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<_, _>>()
        .await
        .expect("ListAccountRoles pages");
    assert_eq!(roles.len(), 3);
    let creds = sso
        .get_role_credentials()
        .access_token(access)
        .account_id(account)
        .role_name("ReadOnlyAccess")
        .send()
        .await
        .expect("GetRoleCredentials");
    let creds = creds.role_credentials().expect("credentials");
    assert!(creds.expiration() > 1_700_000_000_000, "epoch milliseconds");

    s.unassign(account, "ReadOnlyAccess");
    let lost = sso
        .get_role_credentials()
        .access_token(access)
        .account_id(account)
        .role_name("ReadOnlyAccess");
    let lost = lost.send().await.map_err(|e| e.into_service_error());
    assert_eq!(
        lost.err()
            .and_then(|e| e.code().map(str::to_owned))
            .as_deref(),
        Some("ForbiddenException")
    );
    s.configure(|c| c.throttle_ratio = 1.0);
    let throttled = sso.list_accounts().access_token(access).send().await;
    assert!(matches!(
        throttled.map_err(|e| e.into_service_error()),
        Err(ListAccountsError::TooManyRequestsException(_))
    ));
    s.configure(|c| c.throttle_ratio = 0.0);

    let renewed = oidc
        .create_token()
        .client_id(id)
        .client_secret(secret)
        .grant_type("refresh_token")
        .refresh_token(token.refresh_token().expect("refresh token"))
        .send()
        .await
        .expect("refresh");
    sso.logout()
        .access_token(renewed.access_token().expect("token"))
        .send()
        .await
        .expect("Logout");
    let after = sso
        .list_accounts()
        .access_token(renewed.access_token().expect("token"))
        .send()
        .await;
    assert!(matches!(
        after.map_err(|e| e.into_service_error()),
        Err(ListAccountsError::UnauthorizedException(_))
    ));
    assert_eq!(s.counters().refresh_grants, 1);
}
