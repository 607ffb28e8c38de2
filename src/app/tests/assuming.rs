//! Assuming.

use super::*;

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
        Some(Modal::Mfa(MfaPrompt {
            input,
            message,
            bookmark,
            serial,
            purpose,
            next_code_at,
        })) => {
            assert_eq!((bookmark.as_str(), *purpose), ("prod", MfaPurpose::Assume));
            assert_eq!(*next_code_at, None, "no code was used in this step");
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
