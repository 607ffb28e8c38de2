//! The engine against mocked STS (aws-smithy-mocks) and a hand-moved clock:
//! which calls it makes, with which parameters, and what it caches.

use super::*;
use crate::cache::Choice;
use aws_sdk_sts::operation::assume_role::AssumeRoleOutput;
use aws_sdk_sts::operation::get_session_token::GetSessionTokenOutput;
use aws_sdk_sts::types::{AssumedRoleUser, Credentials as StsCredentials};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

const SERIAL: &str = "arn:aws:iam::123456789012:mfa/alice";
const T0: u64 = 1_800_000_000;

/// A clock tests move by hand; the mocks read it to set expiry times.
#[derive(Clone)]
struct TestClock(Arc<AtomicU64>);

impl TestClock {
    fn new() -> TestClock {
        TestClock(Arc::new(AtomicU64::new(T0)))
    }
    fn secs(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
    fn advance(&self, secs: u64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
    fn clock(&self) -> Clock {
        let c = self.0.clone();
        Arc::new(move || SystemTime::UNIX_EPOCH + Duration::from_secs(c.load(Ordering::SeqCst)))
    }
}

fn sts_creds(key: String, expires: u64) -> StsCredentials {
    StsCredentials::builder()
        .access_key_id(key)
        .secret_access_key("mock-secret")
        .session_token("mock-token")
        .expiration(DateTime::from_secs(expires as i64))
        .build()
        .unwrap()
}

/// AssumeRole answering `now + DurationSeconds` (default 3600), a new key each call.
fn assume_rule(
    clock: &TestClock,
    filter: fn(&aws_sdk_sts::operation::assume_role::AssumeRoleInput) -> bool,
) -> Rule {
    let (clock, n) = (clock.clone(), Arc::new(AtomicUsize::new(0)));
    mock!(aws_sdk_sts::Client::assume_role)
        .match_requests(filter)
        .then_compute_output(move |req| {
            let i = n.fetch_add(1, Ordering::SeqCst);
            let dur = req.duration_seconds().unwrap_or(3600) as u64;
            let role = req.role_arn().unwrap_or_default();
            let name = role.rsplit('/').next().unwrap_or_default();
            AssumeRoleOutput::builder()
                .credentials(sts_creds(format!("ASIAROLE{i}"), clock.secs() + dur))
                .assumed_role_user(
                    AssumedRoleUser::builder()
                        .assumed_role_id("AROA:x")
                        .arn(format!(
                            "arn:aws:sts::210987654321:assumed-role/{name}/alice"
                        ))
                        .build()
                        .unwrap(),
                )
                .build()
        })
}

fn session_token_rule(clock: &TestClock) -> Rule {
    let clock = clock.clone();
    mock!(aws_sdk_sts::Client::get_session_token)
        .match_requests(|r| r.serial_number() == Some(SERIAL) && r.token_code().is_some())
        .then_compute_output(move |req| {
            let dur = req.duration_seconds().unwrap_or(43_200) as u64;
            GetSessionTokenOutput::builder()
                .credentials(sts_creds("ASIAMFASESSION".into(), clock.secs() + dur))
                .build()
        })
}

/// A test world: bookmarks file, file cache, clock.
struct World {
    dir: tempfile::TempDir,
    clock: TestClock,
}

impl World {
    fn new(toml: &str) -> World {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bookmarks.toml"), toml).unwrap();
        World {
            dir,
            clock: TestClock::new(),
        }
    }

    fn bookmarks(&self) -> Bookmarks {
        Bookmarks::load(&self.dir.path().join("bookmarks.toml")).unwrap()
    }

    fn cache(&self) -> Arc<Cache> {
        Arc::new(
            Cache::open_in(&self.dir.path().join("cache"), Choice::File)
                .unwrap()
                .quiet(),
        )
    }

    /// An engine as a fresh process would make it (cache read from disk).
    fn engine(&self, client: &aws_sdk_sts::Client) -> Engine {
        self.engine_with(client, Some(self.cache()))
    }

    fn engine_with(&self, client: &aws_sdk_sts::Client, cache: Option<Arc<Cache>>) -> Engine {
        // Environment keys: the base identity key needs no files.
        let env = EnvView::from_pairs([("AWS_ACCESS_KEY_ID", "AKIATESTBASE"), ("USER", "alice")]);
        Engine::new(self.bookmarks(), env, cache)
            .with_clock(self.clock.clock())
            .with_client(client.clone())
    }

    fn now(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(self.clock.secs())
    }
}

const TWO_MFA_ROLES: &str = r#"
[defaults]
region = "eu-west-1"
mfa_serial = "arn:aws:iam::123456789012:mfa/alice"

[bookmarks.a]
account = "111111111111"
role = "A"

[bookmarks.b]
account = "222222222222"
role = "B"
duration = "12h"
"#;

#[tokio::test]
async fn one_mfa_session_serves_every_role_of_the_device() {
    let w = World::new(TWO_MFA_ROLES);
    let gst = session_token_rule(&w.clock);
    // Chained: no MFA parameters, and never more than one hour.
    let ar = assume_rule(&w.clock, |r| {
        r.serial_number().is_none()
            && r.token_code().is_none()
            && r.duration_seconds() == Some(3600)
    });
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&gst, &ar]);

    let e = w.engine(&client);
    let need = e.needs_code("a", w.now()).unwrap().unwrap();
    assert_eq!(need.serial, SERIAL);
    assert!(need.for_mfa_session && need.wait.is_none());
    assert!(matches!(
        e.switch("a", None).await,
        Err(Error::CodeNeeded(_))
    ));
    assert_eq!(
        (gst.num_calls(), ar.num_calls()),
        (0, 0),
        "nothing sent without a code"
    );

    let a = e.switch("a", Some("123456".into())).await.unwrap();
    assert_eq!((gst.num_calls(), ar.num_calls()), (1, 1));
    assert_eq!(a.mode, Mode::MfaSession);
    assert_eq!(
        a.limit.as_deref(),
        Some("1 h: role chaining limit (assumed with MFA-session credentials)")
    );
    assert_eq!(a.assumed.region.as_deref(), Some("eu-west-1"));

    // Another role, another process: no code, no second GetSessionToken.
    w.clock.advance(60);
    let e = w.engine(&client);
    assert_eq!(e.needs_code("b", w.now()).unwrap(), None);
    let b = e.switch("b", None).await.unwrap();
    assert_eq!((gst.num_calls(), ar.num_calls()), (1, 2));
    assert!(!b.cached);
    // b asks for 12 h; the 1 h cap is what it gets, and says so.
    assert_eq!(
        b.assumed.creds.expiration,
        w.now() + Duration::from_secs(3600)
    );
    assert!(b.limit.unwrap().starts_with("1 h: role chaining limit"));
}

#[tokio::test]
async fn cached_within_the_window_renewed_past_it() {
    let w = World::new(
        "[bookmarks.p]\naccount = \"111111111111\"\nrole = \"P\"\nregion = \"eu-west-1\"\n",
    );
    let ar = assume_rule(&w.clock, |r| r.serial_number().is_none());
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&ar]);
    let first = w.engine(&client).switch("p", None).await.unwrap();
    assert_eq!(ar.num_calls(), 1);
    assert!(!first.cached);
    assert_eq!(first.mode, Mode::Plain);
    assert_eq!(first.limit, None);

    // 1 h session: window 10 min. 2999 s in, it is still served from the cache.
    w.clock.advance(2999);
    let again = w.engine(&client).switch("p", None).await.unwrap();
    assert_eq!(ar.num_calls(), 1);
    assert!(again.cached);
    assert_eq!(
        again.assumed.creds.access_key_id,
        first.assumed.creds.access_key_id
    );
    assert_eq!(again.obtained, first.obtained);

    // One second later it is inside the window: renewed.
    w.clock.advance(1);
    let renewed = w.engine(&client).switch("p", None).await.unwrap();
    assert_eq!(ar.num_calls(), 2);
    assert_ne!(
        renewed.assumed.creds.access_key_id,
        first.assumed.creds.access_key_id
    );

    // `renew` never takes the cached session; no cache never caches.
    w.engine(&client).renew("p", None).await.unwrap();
    assert_eq!(ar.num_calls(), 3);
    let e = w.engine_with(&client, None);
    e.switch("p", None).await.unwrap();
    e.switch("p", None).await.unwrap();
    assert_eq!(ar.num_calls(), 5);
}

#[tokio::test]
async fn configured_window_and_renew_at() {
    let w = World::new(
        "[settings]\nrefresh_window = \"899s\"\n[bookmarks.p]\naccount = \"111111111111\"\nrole = \"P\"\nregion = \"eu-west-1\"\nduration = 900\n",
    );
    let ar = assume_rule(&w.clock, |r| r.duration_seconds() == Some(900));
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&ar]);
    let e = w.engine(&client);
    let s = e.switch("p", None).await.unwrap();
    // Renewal loops wait 9 s (1 % of 900 s, at least 5 s), not 1 s; the
    // cache still follows the configured window.
    assert_eq!(
        e.renew_at(s.obtained, s.assumed.creds.expiration),
        w.now() + Duration::from_secs(9)
    );
    assert!(e.switch("p", None).await.unwrap().cached);
    w.clock.advance(1);
    assert!(!e.switch("p", None).await.unwrap().cached);
    assert_eq!(ar.num_calls(), 2);
}

#[tokio::test]
async fn refused_session_token_falls_back_to_direct_mfa_and_remembers() {
    let w = World::new(TWO_MFA_ROLES);
    let refused = mock!(aws_sdk_sts::Client::get_session_token)
        .sequence()
        .http_status(
            403,
            Some(r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>Cannot call GetSessionToken with session credentials</Message></Error><RequestId>r</RequestId></ErrorResponse>"#.into()),
        )
        .repeatedly()
        .build();
    // Direct: the code goes with AssumeRole, the bookmark's own duration.
    let direct_a = assume_rule(&w.clock, |r| {
        r.role_arn() == Some("arn:aws:iam::111111111111:role/A")
            && r.serial_number() == Some(SERIAL)
            && r.token_code() == Some("123456")
            && r.duration_seconds().is_none()
    });
    let direct_b = assume_rule(&w.clock, |r| {
        r.role_arn() == Some("arn:aws:iam::222222222222:role/B")
            && r.token_code() == Some("654321")
            && r.duration_seconds() == Some(43_200)
    });
    let client = mock_client!(
        aws_sdk_sts,
        RuleMode::MatchAny,
        [&refused, &direct_a, &direct_b]
    );

    let e = w.engine(&client);
    let a = e.switch("a", Some("123456".into())).await.unwrap();
    assert_eq!((refused.num_calls(), direct_a.num_calls()), (1, 1));
    assert_eq!(a.mode, Mode::DirectMfa);
    assert_eq!(a.limit, None);
    let warnings = e.cache().unwrap().take_warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("assuming with the MFA code directly from now on")),
        "{warnings:?}"
    );

    // Remembered: the next role goes direct at once, without trying again.
    w.clock.advance(60);
    let e = w.engine(&client);
    let need = e.needs_code("b", w.now()).unwrap().unwrap();
    assert!(!need.for_mfa_session);
    let b = e.switch("b", Some("654321".into())).await.unwrap();
    assert_eq!(refused.num_calls(), 1);
    assert_eq!(direct_b.num_calls(), 1);
    assert_eq!(b.mode, Mode::DirectMfa);
    // And the cached direct session of a is still a's.
    assert!(w.engine(&client).switch("a", None).await.unwrap().cached);
}

#[tokio::test]
async fn a_code_is_never_sent_twice() {
    let w = World::new(&format!("[settings]\nmfa_session = false\n{TWO_MFA_ROLES}"));
    let ar = assume_rule(&w.clock, |r| r.token_code().is_some());
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&ar]);
    let e = w.engine(&client);
    e.switch("a", Some("111111".into())).await.unwrap();
    assert_eq!(ar.num_calls(), 1);
    // Cached: no code to switch, but renewing a direct-MFA session takes one.
    assert_eq!(e.needs_code("a", w.now()).unwrap(), None);
    assert!(e.needs_code_to_renew("a", w.now()).unwrap().is_some());

    // b needs a code in the same 30 s step: say how long until the next one.
    w.clock.advance(5);
    let need = e.needs_code("b", w.now()).unwrap().unwrap();
    assert!(need.wait.is_some_and(|d| d <= Duration::from_secs(30)));
    // The same code again is refused before any call, with the wait.
    let err = crate::error::Error::from(e.switch("b", Some("111111".into())).await.unwrap_err());
    assert!(err.to_string().contains("already used"), "{err}");
    assert!(err.hint().unwrap().starts_with("wait "), "{:?}", err.hint());
    assert_eq!(ar.num_calls(), 1);
    // The next code goes through.
    e.switch("b", Some("222222".into())).await.unwrap();
    assert_eq!(ar.num_calls(), 2);
    // Much later the same digits are a new code.
    w.clock.advance(120);
    e.renew("a", Some("111111".into())).await.unwrap();
    assert_eq!(ar.num_calls(), 3);
}

const CHAIN: &str = r#"
[bookmarks.hub]
account = "111111111111"
role = "Hub"
region = "eu-west-1"

[bookmarks.tooling]
account = "222222222222"
role = "Tooling"
region = "eu-west-1"
via = "hub"
duration = "2h"

[bookmarks.prod]
account = "333333333333"
role = "Prod"
region = "eu-west-1"
via = "tooling"
duration = 900
"#;

#[tokio::test]
async fn via_chain_assumes_each_hop_in_order_and_caches_them() {
    let w = World::new(CHAIN);
    let hub = assume_rule(&w.clock, |r| {
        r.role_arn() == Some("arn:aws:iam::111111111111:role/Hub") && r.duration_seconds().is_none()
    });
    // Asked for 2 h, chained: capped at 1 h.
    let tooling = assume_rule(&w.clock, |r| {
        r.role_arn() == Some("arn:aws:iam::222222222222:role/Tooling")
            && r.duration_seconds() == Some(3600)
    });
    let prod = assume_rule(&w.clock, |r| {
        r.role_arn() == Some("arn:aws:iam::333333333333:role/Prod")
            && r.duration_seconds() == Some(900)
    });
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&hub, &tooling, &prod]);

    let e = w.engine(&client);
    let p = e.switch("prod", None).await.unwrap();
    assert_eq!(
        (hub.num_calls(), tooling.num_calls(), prod.num_calls()),
        (1, 1, 1)
    );
    assert_eq!(p.mode, Mode::Via);
    // 900 s is under the cap: no limit to report.
    assert_eq!(p.limit, None);
    assert_eq!(
        p.assumed.creds.assumed_role_arn.as_deref(),
        Some("arn:aws:sts::210987654321:assumed-role/Prod/alice")
    );
    let t = e.switch("tooling", None).await.unwrap();
    assert!(t.cached, "each hop is cached");
    assert_eq!(
        t.limit.as_deref(),
        Some("1 h: role chaining limit (assumed with the credentials of \"hub\")")
    );
    // prod expires first: renewing it reuses tooling's cached session.
    w.clock.advance(800);
    e.switch("prod", None).await.unwrap();
    assert_eq!(
        (hub.num_calls(), tooling.num_calls(), prod.num_calls()),
        (1, 1, 2)
    );
    let s = w.engine(&client).cache().unwrap().role("prod").unwrap();
    assert_eq!(s.via, ["tooling", "hub"]);
}

#[tokio::test]
async fn foreign_and_corrupt_entries_are_not_used() {
    let w = World::new(
        "[bookmarks.p]\naccount = \"111111111111\"\nrole = \"P\"\nregion = \"eu-west-1\"\n",
    );
    let ar = assume_rule(&w.clock, |_| true);
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&ar]);
    w.engine(&client).switch("p", None).await.unwrap();
    assert_eq!(ar.num_calls(), 1);

    // The role now needs an external ID: the cached session is not for this request.
    std::fs::write(
        w.dir.path().join("bookmarks.toml"),
        "[bookmarks.p]\naccount = \"111111111111\"\nrole = \"P\"\nregion = \"eu-west-1\"\nexternal_id = \"ext-1\"\n",
    )
    .unwrap();
    let e = w.engine(&client);
    assert!(!e.switch("p", None).await.unwrap().cached);
    assert_eq!(ar.num_calls(), 2);
    let warnings = e.cache().unwrap().take_warnings();
    assert_eq!(
        warnings,
        ["ignoring the cached session of \"p\": it was made for a different external ID"]
    );

    // Another base identity does not get it either.
    let env = EnvView::from_pairs([("AWS_ACCESS_KEY_ID", "AKIAOTHERBASE")]);
    let other = Engine::new(w.bookmarks(), env, Some(w.cache()))
        .with_clock(w.clock.clock())
        .with_client(client.clone());
    assert!(!other.switch("p", None).await.unwrap().cached);
    assert_eq!(ar.num_calls(), 3);

    // A damaged file: warning, deleted, a fresh call.
    std::fs::write(w.dir.path().join("cache/role.p.json"), "{\"version\":1,").unwrap();
    let e = w.engine(&client);
    assert!(!e.switch("p", None).await.unwrap().cached);
    assert_eq!(ar.num_calls(), 4);
    assert!(e.cache().unwrap().take_warnings()[0].contains("unreadable"));
}

/// What the picker lists: every valid session made for its bookmark as the
/// file has it now, inside the refresh window too; not an expired one, one
/// made for other inputs, nor one of a bookmark since removed.
#[tokio::test]
async fn cached_sessions_are_the_valid_ones_made_for_the_bookmarks_as_they_are() {
    let three = "[bookmarks.p]\naccount = \"111111111111\"\nrole = \"P\"\n\n[bookmarks.q]\naccount = \"222222222222\"\nrole = \"Q\"\nduration = \"15m\"\n\n[bookmarks.r]\naccount = \"333333333333\"\nrole = \"R\"\n";
    let w = World::new(three);
    let ar = assume_rule(&w.clock, |_| true);
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&ar]);
    for name in ["p", "q", "r"] {
        w.engine(&client).switch(name, None).await.unwrap();
    }
    // p: 1 h, 59 min in (inside its window); q: 15 min, expired.
    w.clock.advance(59 * 60);
    let names = |found: &[(String, Switched)]| -> Vec<String> {
        found.iter().map(|(n, _)| n.clone()).collect()
    };
    let found = w.engine(&client).cached_sessions().await.unwrap();
    assert_eq!(names(&found), ["p", "r"]);
    let (_, p) = &found[0];
    assert!(p.cached && p.mode == Mode::Plain);
    assert_eq!(p.obtained, SystemTime::UNIX_EPOCH + Duration::from_secs(T0));

    // r now needs an external ID, and q is gone from the file.
    std::fs::write(
        w.dir.path().join("bookmarks.toml"),
        "[bookmarks.p]\naccount = \"111111111111\"\nrole = \"P\"\n\n[bookmarks.r]\naccount = \"333333333333\"\nrole = \"R\"\nexternal_id = \"ext-1\"\n",
    )
    .unwrap();
    let found = w.engine(&client).cached_sessions().await.unwrap();
    assert_eq!(names(&found), ["p"]);
    assert!(
        w.engine_with(&client, None)
            .cached_sessions()
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(ar.num_calls(), 3, "listing calls nothing");
}

#[tokio::test]
async fn without_a_cache_mfa_roles_go_direct() {
    let w = World::new(TWO_MFA_ROLES);
    let ar = assume_rule(&w.clock, |r| r.token_code() == Some("123456"));
    let client = mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&ar]);
    let e = w.engine_with(&client, None);
    assert!(!e.needs_code("a", w.now()).unwrap().unwrap().for_mfa_session);
    let a = e.switch("a", Some("123456".into())).await.unwrap();
    assert_eq!(a.mode, Mode::DirectMfa);
    assert!(
        e.needs_code("a", w.now()).unwrap().is_some(),
        "nothing kept"
    );
}

/// The picker runs switches in spawned tasks: the engine and its futures must be Send.
#[test]
fn engine_futures_can_be_spawned() {
    fn send<T: Send + Sync>(_: &T) {}
    fn send_future<F: std::future::Future + Send>(_: F) {}
    let w = World::new("");
    let e = Engine::new(w.bookmarks(), EnvView::default(), Some(w.cache()));
    send(&e);
    send_future(e.switch("x", None));
    send_future(e.renew("x", None));
}
