//! Keys on the bookmark list: filter, move, assume, add / edit / delete.

use super::*;

pub(super) fn list_key(app: &mut App, k: KeyEvent, now: SystemTime, fx: &mut Vec<Effect>) {
    let page = layout::list_height(app.size, app.sessions.len()) as isize;
    match k.code {
        KeyCode::F(1) => app.modal = Some(Modal::Help),
        KeyCode::Char('?') if plain(&k) => app.modal = Some(Modal::Help),
        KeyCode::Char(c) if plain(&k) => edit_filter(app, |f| f.push(c)),
        KeyCode::Backspace => edit_filter(app, |f| {
            f.pop();
        }),
        // Some terminals send Ctrl-H for Backspace.
        KeyCode::Char('h') if ctrl(&k, 'h') => edit_filter(app, |f| {
            f.pop();
        }),
        KeyCode::Char('u') if ctrl(&k, 'u') => edit_filter(app, String::clear),
        KeyCode::Char('w') if ctrl(&k, 'w') => edit_filter(app, delete_word),
        KeyCode::Up => move_list(app, -1),
        KeyCode::Char('p') if ctrl(&k, 'p') => move_list(app, -1),
        KeyCode::Down => move_list(app, 1),
        KeyCode::Char('n') if ctrl(&k, 'n') => move_list(app, 1),
        KeyCode::PageUp => move_list(app, -page),
        KeyCode::PageDown => move_list(app, page),
        KeyCode::Home => app.selected = 0,
        KeyCode::End => app.selected = app.matches.len().saturating_sub(1),
        KeyCode::Enter => enter(app, now, fx),
        KeyCode::Tab if !app.sessions.is_empty() => app.focus = Focus::Sessions,
        KeyCode::Char('a') if ctrl(&k, 'a') => app.modal = Some(Modal::Form(Form::new_add())),
        // `R` is a letter here (typing filters, smart case): Ctrl-R instead.
        KeyCode::Char('r') if ctrl(&k, 'r') => {
            if let Some(name) = app.selected_bookmark().map(|b| b.name.clone()) {
                open_region(app, &name, now);
            }
        }
        KeyCode::Char('e') if ctrl(&k, 'e') => {
            if let Some(b) = app.selected_bookmark() {
                app.modal = Some(Modal::Form(Form::edit(b)));
            }
        }
        KeyCode::Char('d') if ctrl(&k, 'd') => {
            if let Some(b) = app.selected_bookmark() {
                app.modal = Some(Modal::ConfirmDelete {
                    name: b.name.clone(),
                });
            }
        }
        KeyCode::Esc if !app.filter.is_empty() => edit_filter(app, String::clear),
        KeyCode::Esc => quit(app, fx),
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
