//! Renewal on ticks.

use super::*;

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
        matches!(&app.modal, Some(Modal::Mfa(MfaPrompt { purpose: MfaPurpose::Renew, bookmark, .. })) if bookmark == "prod")
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
