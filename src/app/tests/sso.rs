//! `Ctrl-S`: an IAM Identity Center sync from the picker.

use super::*;

fn with_instance(bookmarks: Vec<Bookmark>) -> App {
    let mut app = app_with(bookmarks);
    app.sso_instances = vec!["corp".into()];
    app
}

#[test]
fn ctrl_s_starts_one_sync_and_the_list_stays_usable() {
    let mut app = with_instance(vec![bm("dev"), bm("prod")]);
    let fx = update(&mut app, ctrl('s'), t0());
    assert!(
        matches!(&fx[..], [Effect::SyncSso { instances }] if instances == &["corp"]),
        "{fx:?}"
    );
    assert_eq!(app.sso_sync.as_ref().map(|(i, _)| i.as_str()), Some("corp"));
    // A second Ctrl-S while it runs starts nothing.
    assert!(update(&mut app, ctrl('s'), t0()).is_empty());
    assert_eq!(notice(&app), "corp's roles are being listed already");
    // Typing still filters meanwhile.
    typed(&mut app, "pro", t0());
    assert_eq!(names(&app), ["prod"]);
}

#[test]
fn progress_then_the_summary_and_errors_are_shown() {
    let mut app = with_instance(vec![]);
    update(&mut app, ctrl('s'), t0());
    let p = SyncProgress {
        accounts: 1000,
        accounts_done: 340,
        roles: 900,
    };
    update(
        &mut app,
        Msg::SsoSync {
            instance: "corp".into(),
            step: SyncStep::Progress(p),
        },
        t0(),
    );
    assert_eq!(app.sso_sync, Some(("corp".into(), p)));
    update(
        &mut app,
        Msg::SsoSync {
            instance: "corp".into(),
            step: SyncStep::Done(Ok("sso corp: imported 3".into())),
        },
        t0(),
    );
    assert_eq!(app.sso_sync, None);
    assert_eq!(notice(&app), "sso corp: imported 3");

    // A failed sync (the session ended) is the error modal, and Ctrl-S
    // can start again.
    update(&mut app, ctrl('s'), t0());
    update(
        &mut app,
        Msg::SsoSync {
            instance: "corp".into(),
            step: SyncStep::Done(Err(err_info(
                "corp's IAM Identity Center session has ended",
            ))),
        },
        t0(),
    );
    assert!(matches!(&app.modal, Some(Modal::Error(e)) if e.message.contains("has ended")));
    assert_eq!(app.sso_sync, None);
}

#[test]
fn ctrl_s_without_an_instance_says_how_to_add_one() {
    let mut app = app_with(vec![bm("dev")]);
    assert!(update(&mut app, ctrl('s'), t0()).is_empty());
    assert!(
        notice(&app).starts_with("no IAM Identity Center instance: rolehop sso add"),
        "{}",
        notice(&app)
    );
    assert_eq!(app.sso_sync, None);
}
