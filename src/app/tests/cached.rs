//! Sessions from the shared cache: listed, marked, kept current, forgotten.

use super::*;
use crate::app::session::{Origin, ServedBy};
use crate::serve::registry::{By, Serving};

/// What the cache listing holds for `name`: a session another rolehop made
/// at `obtained`, for an hour.
fn from_cache(name: &str, obtained: SystemTime) -> (String, Switched) {
    let mut s = switched(
        assumed_until(obtained + Duration::from_secs(3600)),
        obtained,
    );
    s.cached = true;
    (name.to_owned(), s)
}

fn exec(pid: u32, names: &[&str]) -> Serving {
    Serving {
        pid,
        by: By::Exec,
        bookmarks: names.iter().map(|n| n.to_string()).collect(),
    }
}

fn seen(app: &mut App, sessions: Vec<(String, Switched)>, serving: Vec<Serving>) -> Vec<Effect> {
    update(app, Msg::CacheSeen { sessions, serving }, t0())
}

fn rows(app: &App) -> Vec<(&str, Origin)> {
    app.sessions
        .iter()
        .map(|s| (s.bookmark.name.as_str(), s.origin))
        .collect()
}

#[test]
fn a_cache_listing_adds_rows_and_marks_who_serves_them() {
    let mut app = app_with(vec![bm("dev"), bm("prod"), bm("staging")]);
    // The picker's own session of prod.
    let prod = app.bookmarks[1].clone();
    let a = assumed_until(t0() + Duration::from_secs(3600));
    app.sessions.push(Session::new(prod, a, t0()));
    let listing = vec![
        from_cache("gone", t0()),
        from_cache("prod", t0()),
        from_cache("staging", t0()),
    ];
    let fx = seen(&mut app, listing, vec![exec(1234, &["staging", "prod"])]);
    assert!(fx.is_empty(), "{fx:?}");
    // A bookmark no longer in the file has no row; prod stays the picker's.
    assert_eq!(
        rows(&app),
        [("prod", Origin::Picker), ("staging", Origin::Cache)]
    );
    // The list's marker reads `session_for`: staging has its `●` now.
    assert!(app.session_for("staging").is_some());
    assert!(app.session_for("dev").is_none());
    let staging = app.session_for("staging").unwrap();
    assert_eq!(
        staging.served_by,
        [ServedBy {
            by: By::Exec,
            pid: 1234
        }]
    );
    assert!(!staging.made_here);
    assert_eq!(app.session_for("prod").unwrap().served_by.len(), 1);

    // Renewed elsewhere: the newer session; forgotten elsewhere: gone. The
    // picker's own session stays whatever the cache says.
    let later = t0() + Duration::from_secs(600);
    seen(&mut app, vec![from_cache("staging", later)], vec![]);
    let staging = app.session_for("staging").unwrap();
    assert_eq!(staging.obtained, later);
    assert!(staging.served_by.is_empty(), "exec ended");
    seen(&mut app, vec![], vec![]);
    assert_eq!(rows(&app), [("prod", Origin::Picker)]);
}

#[test]
fn cached_sessions_are_not_auto_renewed_and_leave_once_expired() {
    let mut app = app_with(vec![bm("staging")]);
    seen(&mut app, vec![from_cache("staging", t0())], vec![]);
    // Well inside its refresh window: whoever made it renews it, not the picker.
    let due = t0() + Duration::from_secs(3500);
    let fx = update(&mut app, Msg::Tick, due);
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(app.sessions.len(), 1);
    update(&mut app, Msg::Tick, t0() + Duration::from_secs(3600));
    assert!(app.sessions.is_empty());
    // `r` renews it here: then it is the picker's.
    seen(&mut app, vec![from_cache("staging", due)], vec![]);
    app.focus = Focus::Sessions;
    let fx = update(&mut app, ch('r'), due);
    assert!(matches!(
        fx.as_slice(),
        [Effect::Assume { renew: true, .. }]
    ));
    // A listing while it renews keeps the row that shows the spinner.
    seen(&mut app, vec![from_cache("staging", due)], vec![]);
    assert!(app.sessions[0].renewing);
    assume_ok(&mut app, "staging", true, due);
    assert_eq!(rows(&app), [("staging", Origin::Picker)]);
    assert!(app.sessions[0].made_here);
}

#[test]
fn forget_asks_first_for_a_session_the_picker_did_not_make() {
    let mut app = app_with(vec![bm("prod"), bm("staging")]);
    seen(
        &mut app,
        vec![from_cache("staging", t0())],
        vec![exec(1234, &["staging"])],
    );
    app.focus = Focus::Sessions;
    // x only asks.
    assert!(update(&mut app, ch('x'), t0()).is_empty());
    assert_eq!(
        app.modal,
        Some(Modal::ConfirmForget {
            bookmark: "staging".into()
        })
    );
    assert_eq!(app.sessions.len(), 1);
    // n keeps it.
    assert!(update(&mut app, ch('n'), t0()).is_empty());
    assert!(app.modal.is_none());
    assert_eq!(app.sessions.len(), 1);
    // y forgets it here and in the shared cache.
    update(&mut app, ch('x'), t0());
    let fx = update(&mut app, ch('y'), t0());
    assert!(
        matches!(fx.as_slice(), [Effect::ForgetCached { bookmark }] if bookmark == "staging"),
        "{fx:?}"
    );
    assert!(app.sessions.is_empty() && app.modal.is_none());
    assert_eq!(
        notice(&app),
        "forgot staging's session (removed from the session cache)"
    );

    // A switch the cache answered was not made here either: x asks.
    let mut cached = switched(assumed_until(t0() + Duration::from_secs(3600)), t0());
    cached.cached = true;
    update(&mut app, key(KeyCode::Enter), t0());
    let name = app.pending.as_ref().unwrap().bookmark.clone();
    update(
        &mut app,
        Msg::Assumed {
            bookmark: name.clone(),
            renew: false,
            result: Ok(cached),
        },
        t0(),
    );
    assert_eq!(rows(&app), [(name.as_str(), Origin::Picker)]);
    update(&mut app, ch('x'), t0());
    assert_eq!(app.modal, Some(Modal::ConfirmForget { bookmark: name }));
}
