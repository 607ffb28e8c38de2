//! Keys on the sessions pane: the hand-overs, renew, forget.

use super::*;

pub(super) fn sessions_key(
    app: &mut App,
    action: Action,
    k: KeyEvent,
    now: SystemTime,
    fx: &mut Vec<Effect>,
) {
    match action {
        Action::Up => move_sessions(app, -1),
        Action::Down => move_sessions(app, 1),
        Action::Subshell => {
            if let Some(s) = handover_session(app, now) {
                fx.push(Effect::Subshell {
                    assumed: s.handover(),
                    bookmark: s.bookmark,
                    obtained: s.obtained,
                    limit: s.limit,
                });
            }
        }
        Action::WriteProfile => {
            if let Some(s) = handover_session(app, now) {
                app.modal = Some(Modal::ProfileName {
                    input: s.bookmark.name.to_string(),
                    bookmark: s.bookmark.name.to_string(),
                });
            }
        }
        Action::PrintExports => {
            if let Some(s) = handover_session(app, now) {
                app.quit = true;
                fx.push(Effect::PrintExports {
                    assumed: s.handover(),
                    bookmark: s.bookmark,
                });
            }
        }
        Action::CopyExports => {
            if let Some(s) = handover_session(app, now) {
                fx.push(Effect::CopyExports {
                    assumed: s.handover(),
                    bookmark: s.bookmark,
                });
            }
        }
        Action::Console => {
            if let Some(s) = handover_session(app, now) {
                notice(
                    app,
                    format!("opening the console as {}…", s.bookmark.name),
                    now,
                );
                fx.push(Effect::OpenConsole {
                    assumed: s.handover(),
                    bookmark: s.bookmark,
                    chained: s.chained,
                });
            }
        }
        Action::Renew => {
            if let Some(p) = &app.pending {
                let text = format!("switching to {} is in progress (Esc cancels)", p.bookmark);
                notice(app, text, now);
            } else {
                renew(app, app.session_selected, now, fx);
            }
        }
        Action::AutoRenew => {
            app.options.auto_renew = !app.options.auto_renew;
            let text = if app.options.auto_renew {
                "auto-renew on: sessions renew before they expire"
            } else {
                "auto-renew off: sessions will expire"
            };
            notice(app, text, now);
        }
        Action::Forget => forget_session(app, now, fx),
        Action::Region => {
            if let Some(name) = app.selected_session().map(|s| s.bookmark.name.clone()) {
                open_region(app, &name, now);
            }
        }
        Action::FocusList => app.focus = Focus::List,
        Action::Help => app.modal = Some(Modal::Help),
        // Anything else typed goes to the filter: typing always filters.
        Action::Type => {
            if let Some(c) = typed(&k) {
                app.focus = Focus::List;
                edit_filter(app, |f| f.push(c));
            }
        }
        _ => {}
    }
}

pub(super) fn move_sessions(app: &mut App, by: isize) {
    let last = app.sessions.len().saturating_sub(1);
    app.session_selected = app.session_selected.saturating_add_signed(by).min(last);
}

/// The selected session if it may be handed over; an expired one is refused
/// with a notice (never hand over dead credentials).
pub(super) fn handover_session(app: &mut App, now: SystemTime) -> Option<Session> {
    let s = app.selected_session()?.clone();
    if s.is_expired(now) {
        notice(
            app,
            format!("{} expired: press r to renew", s.bookmark.name),
            now,
        );
        return None;
    }
    Some(s)
}

/// Renew session `i` now; the runtime answers `Msg::CodeNeeded` if that
/// takes a code (no MFA session left to renew it from).
pub(super) fn renew(app: &mut App, i: usize, now: SystemTime, fx: &mut Vec<Effect>) {
    let Some(s) = app.sessions.get(i) else { return };
    let name = s.bookmark.name.clone();
    let Some(b) = current_bookmark(app, &name) else {
        return;
    };
    begin(app, b, None, true, now, fx);
}
