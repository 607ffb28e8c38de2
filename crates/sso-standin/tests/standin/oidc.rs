//! The OIDC state machines: device code, authorization code + PKCE, refresh.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;
use sha2::{Digest, Sha256};
use sso_standin::{Config, RefreshMode, Standin};

use crate::client::{
    DEVICE_GRANT, Registered, access_token, get, login, poll_device, portal, post, register,
    start_device,
};

fn standin(config: Config) -> Standin {
    Standin::start(config).expect("start the stand-in")
}

#[test]
fn device_code_is_pending_until_approved_then_good_for_one_token() {
    let s = standin(Config {
        device_interval_secs: 0,
        ..Config::default()
    });
    let client = register(&s, &["sso:account:access"], &[], &[]);
    let (device_code, user_code) = start_device(&s, &client);

    let pending = poll_device(&s, &client, &device_code);
    assert_eq!(
        (pending.status, pending.error_type()),
        (400, "AuthorizationPendingException")
    );
    assert_eq!(
        pending.json(),
        json!({"error": "authorization_pending", "error_description": "Authorization pending"})
    );

    assert_eq!(s.approve_device(Some("NOPE-NOPE")), 0);
    assert_eq!(s.approve_device(Some(&user_code)), 1);
    let tokens = poll_device(&s, &client, &device_code).ok();
    assert_eq!(tokens["tokenType"], "Bearer");
    assert_eq!(tokens["expiresIn"], 3600);
    assert!(tokens["refreshToken"].is_string(), "{tokens}");
    assert_eq!(s.access_tokens(), vec![access_token(&tokens).to_owned()]);

    let again = poll_device(&s, &client, &device_code);
    assert_eq!(
        (again.status, again.error_type()),
        (400, "InvalidGrantException")
    );
}

#[test]
fn polling_faster_than_the_interval_slows_down_and_an_old_code_expires() {
    let s = standin(Config {
        device_interval_secs: 5,
        device_expires_secs: 60,
        ..Config::default()
    });
    let client = register(&s, &["sso:account:access"], &[], &[]);
    let (device_code, _) = start_device(&s, &client);
    assert_eq!(
        poll_device(&s, &client, &device_code).error_type(),
        "AuthorizationPendingException"
    );
    let fast = poll_device(&s, &client, &device_code);
    assert_eq!((fast.status, fast.error_type()), (400, "SlowDownException"));
    assert_eq!(fast.json()["error"], "slow_down");
    s.advance(Duration::from_secs(5));
    assert_eq!(
        poll_device(&s, &client, &device_code).error_type(),
        "AuthorizationPendingException"
    );
    s.advance(Duration::from_secs(60));
    let expired = poll_device(&s, &client, &device_code);
    assert_eq!(
        (expired.status, expired.error_type()),
        (400, "ExpiredTokenException")
    );
}

#[test]
fn auto_approval_after_n_polls_and_denial() {
    let s = standin(Config {
        device_interval_secs: 0,
        auto_approve_after_polls: Some(2),
        ..Config::default()
    });
    let client = register(&s, &["sso:account:access"], &[], &[]);
    let (device_code, _) = start_device(&s, &client);
    for _ in 0..2 {
        assert_eq!(
            poll_device(&s, &client, &device_code).error_type(),
            "AuthorizationPendingException"
        );
    }
    poll_device(&s, &client, &device_code).ok();

    let (denied, _) = start_device(&s, &client);
    s.deny_next_authorization();
    let reply = poll_device(&s, &client, &denied);
    assert_eq!(
        (reply.status, reply.error_type()),
        (400, "AccessDeniedException")
    );
}

#[test]
fn client_errors_use_the_models_status_codes() {
    let s = standin(Config::default());
    let client = register(&s, &["sso:account:access"], &[], &[]);
    let wrong = Registered {
        id: client.id.clone(),
        secret: "wrong".into(),
    };
    let reply = poll_device(&s, &wrong, "x");
    assert_eq!(
        (reply.status, reply.error_type()),
        (401, "InvalidClientException")
    );
    assert_eq!(reply.json()["error"], "invalid_client");

    let reply = post(
        &s,
        "/token",
        &client.token_body(json!({"grantType": "password"})),
    );
    assert_eq!(
        (reply.status, reply.error_type()),
        (400, "UnsupportedGrantTypeException")
    );

    let both = post(
        &s,
        "/client/register",
        &json!({"clientName": "x", "clientType": "public", "grantTypes": [DEVICE_GRANT, "authorization_code"], "redirectUris": ["http://127.0.0.1/oauth/callback"]}),
    );
    assert_eq!(
        (both.status, both.error_type()),
        (500, "InternalServerException")
    );
    let missing = post(&s, "/client/register", &json!({"clientType": "public"}));
    assert_eq!(
        (missing.status, missing.error_type()),
        (400, "InvalidRequestException")
    );
}

#[test]
fn a_client_without_scopes_gets_a_legacy_token_without_refresh() {
    let s = standin(Config::default());
    let client = register(&s, &[], &[], &[]);
    let (device_code, _) = start_device(&s, &client);
    s.approve_device(None);
    let tokens = poll_device(&s, &client, &device_code).ok();
    assert_eq!(tokens["expiresIn"], 8 * 3600);
    assert!(tokens.get("refreshToken").is_none(), "{tokens}");
}

const CALLBACK: &str = "http://127.0.0.1/oauth/callback";

fn pkce_client(s: &Standin) -> Registered {
    register(
        s,
        &["sso:account:access"],
        &["authorization_code", "refresh_token"],
        &[CALLBACK],
    )
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// `/authorize`'s Location header.
fn authorize(
    s: &Standin,
    client: &Registered,
    redirect: &str,
    verifier: &str,
    scope_key: &str,
) -> (u16, String) {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", &client.id)
        .append_pair("redirect_uri", redirect)
        .append_pair("state", "st-42")
        .append_pair("code_challenge_method", "S256")
        .append_pair(scope_key, "sso:account:access")
        .append_pair("code_challenge", &challenge(verifier))
        .finish();
    let reply = get(s, &format!("/authorize?{query}"));
    (
        reply.status,
        reply.header("location").unwrap_or_default().to_owned(),
    )
}

fn code_of(location: &str) -> String {
    let (_, query) = location.split_once('?').expect("a query");
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    assert!(
        pairs.contains(&("state".into(), "st-42".into())),
        "{location}"
    );
    pairs
        .into_iter()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v)
        .expect("a code")
}

fn exchange(
    s: &Standin,
    client: &Registered,
    code: &str,
    verifier: &str,
    redirect: &str,
) -> crate::client::Reply {
    let body = client.token_body(json!({
        "grantType": "authorization_code", "code": code, "codeVerifier": verifier, "redirectUri": redirect,
    }));
    post(s, "/token", &body)
}

#[test]
fn authorization_code_accepts_any_loopback_port_and_is_single_use() {
    let s = standin(Config::default());
    let client = pkce_client(&s);
    let verifier = "v".repeat(64);
    let redirect = "http://127.0.0.1:53682/oauth/callback";
    for scope_key in ["scopes", "scope"] {
        let (status, location) = authorize(&s, &client, redirect, &verifier, scope_key);
        assert_eq!(status, 302);
        assert!(
            location.starts_with(&format!("{redirect}?code=")),
            "{location}"
        );
        let code = code_of(&location);
        let tokens = exchange(&s, &client, &code, &verifier, redirect).ok();
        assert!(tokens["refreshToken"].is_string());
        let reused = exchange(&s, &client, &code, &verifier, redirect);
        assert_eq!(
            (reused.status, reused.error_type()),
            (400, "InvalidGrantException")
        );
    }
}

#[test]
fn authorization_code_refuses_a_wrong_verifier_or_redirect_for_good() {
    let s = standin(Config::default());
    let client = pkce_client(&s);
    let verifier = "w".repeat(64);
    let redirect = "http://127.0.0.1:40000/oauth/callback";
    let (_, location) = authorize(&s, &client, redirect, &verifier, "scopes");
    let code = code_of(&location);
    let wrong = exchange(&s, &client, &code, &"x".repeat(64), redirect);
    assert_eq!(wrong.error_type(), "InvalidGrantException");
    // the failed attempt used the code up
    assert_eq!(
        exchange(&s, &client, &code, &verifier, redirect).error_type(),
        "InvalidGrantException"
    );

    let (_, location) = authorize(&s, &client, redirect, &verifier, "scopes");
    let other_port = "http://127.0.0.1:40001/oauth/callback";
    let wrong = exchange(&s, &client, &code_of(&location), &verifier, other_port);
    assert_eq!(wrong.error_type(), "InvalidGrantException");
}

#[test]
fn authorize_checks_the_request_and_can_deny() {
    let s = standin(Config::default());
    let client = pkce_client(&s);
    let verifier = "z".repeat(64);
    for bad in [
        "http://localhost:4000/oauth/callback",
        "http://127.0.0.1:/oauth/callback",
        "http://127.0.0.1:40x/oauth/callback",
        "http://127.0.0.1:4000/other",
    ] {
        assert_eq!(
            authorize(&s, &client, bad, &verifier, "scopes").0,
            400,
            "{bad}"
        );
    }
    let device_client = register(&s, &["sso:account:access"], &[], &[]);
    assert_eq!(
        authorize(&s, &device_client, CALLBACK, &verifier, "scopes").0,
        400
    );

    s.deny_next_authorization();
    let (status, location) = authorize(
        &s,
        &client,
        "http://127.0.0.1:4000/oauth/callback",
        &verifier,
        "scopes",
    );
    assert_eq!(status, 302);
    assert!(
        location.contains("error=access_denied") && location.contains("state=st-42"),
        "{location}"
    );
    let (_, location) = authorize(
        &s,
        &client,
        "http://127.0.0.1:4000/oauth/callback",
        &verifier,
        "scopes",
    );
    assert!(
        location.contains("code="),
        "denial is for one authorization only: {location}"
    );
}

fn refresh(s: &Standin, client: &Registered, token: &str) -> crate::client::Reply {
    post(
        s,
        "/token",
        &client.token_body(json!({"grantType": "refresh_token", "refreshToken": token})),
    )
}

#[test]
fn refresh_rotates_and_the_old_refresh_token_dies() {
    let s = standin(Config {
        access_token_secs: 2,
        ..Config::default()
    });
    let (client, tokens) = login(&s);
    let first = tokens["refreshToken"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    assert_eq!(tokens["expiresIn"], 2);
    s.advance(Duration::from_secs(3));
    let expired = portal(&s, "/assignment/accounts", access_token(&tokens));
    assert_eq!(
        (expired.status, expired.error_type()),
        (401, "UnauthorizedException")
    );

    let renewed = refresh(&s, &client, &first).ok();
    let second = renewed["refreshToken"]
        .as_str()
        .expect("a rotated refresh token");
    assert_ne!(second, first);
    portal(&s, "/assignment/accounts", access_token(&renewed)).ok();
    assert_eq!(
        refresh(&s, &client, &first).error_type(),
        "InvalidGrantException"
    );
    let counters = s.counters();
    assert_eq!(counters.refresh_grants, 1);
    assert_eq!(counters.current_refresh_token.as_deref(), Some(second));
}

#[test]
fn refresh_can_return_the_same_token_or_none() {
    let s = standin(Config {
        refresh_mode: RefreshMode::Same,
        ..Config::default()
    });
    let (client, tokens) = login(&s);
    let token = tokens["refreshToken"].as_str().expect("refresh token");
    assert_eq!(refresh(&s, &client, token).ok()["refreshToken"], token);
    s.configure(|c| c.refresh_mode = RefreshMode::Omit);
    let renewed = refresh(&s, &client, token).ok();
    assert!(
        renewed.get("refreshToken").is_none() && renewed["accessToken"].is_string(),
        "{renewed}"
    );
    refresh(&s, &client, token).ok();
    assert_eq!(s.counters().refresh_grants, 3);
}

#[test]
fn refresh_fails_after_the_session_logout_or_revocation() {
    let s = standin(Config::default());
    let (client, tokens) = login(&s);
    s.set_session_end_in(Duration::from_secs(10));
    s.advance(Duration::from_secs(11));
    let over = refresh(
        &s,
        &client,
        tokens["refreshToken"].as_str().expect("refresh"),
    );
    assert_eq!(
        (over.status, over.error_type()),
        (400, "InvalidGrantException")
    );
    assert_eq!(over.json()["error"], "invalid_grant");

    // A new login starts a new session.
    let (client, tokens) = login(&s);
    let reply = crate::client::request(
        s.url(),
        "POST",
        "/logout",
        &[("x-amz-sso_bearer_token", access_token(&tokens))],
        "",
    );
    assert_eq!(reply.status, 200);
    assert_eq!(
        refresh(
            &s,
            &client,
            tokens["refreshToken"].as_str().expect("refresh")
        )
        .error_type(),
        "InvalidGrantException"
    );
    assert_eq!(
        portal(&s, "/assignment/accounts", access_token(&tokens)).status,
        401
    );

    let (client, tokens) = login(&s);
    s.end_session();
    assert_eq!(
        refresh(
            &s,
            &client,
            tokens["refreshToken"].as_str().expect("refresh")
        )
        .error_type(),
        "InvalidGrantException"
    );
    assert_eq!(
        portal(&s, "/assignment/accounts", access_token(&tokens)).status,
        401
    );
    let (_, tokens) = login(&s);
    portal(&s, "/assignment/accounts", access_token(&tokens)).ok();
}

#[test]
fn a_token_never_outlives_the_session() {
    let s = standin(Config {
        session_secs: 600,
        ..Config::default()
    });
    let (_, tokens) = login(&s);
    assert_eq!(tokens["expiresIn"], 600);
}
