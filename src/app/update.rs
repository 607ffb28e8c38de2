//! The update step: one message in, state changed, effects out. Pure: no I/O,
//! no clock (time comes in as `now`), no environment.
//!
//! At most one STS call is in flight (`App::pending`), whether the user asked
//! for it or a renewal did, so `Effect::CancelAssume` is never ambiguous.

use super::filter;
use super::form::Form;
use super::layout;
use super::regions;
use super::session::Session;
use super::{
    App, Effect, ErrorInfo, Focus, IdentityState, MfaPurpose, Modal, Msg, Options, Pending,
};
use crate::config::bookmarks::Bookmark;
use crate::engine::{CodeNeeded, Switched};
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use std::time::{Duration, SystemTime};

/// A notice stays this long.
pub const NOTICE_TTL: Duration = Duration::from_secs(5);
/// After an MFA prompt for a renewal is dismissed, ask again after this long.
pub const RETRY_AFTER_CANCEL: Duration = Duration::from_secs(60);
/// After a renewal failed, try again after this long.
pub const RETRY_AFTER_ERROR: Duration = Duration::from_secs(30);
/// How many recent names are kept (as the history file does; the console keeps five).
const RECENT_MAX: usize = 5;
/// Tick period while the spinner turns (otherwise 1 s is enough for countdowns).
const SPINNER_TICK: Duration = Duration::from_millis(100);

impl App {
    /// The initial state and the effects to start with (the identity lookup).
    pub fn new(
        bookmarks: Vec<Bookmark>,
        recent: Vec<String>,
        options: Options,
        size: (u16, u16),
    ) -> (App, Vec<Effect>) {
        let mut filter_index = filter::FilterIndex::new(&bookmarks);
        let matches = filter_index.full(&bookmarks, "", &recent);
        let app = App {
            bookmarks,
            filter: String::new(),
            matches,
            filter_index,
            selected: 0,
            list_offset: 0,
            focus: Focus::List,
            sessions: Vec::new(),
            session_selected: 0,
            modal: None,
            pending: None,
            identity: IdentityState::Loading,
            notice: None,
            recent,
            options,
            size,
            quit: false,
            subshell_renewals: 0,
            window_noted: false,
        };
        (app, vec![Effect::FetchIdentity])
    }

    /// The bookmark under the list selection.
    pub fn selected_bookmark(&self) -> Option<&Bookmark> {
        self.matches
            .get(self.selected)
            .and_then(|m| self.bookmarks.get(m.index))
    }

    /// The session under the sessions selection.
    pub fn selected_session(&self) -> Option<&Session> {
        self.sessions.get(self.session_selected)
    }

    /// The session held for bookmark `name`.
    pub fn session_for(&self, name: &str) -> Option<&Session> {
        self.sessions.iter().find(|s| s.bookmark.name == name)
    }

    /// The session whose facts the header shows and `R` / Ctrl-R act on: the
    /// selected session on the sessions pane, else the selected bookmark's.
    pub fn focused_session(&self) -> Option<&Session> {
        match self.focus {
            Focus::Sessions => self.selected_session(),
            Focus::List => self
                .selected_bookmark()
                .and_then(|b| self.session_for(&b.name)),
        }
    }

    /// The rows of the region chooser for `bookmark`'s session, filtered by
    /// `filter` (empty when it has no session).
    pub fn region_choices(&self, bookmark: &str, filter: &str) -> Vec<regions::Choice> {
        match self.session_for(bookmark) {
            Some(s) => regions::choices(s.region(), s.partition(), filter),
            None => Vec::new(),
        }
    }

    /// The notice, if still fresh at `now`.
    pub fn live_notice(&self, now: SystemTime) -> Option<&str> {
        let (text, at) = self.notice.as_ref()?;
        let age = now.duration_since(*at).unwrap_or(Duration::ZERO);
        (age < NOTICE_TTL).then_some(text.as_str())
    }

    /// Whether anything on screen changes with time alone (a countdown, the
    /// spinner, a notice to fade), so the runtime ticks only then.
    pub fn needs_tick(&self, now: SystemTime) -> bool {
        self.tick_interval(now).is_some()
    }

    /// How often to send `Msg::Tick`: fast while a spinner turns, every second
    /// while a countdown or notice shows, never when idle.
    pub fn tick_interval(&self, now: SystemTime) -> Option<Duration> {
        let spinning = self.pending.is_some()
            || self.identity == IdentityState::Loading
            || self.sessions.iter().any(|s| s.renewing);
        if spinning {
            Some(SPINNER_TICK)
        } else if !self.sessions.is_empty() || self.live_notice(now).is_some() {
            Some(Duration::from_secs(1))
        } else {
            None
        }
    }
}

/// Apply `msg` at time `now`; returns what the runtime must do, in order.
pub fn update(app: &mut App, msg: Msg, now: SystemTime) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        Msg::Key(k) => {
            // Key releases arrive with the kitty protocol / on Windows: act on presses only.
            if k.kind != KeyEventKind::Release {
                key(app, k, now, &mut fx);
            }
        }
        Msg::Mouse(m) => mouse(app, m),
        Msg::Resize(w, h) => app.size = (w, h),
        Msg::Tick => tick(app, now, &mut fx),
        Msg::Identity(r) => {
            app.identity = match r {
                Ok(arn) => IdentityState::Known(arn),
                Err(why) => IdentityState::Unknown(why),
            }
        }
        Msg::Assumed {
            bookmark,
            renew,
            result,
        } => assumed(app, &bookmark, renew, result, now, &mut fx),
        Msg::CodeNeeded {
            bookmark,
            renew,
            need,
        } => code_needed(app, &bookmark, renew, need, now),
        Msg::Done(Ok(text)) => notice(app, text, now),
        Msg::Done(Err(e)) => show_error(app, e, now),
        Msg::SubshellExited(code) => {
            let mut text = match code {
                Some(0) | None => "back from the subshell".to_string(),
                Some(c) => format!("back from the subshell (exit status {c})"),
            };
            match std::mem::take(&mut app.subshell_renewals) {
                0 => {}
                1 => text.push_str("; its credentials were renewed once"),
                n => text.push_str(&format!("; its credentials were renewed {n} times")),
            }
            notice(app, text, now);
        }
        Msg::LiveRenewed { bookmark, switched } => live_renewed(app, &bookmark, switched, now),
        Msg::BookmarksChanged(r) => bookmarks_changed(app, r, now),
        Msg::Terminate => quit(app, &mut fx),
    }
    // Paging and layout changes (sessions pane, resize) can hide the selection.
    keep_visible(app);
    fx
}

/// A subshell's endpoint renewed a session: the list shows the new one, so
/// the picker's own auto-renew does not renew it a second time.
fn live_renewed(app: &mut App, name: &str, switched: Switched, now: SystemTime) {
    let Some(i) = app.sessions.iter().position(|s| s.bookmark.name == name) else {
        return;
    };
    let s = &mut app.sessions[i];
    s.assumed.creds = switched.assumed.creds;
    s.obtained = switched.obtained;
    s.limit = switched.limit;
    s.retry_after = None;
    app.subshell_renewals += 1;
    let left = crate::text::countdown(s.remaining(now));
    notice(
        app,
        format!("renewed {name} for the subshell: {left} left"),
        now,
    );
}

fn quit(app: &mut App, fx: &mut Vec<Effect>) {
    app.quit = true;
    fx.push(Effect::Quit { stdout: None });
}

fn notice(app: &mut App, text: impl Into<String>, now: SystemTime) {
    app.notice = Some((text.into(), now));
}

/// Show an error in the modal, unless another modal holds user input (a form,
/// an MFA code): then as a notice, so nothing typed is lost.
fn show_error(app: &mut App, e: ErrorInfo, now: SystemTime) {
    match app.modal {
        None | Some(Modal::Help) | Some(Modal::Error(_)) => app.modal = Some(Modal::Error(e)),
        Some(_) => notice(app, e.message, now),
    }
}

fn keep_visible(app: &mut App) {
    let h = layout::list_height(app.size, app.sessions.len());
    app.selected = app.selected.min(app.matches.len().saturating_sub(1));
    app.list_offset = layout::scroll_offset(app.selected, app.list_offset, h);
    app.session_selected = app
        .session_selected
        .min(app.sessions.len().saturating_sub(1));
    if app.sessions.is_empty() && app.focus == Focus::Sessions {
        app.focus = Focus::List;
    }
}

/// Edit the filter and recompute the matches: the best match is selected.
/// Typing on scores only the current matches; deleting back to a filter
/// typed before finds its matches kept (`FilterIndex::search`).
fn edit_filter(app: &mut App, edit: impl FnOnce(&mut String)) {
    let old = app.filter.clone();
    edit(&mut app.filter);
    let old_matches = std::mem::take(&mut app.matches);
    app.matches =
        app.filter_index
            .search(&app.bookmarks, &old, old_matches, &app.filter, &app.recent);
    app.selected = 0;
    app.list_offset = 0;
}

/// Recompute the matches for the same filter (bookmarks or recency changed),
/// keeping the selection on the same bookmark when it is still listed.
fn refilter_keep(app: &mut App, keep: Option<String>) {
    app.matches = app
        .filter_index
        .full(&app.bookmarks, &app.filter, &app.recent);
    if let Some(name) = keep
        && let Some(i) = app
            .matches
            .iter()
            .position(|m| app.bookmarks[m.index].name == name)
    {
        app.selected = i;
    }
}

fn plain(k: &KeyEvent) -> bool {
    !k.modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

fn ctrl(k: &KeyEvent, c: char) -> bool {
    k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char(c)
}

fn key(app: &mut App, k: KeyEvent, now: SystemTime, fx: &mut Vec<Effect>) {
    if ctrl(&k, 'c') {
        return quit(app, fx);
    }
    if let Some(modal) = app.modal.take() {
        app.modal = modal_key(app, modal, k, now, fx);
        return;
    }
    if k.code == KeyCode::Esc && app.pending.is_some() {
        return cancel_pending(app, now, fx);
    }
    match app.focus {
        Focus::List => list_key(app, k, now, fx),
        Focus::Sessions => sessions_key(app, k, now, fx),
    }
}

fn list_key(app: &mut App, k: KeyEvent, now: SystemTime, fx: &mut Vec<Effect>) {
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
fn delete_word(s: &mut String) {
    let trimmed = s.trim_end_matches(' ').len();
    s.truncate(trimmed);
    let cut = s.rfind(' ').map_or(0, |i| i + 1);
    s.truncate(cut);
}

fn move_list(app: &mut App, by: isize) {
    let last = app.matches.len().saturating_sub(1);
    app.selected = app.selected.saturating_add_signed(by).min(last);
}

fn move_sessions(app: &mut App, by: isize) {
    let last = app.sessions.len().saturating_sub(1);
    app.session_selected = app.session_selected.saturating_add_signed(by).min(last);
}

/// Enter on the list: switch to the selected bookmark. Whether a code is
/// needed depends on the session cache, so the runtime finds out and answers
/// `Msg::CodeNeeded` when it is.
fn enter(app: &mut App, now: SystemTime, fx: &mut Vec<Effect>) {
    let Some(b) = app.selected_bookmark().cloned() else {
        return;
    };
    if let Some(p) = &app.pending {
        let text = format!("switching to {} is in progress (Esc cancels)", p.bookmark);
        return notice(app, text, now);
    }
    begin(app, b, None, false, now, fx);
}

/// Start the STS call.
fn begin(
    app: &mut App,
    bookmark: Bookmark,
    mfa_code: Option<String>,
    renew: bool,
    now: SystemTime,
    fx: &mut Vec<Effect>,
) {
    if renew
        && let Some(s) = app
            .sessions
            .iter_mut()
            .find(|s| s.bookmark.name == bookmark.name)
    {
        s.renewing = true;
    }
    app.pending = Some(Pending {
        bookmark: bookmark.name.clone(),
        since: now,
        renew,
    });
    fx.push(Effect::Assume {
        bookmark,
        mfa_code,
        renew,
    });
}

/// Abort the call in flight; a renewal backs off so it is not restarted at once.
fn cancel_pending(app: &mut App, now: SystemTime, fx: &mut Vec<Effect>) {
    let Some(p) = app.pending.take() else { return };
    fx.push(Effect::CancelAssume);
    if p.renew {
        backoff(app, &p.bookmark, now + RETRY_AFTER_CANCEL);
    }
    notice(app, format!("cancelled switching to {}", p.bookmark), now);
}

fn backoff(app: &mut App, name: &str, until: SystemTime) {
    if let Some(s) = app.sessions.iter_mut().find(|s| s.bookmark.name == name) {
        s.renewing = false;
        s.retry_after = Some(until);
    }
}

/// The bookmark as currently saved (it may have been edited since the
/// session started), else the session's copy.
fn current_bookmark(app: &App, name: &str) -> Option<Bookmark> {
    app.bookmarks
        .iter()
        .find(|b| b.name == name)
        .or_else(|| app.session_for(name).map(|s| &s.bookmark))
        .cloned()
}

fn sessions_key(app: &mut App, k: KeyEvent, now: SystemTime, fx: &mut Vec<Effect>) {
    let letter = match k.code {
        KeyCode::Char(c) if plain(&k) => Some(c),
        _ => None,
    };
    match (k.code, letter) {
        (KeyCode::Up, _) | (_, Some('k')) => move_sessions(app, -1),
        (KeyCode::Down, _) | (_, Some('j')) => move_sessions(app, 1),
        (KeyCode::Enter, _) | (_, Some('s')) => {
            if let Some(s) = handover_session(app, now) {
                fx.push(Effect::Subshell {
                    assumed: s.handover(),
                    bookmark: s.bookmark,
                    obtained: s.obtained,
                    limit: s.limit,
                });
            }
        }
        (_, Some('w')) => {
            if let Some(s) = handover_session(app, now) {
                app.modal = Some(Modal::ProfileName {
                    input: s.bookmark.name.clone(),
                    bookmark: s.bookmark.name,
                });
            }
        }
        (_, Some('e')) => {
            if let Some(s) = handover_session(app, now) {
                app.quit = true;
                fx.push(Effect::PrintExports {
                    assumed: s.handover(),
                    bookmark: s.bookmark,
                });
            }
        }
        (_, Some('y')) => {
            if let Some(s) = handover_session(app, now) {
                fx.push(Effect::CopyExports {
                    assumed: s.handover(),
                    bookmark: s.bookmark,
                });
            }
        }
        (_, Some('c')) => {
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
        (_, Some('r')) => {
            if let Some(p) = &app.pending {
                let text = format!("switching to {} is in progress (Esc cancels)", p.bookmark);
                notice(app, text, now);
            } else {
                renew(app, app.session_selected, now, fx);
            }
        }
        (_, Some('a')) => {
            app.options.auto_renew = !app.options.auto_renew;
            let text = if app.options.auto_renew {
                "auto-renew on: sessions renew before they expire"
            } else {
                "auto-renew off: sessions will expire"
            };
            notice(app, text, now);
        }
        (_, Some('x')) => forget_session(app, now, fx),
        (_, Some('R')) => {
            if let Some(name) = app.selected_session().map(|s| s.bookmark.name.clone()) {
                open_region(app, &name, now);
            }
        }
        (KeyCode::Tab | KeyCode::BackTab | KeyCode::Esc, _) => app.focus = Focus::List,
        (KeyCode::F(1), _) | (_, Some('?')) => app.modal = Some(Modal::Help),
        // Anything else typed goes to the filter: typing always filters.
        (_, Some(c)) => {
            app.focus = Focus::List;
            edit_filter(app, |f| f.push(c));
        }
        _ => {}
    }
}

/// The selected session if it may be handed over; an expired one is refused
/// with a notice (never hand over dead credentials).
fn handover_session(app: &mut App, now: SystemTime) -> Option<Session> {
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

fn forget_session(app: &mut App, now: SystemTime, fx: &mut Vec<Effect>) {
    if app.session_selected >= app.sessions.len() {
        return;
    }
    let s = app.sessions.remove(app.session_selected);
    if app
        .pending
        .as_ref()
        .is_some_and(|p| p.renew && p.bookmark == s.bookmark.name)
    {
        app.pending = None;
        fx.push(Effect::CancelAssume);
    }
    notice(
        app,
        format!("forgot the session for {}", s.bookmark.name),
        now,
    );
}

/// Renew session `i` now; the runtime answers `Msg::CodeNeeded` if that
/// takes a code (no MFA session left to renew it from).
fn renew(app: &mut App, i: usize, now: SystemTime, fx: &mut Vec<Effect>) {
    let Some(s) = app.sessions.get(i) else { return };
    let name = s.bookmark.name.clone();
    let Some(b) = current_bookmark(app, &name) else {
        return;
    };
    begin(app, b, None, true, now, fx);
}

/// Clear the call in flight if this answer is for it. An answer nobody
/// waits for any more (cancelled, or superseded) is dropped: false.
fn take_pending(app: &mut App, name: &str, renew: bool) -> bool {
    let ours = app
        .pending
        .as_ref()
        .is_some_and(|p| p.bookmark == name && p.renew == renew);
    if ours {
        app.pending = None;
    }
    ours
}

/// The switch in flight needs a one-time code: ask for it, naming the device.
fn code_needed(app: &mut App, name: &str, renew: bool, need: CodeNeeded, now: SystemTime) {
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
    app.modal = Some(Modal::Mfa {
        bookmark: name.to_owned(),
        serial: need.serial,
        input: String::new(),
        purpose,
        message: need.wait.map(|w| {
            format!(
                "that code was just used: the next one comes in {} s",
                w.as_secs().max(1)
            )
        }),
    });
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

/// Keys while a modal is open; returns the modal to keep (None closes it).
fn modal_key(
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

/// `R`: open the region chooser for `name`'s session, or say that there is
/// none yet.
fn open_region(app: &mut App, name: &str, now: SystemTime) {
    if app.session_for(name).is_none() {
        return notice(
            app,
            format!("assume {name} first (Enter), then R sets its region"),
            now,
        );
    }
    app.modal = Some(Modal::Region {
        bookmark: name.to_owned(),
        input: String::new(),
        selected: 0,
    });
}

/// Keys in the region chooser: typing filters, ↑↓ move, Enter picks (the
/// highlighted row, else a full region code typed), Esc cancels.
fn region_key(
    app: &mut App,
    bookmark: String,
    mut input: String,
    mut selected: usize,
    k: KeyEvent,
    now: SystemTime,
) -> Option<Modal> {
    let rows = app.region_choices(&bookmark, &input).len();
    match k.code {
        KeyCode::Esc => return None,
        KeyCode::Enter => {
            let Some(s) = app.session_for(&bookmark) else {
                notice(app, format!("no session for {bookmark} any more"), now);
                return None;
            };
            let partition = s.partition().to_owned();
            let typed = input.trim();
            let chosen = app
                .region_choices(&bookmark, &input)
                .into_iter()
                .nth(selected)
                .map(|c| c.code)
                .or_else(|| regions::looks_like_region(typed).then(|| typed.to_owned()));
            match chosen {
                // Nothing matches and it is no region code: the chooser says so.
                None => {}
                Some(r) if regions::partition_of(&r) != partition => notice(
                    app,
                    format!(
                        "{bookmark}'s credentials are for partition {partition}; {r} is in {}:                          assume a role there instead",
                        regions::partition_of(&r)
                    ),
                    now,
                ),
                Some(r) => {
                    set_region(app, &bookmark, r, now);
                    return None;
                }
            }
        }
        KeyCode::Up => selected = selected.saturating_sub(1),
        KeyCode::Char('p') if ctrl(&k, 'p') => selected = selected.saturating_sub(1),
        KeyCode::Down => selected = (selected + 1).min(rows.saturating_sub(1)),
        KeyCode::Char('n') if ctrl(&k, 'n') => {
            selected = (selected + 1).min(rows.saturating_sub(1))
        }
        KeyCode::Backspace => {
            input.pop();
            selected = 0;
        }
        KeyCode::Char('u') if ctrl(&k, 'u') => {
            input.clear();
            selected = 0;
        }
        KeyCode::Char(c) if plain(&k) && !c.is_control() => {
            input.push(c);
            selected = 0;
        }
        _ => {}
    }
    Some(Modal::Region {
        bookmark,
        input,
        selected,
    })
}

/// Hand `name`'s session over in `region` from now on (no STS call).
fn set_region(app: &mut App, name: &str, region: String, now: SystemTime) {
    let Some(s) = app.sessions.iter_mut().find(|s| s.bookmark.name == name) else {
        return;
    };
    if s.region() == Some(region.as_str()) {
        return notice(app, format!("{name}: hand-overs already use {region}"), now);
    }
    // Back to the region it was assumed with: no override left.
    s.region_override =
        (s.assumed.region.as_deref() != Some(region.as_str())).then(|| region.clone());
    notice(
        app,
        format!("{name}: hand-overs now use {region} (no new session)"),
        now,
    );
}

fn submit_mfa(
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

fn write_profile(
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

fn form_key(app: &mut App, mut form: Form, k: KeyEvent, fx: &mut Vec<Effect>) -> Option<Modal> {
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

fn save_form(app: &App, form: &mut Form, fx: &mut Vec<Effect>) {
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

fn assumed(
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
    let mut fresh = Session::new(bookmark, switched.assumed, switched.obtained);
    // A region chosen with R stays the hand-overs' region across renewals.
    fresh.region_override = app
        .session_for(name)
        .and_then(|s| s.region_override.clone());
    fresh.limit = switched.limit;
    fresh.renew_needs_code = switched.mode == crate::cache::Mode::DirectMfa;
    fresh.chained = switched.mode.is_chained();
    let left = crate::text::countdown(fresh.remaining(now));
    let clamp = crate::engine::window::clamped(fresh.lifetime(), app.options.refresh_window)
        .filter(|_| !std::mem::replace(&mut app.window_noted, true));
    let how = match (&fresh.limit, switched.cached) {
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
    let keep = app.selected_bookmark().map(|b| b.name.clone());
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

fn tick(app: &mut App, now: SystemTime, fx: &mut Vec<Effect>) {
    if app.notice.is_some() && app.live_notice(now).is_none() {
        app.notice = None;
    }
    // One call at a time: a due renewal waits for the call in flight.
    if !app.options.auto_renew || app.pending.is_some() {
        return;
    }
    let window = app.options.refresh_window;
    let Some(i) = app.sessions.iter().position(|s| s.due(now, window)) else {
        return;
    };
    renew(app, i, now, fx);
}

fn bookmarks_changed(app: &mut App, r: Result<Vec<Bookmark>, ErrorInfo>, now: SystemTime) {
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
        f.fields[Form::index_of(crate::config::bookmarks::Field::Name)]
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
        .or_else(|| app.selected_bookmark().map(|b| b.name.clone()));
    // Sessions follow edits of their bookmark (color, display name, MFA serial).
    for s in &mut app.sessions {
        if let Some(b) = list.iter().find(|b| b.name == s.bookmark.name) {
            s.bookmark = b.clone();
        }
    }
    app.bookmarks = list;
    app.filter_index = filter::FilterIndex::new(&app.bookmarks);
    refilter_keep(app, keep);
    let text = match (saved, removed) {
        (Some(name), _) => format!("saved {name}"),
        (None, Some(name)) => format!("deleted {name}"),
        (None, None) => "bookmarks reloaded".to_string(),
    };
    notice(app, text, now);
}

fn mouse(app: &mut App, m: MouseEvent) {
    if app.modal.is_some() {
        return;
    }
    let Some(areas) = layout::areas(app.size, app.sessions.len()) else {
        return;
    };
    let pos = ratatui::layout::Position::new(m.column, m.row);
    let over_sessions = areas.sessions.is_some_and(|r| r.contains(pos));
    match m.kind {
        MouseEventKind::ScrollUp if over_sessions => move_sessions(app, -1),
        MouseEventKind::ScrollDown if over_sessions => move_sessions(app, 1),
        MouseEventKind::ScrollUp => move_list(app, -1),
        MouseEventKind::ScrollDown => move_list(app, 1),
        MouseEventKind::Down(MouseButton::Left) => {
            let rows = areas.list_rows();
            if rows.contains(pos) {
                let i = app.list_offset + usize::from(pos.y - rows.y);
                if i < app.matches.len() {
                    app.selected = i;
                    app.focus = Focus::List;
                }
            } else if let Some(rows) = areas.session_rows()
                && rows.contains(pos)
            {
                let offset =
                    layout::scroll_offset(app.session_selected, 0, usize::from(rows.height));
                let i = offset + usize::from(pos.y - rows.y);
                if i < app.sessions.len() {
                    app.session_selected = i;
                    app.focus = Focus::Sessions;
                }
            }
        }
        _ => {}
    }
}
