//! Keys in the modals: the MFA code, errors, help, delete, profile name, the form.

use super::*;

/// Keys while a modal is open; returns the modal to keep (None closes it).
pub(super) fn modal_key(
    app: &mut App,
    modal: Modal,
    k: KeyEvent,
    now: SystemTime,
    fx: &mut Vec<Effect>,
) -> Option<Modal> {
    match modal {
        Modal::Mfa {
            bookmark,
            serial,
            mut input,
            purpose,
            mut message,
        } => {
            match k.code {
                KeyCode::Esc => {
                    if purpose == MfaPurpose::Renew {
                        backoff(app, &bookmark, now + RETRY_AFTER_CANCEL);
                        notice(
                            app,
                            format!("renewal of {bookmark} postponed for a minute"),
                            now,
                        );
                    }
                    return None;
                }
                KeyCode::Enter if input.len() == 6 => {
                    return submit_mfa(app, bookmark, serial, input, purpose, now, fx);
                }
                KeyCode::Enter => message = Some("enter all 6 digits".into()),
                KeyCode::Backspace => {
                    input.pop();
                    message = None;
                }
                KeyCode::Char(c) if plain(&k) && c.is_ascii_digit() => {
                    if input.len() < 6 {
                        input.push(c);
                    }
                    message = None;
                }
                KeyCode::Char(_) if plain(&k) => message = Some("digits only".into()),
                _ => {}
            }
            Some(Modal::Mfa {
                bookmark,
                serial,
                input,
                purpose,
                message,
            })
        }
        Modal::Error(e) => match k.code {
            KeyCode::Esc | KeyCode::Enter => None,
            _ => Some(Modal::Error(e)),
        },
        Modal::Help => match k.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::F(1) | KeyCode::Char('?' | 'q') => None,
            _ => Some(Modal::Help),
        },
        Modal::ConfirmDelete { name } => match k.code {
            KeyCode::Char('y' | 'Y') | KeyCode::Enter => {
                fx.push(Effect::DeleteBookmark { name });
                None
            }
            KeyCode::Char('n' | 'N') | KeyCode::Esc => None,
            _ => Some(Modal::ConfirmDelete { name }),
        },
        Modal::ProfileName {
            bookmark,
            mut input,
        } => match k.code {
            KeyCode::Esc => None,
            KeyCode::Enter if !input.is_empty() => {
                write_profile(app, &bookmark, input, now, fx);
                None
            }
            KeyCode::Backspace => {
                input.pop();
                Some(Modal::ProfileName { bookmark, input })
            }
            KeyCode::Char(c) if plain(&k) && (c.is_ascii_alphanumeric() || "._-".contains(c)) => {
                input.push(c);
                Some(Modal::ProfileName { bookmark, input })
            }
            KeyCode::Char('u') if ctrl(&k, 'u') => Some(Modal::ProfileName {
                bookmark,
                input: String::new(),
            }),
            _ => Some(Modal::ProfileName { bookmark, input }),
        },
        Modal::Form(form) => form_key(app, form, k, fx),
        Modal::Region {
            bookmark,
            input,
            selected,
        } => region_key(app, bookmark, input, selected, k, now),
    }
}

pub(super) fn submit_mfa(
    app: &mut App,
    bookmark: String,
    serial: String,
    input: String,
    purpose: MfaPurpose,
    now: SystemTime,
    fx: &mut Vec<Effect>,
) -> Option<Modal> {
    if let Some(p) = &app.pending {
        if !p.renew {
            // Only reachable if a user switch started meanwhile: keep the code.
            return Some(Modal::Mfa {
                bookmark,
                serial,
                input,
                purpose,
                message: Some(format!("switching to {} is in progress", p.bookmark)),
            });
        }
        // An automatic renewal started while the user typed: the user's request
        // wins; the renewal is retried on a later tick.
        let other = p.bookmark.clone();
        app.pending = None;
        fx.push(Effect::CancelAssume);
        if let Some(s) = app.sessions.iter_mut().find(|s| s.bookmark.name == other) {
            s.renewing = false;
        }
    }
    let Some(b) = current_bookmark(app, &bookmark) else {
        notice(app, format!("bookmark {bookmark} no longer exists"), now);
        return None;
    };
    begin(app, b, Some(input), purpose == MfaPurpose::Renew, now, fx);
    None
}

pub(super) fn write_profile(
    app: &mut App,
    bookmark: &str,
    profile: String,
    now: SystemTime,
    fx: &mut Vec<Effect>,
) {
    match app.session_for(bookmark) {
        None => notice(app, format!("no session for {bookmark} any more"), now),
        Some(s) if s.is_expired(now) => {
            notice(app, format!("{bookmark} expired: press r to renew"), now)
        }
        Some(s) => fx.push(Effect::WriteProfile {
            bookmark: s.bookmark.clone(),
            assumed: s.handover(),
            profile,
        }),
    }
}

pub(super) fn form_key(
    app: &mut App,
    mut form: Form,
    k: KeyEvent,
    fx: &mut Vec<Effect>,
) -> Option<Modal> {
    if k.code == KeyCode::Esc {
        return None;
    }
    if form.saving {
        // Waiting for the file write; Esc (above) closes, the save goes on.
        return Some(Modal::Form(form));
    }
    match k.code {
        KeyCode::Tab | KeyCode::Down => form.next(),
        KeyCode::BackTab | KeyCode::Up => form.prev(),
        KeyCode::Backspace => form.backspace(),
        KeyCode::Char('u') if ctrl(&k, 'u') => form.clear_field(),
        KeyCode::Char(c) if plain(&k) => form.insert(c),
        KeyCode::Enter => save_form(app, &mut form, fx),
        _ => {}
    }
    Some(Modal::Form(form))
}

pub(super) fn save_form(app: &App, form: &mut Form, fx: &mut Vec<Effect>) {
    form.error = None;
    match form.to_spec() {
        Err((field, _)) => {
            form.attempted = true;
            form.focus = Form::index_of(field);
        }
        Ok(spec) => {
            let renamed_onto_other = form.editing.as_deref() != Some(spec.name.as_str());
            if renamed_onto_other && app.bookmarks.iter().any(|b| b.name == spec.name) {
                let i = Form::index_of(crate::config::bookmarks::Field::Name);
                form.set_error(i, format!("a bookmark named {} already exists", spec.name));
                return;
            }
            form.saving = true;
            fx.push(Effect::SaveBookmark {
                old_name: form.editing.clone(),
                spec,
            });
        }
    }
}
