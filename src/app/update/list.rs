//! Keys on the bookmark list: filter, move, assume, add / edit / delete.

use super::*;

pub(super) fn list_key(
    app: &mut App,
    action: Action,
    k: KeyEvent,
    now: SystemTime,
    fx: &mut Vec<Effect>,
) {
    let page = layout::list_height(app.size, app.sessions.len()) as isize;
    match action {
        Action::Help => app.modal = Some(Modal::Help),
        Action::Type => {
            if let Some(c) = typed(&k) {
                edit_filter(app, |f| f.push(c));
            }
        }
        Action::DeleteChar => edit_filter(app, |f| {
            f.pop();
        }),
        Action::Clear => edit_filter(app, String::clear),
        Action::DeleteWord => edit_filter(app, delete_word),
        Action::Up => move_list(app, -1),
        Action::Down => move_list(app, 1),
        Action::PageUp => move_list(app, -page),
        Action::PageDown => move_list(app, page),
        Action::First => app.selected = 0,
        Action::Last => app.selected = app.matches.len().saturating_sub(1),
        Action::Confirm => enter(app, now, fx),
        Action::FocusSessions if !app.sessions.is_empty() => app.focus = Focus::Sessions,
        Action::Add => app.modal = Some(Modal::Form(Form::new_add())),
        Action::SyncSso => super::sso::start(app, now, fx),
        // `R` is a letter here (typing filters, smart case): Ctrl-R instead.
        Action::Region => {
            if let Some(name) = app.selected_bookmark().map(|b| b.name.clone()) {
                open_region(app, &name, now);
            }
        }
        Action::Edit => {
            if let Some(b) = app.selected_bookmark() {
                app.modal = Some(Modal::Form(Form::edit(b)));
            }
        }
        Action::Delete => {
            if let Some(b) = app.selected_bookmark() {
                app.modal = Some(Modal::ConfirmDelete {
                    name: b.name.to_string(),
                });
            }
        }
        Action::Back if !app.filter.is_empty() => edit_filter(app, String::clear),
        Action::Back => quit(app, fx),
        _ => {}
    }
}

/// Readline's unix-word-rubout: trailing spaces, then the word before them.
pub(super) fn delete_word(s: &mut String) {
    let trimmed = s.trim_end_matches(' ').len();
    s.truncate(trimmed);
    let cut = s.rfind(' ').map_or(0, |i| i + 1);
    s.truncate(cut);
}

pub(super) fn move_list(app: &mut App, by: isize) {
    let last = app.matches.len().saturating_sub(1);
    app.selected = app.selected.saturating_add_signed(by).min(last);
}

/// Enter on the list: switch to the selected bookmark. Whether a code is
/// needed depends on the session cache, so the runtime finds out and answers
/// `Msg::CodeNeeded` when it is.
pub(super) fn enter(app: &mut App, now: SystemTime, fx: &mut Vec<Effect>) {
    let Some(b) = app.selected_bookmark().cloned() else {
        return;
    };
    if let Some(p) = &app.pending {
        let text = format!("switching to {} is in progress (Esc cancels)", p.bookmark);
        return notice(app, text, now);
    }
    begin(app, b, None, false, now, fx);
}
