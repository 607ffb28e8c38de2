//! Keys in the modals: the MFA code, errors, help, delete, profile name, the form.

use super::*;

/// Keys while a modal is open; returns the modal to keep (None closes it).
pub(super) fn modal_key(
    app: &mut App,
    modal: Modal,
    action: Option<Action>,
    k: KeyEvent,
    now: SystemTime,
    fx: &mut Vec<Effect>,
) -> Option<Modal> {
    let Some(action) = action else {
        return Some(modal);
    };
    match modal {
        Modal::Mfa(mfa) => mfa_key(app, mfa, action, k, now, fx),
        Modal::Error(_) | Modal::Help if action == Action::Cancel => None,
        Modal::Error(_) | Modal::Help => Some(modal),
        Modal::ConfirmDelete { name } => match action {
            Action::Confirm => {
                fx.push(Effect::DeleteBookmark { name });
                None
            }
            Action::Cancel => None,
            _ => Some(Modal::ConfirmDelete { name }),
        },
        Modal::ConfirmForget { bookmark } => match action {
            Action::Confirm => {
                forget_confirmed(app, &bookmark, now, fx);
                None
            }
            Action::Cancel => None,
            _ => Some(Modal::ConfirmForget { bookmark }),
        },
        Modal::ProfileName { bookmark, input } => {
            profile_name_key(app, bookmark, input, action, k, now, fx)
        }
        Modal::Form(form) => form_key(app, form, action, k, fx),
        Modal::Region {
            bookmark,
            input,
            selected,
        } => region_key(app, bookmark, input, selected, action, k, now),
    }
}

/// Keys in the MFA modal: six digits, then Enter; Esc postpones a renewal.
fn mfa_key(
    app: &mut App,
    mut m: MfaPrompt,
    action: Action,
    k: KeyEvent,
    now: SystemTime,
    fx: &mut Vec<Effect>,
) -> Option<Modal> {
    match action {
        Action::Cancel => {
            if m.purpose == MfaPurpose::Renew {
                let bookmark = &m.bookmark;
                backoff(app, bookmark, now + RETRY_AFTER_CANCEL);
                notice(
                    app,
                    format!("renewal of {bookmark} postponed for a minute"),
                    now,
                );
            }
            return None;
        }
        Action::Confirm if m.input.len() == 6 => {
            return submit_mfa(app, m, now, fx);
        }
        Action::Confirm => m.message = Some("enter all 6 digits".into()),
        Action::DeleteChar => {
            m.input.pop();
            m.message = None;
        }
        Action::Type => {
            if let Some(c) = typed(&k)
                && m.input.len() < 6
            {
                m.input.push(c);
            }
            m.message = None;
        }
        Action::DigitsOnly => m.message = Some("digits only".into()),
        _ => {}
    }
    Some(Modal::Mfa(m))
}

/// Keys in the profile-name modal: a name the SDKs read, then Enter writes.
fn profile_name_key(
    app: &mut App,
    bookmark: String,
    mut input: String,
    action: Action,
    k: KeyEvent,
    now: SystemTime,
    fx: &mut Vec<Effect>,
) -> Option<Modal> {
    match action {
        Action::Cancel => return None,
        Action::Confirm if !input.is_empty() => {
            write_profile(app, &bookmark, input, now, fx);
            return None;
        }
        Action::DeleteChar => {
            input.pop();
        }
        Action::Type => {
            if let Some(c) = typed(&k).filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c)) {
                input.push(c);
            }
        }
        Action::Clear => input.clear(),
        _ => {}
    }
    Some(Modal::ProfileName { bookmark, input })
}

pub(super) fn submit_mfa(
    app: &mut App,
    m: MfaPrompt,
    now: SystemTime,
    fx: &mut Vec<Effect>,
) -> Option<Modal> {
    if let Some(p) = &app.pending {
        if !p.renew {
            // Only reachable if a user switch started meanwhile: keep the code.
            let message = Some(format!("switching to {} is in progress", p.bookmark));
            return Some(Modal::Mfa(MfaPrompt { message, ..m }));
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
    let Some(b) = current_bookmark(app, &m.bookmark) else {
        notice(
            app,
            format!("bookmark {} no longer exists", m.bookmark),
            now,
        );
        return None;
    };
    begin(
        app,
        b,
        Some(m.input),
        m.purpose == MfaPurpose::Renew,
        now,
        fx,
    );
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
    action: Action,
    k: KeyEvent,
    fx: &mut Vec<Effect>,
) -> Option<Modal> {
    if action == Action::Cancel {
        return None;
    }
    if form.saving {
        // Waiting for the file write; Esc (above) closes, the save goes on.
        return Some(Modal::Form(form));
    }
    match action {
        Action::Down => form.next(),
        Action::Up => form.prev(),
        Action::DeleteChar => form.backspace(),
        Action::Clear => form.clear_field(),
        Action::Type => {
            if let Some(c) = typed(&k) {
                form.insert(c);
            }
        }
        Action::Confirm => save_form(app, &mut form, fx),
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
                let i = Form::index_of(rolehop_files::bookmarks::Field::Name);
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
