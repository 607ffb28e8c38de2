//! Behaviour of `update`: every key and message of the picker, with a fixed
//! clock (time only moves when a test says so).

use super::session::Session;
use super::*;
use crate::creds::Credentials;
use crate::engine::{CodeNeeded, Switched};
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub(crate) fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

pub(crate) fn bm(name: &str) -> Bookmark {
    Bookmark {
        name: name.into(),
        account: "210987654321".into(),
        role: "Admin".into(),
        display: name.into(),
        color: None,
        mfa_serial: None,
        external_id: None,
        region: None,
        duration: None,
        source_profile: None,
        session_name: None,
    }
}

pub(crate) fn mfa(name: &str) -> Bookmark {
    Bookmark {
        mfa_serial: Some("arn:aws:iam::111111111111:mfa/alice".into()),
        ..bm(name)
    }
}

pub(crate) fn creds(expires: SystemTime) -> Credentials {
    crate::creds::sample(expires)
}

pub(crate) fn assumed_until(expires: SystemTime) -> Assumed {
    Assumed {
        creds: creds(expires),
        region: Some("eu-west-1".into()),
    }
}

pub(crate) fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub(crate) fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub(crate) fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

/// Send each char of `s` as a key press; returns all effects.
pub(crate) fn typed(app: &mut App, s: &str, now: SystemTime) -> Vec<Effect> {
    s.chars().flat_map(|c| update(app, ch(c), now)).collect()
}

pub(crate) fn app_with(bookmarks: Vec<Bookmark>) -> App {
    App::new(bookmarks, Vec::new(), Options::default(), (100, 30)).0
}

fn names(app: &App) -> Vec<&str> {
    app.matches
        .iter()
        .map(|m| app.bookmarks[m.index].name.as_str())
        .collect()
}

fn selected(app: &App) -> &str {
    app.selected_bookmark().map_or("", |b| b.name.as_str())
}

fn notice(app: &App) -> &str {
    app.notice.as_ref().map_or("", |(t, _)| t.as_str())
}

/// An app holding a live session for each bookmark, obtained at `t0` for 1 h.
fn with_sessions(bookmarks: Vec<Bookmark>) -> App {
    let mut app = app_with(bookmarks);
    let bookmarks = app.bookmarks.clone();
    for b in bookmarks.iter().cloned() {
        let a = assumed_until(t0() + Duration::from_secs(3600));
        app.sessions.push(Session::new(b, a, t0()));
    }
    app.focus = Focus::Sessions;
    app
}

/// A fresh (not cached) switch result obtained at `now`.
pub(crate) fn switched(assumed: Assumed, now: SystemTime) -> Switched {
    Switched {
        assumed,
        obtained: now,
        limit: None,
        cached: false,
        mode: crate::cache::Mode::Plain,
    }
}

fn assume_ok(app: &mut App, name: &str, renew: bool, now: SystemTime) -> Vec<Effect> {
    let result = Ok(switched(
        assumed_until(now + Duration::from_secs(3600)),
        now,
    ));
    update(
        app,
        Msg::Assumed {
            bookmark: name.into(),
            renew,
            result,
        },
        now,
    )
}

/// The runtime's answer when a switch needs a one-time code.
fn code_needed(app: &mut App, name: &str, renew: bool, now: SystemTime) -> Vec<Effect> {
    let need = CodeNeeded {
        bookmark: name.into(),
        serial: "arn:aws:iam::111111111111:mfa/alice".into(),
        wait: None,
        for_mfa_session: true,
    };
    update(
        app,
        Msg::CodeNeeded {
            bookmark: name.into(),
            renew,
            need,
        },
        now,
    )
}

fn err_info(msg: &str) -> ErrorInfo {
    ErrorInfo {
        message: msg.into(),
        hint: Some("check the role's trust policy".into()),
    }
}

// ---- start-up, filtering, list keys ----

#[test]
fn new_fetches_identity_and_puts_recent_first() {
    let (app, fx) = App::new(
        vec![bm("a"), bm("b"), bm("c")],
        vec!["c".into(), "b".into()],
        Options::default(),
        (80, 24),
    );
    assert!(matches!(fx.as_slice(), [Effect::FetchIdentity]));
    assert_eq!(names(&app), ["c", "b", "a"]);
    assert_eq!(selected(&app), "c");
    assert_eq!(app.identity, IdentityState::Loading);
}

#[test]
fn typing_filters_and_selects_the_best_match() {
    let mut app = app_with(vec![bm("dev"), bm("prod-reader"), bm("prod")]);
    update(&mut app, key(KeyCode::Down), t0());
    assert!(typed(&mut app, "prod", t0()).is_empty());
    assert_eq!(app.filter, "prod");
    assert_eq!(names(&app), ["prod", "prod-reader"]);
    assert_eq!((app.selected, selected(&app)), (0, "prod"));
    // Upper-case letters are typed, not commands.
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('X'), KeyModifiers::SHIFT)),
        t0(),
    );
    assert_eq!(app.filter, "prodX");
    assert!(app.matches.is_empty());
    // Alt-chords are not text.
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::ALT)),
        t0(),
    );
    assert_eq!(app.filter, "prodX");
}

#[test]
fn backspace_ctrl_w_and_ctrl_u_edit_the_filter() {
    let mut app = app_with(vec![bm("a")]);
    typed(&mut app, "prod eu", t0());
    update(&mut app, key(KeyCode::Backspace), t0());
    assert_eq!(app.filter, "prod e");
    update(&mut app, ctrl('w'), t0());
    assert_eq!(app.filter, "prod ");
    update(&mut app, ctrl('w'), t0());
    assert_eq!(app.filter, "");
    typed(&mut app, "abc", t0());
    update(&mut app, ctrl('h'), t0());
    assert_eq!(app.filter, "ab");
    update(&mut app, ctrl('u'), t0());
    assert_eq!(app.filter, "");
    assert_eq!(names(&app), ["a"]);
}

/// Bookmarks for checking the picker's filtering against a full pass:
/// upper case, several words, non-ASCII display names.
fn filter_mix() -> Vec<Bookmark> {
    let mut bs: Vec<Bookmark> = ["prod", "prod-eu", "Prod-US", "dev", "ops", "audit"]
        .iter()
        .map(|n| bm(n))
        .collect();
    bs[0].display = "Production".into();
    bs[1].role = "ProdUser".into();
    bs[3].display = "Développement prod".into();
    bs[4].display = "Ops EU".into();
    bs[5].role = "PowerUser".into();
    bs.extend((0..30).map(|i| bm(&format!("app{i}-{}", ["prod", "eu", "us"][i % 3]))));
    bs
}

/// The matches of the current filter, from one pass over every bookmark.
fn full_pass(app: &App) -> Vec<filter::Match> {
    filter::filter(&app.bookmarks, &app.filter, &app.recent)
}

#[test]
fn typed_and_deleted_filters_list_what_a_full_pass_lists() {
    let mut app = app_with(filter_mix());
    let check = |app: &mut App, msg: Msg| {
        update(app, msg.clone(), t0());
        assert_eq!(
            app.matches,
            full_pass(app),
            "{:?} after {msg:?}",
            app.filter
        );
        assert_eq!(app.selected, 0);
    };
    let steps = [
        // Narrowing, a smart-case step up and back, words, deleting.
        "p", "r", "o", "d", "U", "\u{8}", " ", "e", "u", "\u{17}", "\u{8}", "\u{8}", "x", "\u{15}",
        // Non-ASCII (full passes), then Esc clears.
        "d", "é", "v", "\u{8}", "\u{8}", "e", "v", "\u{1b}",
        // Spaces only, then a word after them.
        " ", " ", "a", "p", "p", "1", " ", "u", "\u{17}", "\u{17}",
    ];
    for step in steps {
        let msg = match step {
            "\u{8}" => key(KeyCode::Backspace),
            "\u{15}" => ctrl('u'),
            "\u{17}" => ctrl('w'),
            "\u{1b}" => key(KeyCode::Esc),
            c => {
                let c = c.chars().next().unwrap();
                let mods = if c.is_uppercase() {
                    KeyModifiers::SHIFT
                } else {
                    KeyModifiers::NONE
                };
                Msg::Key(KeyEvent::new(KeyCode::Char(c), mods))
            }
        };
        check(&mut app, msg);
    }
    assert_eq!(app.filter, "  ");
}

#[test]
fn a_switch_or_a_reload_mid_filter_still_lists_what_a_full_pass_lists() {
    let mut app = app_with(filter_mix());
    typed(&mut app, "app27", t0());
    // A switch: app27-prod wins its ties from now on (recency).
    assert_eq!(selected(&app), "app27-prod");
    update(&mut app, key(KeyCode::Enter), t0());
    assume_ok(&mut app, "app27-prod", false, t0());
    assert_eq!(app.recent, ["app27-prod"]);
    assert_eq!(app.matches, full_pass(&app));
    update(&mut app, key(KeyCode::Tab), t0());
    for msg in [
        key(KeyCode::Backspace),
        key(KeyCode::Backspace),
        ch('p'),
        key(KeyCode::Backspace),
        ch('2'),
    ] {
        update(&mut app, msg, t0());
        assert_eq!(app.matches, full_pass(&app), "{:?}", app.filter);
    }
    // The file changed: the index is rebuilt for the new list.
    let mut list = filter_mix();
    list.retain(|b| b.name != "app22-eu");
    list[0].display = "app2 renamed".into();
    update(&mut app, Msg::BookmarksChanged(Ok(list)), t0());
    assert_eq!(app.matches, full_pass(&app));
    assert!(
        names(&app).contains(&"prod"),
        "found by its new display name"
    );
    assert!(!names(&app).contains(&"app22-eu"));
    for msg in [key(KeyCode::Backspace), ch('3'), ctrl('w'), ch('r')] {
        update(&mut app, msg, t0());
        assert_eq!(app.matches, full_pass(&app), "{:?}", app.filter);
    }
}

#[test]
fn navigation_stays_in_bounds_and_pages_by_the_visible_height() {
    let many: Vec<Bookmark> = (0..100).map(|i| bm(&format!("b{i:03}"))).collect();
    let mut app = app_with(many);
    update(&mut app, key(KeyCode::Up), t0());
    assert_eq!(app.selected, 0);
    update(&mut app, ctrl('n'), t0());
    update(&mut app, key(KeyCode::Down), t0());
    assert_eq!(app.selected, 2);
    update(&mut app, ctrl('p'), t0());
    assert_eq!(app.selected, 1);
    let page = layout::list_height(app.size, 0);
    assert!(page > 5);
    update(&mut app, key(KeyCode::PageDown), t0());
    assert_eq!(app.selected, 1 + page);
    assert!(
        app.list_offset + page > app.selected,
        "selection stays visible"
    );
    update(&mut app, key(KeyCode::End), t0());
    assert_eq!(app.selected, 99);
    assert_eq!(app.list_offset, 100 - page);
    update(&mut app, key(KeyCode::Down), t0());
    update(&mut app, key(KeyCode::PageDown), t0());
    assert_eq!(app.selected, 99);
    update(&mut app, key(KeyCode::PageUp), t0());
    assert_eq!(app.selected, 99 - page);
    update(&mut app, key(KeyCode::Home), t0());
    assert_eq!((app.selected, app.list_offset), (0, 0));
    update(&mut app, key(KeyCode::PageUp), t0());
    assert_eq!(app.selected, 0);
}

#[test]
fn navigation_on_an_empty_list_does_nothing() {
    let mut app = app_with(vec![]);
    for k in [
        KeyCode::Down,
        KeyCode::End,
        KeyCode::PageDown,
        KeyCode::Enter,
    ] {
        assert!(update(&mut app, key(k), t0()).is_empty());
    }
    assert_eq!(app.selected, 0);
    assert!(app.pending.is_none() && app.modal.is_none());
}

#[test]
fn help_opens_with_question_mark_or_f1_and_closes_with_each_key() {
    let mut app = app_with(vec![bm("a")]);
    for close in [
        KeyCode::Esc,
        KeyCode::Enter,
        KeyCode::Char('?'),
        KeyCode::Char('q'),
        KeyCode::F(1),
    ] {
        update(&mut app, ch('?'), t0());
        assert_eq!(app.modal, Some(Modal::Help));
        assert_eq!(app.filter, "", "? is not typed into the filter");
        update(&mut app, ch('x'), t0());
        assert_eq!(app.modal, Some(Modal::Help), "other keys keep help open");
        update(&mut app, key(close), t0());
        assert_eq!(app.modal, None, "{close:?} closes help");
    }
    update(&mut app, key(KeyCode::F(1)), t0());
    assert_eq!(app.modal, Some(Modal::Help));
}

#[test]
fn esc_clears_the_filter_then_quits() {
    let mut app = app_with(vec![bm("a")]);
    typed(&mut app, "zz", t0());
    assert!(update(&mut app, key(KeyCode::Esc), t0()).is_empty());
    assert_eq!(app.filter, "");
    assert!(!app.quit);
    let fx = update(&mut app, key(KeyCode::Esc), t0());
    assert!(matches!(fx.as_slice(), [Effect::Quit { stdout: None }]));
    assert!(app.quit);
}

#[test]
fn ctrl_c_quits_from_the_list_the_sessions_and_any_modal() {
    let mut app = with_sessions(vec![bm("a")]);
    let fx = update(&mut app, ctrl('c'), t0());
    assert!(matches!(fx.as_slice(), [Effect::Quit { stdout: None }]) && app.quit);
    for modal in [
        Modal::Help,
        Modal::Form(form::Form::new_add()),
        Modal::Error(err_info("x")),
    ] {
        let mut app = app_with(vec![bm("a")]);
        app.modal = Some(modal);
        let fx = update(&mut app, ctrl('c'), t0());
        assert!(matches!(fx.as_slice(), [Effect::Quit { stdout: None }]) && app.quit);
    }
    let mut app = app_with(vec![bm("a")]);
    let fx = update(&mut app, Msg::Terminate, t0());
    assert!(matches!(fx.as_slice(), [Effect::Quit { stdout: None }]) && app.quit);
}

#[test]
fn key_releases_are_ignored() {
    let mut app = app_with(vec![bm("a")]);
    let mut release = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    update(&mut app, Msg::Key(release), t0());
    assert_eq!(app.filter, "");
}

// ---- assuming ----

#[test]
fn enter_without_mfa_assumes_and_shows_the_spinner() {
    let mut app = app_with(vec![bm("dev"), bm("prod")]);
    typed(&mut app, "prod", t0());
    let fx = update(&mut app, key(KeyCode::Enter), t0());
    match fx.as_slice() {
        [
            Effect::Assume {
                bookmark,
                mfa_code: None,
                renew: false,
            },
        ] => assert_eq!(bookmark.name, "prod"),
        other => panic!("{other:?}"),
    }
    let p = app.pending.clone().unwrap();
    assert_eq!(
        (p.bookmark.as_str(), p.since, p.renew),
        ("prod", t0(), false)
    );
    assert_eq!(
        app.tick_interval(t0()),
        Some(Duration::from_millis(100)),
        "spinner turns"
    );
}

#[test]
fn enter_while_a_switch_is_in_flight_only_says_so() {
    let mut app = app_with(vec![bm("dev"), bm("prod")]);
    update(&mut app, key(KeyCode::Enter), t0());
    update(&mut app, key(KeyCode::Down), t0());
    assert!(update(&mut app, key(KeyCode::Enter), t0()).is_empty());
    assert_eq!(app.pending.as_ref().unwrap().bookmark, "dev");
    assert!(
        notice(&app).contains("switching to dev is in progress"),
        "{}",
        notice(&app)
    );
}

#[test]
fn mfa_modal_takes_six_digits_only() {
    let mut app = app_with(vec![mfa("prod")]);
    // The runtime is asked first: a cached MFA session may make a code unnecessary.
    let fx = update(&mut app, key(KeyCode::Enter), t0());
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Assume {
                mfa_code: None,
                renew: false,
                ..
            }]
        ),
        "{fx:?}"
    );
    assert!(app.modal.is_none() && app.pending.is_some());
    assert!(code_needed(&mut app, "prod", false, t0()).is_empty());
    assert!(
        app.pending.is_none(),
        "nothing in flight while the code is typed"
    );
    let code = |app: &App| match &app.modal {
        Some(Modal::Mfa {
            input,
            message,
            bookmark,
            serial,
            purpose,
        }) => {
            assert_eq!((bookmark.as_str(), *purpose), ("prod", MfaPurpose::Assume));
            assert!(serial.ends_with("mfa/alice"));
            (input.clone(), message.clone())
        }
        other => panic!("{other:?}"),
    };
    typed(&mut app, "12a", t0());
    assert_eq!(code(&app), ("12".into(), Some("digits only".into())));
    assert_eq!(app.filter, "", "nothing leaks into the filter");
    typed(&mut app, "3", t0());
    assert_eq!(code(&app), ("123".into(), None));
    assert!(update(&mut app, key(KeyCode::Enter), t0()).is_empty());
    assert_eq!(
        code(&app),
        ("123".into(), Some("enter all 6 digits".into()))
    );
    typed(&mut app, "45678", t0());
    assert_eq!(code(&app).0, "123456", "at most 6 digits");
    update(&mut app, key(KeyCode::Backspace), t0());
    assert_eq!(code(&app).0, "12345");
    typed(&mut app, "9", t0());
    let fx = update(&mut app, key(KeyCode::Enter), t0());
    match fx.as_slice() {
        [
            Effect::Assume {
                bookmark,
                mfa_code: Some(c),
                renew: false,
            },
        ] => {
            assert_eq!((bookmark.name.as_str(), c.as_str()), ("prod", "123459"));
        }
        other => panic!("{other:?}"),
    }
    assert!(app.modal.is_none() && app.pending.is_some());
}

#[test]
fn esc_on_the_mfa_modal_cancels_without_calling_sts() {
    let mut app = app_with(vec![mfa("prod")]);
    update(&mut app, key(KeyCode::Enter), t0());
    code_needed(&mut app, "prod", false, t0());
    typed(&mut app, "123", t0());
    assert!(update(&mut app, key(KeyCode::Esc), t0()).is_empty());
    assert!(app.modal.is_none() && app.pending.is_none() && !app.quit);
}

#[test]
fn assumed_ok_adds_a_session_and_focuses_it() {
    let mut app = app_with(vec![bm("dev"), bm("prod")]);
    update(&mut app, key(KeyCode::Down), t0());
    update(&mut app, key(KeyCode::Enter), t0());
    let fx = assume_ok(&mut app, "prod", false, t0());
    assert!(matches!(fx.as_slice(), [Effect::RecordUse { name }] if name == "prod"));
    assert!(app.pending.is_none());
    assert_eq!(app.sessions.len(), 1);
    assert_eq!(app.focus, Focus::Sessions);
    assert_eq!(app.selected_session().unwrap().bookmark.name, "prod");
    assert!(
        notice(&app).starts_with("switched to prod: 60:00 left"),
        "{}",
        notice(&app)
    );
    // Recency moves prod to the top of the empty-filter list; the selection follows it.
    assert_eq!(app.recent, ["prod"]);
    assert_eq!(names(&app), ["prod", "dev"]);
    assert_eq!(selected(&app), "prod");
    // Assuming again replaces the session instead of adding one.
    update(&mut app, key(KeyCode::Tab), t0());
    update(&mut app, key(KeyCode::Enter), t0());
    let later = t0() + Duration::from_secs(600);
    assume_ok(&mut app, "prod", false, later);
    assert_eq!(app.sessions.len(), 1);
    assert_eq!(app.sessions[0].obtained, later);
}

#[test]
fn assumed_err_opens_the_error_modal_and_the_list_stays_usable() {
    let mut app = app_with(vec![bm("prod")]);
    update(&mut app, key(KeyCode::Enter), t0());
    let result = Err(err_info("AccessDenied: not authorized to assume prod"));
    let fx = update(
        &mut app,
        Msg::Assumed {
            bookmark: "prod".into(),
            renew: false,
            result,
        },
        t0(),
    );
    assert!(fx.is_empty());
    assert!(app.pending.is_none());
    assert!(matches!(&app.modal, Some(Modal::Error(e)) if e.message.starts_with("AccessDenied")));
    update(&mut app, ch('x'), t0());
    assert!(app.modal.is_some(), "typing does not dismiss the error");
    update(&mut app, key(KeyCode::Enter), t0());
    assert!(app.modal.is_none());
    update(&mut app, Msg::Done(Err(err_info("disk full"))), t0());
    update(&mut app, key(KeyCode::Esc), t0());
    assert!(app.modal.is_none() && !app.quit);
    typed(&mut app, "pr", t0());
    assert_eq!(app.filter, "pr");
}

#[test]
fn esc_cancels_the_call_in_flight_and_its_late_result_is_ignored() {
    let mut app = app_with(vec![bm("prod")]);
    typed(&mut app, "pro", t0());
    update(&mut app, key(KeyCode::Enter), t0());
    let fx = update(&mut app, key(KeyCode::Esc), t0());
    assert!(matches!(fx.as_slice(), [Effect::CancelAssume]));
    assert!(app.pending.is_none());
    assert_eq!(app.filter, "pro", "Esc cancelled the call, not the filter");
    assert!(notice(&app).contains("cancelled"));
    assert!(assume_ok(&mut app, "prod", false, t0()).is_empty());
    assert!(app.sessions.is_empty(), "a cancelled switch does not land");
}

#[test]
fn pick_mode_prints_exports_and_quits() {
    let opts = Options {
        pick: true,
        ..Options::default()
    };
    let mut app = App::new(vec![bm("prod")], vec![], opts, (80, 24)).0;
    update(&mut app, key(KeyCode::Enter), t0());
    let fx = assume_ok(&mut app, "prod", false, t0());
    match fx.as_slice() {
        [
            Effect::RecordUse { name },
            Effect::PrintExports { bookmark, assumed },
        ] => {
            assert_eq!((name.as_str(), bookmark.name.as_str()), ("prod", "prod"));
            assert_eq!(assumed.region.as_deref(), Some("eu-west-1"));
        }
        other => panic!("{other:?}"),
    }
    assert!(app.quit);
}

// ---- sessions pane ----

#[test]
fn tab_moves_between_panes_only_when_there_are_sessions() {
    let mut app = app_with(vec![bm("a")]);
    update(&mut app, key(KeyCode::Tab), t0());
    assert_eq!(app.focus, Focus::List);
    let mut app = with_sessions(vec![bm("a"), bm("b")]);
    app.focus = Focus::List;
    update(&mut app, key(KeyCode::Tab), t0());
    assert_eq!(app.focus, Focus::Sessions);
    update(&mut app, key(KeyCode::Tab), t0());
    assert_eq!(app.focus, Focus::List);
    update(&mut app, key(KeyCode::Tab), t0());
    update(&mut app, key(KeyCode::Esc), t0());
    assert_eq!(app.focus, Focus::List);
    assert!(!app.quit);
}

#[test]
fn session_keys_hand_over_the_selected_session() {
    let mut app = with_sessions(vec![bm("a"), bm("b")]);
    let now = t0() + Duration::from_secs(60);
    update(&mut app, ch('j'), now);
    update(&mut app, ch('j'), now);
    assert_eq!(app.session_selected, 1);
    update(&mut app, ch('k'), now);
    update(&mut app, key(KeyCode::Up), now);
    assert_eq!(app.session_selected, 0);
    update(&mut app, key(KeyCode::Down), now);
    let fx = update(&mut app, ch('s'), now);
    assert!(matches!(fx.as_slice(), [Effect::Subshell { bookmark, .. }] if bookmark.name == "b"));
    let fx = update(&mut app, key(KeyCode::Enter), now);
    assert!(matches!(fx.as_slice(), [Effect::Subshell { .. }]));
    let fx = update(&mut app, ch('y'), now);
    assert!(
        matches!(fx.as_slice(), [Effect::CopyExports { bookmark, .. }] if bookmark.name == "b")
    );
    assert!(!app.quit);
    let fx = update(&mut app, ch('e'), now);
    assert!(
        matches!(fx.as_slice(), [Effect::PrintExports { bookmark, .. }] if bookmark.name == "b")
    );
    assert!(app.quit);
}

#[test]
fn w_asks_for_a_profile_name_then_writes() {
    let mut app = with_sessions(vec![bm("prod")]);
    assert!(update(&mut app, ch('w'), t0()).is_empty());
    assert!(matches!(&app.modal, Some(Modal::ProfileName { input, .. }) if input == "prod"));
    typed(&mut app, "-eu/ x!", t0());
    assert!(
        matches!(&app.modal, Some(Modal::ProfileName { input, .. }) if input == "prod-eux"),
        "only [A-Za-z0-9._-] is accepted: {:?}",
        app.modal
    );
    update(&mut app, key(KeyCode::Backspace), t0());
    let fx = update(&mut app, key(KeyCode::Enter), t0());
    match fx.as_slice() {
        [
            Effect::WriteProfile {
                bookmark, profile, ..
            },
        ] => {
            assert_eq!(
                (bookmark.name.as_str(), profile.as_str()),
                ("prod", "prod-eu")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(app.modal.is_none());
    update(&mut app, ch('w'), t0());
    update(&mut app, ctrl('u'), t0());
    assert!(
        update(&mut app, key(KeyCode::Enter), t0()).is_empty(),
        "no empty profile name"
    );
    assert!(update(&mut app, key(KeyCode::Esc), t0()).is_empty());
    assert!(app.modal.is_none());
    update(
        &mut app,
        Msg::Done(Ok("wrote profile prod-eu".into())),
        t0(),
    );
    assert_eq!(notice(&app), "wrote profile prod-eu");
}

#[test]
fn expired_sessions_refuse_hand_over() {
    let mut app = with_sessions(vec![bm("prod")]);
    let late = t0() + Duration::from_secs(3601);
    for c in ['s', 'w', 'e', 'y'] {
        app.notice = None;
        assert!(update(&mut app, ch(c), late).is_empty(), "{c}");
        assert_eq!(notice(&app), "prod expired: press r to renew");
        assert!(app.modal.is_none() && !app.quit);
    }
    assert!(update(&mut app, key(KeyCode::Enter), late).is_empty());
    // The profile-name modal opened before expiry refuses too.
    update(&mut app, ch('w'), t0());
    assert!(update(&mut app, key(KeyCode::Enter), late).is_empty());
    // r renews it.
    let fx = update(&mut app, ch('r'), late);
    assert!(matches!(
        fx.as_slice(),
        [Effect::Assume {
            renew: true,
            mfa_code: None,
            ..
        }]
    ));
}

#[test]
fn r_renews_now_with_mfa_prompt_when_needed() {
    let mut app = with_sessions(vec![mfa("prod")]);
    let now = t0() + Duration::from_secs(60);
    let fx = update(&mut app, ch('r'), now);
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Assume {
                renew: true,
                mfa_code: None,
                ..
            }]
        ),
        "{fx:?}"
    );
    code_needed(&mut app, "prod", true, now);
    assert!(matches!(
        &app.modal,
        Some(Modal::Mfa {
            purpose: MfaPurpose::Renew,
            ..
        })
    ));
    assert!(app.sessions[0].renewing);
    typed(&mut app, "654321", now);
    let fx = update(&mut app, key(KeyCode::Enter), now);
    assert!(
        matches!(fx.as_slice(), [Effect::Assume { renew: true, mfa_code: Some(c), .. }] if c == "654321")
    );
    assert!(app.pending.as_ref().unwrap().renew);
    // While it runs, r only says so.
    assert!(update(&mut app, ch('r'), now).is_empty());
    assert!(notice(&app).contains("in progress"));
    assume_ok(&mut app, "prod", true, now);
    assert!(!app.sessions[0].renewing);
    assert_eq!(app.sessions[0].obtained, now);
    assert!(notice(&app).starts_with("renewed prod"));
}

#[test]
fn a_toggles_auto_renew_and_x_forgets() {
    let mut app = with_sessions(vec![bm("a"), bm("b")]);
    update(&mut app, ch('a'), t0());
    assert!(!app.options.auto_renew);
    assert!(notice(&app).starts_with("auto-renew off"));
    update(&mut app, ch('a'), t0());
    assert!(app.options.auto_renew);
    update(&mut app, ch('x'), t0());
    assert_eq!(app.sessions.len(), 1);
    assert_eq!(app.sessions[0].bookmark.name, "b");
    assert_eq!(app.focus, Focus::Sessions);
    update(&mut app, ch('x'), t0());
    assert!(app.sessions.is_empty());
    assert_eq!(app.focus, Focus::List, "no sessions left to focus");
}

#[test]
fn x_during_its_renewal_cancels_the_call() {
    let mut app = with_sessions(vec![bm("a")]);
    update(&mut app, ch('r'), t0());
    let fx = update(&mut app, ch('x'), t0());
    assert!(matches!(fx.as_slice(), [Effect::CancelAssume]));
    assert!(app.pending.is_none());
}

#[test]
fn other_letters_on_the_sessions_pane_go_to_the_filter() {
    let mut app = with_sessions(vec![bm("a"), bm("zed")]);
    update(&mut app, ch('z'), t0());
    assert_eq!(app.focus, Focus::List);
    assert_eq!(app.filter, "z");
    assert_eq!(selected(&app), "zed");
    update(&mut app, key(KeyCode::Tab), t0());
    update(&mut app, ch('?'), t0());
    assert_eq!(app.modal, Some(Modal::Help));
}

// ---- renewal on ticks ----

#[test]
fn tick_renews_inside_the_refresh_window_only() {
    // 1 h session: window = 10 min, so renewal is due at 50:00.
    let mut app = with_sessions(vec![bm("prod")]);
    let before = t0() + Duration::from_secs(49 * 60 + 59);
    assert!(update(&mut app, Msg::Tick, before).is_empty());
    assert!(!app.sessions[0].renewing);
    let inside = t0() + Duration::from_secs(50 * 60);
    let fx = update(&mut app, Msg::Tick, inside);
    assert!(
        matches!(fx.as_slice(), [Effect::Assume { renew: true, mfa_code: None, bookmark }] if bookmark.name == "prod")
    );
    assert!(app.sessions[0].renewing);
    assert!(app.pending.as_ref().unwrap().renew);
    assert!(
        update(&mut app, Msg::Tick, inside + Duration::from_secs(1)).is_empty(),
        "no second call"
    );
    assume_ok(&mut app, "prod", true, inside + Duration::from_secs(2));
    assert!(!app.sessions[0].renewing);
    assert!(
        update(&mut app, Msg::Tick, inside + Duration::from_secs(3)).is_empty(),
        "renewed: not due"
    );
}

#[test]
fn configured_window_and_auto_renew_off_are_honoured() {
    let mut app = with_sessions(vec![bm("prod")]);
    app.options.refresh_window = Some(Duration::from_secs(20 * 60));
    let fx = update(&mut app, Msg::Tick, t0() + Duration::from_secs(40 * 60));
    assert!(matches!(
        fx.as_slice(),
        [Effect::Assume { renew: true, .. }]
    ));
    let mut app = with_sessions(vec![bm("prod")]);
    app.options.auto_renew = false;
    assert!(update(&mut app, Msg::Tick, t0() + Duration::from_secs(55 * 60)).is_empty());
}

#[test]
fn a_failed_renewal_backs_off_30_seconds() {
    let mut app = with_sessions(vec![bm("prod")]);
    let due = t0() + Duration::from_secs(50 * 60);
    update(&mut app, Msg::Tick, due);
    let result = Err(err_info("network unreachable"));
    update(
        &mut app,
        Msg::Assumed {
            bookmark: "prod".into(),
            renew: true,
            result,
        },
        due,
    );
    assert!(!app.sessions[0].renewing);
    assert_eq!(
        app.sessions[0].retry_after,
        Some(due + Duration::from_secs(30))
    );
    assert!(matches!(app.modal, Some(Modal::Error(_))));
    assert!(notice(&app).contains("renewing prod failed"));
    update(&mut app, key(KeyCode::Esc), due);
    assert!(update(&mut app, Msg::Tick, due + Duration::from_secs(29)).is_empty());
    let fx = update(&mut app, Msg::Tick, due + Duration::from_secs(30));
    assert!(matches!(
        fx.as_slice(),
        [Effect::Assume { renew: true, .. }]
    ));
}

#[test]
fn tick_asks_for_an_mfa_code_in_time_and_esc_postpones_a_minute() {
    let mut app = with_sessions(vec![mfa("prod")]);
    let due = t0() + Duration::from_secs(50 * 60 + 48);
    let fx = update(&mut app, Msg::Tick, due);
    assert!(matches!(
        fx.as_slice(),
        [Effect::Assume {
            renew: true,
            mfa_code: None,
            ..
        }]
    ));
    code_needed(&mut app, "prod", true, due);
    assert!(
        matches!(&app.modal, Some(Modal::Mfa { purpose: MfaPurpose::Renew, bookmark, .. }) if bookmark == "prod")
    );
    assert_eq!(
        notice(&app),
        "prod expires in 9:12: enter an MFA code to renew"
    );
    assert!(app.sessions[0].renewing);
    update(&mut app, Msg::Tick, due + Duration::from_secs(1));
    update(&mut app, key(KeyCode::Esc), due + Duration::from_secs(2));
    assert!(app.modal.is_none());
    assert!(!app.sessions[0].renewing);
    assert_eq!(
        app.sessions[0].retry_after,
        Some(due + Duration::from_secs(62))
    );
    assert!(update(&mut app, Msg::Tick, due + Duration::from_secs(61)).is_empty());
    assert!(app.modal.is_none(), "not before a minute has passed");
    let fx = update(&mut app, Msg::Tick, due + Duration::from_secs(62));
    assert!(matches!(
        fx.as_slice(),
        [Effect::Assume { renew: true, .. }]
    ));
}

#[test]
fn tick_does_not_replace_an_open_modal_with_the_mfa_prompt() {
    let mut app = with_sessions(vec![mfa("prod")]);
    app.modal = Some(Modal::Form(form::Form::new_add()));
    let due = t0() + Duration::from_secs(55 * 60);
    update(&mut app, Msg::Tick, due);
    code_needed(&mut app, "prod", true, due);
    assert!(matches!(app.modal, Some(Modal::Form(_))));
    assert!(!app.sessions[0].renewing);
    assert_eq!(
        app.sessions[0].retry_after,
        Some(due + Duration::from_secs(60))
    );
    assert!(
        notice(&app).contains("needs an MFA code"),
        "{}",
        notice(&app)
    );
}

#[test]
fn a_user_mfa_code_preempts_an_automatic_renewal() {
    let mut app = with_sessions(vec![bm("auto"), mfa("prod")]);
    app.sessions.truncate(1);
    app.focus = Focus::List;
    typed(&mut app, "prod", t0());
    update(&mut app, key(KeyCode::Enter), t0());
    code_needed(&mut app, "prod", false, t0());
    let due = t0() + Duration::from_secs(50 * 60);
    let fx = update(&mut app, Msg::Tick, due);
    assert!(
        matches!(fx.as_slice(), [Effect::Assume { renew: true, .. }]),
        "{fx:?}"
    );
    typed(&mut app, "123456", due);
    let fx = update(&mut app, key(KeyCode::Enter), due);
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::CancelAssume, Effect::Assume { renew: false, .. }]
        ),
        "{fx:?}"
    );
    assert!(!app.sessions[0].renewing);
    assert_eq!(app.pending.as_ref().unwrap().bookmark, "prod");
}

#[test]
fn notices_fade_after_five_seconds() {
    let mut app = app_with(vec![bm("a")]);
    app.identity = IdentityState::Known("arn".into());
    update(&mut app, Msg::Done(Ok("copied".into())), t0());
    assert!(app.needs_tick(t0()));
    update(&mut app, Msg::Tick, t0() + Duration::from_secs(4));
    assert_eq!(notice(&app), "copied");
    update(&mut app, Msg::Tick, t0() + Duration::from_secs(5));
    assert!(app.notice.is_none());
    assert!(!app.needs_tick(t0() + Duration::from_secs(5)));
}

#[test]
fn ticks_are_needed_only_while_something_moves() {
    let mut app = app_with(vec![bm("a")]);
    assert!(app.needs_tick(t0()), "identity spinner");
    update(
        &mut app,
        Msg::Identity(Ok("arn:aws:iam::1:user/al".into())),
        t0(),
    );
    assert_eq!(
        app.identity,
        IdentityState::Known("arn:aws:iam::1:user/al".into())
    );
    assert!(!app.needs_tick(t0()), "idle");
    update(&mut app, Msg::Identity(Err("no credentials".into())), t0());
    assert_eq!(
        app.identity,
        IdentityState::Unknown("no credentials".into())
    );
    let app = with_sessions(vec![bm("a")]);
    let mut app = App {
        identity: IdentityState::Unknown(String::new()),
        ..app
    };
    assert_eq!(
        app.tick_interval(t0()),
        Some(Duration::from_secs(1)),
        "countdown"
    );
    app.sessions.clear();
    assert_eq!(app.tick_interval(t0()), None);
}

// ---- bookmarks: form, delete, reload ----

fn form(app: &App) -> &form::Form {
    match &app.modal {
        Some(Modal::Form(f)) => f,
        other => panic!("{other:?}"),
    }
}

#[test]
fn add_form_validates_as_you_type_and_saves() {
    let mut app = app_with(vec![bm("dev")]);
    update(&mut app, ctrl('a'), t0());
    assert!(form(&app).editing.is_none());
    assert!(
        form(&app).visible_error(0).is_none(),
        "a fresh form is not red"
    );
    typed(&mut app, "prod", t0());
    update(&mut app, key(KeyCode::Tab), t0());
    typed(&mut app, "123", t0());
    let e = form(&app).visible_error(1).unwrap();
    assert!(e.contains("12 digits"), "{e}");
    typed(&mut app, "456789012", t0());
    assert!(form(&app).visible_error(1).is_none());
    // Enter with the role still empty: focus moves to it, nothing is saved.
    update(&mut app, key(KeyCode::BackTab), t0());
    assert!(update(&mut app, key(KeyCode::Enter), t0()).is_empty());
    assert_eq!(form(&app).focus, 2);
    assert!(form(&app).visible_error(2).is_some());
    typed(&mut app, "Admin", t0());
    update(&mut app, key(KeyCode::Down), t0());
    update(&mut app, key(KeyCode::Down), t0());
    typed(&mut app, "purple", t0());
    assert!(form(&app).visible_error(4).unwrap().contains("#rrggbb"));
    update(&mut app, ctrl('u'), t0());
    typed(&mut app, "red", t0());
    update(&mut app, key(KeyCode::Up), t0());
    typed(&mut app, "Production", t0());
    let fx = update(&mut app, key(KeyCode::Enter), t0());
    match fx.as_slice() {
        [
            Effect::SaveBookmark {
                old_name: None,
                spec,
            },
        ] => {
            assert_eq!(
                (
                    spec.name.as_str(),
                    spec.account.as_str(),
                    spec.role.as_str()
                ),
                ("prod", "123456789012", "Admin")
            );
            assert_eq!(spec.display.as_deref(), Some("Production"));
            assert_eq!(spec.color.as_deref(), Some("red"));
            assert_eq!(spec.region, None);
        }
        other => panic!("{other:?}"),
    }
    assert!(form(&app).saving);
    assert!(
        update(&mut app, ch('z'), t0()).is_empty(),
        "keys wait while saving"
    );
    let mut prod = bm("prod");
    prod.display = "Production".into();
    update(
        &mut app,
        Msg::BookmarksChanged(Ok(vec![bm("dev"), prod])),
        t0(),
    );
    assert!(app.modal.is_none());
    assert_eq!(notice(&app), "saved prod");
    assert_eq!(selected(&app), "prod", "the saved bookmark is selected");
}

#[test]
fn a_failed_save_keeps_the_form_and_says_why() {
    let mut app = app_with(vec![bm("dev")]);
    update(&mut app, ctrl('e'), t0());
    assert_eq!(form(&app).editing.as_deref(), Some("dev"));
    assert_eq!(form(&app).fields[1], "210987654321");
    let fx = update(&mut app, key(KeyCode::Enter), t0());
    assert!(
        matches!(fx.as_slice(), [Effect::SaveBookmark { old_name: Some(n), .. }] if n == "dev")
    );
    update(
        &mut app,
        Msg::BookmarksChanged(Err(err_info("cannot write bookmarks.toml"))),
        t0(),
    );
    let f = form(&app);
    assert!(!f.saving);
    assert!(f.error.as_deref().unwrap().starts_with("cannot write"));
    assert_eq!(f.fields[0], "dev");
    update(&mut app, key(KeyCode::Esc), t0());
    assert!(app.modal.is_none() && !app.quit);
}

#[test]
fn the_form_refuses_a_name_that_is_taken() {
    let mut app = app_with(vec![bm("dev"), bm("prod")]);
    update(&mut app, ctrl('e'), t0());
    update(&mut app, ctrl('u'), t0());
    typed(&mut app, "prod", t0());
    assert!(update(&mut app, key(KeyCode::Enter), t0()).is_empty());
    assert_eq!(
        form(&app).visible_error(0),
        Some("a bookmark named prod already exists")
    );
}

#[test]
fn delete_asks_first() {
    let mut app = app_with(vec![bm("dev"), bm("prod")]);
    update(&mut app, key(KeyCode::Down), t0());
    for cancel in [KeyCode::Char('n'), KeyCode::Esc] {
        update(&mut app, ctrl('d'), t0());
        assert_eq!(
            app.modal,
            Some(Modal::ConfirmDelete {
                name: "prod".into()
            })
        );
        assert!(update(&mut app, ch('x'), t0()).is_empty());
        assert!(update(&mut app, key(cancel), t0()).is_empty());
        assert!(app.modal.is_none());
    }
    for confirm in [KeyCode::Char('y'), KeyCode::Enter] {
        update(&mut app, ctrl('d'), t0());
        let fx = update(&mut app, key(confirm), t0());
        assert!(matches!(fx.as_slice(), [Effect::DeleteBookmark { name }] if name == "prod"));
    }
    update(&mut app, Msg::BookmarksChanged(Ok(vec![bm("dev")])), t0());
    assert_eq!(notice(&app), "deleted prod");
    assert_eq!(selected(&app), "dev");
    update(
        &mut app,
        Msg::BookmarksChanged(Err(err_info("locked"))),
        t0(),
    );
    assert!(matches!(app.modal, Some(Modal::Error(_))));
}

#[test]
fn a_reload_keeps_the_selection_on_the_same_bookmark() {
    let mut app = app_with(vec![bm("a"), bm("b"), bm("c")]);
    update(&mut app, key(KeyCode::End), t0());
    app.sessions.push(Session::new(
        bm("c"),
        assumed_until(t0() + Duration::from_secs(3600)),
        t0(),
    ));
    let mut c = bm("c");
    c.display = "Charlie".into();
    update(
        &mut app,
        Msg::BookmarksChanged(Ok(vec![bm("new"), bm("a"), c])),
        t0(),
    );
    assert_eq!(selected(&app), "c");
    assert_eq!(
        app.sessions[0].bookmark.display, "Charlie",
        "sessions follow edits"
    );
}

// ---- mouse, resize, other messages ----

#[test]
fn the_mouse_wheel_scrolls_and_a_click_selects_a_row() {
    let mut app = app_with((0..50).map(|i| bm(&format!("b{i}"))).collect());
    let at = |kind, column, row| {
        Msg::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    update(&mut app, at(MouseEventKind::ScrollDown, 5, 5), t0());
    update(&mut app, at(MouseEventKind::ScrollDown, 5, 5), t0());
    assert_eq!(app.selected, 2);
    update(&mut app, at(MouseEventKind::ScrollUp, 5, 5), t0());
    assert_eq!(app.selected, 1);
    let rows = layout::areas(app.size, 0).unwrap().list_rows();
    update(
        &mut app,
        at(
            MouseEventKind::Down(MouseButton::Left),
            rows.x + 3,
            rows.y + 4,
        ),
        t0(),
    );
    assert_eq!(app.selected, 4);
    // Outside the rows (the border, the header): nothing.
    update(
        &mut app,
        at(
            MouseEventKind::Down(MouseButton::Left),
            rows.x + 3,
            rows.y - 1,
        ),
        t0(),
    );
    update(
        &mut app,
        at(MouseEventKind::Down(MouseButton::Left), 0, 0),
        t0(),
    );
    assert_eq!(app.selected, 4);
    // With the list scrolled, the click maps through the offset.
    update(&mut app, key(KeyCode::End), t0());
    update(
        &mut app,
        at(MouseEventKind::Down(MouseButton::Left), rows.x + 3, rows.y),
        t0(),
    );
    assert_eq!(app.selected, app.list_offset);
    assert!(app.list_offset > 0);
}

#[test]
fn a_click_below_the_last_bookmark_does_nothing() {
    let mut app = app_with(vec![bm("a"), bm("b")]);
    let rows = layout::areas(app.size, 0).unwrap().list_rows();
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: rows.x + 1,
        row: rows.y + 5,
        modifiers: KeyModifiers::NONE,
    };
    update(&mut app, Msg::Mouse(click), t0());
    assert_eq!(app.selected, 0);
}

#[test]
fn a_click_on_a_session_focuses_it() {
    let mut app = with_sessions(vec![bm("a"), bm("b")]);
    app.focus = Focus::List;
    let rows = layout::areas(app.size, 2).unwrap().session_rows().unwrap();
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: rows.x + 1,
        row: rows.y + 1,
        modifiers: KeyModifiers::NONE,
    };
    update(&mut app, Msg::Mouse(click), t0());
    assert_eq!((app.focus, app.session_selected), (Focus::Sessions, 1));
}

#[test]
fn resize_changes_the_page_size_and_keeps_the_selection_visible() {
    let mut app = app_with((0..50).map(|i| bm(&format!("b{i}"))).collect());
    update(&mut app, key(KeyCode::PageDown), t0());
    update(&mut app, Msg::Resize(60, 12), t0());
    assert_eq!(app.size, (60, 12));
    let h = layout::list_height(app.size, 0);
    assert!(app.selected >= app.list_offset && app.selected < app.list_offset + h);
}

#[test]
fn subshell_exit_is_reported() {
    let mut app = app_with(vec![bm("a")]);
    update(&mut app, Msg::SubshellExited(Some(0)), t0());
    assert_eq!(notice(&app), "back from the subshell");
    update(&mut app, Msg::SubshellExited(Some(3)), t0());
    assert_eq!(notice(&app), "back from the subshell (exit status 3)");
}

#[test]
fn a_code_just_used_says_when_the_next_comes_and_late_asks_are_ignored() {
    let mut app = app_with(vec![mfa("prod"), bm("dev")]);
    // Nothing pending: an answer for a cancelled switch opens nothing.
    code_needed(&mut app, "prod", false, t0());
    assert!(app.modal.is_none());
    update(&mut app, key(KeyCode::Enter), t0());
    let need = CodeNeeded {
        bookmark: "prod".into(),
        serial: "arn:aws:iam::111111111111:mfa/alice".into(),
        wait: Some(Duration::from_secs(17)),
        for_mfa_session: false,
    };
    let msg = Msg::CodeNeeded {
        bookmark: "prod".into(),
        renew: false,
        need,
    };
    update(&mut app, msg, t0());
    match &app.modal {
        Some(Modal::Mfa { message, .. }) => assert_eq!(
            message.as_deref(),
            Some("that code was just used: the next one comes in 17 s")
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_switch_shows_its_limit_and_starts_when_sts_issued_it() {
    let mut app = app_with(vec![mfa("prod")]);
    update(&mut app, key(KeyCode::Enter), t0());
    let issued = t0() - Duration::from_secs(600);
    let mut s = switched(assumed_until(issued + Duration::from_secs(3600)), issued);
    s.limit = Some("1 h: role chaining limit".into());
    s.cached = true;
    update(
        &mut app,
        Msg::Assumed {
            bookmark: "prod".into(),
            renew: false,
            result: Ok(s),
        },
        t0(),
    );
    let session = &app.sessions[0];
    assert_eq!(session.obtained, issued, "a cached session keeps its start");
    assert_eq!(session.limit.as_deref(), Some("1 h: role chaining limit"));
    assert!(
        notice(&app).starts_with("switched to prod: 50:00 left (1 h: role chaining limit)"),
        "{}",
        notice(&app)
    );
}

#[test]
fn console_key_opens_the_console_for_the_selected_session() {
    let mut app = app_with(vec![bm("a"), bm("b")]);
    let now = t0();
    update(&mut app, key(KeyCode::Down), now);
    update(&mut app, key(KeyCode::Enter), now);
    // A session from an MFA session is chained: the effect says so, for the
    // federation endpoint's SessionDuration rule.
    let mut s = switched(assumed_until(now + Duration::from_secs(3600)), now);
    s.mode = crate::cache::Mode::MfaSession;
    update(
        &mut app,
        Msg::Assumed {
            bookmark: "b".into(),
            renew: false,
            result: Ok(s),
        },
        now,
    );
    assert_eq!(app.focus, Focus::Sessions);
    let fx = update(&mut app, ch('c'), now);
    assert!(
        matches!(fx.as_slice(), [Effect::OpenConsole { bookmark, chained: true, .. }] if bookmark.name == "b"),
        "{fx:?}"
    );
    assert!(
        notice(&app).contains("opening the console as b"),
        "{}",
        notice(&app)
    );
    // The runtime's answer is a notice; a failure is the error modal.
    update(
        &mut app,
        Msg::Done(Ok("opened the console as b".into())),
        now,
    );
    assert_eq!(notice(&app), "opened the console as b");
    update(
        &mut app,
        Msg::Done(Err(err_info("cannot open a browser"))),
        now,
    );
    assert!(
        matches!(app.modal, Some(Modal::Error(_))),
        "{:?}",
        app.modal
    );

    // Plain sessions are not chained; an expired one is refused.
    let mut app = with_sessions(vec![bm("a")]);
    let fx = update(&mut app, ch('c'), now);
    assert!(matches!(
        fx.as_slice(),
        [Effect::OpenConsole { chained: false, .. }]
    ));
    let fx = update(&mut app, ch('c'), now + Duration::from_secs(7200));
    assert!(fx.is_empty());
    assert!(notice(&app).contains("expired"), "{}", notice(&app));
}

#[test]
fn the_subshell_endpoint_renewing_updates_the_session_and_the_return_says_so() {
    let mut app = with_sessions(vec![bm("a"), bm("b")]);
    let now = t0() + Duration::from_secs(60);
    let before = app.sessions[1].expires();
    let later = now + Duration::from_secs(3000);
    let fx = update(
        &mut app,
        Msg::LiveRenewed {
            bookmark: "b".into(),
            switched: switched(assumed_until(later + Duration::from_secs(3600)), later),
        },
        later,
    );
    assert!(fx.is_empty(), "no STS call of the picker's own: {fx:?}");
    let s = &app.sessions[1];
    assert_eq!(s.obtained, later);
    assert!(s.expires() > before);
    // Its renewal is then due a whole session later, not now.
    assert!(!s.due(later, None));
    assert!(
        app.notice
            .as_ref()
            .unwrap()
            .0
            .starts_with("renewed b for the subshell: ")
    );
    // A bookmark the picker holds no session for is ignored.
    update(
        &mut app,
        Msg::LiveRenewed {
            bookmark: "zzz".into(),
            switched: switched(assumed_until(later), later),
        },
        later,
    );
    assert_eq!(app.sessions.len(), 2);
    update(&mut app, Msg::SubshellExited(Some(0)), later);
    assert_eq!(
        app.notice.as_ref().unwrap().0,
        "back from the subshell; its credentials were renewed once"
    );
    update(&mut app, Msg::SubshellExited(Some(1)), later);
    assert_eq!(
        app.notice.as_ref().unwrap().0,
        "back from the subshell (exit status 1)"
    );
}

#[test]
fn the_subshell_effect_carries_the_session_lifetime() {
    let mut app = with_sessions(vec![bm("a")]);
    let now = t0() + Duration::from_secs(60);
    let fx = update(&mut app, ch('s'), now);
    match fx.as_slice() {
        [
            Effect::Subshell {
                obtained, limit, ..
            },
        ] => {
            assert_eq!(*obtained, app.sessions[0].obtained);
            assert_eq!(limit, &app.sessions[0].limit);
        }
        other => panic!("{other:?}"),
    }
}

// ---- the region of a session's hand-overs (R) ----

fn shift(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT))
}

/// The region the effects of `fx` hand over in (one hand-over effect).
fn handover_region(fx: &[Effect]) -> Option<&str> {
    match fx {
        [Effect::Subshell { assumed, .. }]
        | [Effect::CopyExports { assumed, .. }]
        | [Effect::PrintExports { assumed, .. }]
        | [Effect::OpenConsole { assumed, .. }]
        | [Effect::WriteProfile { assumed, .. }] => assumed.region.as_deref(),
        other => panic!("not one hand-over: {other:?}"),
    }
}

fn region_modal(app: &App) -> (&str, &str, usize) {
    match &app.modal {
        Some(Modal::Region {
            bookmark,
            input,
            selected,
        }) => (bookmark.as_str(), input.as_str(), *selected),
        other => panic!("no region chooser: {other:?}"),
    }
}

/// R, type `filter`, Enter.
fn choose_region(app: &mut App, filter: &str, now: SystemTime) -> Vec<Effect> {
    let mut fx = update(app, shift('R'), now);
    fx.extend(typed(app, filter, now));
    fx.extend(update(app, key(KeyCode::Enter), now));
    fx
}

#[test]
fn region_key_without_a_session_says_to_assume_first() {
    let mut app = app_with(vec![bm("prod"), bm("dev")]);
    // On the list, R is a letter of the filter (smart case); Ctrl-R is the key.
    update(&mut app, shift('R'), t0());
    assert_eq!(app.filter, "R");
    update(&mut app, ctrl('u'), t0());
    let fx = update(&mut app, ctrl('r'), t0());
    assert!(fx.is_empty(), "{fx:?}");
    assert!(app.modal.is_none());
    assert_eq!(
        notice(&app),
        "assume prod first (Enter), then R sets its region"
    );
}

#[test]
fn region_key_opens_the_chooser_with_the_current_region_first() {
    let mut app = with_sessions(vec![bm("a"), bm("prod")]);
    update(&mut app, ch('j'), t0());
    let fx = update(&mut app, shift('R'), t0());
    assert!(fx.is_empty(), "no STS call: {fx:?}");
    assert_eq!(region_modal(&app), ("prod", "", 0));
    let rows = app.region_choices("prod", "");
    assert_eq!(
        (rows[0].code.as_str(), rows[0].current),
        ("eu-west-1", true)
    );
    assert!(rows.iter().skip(1).all(|c| !c.current));
    assert!(rows.iter().any(|c| c.code == "us-east-1"));
    assert!(
        rows.iter()
            .all(|c| !c.code.starts_with("cn-") && !c.code.starts_with("us-gov-")),
        "only the session's partition"
    );
    // Enter on the current region changes nothing.
    let fx = update(&mut app, key(KeyCode::Enter), t0());
    assert!(fx.is_empty() && app.modal.is_none());
    assert_eq!(notice(&app), "prod: hand-overs already use eu-west-1");
    assert!(app.sessions[1].region_override.is_none());
    // Ctrl-R on the list acts on the selected bookmark's session.
    app.focus = Focus::List;
    update(&mut app, ctrl('r'), t0());
    let name = selected(&app).to_owned();
    assert_eq!(region_modal(&app).0, name);
}

#[test]
fn a_chosen_region_goes_into_every_hand_over_without_a_new_session() {
    let mut app = with_sessions(vec![bm("prod")]);
    let now = t0() + Duration::from_secs(60);
    let key_before = app.sessions[0].assumed.creds.access_key_id.clone();
    let fx = choose_region(&mut app, "frank", now);
    assert!(fx.is_empty(), "no STS call: {fx:?}");
    assert!(app.modal.is_none());
    assert!(app.pending.is_none());
    assert_eq!(
        notice(&app),
        "prod: hand-overs now use eu-central-1 (no new session)"
    );
    let s = &app.sessions[0];
    assert_eq!(s.region(), Some("eu-central-1"));
    assert_eq!(s.assumed.region.as_deref(), Some("eu-west-1"), "as assumed");
    assert_eq!(
        s.assumed.creds.access_key_id, key_before,
        "same credentials"
    );
    for c in ['s', 'y', 'c'] {
        let fx = update(&mut app, ch(c), now);
        assert_eq!(handover_region(&fx), Some("eu-central-1"), "{c}");
    }
    let fx = update(&mut app, key(KeyCode::Enter), now);
    assert_eq!(handover_region(&fx), Some("eu-central-1"), "Enter");
    // The profile write (w, then the name).
    update(&mut app, ch('w'), now);
    let fx = update(&mut app, key(KeyCode::Enter), now);
    assert_eq!(handover_region(&fx), Some("eu-central-1"), "w");
    // Exports (e) quit with them.
    let fx = update(&mut app, ch('e'), now);
    match fx.as_slice() {
        [Effect::PrintExports { assumed, .. }] => {
            assert_eq!(assumed.region.as_deref(), Some("eu-central-1"));
            assert_eq!(assumed.creds.access_key_id, key_before);
        }
        other => panic!("{other:?}"),
    }
    assert!(app.quit);
}

#[test]
fn the_region_chooser_filters_moves_and_esc_cancels() {
    let mut app = with_sessions(vec![bm("prod")]);
    update(&mut app, shift('R'), t0());
    update(&mut app, key(KeyCode::Down), t0());
    update(&mut app, ctrl('n'), t0());
    assert_eq!(region_modal(&app).2, 2);
    update(&mut app, key(KeyCode::Up), t0());
    assert_eq!(region_modal(&app).2, 1);
    // Typing filters and selects the first row again.
    typed(&mut app, "eu-west", t0());
    assert_eq!(region_modal(&app), ("prod", "eu-west", 0));
    let codes: Vec<String> = app
        .region_choices("prod", "eu-west")
        .into_iter()
        .map(|c| c.code)
        .collect();
    assert_eq!(codes, ["eu-west-1", "eu-west-2", "eu-west-3"]);
    for _ in 0..5 {
        update(&mut app, key(KeyCode::Down), t0());
    }
    assert_eq!(region_modal(&app).2, 2, "stays on the last row");
    update(&mut app, key(KeyCode::Up), t0());
    update(&mut app, key(KeyCode::Backspace), t0());
    assert_eq!(region_modal(&app), ("prod", "eu-wes", 0));
    update(&mut app, ctrl('u'), t0());
    assert_eq!(region_modal(&app).1, "");
    // Esc closes; nothing changed.
    typed(&mut app, "tokyo", t0());
    app.notice = None;
    let fx = update(&mut app, key(KeyCode::Esc), t0());
    assert!(fx.is_empty() && app.modal.is_none() && !app.quit);
    assert_eq!(app.sessions[0].region(), Some("eu-west-1"));
    assert_eq!(notice(&app), "");
    // Down then Enter picks the row under the selection.
    update(&mut app, shift('R'), t0());
    typed(&mut app, "eu-west", t0());
    update(&mut app, key(KeyCode::Down), t0());
    update(&mut app, key(KeyCode::Enter), t0());
    assert_eq!(app.sessions[0].region(), Some("eu-west-2"));
}

#[test]
fn a_region_of_another_partition_is_refused() {
    let mut app = with_sessions(vec![bm("prod")]);
    for other in ["cn-north-1", "us-gov-west-1"] {
        app.notice = None;
        let fx = choose_region(&mut app, other, t0());
        assert!(fx.is_empty());
        assert!(
            notice(&app).contains("credentials are for partition aws")
                && notice(&app).contains(&format!("{other} is in aws-")),
            "{}",
            notice(&app)
        );
        // The chooser stays open with what was typed, to correct it.
        assert_eq!(region_modal(&app), ("prod", other, 0));
        assert_eq!(app.sessions[0].region(), Some("eu-west-1"));
        update(&mut app, key(KeyCode::Esc), t0());
    }
    // Text that is no region picks nothing.
    choose_region(&mut app, "zzz", t0());
    assert_eq!(region_modal(&app).1, "zzz");
    update(&mut app, key(KeyCode::Esc), t0());
    // A region of the same partition missing from the list can be typed in full.
    choose_region(&mut app, "ap-southeast-7", t0());
    assert!(app.modal.is_none());
    assert_eq!(app.sessions[0].region(), Some("ap-southeast-7"));
}

#[test]
fn a_china_session_is_offered_china_regions_only() {
    let mut app = with_sessions(vec![bm("cn")]);
    let s = &mut app.sessions[0];
    s.assumed.region = Some("cn-north-1".into());
    s.assumed.creds.assumed_role_arn =
        Some("arn:aws-cn:sts::210987654321:assumed-role/Admin/alice".into());
    let codes: Vec<String> = app
        .region_choices("cn", "")
        .into_iter()
        .map(|c| c.code)
        .collect();
    assert_eq!(codes, ["cn-north-1", "cn-northwest-1"]);
    choose_region(&mut app, "eu-west-1", t0());
    assert!(
        notice(&app).contains("partition aws-cn; eu-west-1 is in aws"),
        "{}",
        notice(&app)
    );
    update(&mut app, key(KeyCode::Esc), t0());
    choose_region(&mut app, "ningxia", t0());
    assert_eq!(app.sessions[0].region(), Some("cn-northwest-1"));
}

#[test]
fn a_chosen_region_outlives_renewals_and_the_original_one_clears_it() {
    let mut app = with_sessions(vec![bm("prod")]);
    let now = t0() + Duration::from_secs(60);
    choose_region(&mut app, "tokyo", now);
    assert_eq!(app.sessions[0].region(), Some("ap-northeast-1"));
    // Renewed now (r), by the picker: a new session, the same region.
    let fx = update(&mut app, ch('r'), now);
    assert!(matches!(
        fx.as_slice(),
        [Effect::Assume { renew: true, .. }]
    ));
    assume_ok(&mut app, "prod", true, now);
    assert_eq!(app.sessions[0].obtained, now, "renewed");
    assert_eq!(app.sessions[0].region(), Some("ap-northeast-1"));
    let fx = update(&mut app, ch('s'), now);
    assert_eq!(handover_region(&fx), Some("ap-northeast-1"));
    // Renewed by a subshell's endpoint.
    let later = now + Duration::from_secs(600);
    update(
        &mut app,
        Msg::LiveRenewed {
            bookmark: "prod".into(),
            switched: switched(assumed_until(later + Duration::from_secs(3600)), later),
        },
        later,
    );
    assert_eq!(app.sessions[0].region(), Some("ap-northeast-1"));
    // Back to the region it was assumed in: no override is left.
    choose_region(&mut app, "eu-west-1", later);
    assert_eq!(app.sessions[0].region(), Some("eu-west-1"));
    assert!(app.sessions[0].region_override.is_none());
    assert_eq!(
        notice(&app),
        "prod: hand-overs now use eu-west-1 (no new session)"
    );
}
