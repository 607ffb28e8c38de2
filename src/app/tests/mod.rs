//! Behaviour of `update`: every key and message of the picker, with a fixed
//! clock (time only moves when a test says so).

use super::session::Session;
use super::*;
use crate::creds::Credentials;
use crate::engine::{CodeNeeded, Switched};
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub(crate) fn t0() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

pub(crate) fn bm(name: &str) -> Bookmark {
    Bookmark::sample(name, "210987654321", "Admin", name)
}

pub(crate) fn mfa(name: &str) -> Bookmark {
    Bookmark {
        mfa_serial: Some("arn:aws:iam::111111111111:mfa/alice".into()),
        ..bm(name)
    }
}

pub(crate) fn creds(expires: SystemTime) -> Credentials {
    crate::creds::sample(expires)
}

pub(crate) fn assumed_until(expires: SystemTime) -> Assumed {
    Assumed {
        creds: creds(expires),
        region: Some("eu-west-1".into()),
    }
}

pub(crate) fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub(crate) fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub(crate) fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

/// Send each char of `s` as a key press; returns all effects.
pub(crate) fn typed(app: &mut App, s: &str, now: SystemTime) -> Vec<Effect> {
    s.chars().flat_map(|c| update(app, ch(c), now)).collect()
}

pub(crate) fn app_with(bookmarks: Vec<Bookmark>) -> App {
    App::new(bookmarks, Vec::new(), Options::default(), (100, 30)).0
}

fn names(app: &App) -> Vec<&str> {
    app.matches
        .iter()
        .map(|m| app.bookmarks[m.at()].name.as_str())
        .collect()
}

fn selected(app: &App) -> &str {
    app.selected_bookmark().map_or("", |b| b.name.as_str())
}

fn notice(app: &App) -> &str {
    app.notice.as_ref().map_or("", |(t, _)| t.as_str())
}

/// An app holding a live session for each bookmark, obtained at `t0` for 1 h.
fn with_sessions(bookmarks: Vec<Bookmark>) -> App {
    let mut app = app_with(bookmarks);
    let bookmarks = app.bookmarks.clone();
    for b in bookmarks.iter().cloned() {
        let a = assumed_until(t0() + Duration::from_secs(3600));
        app.sessions.push(Session::new(b, a, t0()));
    }
    app.focus = Focus::Sessions;
    app
}

/// A fresh (not cached) switch result obtained at `now`.
pub(crate) fn switched(assumed: Assumed, now: SystemTime) -> Switched {
    Switched {
        assumed,
        obtained: now,
        limit: None,
        cached: false,
        mode: crate::cache::Mode::Plain,
    }
}

fn assume_ok(app: &mut App, name: &str, renew: bool, now: SystemTime) -> Vec<Effect> {
    let result = Ok(switched(
        assumed_until(now + Duration::from_secs(3600)),
        now,
    ));
    update(
        app,
        Msg::Assumed {
            bookmark: name.into(),
            renew,
            result,
        },
        now,
    )
}

/// The runtime's answer when a switch needs a one-time code.
fn code_needed(app: &mut App, name: &str, renew: bool, now: SystemTime) -> Vec<Effect> {
    let need = CodeNeeded {
        bookmark: name.into(),
        serial: "arn:aws:iam::111111111111:mfa/alice".into(),
        wait: None,
        for_mfa_session: true,
    };
    update(
        app,
        Msg::CodeNeeded {
            bookmark: name.into(),
            renew,
            need,
        },
        now,
    )
}

fn err_info(msg: &str) -> ErrorInfo {
    ErrorInfo {
        message: msg.into(),
        hint: Some("check the role's trust policy".into()),
    }
}

mod assuming;
mod bookmarks;
mod cached;
mod list;
mod messages;
mod region;
mod renewal;
mod sessions;
mod sso;
