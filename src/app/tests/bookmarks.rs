//! Bookmarks: form, delete, reload.

use super::*;

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
