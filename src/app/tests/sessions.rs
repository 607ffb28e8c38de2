//! Sessions pane.

use super::*;

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
        Some(Modal::Mfa(MfaPrompt {
            purpose: MfaPurpose::Renew,
            ..
        }))
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
    // A session the picker made goes at once, from the shared cache too.
    let fx = update(&mut app, ch('x'), t0());
    assert!(
        matches!(fx.as_slice(), [Effect::ForgetCached { bookmark }] if bookmark == "a"),
        "{fx:?}"
    );
    assert!(app.modal.is_none());
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
    assert!(matches!(
        fx.as_slice(),
        [Effect::CancelAssume, Effect::ForgetCached { .. }]
    ));
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
