//! What the runtime reports back: STS answers, codes needed, ticks, bookmark reloads.

use super::*;
use crate::app::session::Origin;

/// A subshell's endpoint renewed a session: the list shows the new one, so
/// the picker's own auto-renew does not renew it a second time.
pub(super) fn live_renewed(app: &mut App, name: &str, switched: Switched, now: SystemTime) {
    let Some(i) = app.sessions.iter().position(|s| s.bookmark.name == name) else {
        return;
    };
    let s = &mut app.sessions[i];
    s.assumed.creds = switched.assumed.creds;
    s.obtained = switched.obtained;
    s.limit = switched.limit;
    s.retry_after = None;
    // Its endpoint renewed it: the picker holds it now.
    s.origin = Origin::Picker;
    s.made_here = true;
    app.subshell_renewals += 1;
    let left = crate::text::countdown(s.remaining(now));
    notice(
        app,
        format!("renewed {name} for the subshell: {left} left"),
        now,
    );
}

/// The switch in flight needs a one-time code: ask for it, naming the device.
pub(super) fn code_needed(
    app: &mut App,
    name: &str,
    renew: bool,
    need: CodeNeeded,
    now: SystemTime,
) {
    if !take_pending(app, name, renew) {
        return;
    }
    if app.modal.is_some() {
        // Never replace a modal the user is in: an automatic renewal asks later.
        backoff(app, name, now + RETRY_AFTER_CANCEL);
        return notice(
            app,
            format!("{name} needs an MFA code to renew; asking again in a minute"),
            now,
        );
    }
    let purpose = if renew {
        MfaPurpose::Renew
    } else {
        MfaPurpose::Assume
    };
    app.modal = Some(Modal::Mfa(MfaPrompt {
        bookmark: name.to_owned(),
        serial: need.serial,
        input: String::new(),
        purpose,
        message: None,
        next_code_at: need.wait.map(|w| now + w),
    }));
    if renew {
        let left = app
            .session_for(name)
            .map(|s| s.remaining(now))
            .unwrap_or_default();
        if let Some(s) = app.sessions.iter_mut().find(|s| s.bookmark.name == name) {
            s.renewing = true;
        }
        let text = if left.is_zero() {
            format!("{name} expired: enter an MFA code to renew")
        } else {
            format!(
                "{name} expires in {}: enter an MFA code to renew",
                crate::text::countdown(left)
            )
        };
        notice(app, text, now);
    } else if need.for_mfa_session {
        notice(
            app,
            "one code starts an MFA session that serves every role on this device".to_owned(),
            now,
        );
    }
}

pub(super) fn assumed(
    app: &mut App,
    name: &str,
    renew: bool,
    result: Result<Switched, ErrorInfo>,
    now: SystemTime,
    fx: &mut Vec<Effect>,
) {
    if !take_pending(app, name, renew) {
        return;
    }
    let switched = match result {
        Ok(s) => s,
        Err(e) => {
            if renew {
                backoff(app, name, now + RETRY_AFTER_ERROR);
                notice(
                    app,
                    format!("renewing {name} failed; retrying in 30 s"),
                    now,
                );
            }
            return show_error(app, e, now);
        }
    };
    let Some(bookmark) = current_bookmark(app, name) else {
        return notice(app, format!("bookmark {name} no longer exists"), now);
    };
    if app.options.pick && !renew {
        fx.push(Effect::RecordUse {
            name: name.to_owned(),
        });
        app.quit = true;
        fx.push(Effect::PrintExports {
            bookmark,
            assumed: switched.assumed,
        });
        return;
    }
    let cached = switched.cached;
    let mut fresh = Session::from_switched(bookmark, switched, Origin::Picker);
    // A region chosen with R stays the hand-overs' region across renewals,
    // and who else serves it is known until the cache is read again.
    if let Some(old) = app.session_for(name) {
        fresh.region_override = old.region_override.clone();
        fresh.served_by = old.served_by.clone();
    }
    let left = crate::text::countdown(fresh.remaining(now));
    let clamp = crate::engine::window::clamped(fresh.lifetime(), app.options.refresh_window)
        .filter(|_| !std::mem::replace(&mut app.window_noted, true));
    let how = match (&fresh.limit, cached) {
        (Some(limit), _) => format!(" ({limit})"),
        (None, true) => " (from the cache)".to_owned(),
        (None, false) => String::new(),
    };
    let i = match app.sessions.iter().position(|s| s.bookmark.name == name) {
        Some(i) => {
            app.sessions[i] = fresh;
            i
        }
        None => {
            app.sessions.push(fresh);
            app.sessions.len() - 1
        }
    };
    // Said once: the configured window covers this session.
    let how = match clamp {
        Some(w) => format!(
            "{how}; refresh_window is as long as the session, renewing {} s before expiry",
            w.as_secs()
        ),
        None => how,
    };
    if renew {
        notice(app, format!("renewed {name}: {left} left{how}"), now);
        return;
    }
    app.session_selected = i;
    app.focus = Focus::Sessions;
    fx.push(Effect::RecordUse {
        name: name.to_owned(),
    });
    // Keep `recent` as the history file will: the list order follows at once.
    let keep = app.selected_bookmark().map(|b| b.name.to_string());
    app.recent.retain(|r| r != name);
    app.recent.insert(0, name.to_owned());
    app.recent.truncate(RECENT_MAX);
    refilter_keep(app, keep);
    notice(
        app,
        format!("switched to {name}: {left} left{how} · s shell · w write · e exports"),
        now,
    );
}

pub(super) fn tick(app: &mut App, now: SystemTime, fx: &mut Vec<Effect>) {
    if app.notice.is_some() && app.live_notice(now).is_none() {
        app.notice = None;
    }
    super::cached::drop_expired(app, now);
    // One call at a time: a due renewal waits for the call in flight.
    if !app.options.auto_renew || app.pending.is_some() {
        return;
    }
    let window = app.options.refresh_window;
    // Sessions from the cache are renewed by whoever made them, or on `r`.
    let Some(i) = app
        .sessions
        .iter()
        .position(|s| s.origin == Origin::Picker && s.due(now, window))
    else {
        return;
    };
    renew(app, i, now, fx);
}

pub(super) fn bookmarks_changed(
    app: &mut App,
    r: Result<Vec<Bookmark>, ErrorInfo>,
    now: SystemTime,
) {
    let saving = match &mut app.modal {
        Some(Modal::Form(f)) if f.saving => Some(f),
        _ => None,
    };
    let list = match r {
        Ok(list) => list,
        Err(e) => {
            if let Some(f) = saving {
                // Keep the form and what was typed; say why it was not saved.
                f.saving = false;
                f.error = Some(match &e.hint {
                    Some(h) => format!("{} ({h})", e.message),
                    None => e.message.clone(),
                });
            } else {
                show_error(app, e, now);
            }
            return;
        }
    };
    let saved = saving.map(|f| {
        f.fields[Form::index_of(rolehop_files::bookmarks::Field::Name)]
            .trim()
            .to_owned()
    });
    if saved.is_some() {
        app.modal = None;
    }
    let removed = app
        .bookmarks
        .iter()
        .find(|b| !list.iter().any(|n| n.name == b.name))
        .map(|b| b.name.clone());
    let keep = saved
        .clone()
        .or_else(|| app.selected_bookmark().map(|b| b.name.to_string()));
    // Sessions follow edits of their bookmark (color, display name, MFA serial).
    for s in &mut app.sessions {
        if let Some(b) = list.iter().find(|b| b.name == s.bookmark.name) {
            s.bookmark = b.clone();
        }
    }
    app.bookmarks = std::sync::Arc::new(list);
    app.filter_index = filter::FilterIndex::new(&app.bookmarks);
    refilter_keep(app, keep);
    let text = match (saved, removed) {
        (Some(name), _) => format!("saved {name}"),
        (None, Some(name)) => format!("deleted {name}"),
        (None, None) => "bookmarks reloaded".to_string(),
    };
    notice(app, text, now);
}
