//! The update step: one message in, state changed, effects out. Pure: no I/O,
//! no clock (time comes in as `now`), no environment.
//!
//! At most one STS call is in flight (`App::pending`), whether the user asked
//! for it or a renewal did, so `Effect::CancelAssume` is never ambiguous.

use super::filter;
use super::form::Form;
use super::keys::{self, Action, Context};
use super::layout;
use super::regions;
use super::session::Session;
use super::{
    App, Effect, ErrorInfo, Focus, IdentityState, MfaPrompt, MfaPurpose, Modal, Msg, Options,
    Pending,
};
use crate::engine::{CodeNeeded, Switched};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use rolehop_files::bookmarks::Bookmark;
use std::time::{Duration, SystemTime};

mod answers;
mod cached;
mod list;
mod modals;
mod region;
mod sessions;
mod sso;

use answers::{assumed, bookmarks_changed, code_needed, live_renewed, tick};
use cached::{cache_seen, forget_confirmed, forget_session};
use list::{list_key, move_list};
use modals::modal_key;
use region::{open_region, region_key};
use sessions::{move_sessions, renew, sessions_key};

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
        bookmarks: impl Into<std::sync::Arc<Vec<Bookmark>>>,
        recent: Vec<String>,
        options: Options,
        size: (u16, u16),
    ) -> (App, Vec<Effect>) {
        let bookmarks = bookmarks.into();
        let mut filter_index = filter::FilterIndex::new(&bookmarks);
        let matches = filter_index.full(&bookmarks, "", &recent);
        let app = App {
            bookmarks,
            sso_roles: std::collections::HashMap::new(),
            sso_instances: Vec::new(),
            sso_logins: std::collections::HashMap::new(),
            sso_sync: None,
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
            region: None,
        };
        (app, vec![Effect::FetchIdentity])
    }

    /// The bookmark under the list selection.
    pub fn selected_bookmark(&self) -> Option<&Bookmark> {
        self.matches
            .get(self.selected)
            .and_then(|m| self.bookmarks.get(m.at()))
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

    /// Work the first keystroke needs, for the runtime to do once a frame is
    /// on screen, so it never delays one (a no-op when done): the filter's
    /// haystacks, built again when the bookmarks change.
    pub fn prepare(&mut self) {
        self.filter_index.prepare(&self.bookmarks);
    }

    /// How often to send `Msg::Tick`: fast while a spinner turns, every second
    /// while a countdown or notice shows, never when idle.
    pub fn tick_interval(&self, now: SystemTime) -> Option<Duration> {
        let spinning = self.pending.is_some()
            || self.identity == IdentityState::Loading
            || self.sessions.iter().any(|s| s.renewing);
        if spinning {
            Some(SPINNER_TICK)
        } else if !self.sessions.is_empty()
            || self.live_notice(now).is_some()
            || matches!(&self.modal, Some(Modal::Mfa(m)) if m.waiting(now))
        {
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
        Msg::CacheSeen { sessions, serving } => cache_seen(app, sessions, serving, now),
        Msg::BookmarksChanged(r) => bookmarks_changed(app, r, now),
        Msg::SsoSync { instance, step } => sso::synced(app, instance, step, now),
        Msg::Terminate => quit(app, &mut fx),
    }
    // Paging and layout changes (sessions pane, resize) can hide the selection.
    keep_visible(app);
    fx
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
            .position(|m| app.bookmarks[m.at()].name == name)
    {
        app.selected = i;
    }
}

/// The character a `Type` action types (the table binds it only to characters).
fn typed(k: &KeyEvent) -> Option<char> {
    match k.code {
        KeyCode::Char(c) => Some(c),
        _ => None,
    }
}

/// A key press: looked up in the key table (`keys`), then handled by the
/// context it applies in.
fn key(app: &mut App, k: KeyEvent, now: SystemTime, fx: &mut Vec<Effect>) {
    if keys::action(&[Context::Anywhere], &k) == Some(Action::Quit) {
        return quit(app, fx);
    }
    let action = keys::action(keys::chain(app), &k);
    if let Some(modal) = app.modal.take() {
        app.modal = modal_key(app, modal, action, k, now, fx);
        return;
    }
    if app.pending.is_some()
        && keys::action(&[Context::Switching], &k) == Some(Action::CancelSwitch)
    {
        return cancel_pending(app, now, fx);
    }
    let Some(action) = action else { return };
    match app.focus {
        Focus::List => list_key(app, action, k, now, fx),
        Focus::Sessions => sessions_key(app, action, k, now, fx),
    }
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
        bookmark: bookmark.name.to_string(),
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
