//! `Ctrl-S`: an IAM Identity Center sync from the picker. The runtime lists
//! the portal in a task (paced, as `rolehop sso sync`) while the list stays
//! usable; progress shows on the status line, the new bookmarks arrive as
//! a reload.

use std::time::SystemTime;

use super::{notice, show_error};
use crate::app::{App, Effect, SyncProgress, SyncStep};

pub(super) fn start(app: &mut App, now: SystemTime, fx: &mut Vec<Effect>) {
    if app.sso_instances.is_empty() {
        return notice(
            app,
            "no IAM Identity Center instance: rolehop sso add NAME --start-url URL --region REGION",
            now,
        );
    }
    if let Some((inst, _)) = &app.sso_sync {
        let text = format!("{inst}'s roles are being listed already");
        return notice(app, text, now);
    }
    let first = app.sso_instances[0].clone();
    app.sso_sync = Some((first, SyncProgress::default()));
    fx.push(Effect::SyncSso {
        instances: app.sso_instances.clone(),
    });
}

pub(super) fn synced(app: &mut App, instance: String, step: SyncStep, now: SystemTime) {
    match step {
        SyncStep::Progress(p) => app.sso_sync = Some((instance, p)),
        SyncStep::Done(result) => {
            app.sso_sync = None;
            match result {
                Ok(summary) => notice(app, summary, now),
                Err(e) => show_error(app, e, now),
            }
        }
    }
}
