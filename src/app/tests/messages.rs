//! Mouse, resize, other messages.

use super::*;

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
    assert_eq!(
        mfa_note(&app, t0()).as_deref(),
        Some("that code was just used: the next one comes in 17 s")
    );
}

fn mfa_note(app: &App, now: SystemTime) -> Option<String> {
    match &app.modal {
        Some(Modal::Mfa(m)) => m.note(now),
        other => panic!("{other:?}"),
    }
}

/// The wait for the device's next code counts down each second, rounded up,
/// and ends when the code shows; the picker ticks for it, and then stops.
#[test]
fn the_wait_for_the_next_code_counts_down_and_ends() {
    let mut app = app_with(vec![mfa("prod")]);
    // No spinner: the only thing on screen that changes with time is the wait.
    app.identity = IdentityState::Known("arn:aws:iam::111111111111:user/alice".into());
    update(&mut app, key(KeyCode::Enter), t0());
    let need = CodeNeeded {
        bookmark: "prod".into(),
        serial: "arn:aws:iam::111111111111:mfa/alice".into(),
        wait: Some(Duration::from_secs(12)),
        for_mfa_session: false,
    };
    update(
        &mut app,
        Msg::CodeNeeded {
            bookmark: "prod".into(),
            renew: false,
            need,
        },
        t0(),
    );
    let at = |ms| t0() + Duration::from_millis(ms);
    let says = |n: u64| format!("that code was just used: the next one comes in {n} s");
    for (ms, left) in [
        (0, 12),
        (400, 12),
        (1_000, 11),
        (6_500, 6),
        (11_000, 1),
        (11_999, 1),
    ] {
        update(&mut app, Msg::Tick, at(ms));
        assert_eq!(mfa_note(&app, at(ms)), Some(says(left)), "at {ms} ms");
        assert_eq!(app.tick_interval(at(ms)), Some(Duration::from_secs(1)));
    }
    // Typing does not hide the wait; a refused Enter says why, then the wait again.
    update(&mut app, ch('1'), at(11_000));
    assert_eq!(mfa_note(&app, at(11_000)), Some(says(1)));
    update(&mut app, key(KeyCode::Enter), at(11_000));
    assert_eq!(
        mfa_note(&app, at(11_000)).as_deref(),
        Some("enter all 6 digits")
    );
    update(&mut app, key(KeyCode::Backspace), at(11_000));
    for ms in [12_000, 30_000] {
        update(&mut app, Msg::Tick, at(ms));
        assert_eq!(
            mfa_note(&app, at(ms)).as_deref(),
            Some("your device shows the next code now")
        );
        assert_eq!(app.tick_interval(at(ms)), None, "nothing left to count");
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
