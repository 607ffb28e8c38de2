//! Start-up, filtering, list keys.

use super::*;

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
