//! Sessions from the session cache every rolehop shares: listing the ones
//! other rolehops made (and who serves them live), and forgetting one.

use super::*;
use crate::app::session::{Origin, ServedBy};
use crate::serve::registry::Serving;

/// The cache was read: its valid sessions join the pane (the picker's own
/// stay as they are: it holds and renews them), the ones it no longer has
/// leave, and every row gets who serves it live.
pub(super) fn cache_seen(
    app: &mut App,
    sessions: Vec<(String, Switched)>,
    serving: Vec<Serving>,
    now: SystemTime,
) {
    let keep = app.selected_session().map(|s| s.bookmark.name.clone());
    // Forgotten elsewhere (`rolehop logout`), or made for other inputs now.
    app.sessions.retain(|s| {
        s.origin == Origin::Picker || sessions.iter().any(|(n, _)| *n == s.bookmark.name)
    });
    for (name, switched) in sessions {
        let Some(b) = app.bookmarks.iter().find(|b| b.name == name) else {
            continue;
        };
        if switched.assumed.creds.remaining(now).is_zero() {
            continue;
        }
        match app.sessions.iter_mut().find(|s| s.bookmark.name == name) {
            // The picker's own copy, or one it is renewing: its answer replaces it.
            Some(s) if s.origin == Origin::Picker || s.renewing => {}
            // Renewed by whoever made it: the newer one, in the region chosen with R.
            Some(s) => {
                let region = s.region_override.take();
                *s = Session::from_switched(b.clone(), switched, Origin::Cache);
                s.region_override = region;
            }
            None => {
                let s = Session::from_switched(b.clone(), switched, Origin::Cache);
                app.sessions.push(s);
            }
        }
    }
    for s in &mut app.sessions {
        s.served_by = serving
            .iter()
            .filter(|r| r.bookmarks.iter().any(|n| *n == s.bookmark.name))
            .map(|r| ServedBy {
                by: r.by,
                pid: r.pid,
            })
            .collect();
    }
    if let Some(name) = keep
        && let Some(i) = app.sessions.iter().position(|s| s.bookmark.name == name)
    {
        app.session_selected = i;
    }
}

/// Cached sessions that expired with nobody renewing them leave the pane.
pub(super) fn drop_expired(app: &mut App, now: SystemTime) {
    let keep = app.selected_session().map(|s| s.bookmark.name.clone());
    app.sessions
        .retain(|s| s.origin == Origin::Picker || s.renewing || !s.is_expired(now));
    if let Some(name) = keep
        && let Some(i) = app.sessions.iter().position(|s| s.bookmark.name == name)
    {
        app.session_selected = i;
    }
}

/// `x`: forget the selected session, here and in the shared cache. One the
/// picker made goes at once; one it did not make asks first (the modal says
/// what other terminals lose).
pub(super) fn forget_session(app: &mut App, now: SystemTime, fx: &mut Vec<Effect>) {
    let Some(s) = app.selected_session() else {
        return;
    };
    let name = s.bookmark.name.to_string();
    if !s.made_here {
        app.modal = Some(Modal::ConfirmForget { bookmark: name });
        return;
    }
    forget(app, &name, fx);
    notice(app, format!("forgot the session for {name}"), now);
}

/// The forget modal was confirmed.
pub(super) fn forget_confirmed(app: &mut App, name: &str, now: SystemTime, fx: &mut Vec<Effect>) {
    if app.session_for(name).is_none() {
        return notice(app, format!("no session for {name} any more"), now);
    }
    forget(app, name, fx);
    notice(
        app,
        format!("forgot {name}'s session (removed from the session cache)"),
        now,
    );
}

/// Drop `name`'s row (and its renewal in flight) and its cache entry.
fn forget(app: &mut App, name: &str, fx: &mut Vec<Effect>) {
    app.sessions.retain(|s| s.bookmark.name != name);
    if app
        .pending
        .as_ref()
        .is_some_and(|p| p.renew && p.bookmark == name)
    {
        app.pending = None;
        fx.push(Effect::CancelAssume);
    }
    fx.push(Effect::ForgetCached {
        bookmark: name.to_owned(),
    });
}
