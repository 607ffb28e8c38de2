//! The region of a session's hand-overs (R).

use super::*;

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
