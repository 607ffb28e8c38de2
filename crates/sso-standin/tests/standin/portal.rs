//! The portal: bearer tokens, paging, assignments, credentials, the throttle.

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use sso_standin::{Account, Config, Fixtures, Standin};

use crate::client::{access_token, login, portal, request};

fn standin(config: Config) -> (Standin, String) {
    let s = Standin::start(Config { tps: 0.0, ..config }).expect("start the stand-in");
    let (_, tokens) = login(&s);
    let token = access_token(&tokens).to_owned();
    (s, token)
}

/// Follows `nextToken` to the end: every item and the number of pages.
fn all_pages(s: &Standin, token: &str, target: &str, key: &str) -> (Vec<Value>, usize) {
    let (mut items, mut pages, mut next) = (Vec::new(), 0, None::<String>);
    loop {
        let sep = if target.contains('?') { '&' } else { '?' };
        let url = match &next {
            Some(n) => format!("{target}{sep}next_token={n}"),
            None => target.to_owned(),
        };
        let page = portal(s, &url, token).ok();
        items.extend(page[key].as_array().expect("a list").iter().cloned());
        pages += 1;
        match page["nextToken"].as_str() {
            Some(n) => next = Some(n.to_owned()),
            None => return (items, pages),
        }
        assert!(pages < 100, "paging does not end");
    }
}

#[test]
fn list_accounts_pages_over_every_account_once() {
    let (s, token) = standin(Config {
        fixtures: Fixtures::Generated {
            accounts: 45,
            roles: 2,
        },
        ..Config::default()
    });
    let (accounts, pages) = all_pages(&s, &token, "/assignment/accounts", "accountList");
    assert_eq!(pages, 3, "default page size is 20");
    let ids: HashSet<_> = accounts
        .iter()
        .map(|a| a["accountId"].as_str().expect("id"))
        .collect();
    assert_eq!(ids.len(), 45);
    assert_eq!(accounts[0]["accountId"], "000000001000");
    assert_eq!(accounts[0]["accountName"], "Account 0");
    assert_eq!(accounts[1]["accountName"], "prod – Zürich 1");
    let shared = accounts
        .iter()
        .filter(|a| a["accountName"] == "Shared Services")
        .count();
    assert!(shared > 1, "duplicate names");
    assert!(accounts[0]["emailAddress"].is_string());

    let (_, pages) = all_pages(
        &s,
        &token,
        "/assignment/accounts?max_result=7",
        "accountList",
    );
    assert_eq!(pages, 7);
    for bad in [
        "max_result=0",
        "max_result=101",
        "max_result=x",
        "next_token=garbage",
    ] {
        let reply = portal(&s, &format!("/assignment/accounts?{bad}"), &token);
        assert_eq!(
            (reply.status, reply.error_type()),
            (400, "InvalidRequestException"),
            "{bad}"
        );
        assert!(reply.json()["message"].is_string());
    }
}

#[test]
fn roles_and_credentials_follow_the_assignments() {
    let accounts = vec![Account {
        account_id: "012345678901".into(),
        account_name: "Data & ML".into(),
        email_address: "ml@example.com".into(),
        roles: (0..25).map(|i| format!("Set{i}")).collect(),
    }];
    let (s, token) = standin(Config {
        credential_secs: 900,
        fixtures: Fixtures::List(accounts),
        ..Config::default()
    });
    let (roles, pages) = all_pages(
        &s,
        &token,
        "/assignment/roles?account_id=012345678901",
        "roleList",
    );
    assert_eq!((roles.len(), pages), (25, 2));
    assert_eq!(roles[0]["accountId"], "012345678901");
    assert_eq!(roles[0]["roleName"], "Set0");

    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64;
    let creds = portal(
        &s,
        "/federation/credentials?account_id=012345678901&role_name=Set3",
        &token,
    )
    .ok();
    let creds = &creds["roleCredentials"];
    assert!(
        creds["accessKeyId"]
            .as_str()
            .expect("key")
            .starts_with("ASIA")
    );
    assert!(creds["secretAccessKey"].is_string() && creds["sessionToken"].is_string());
    let expiration = creds["expiration"].as_i64().expect("epoch ms");
    assert!(
        (before + 900_000..before + 960_000).contains(&expiration),
        "{expiration}"
    );

    s.unassign("012345678901", "Set3");
    let lost = portal(
        &s,
        "/federation/credentials?account_id=012345678901&role_name=Set3",
        &token,
    );
    assert_eq!(
        (lost.status, lost.error_type()),
        (403, "ForbiddenException")
    );
    let (roles, _) = all_pages(
        &s,
        &token,
        "/assignment/roles?account_id=012345678901",
        "roleList",
    );
    assert_eq!(roles.len(), 24);
    let unknown = portal(&s, "/assignment/roles?account_id=999999999999", &token);
    assert_eq!(
        (unknown.status, unknown.error_type()),
        (404, "ResourceNotFoundException")
    );
    let missing = portal(
        &s,
        "/federation/credentials?account_id=012345678901",
        &token,
    );
    assert_eq!(missing.status, 400);
}

#[test]
fn every_portal_route_needs_a_live_token() {
    let (s, token) = standin(Config {
        access_token_secs: 60,
        ..Config::default()
    });
    for target in [
        "/assignment/accounts",
        "/assignment/roles?account_id=000000001000",
        "/federation/credentials?account_id=000000001000&role_name=AdministratorAccess",
    ] {
        let none = request(s.url(), "GET", target, &[], "");
        assert_eq!(
            (none.status, none.error_type()),
            (401, "UnauthorizedException"),
            "{target}"
        );
        assert_eq!(portal(&s, target, "aoa-unknown").status, 401);
        portal(&s, target, &token).ok();
    }
    s.advance(Duration::from_secs(61));
    let expired = portal(&s, "/assignment/accounts", &token);
    assert_eq!(
        (expired.status, expired.error_type()),
        (401, "UnauthorizedException")
    );
    assert_eq!(
        expired.json()["message"],
        "Session token not found or invalid"
    );
}

#[test]
fn the_throttle_answers_429_over_its_rate_and_counts_the_busiest_second() {
    let (s, token) = standin(Config::default());
    s.configure(|c| c.tps = 2.0);
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let reply = portal(&s, "/assignment/accounts", &token);
        if reply.status == 429 {
            assert_eq!(reply.error_type(), "TooManyRequestsException");
            assert!(reply.json()["message"].is_string());
        }
        statuses.push(reply.status);
    }
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    // 12 calls cannot all fit in a bucket of 2 unless they took over 5 s.
    assert!(throttled >= 1, "{statuses:?}");
    let counters = s.counters();
    assert_eq!(counters.throttled, throttled as u64);
    assert_eq!(counters.calls["ListAccounts"], 12);
    assert!(counters.max_portal_calls_per_second >= 1);

    s.configure(|c| {
        c.tps = 0.0;
        c.throttle_ratio = 1.0;
    });
    assert_eq!(portal(&s, "/assignment/accounts", &token).status, 429);
    s.configure(|c| {
        c.throttle_ratio = 0.0;
        c.error_ratio = 1.0;
    });
    let fault = portal(&s, "/assignment/accounts", &token);
    assert_eq!(
        (fault.status, fault.error_type()),
        (500, "InternalServerException")
    );
}

#[test]
fn the_start_page_names_the_region() {
    let s = Standin::start(Config {
        region: "eu-west-1".into(),
        ..Config::default()
    })
    .expect("start");
    let page = request(s.url(), "GET", "/start", &[], "");
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains(r#"<meta name="region" content="eu-west-1"/>"#),
        "{}",
        page.body
    );
}
