//! The `/_standin/` control plane, as scripts/bench drives it.

use serde_json::json;
use sso_standin::{Config, Standin};

use crate::client::{DEVICE_GRANT, access_token, get, portal, post, register, start_device};

#[test]
fn control_routes_configure_approve_and_report() {
    let s = Standin::start(Config {
        device_interval_secs: 0,
        ..Config::default()
    })
    .expect("start");
    let cfg = post(
        &s,
        "/_standin/config",
        &json!({"accessTokenSecs": 7, "tps": 0}),
    )
    .ok();
    assert_eq!(
        (cfg["accessTokenSecs"].as_u64(), cfg["tps"].as_f64()),
        (Some(7), Some(0.0))
    );
    assert_eq!(
        cfg["legacyTokenSecs"],
        8 * 3600,
        "other keys keep their values"
    );
    assert_eq!(
        post(&s, "/_standin/config", &json!({"tps": "fast"})).status,
        400
    );
    assert_eq!(
        post(
            &s,
            "/_standin/fixtures",
            &json!({"generated": {"accounts": 30, "roles": 1}})
        )
        .ok()["accounts"],
        30
    );

    let client = register(&s, &["sso:account:access"], &[], &[]);
    let (device_code, user_code) = start_device(&s, &client);
    let body = client.token_body(json!({"grantType": DEVICE_GRANT, "deviceCode": device_code}));
    assert_eq!(post(&s, "/token", &body).status, 400);
    assert_eq!(
        post(&s, "/_standin/approve", &json!({"userCode": user_code})).ok()["approved"],
        1
    );
    let tokens = post(&s, "/token", &body).ok();
    assert_eq!(tokens["expiresIn"], 7);
    portal(&s, "/assignment/accounts", access_token(&tokens)).ok();

    let counters = get(&s, "/_standin/counters").ok();
    assert_eq!(counters["calls"]["CreateToken"], 2);
    assert_eq!(counters["calls"]["ListAccounts"], 1);
    assert_eq!(counters["maxPortalCallsPerSecond"], 1);
    let issued = get(&s, "/_standin/tokens").ok();
    assert_eq!(issued["accessTokens"], json!([access_token(&tokens)]));
    assert_eq!(issued["currentRefreshToken"], tokens["refreshToken"]);
    assert_eq!(
        get(&s, "/_standin/accounts").ok().as_array().map(Vec::len),
        Some(30)
    );

    post(
        &s,
        "/_standin/unassign",
        &json!({"accountId": "000000001000", "roleName": "AdministratorAccess"}),
    )
    .ok();
    let target = "/federation/credentials?account_id=000000001000&role_name=AdministratorAccess";
    assert_eq!(portal(&s, target, access_token(&tokens)).status, 403);
    post(&s, "/_standin/advance", &json!({"secs": 8})).ok();
    assert_eq!(
        portal(&s, "/assignment/accounts", access_token(&tokens)).status,
        401
    );
    post(&s, "/_standin/reset-counters", &json!({})).ok();
    assert_eq!(get(&s, "/_standin/counters").ok()["calls"], json!({}));
    post(&s, "/_standin/session", &json!({})).ok();
    let refresh = client
        .token_body(json!({"grantType": "refresh_token", "refreshToken": tokens["refreshToken"]}));
    assert_eq!(
        post(&s, "/token", &refresh).error_type(),
        "InvalidGrantException"
    );
    assert_eq!(get(&s, "/_standin/nope").status, 404);
}
