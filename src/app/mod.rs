//! All state transitions of the interactive picker, pure: `update` takes the
//! state, one message and the current time, changes the state and returns the
//! effects for the runtime (`crate::tui`) to carry out. No I/O, no clock, no
//! tokio here, so every behaviour is testable without a terminal.

pub mod filter;
pub mod form;
pub mod keys;
pub mod layout;
pub mod regions;
pub mod session;
#[cfg(test)]
pub(crate) mod tests;
mod update;

pub use update::update;

use crate::assume::Assumed;
use crate::creds::export::Shell;
use crate::engine::{CodeNeeded, Switched};
use rolehop_files::bookmarks::{Bookmark, BookmarkSpec};
use std::time::{Duration, SystemTime};

/// Where keyboard focus is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Focus {
    /// Typing filters the bookmark list (the main job).
    #[default]
    List,
    /// Single-letter hand-over actions on the selected session.
    Sessions,
}

/// The base identity shown in the header, like the console's top-right corner.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum IdentityState {
    #[default]
    Loading,
    Known(String),
    /// Why it is unknown (one line).
    Unknown(String),
}

/// A failure shown in the error modal: the CLI's sentence and hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorInfo {
    pub message: String,
    pub hint: Option<String>,
}

/// What an MFA code is being asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MfaPurpose {
    Assume,
    Renew,
}

/// Overlays; at most one at a time, and it takes the keys.
/// The MFA modal: a 6-digit code for `bookmark` (named with its device).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MfaPrompt {
    pub bookmark: String,
    pub serial: String,
    pub input: String,
    pub purpose: MfaPurpose,
    /// Why Enter did not submit yet (e.g. fewer than 6 digits), shown in the modal.
    pub message: Option<String>,
    /// The device's current code was already used: when its next one shows
    /// (the next 30-s step). The modal counts down to it, then says so.
    pub next_code_at: Option<SystemTime>,
}

impl MfaPrompt {
    /// The modal's note at `now`: why Enter did not submit, else the wait for
    /// the device's next code, counted down in whole seconds (rounded up, so
    /// "1 s" means under a second) until that code shows.
    pub fn note(&self, now: SystemTime) -> Option<String> {
        if let Some(m) = &self.message {
            return Some(m.clone());
        }
        let at = self.next_code_at?;
        Some(match at.duration_since(now) {
            Ok(left) if !left.is_zero() => format!(
                "that code was just used: the next one comes in {} s",
                left.as_millis().div_ceil(1000)
            ),
            _ => "your device shows the next code now".to_owned(),
        })
    }

    /// Whether the note is still counting down at `now`.
    pub fn waiting(&self, now: SystemTime) -> bool {
        self.next_code_at.is_some_and(|at| at > now)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Modal {
    /// Ask for a 6-digit code.
    Mfa(MfaPrompt),
    Error(ErrorInfo),
    /// Confirm deleting bookmark `name`.
    ConfirmDelete {
        name: String,
    },
    /// Confirm forgetting `bookmark`'s session the picker did not make (it
    /// came from the shared cache): the modal says what that changes.
    ConfirmForget {
        bookmark: String,
    },
    /// Profile name to write the selected session to.
    ProfileName {
        bookmark: String,
        input: String,
    },
    /// Add (`editing` = None) or edit a bookmark.
    Form(form::Form),
    Help,
    /// Choose the region of `bookmark`'s session's hand-overs (`R`): typing
    /// filters `App::region_choices`, `selected` indexes them.
    Region {
        bookmark: String,
        input: String,
        selected: usize,
    },
}

/// An STS call in flight (the spinner; Esc cancels).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub bookmark: String,
    pub since: SystemTime,
    pub renew: bool,
}

/// Settings that shape behaviour (from the command line / config).
#[derive(Clone, Debug)]
pub struct Options {
    pub auto_renew: bool,
    /// Override of the refresh window (default: lifetime / 4 within 1..10 min).
    pub refresh_window: Option<Duration>,
    /// `rolehop pick`: Enter assumes and prints exports for `eval`, then exits.
    pub pick: bool,
    /// Syntax of printed / copied exports (from `--shell` or `$SHELL`).
    pub export_shell: Shell,
    /// `NO_COLOR` was set: draw without colors (read once at start-up).
    pub no_color: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            auto_renew: true,
            refresh_window: None,
            pick: false,
            export_shell: Shell::Bash,
            no_color: false,
        }
    }
}

/// The whole state of the picker.
#[derive(Clone, Debug)]
pub struct App {
    /// Shared with the engine (no copy of a long list).
    pub bookmarks: std::sync::Arc<Vec<Bookmark>>,
    /// IAM Identity Center roles: bookmark name -> (instance, start URL).
    pub sso_roles: std::collections::HashMap<String, (String, String)>,
    /// The `[sso.NAME]` instances of the bookmarks file, for `Ctrl-S`.
    pub sso_instances: Vec<String>,
    /// Where each instance's sign-in stands (read by the runtime), for the
    /// detail pane.
    pub sso_logins: std::collections::HashMap<String, crate::session::sso::SsoLogin>,
    /// The sync in progress, if any: instance and how far it has come.
    pub sso_sync: Option<(String, SyncProgress)>,
    /// The filter text typed so far.
    pub filter: String,
    /// Filtered view: indices into `bookmarks`, best first (highlights are
    /// computed for the drawn rows only: `filter::Query::highlights`).
    pub matches: Vec<filter::Match>,
    /// The bookmarks' haystacks and the earlier filters' matches, so a
    /// keystroke only scores (rebuilt when the bookmarks change).
    pub filter_index: filter::FilterIndex,
    /// Index into `matches`.
    pub selected: usize,
    /// First visible row of the list (kept stable while scrolling).
    pub list_offset: usize,
    pub focus: Focus,
    pub sessions: Vec<session::Session>,
    /// Index into `sessions`.
    pub session_selected: usize,
    pub modal: Option<Modal>,
    pub pending: Option<Pending>,
    pub identity: IdentityState,
    /// A one-line status message and when it was set (fades after a while).
    pub notice: Option<(String, SystemTime)>,
    /// Recently used bookmark names, most recent first (shown first on an empty filter).
    pub recent: Vec<String>,
    pub options: Options,
    /// Terminal size (columns, rows), for layout-dependent paging and mouse hits.
    pub size: (u16, u16),
    pub quit: bool,
    /// Renewals the live endpoint made while the current subshell ran.
    pub subshell_renewals: u32,
    /// The note that `refresh_window` was clamped was shown.
    pub window_noted: bool,
    /// The selected bookmark's name and effective region with where it comes
    /// from (`us-east-1 (~/.aws/config)`), set by the runtime, which
    /// reads the AWS config ([`crate::sts::region`]).
    pub region: Option<(String, String)>,
}

/// How far an IAM Identity Center sync has come (the sync's own progress,
/// without the I/O types).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncProgress {
    pub accounts: usize,
    pub accounts_done: usize,
    pub roles: usize,
}

/// What a sync reports to the picker.
#[derive(Clone, Debug)]
pub enum SyncStep {
    /// Accounts listed, roles filling in.
    Progress(SyncProgress),
    /// Written: the report's summary line, or why it failed.
    Done(Result<String, ErrorInfo>),
}

/// Text for stdout that may hold credentials (exports): `Debug` redacts it.
#[derive(Clone, PartialEq, Eq)]
pub struct Exports(pub String);

impl Drop for Exports {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl std::fmt::Debug for Exports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Exports([REDACTED, {} bytes])", self.0.len())
    }
}

/// Something for the runtime to do; its result comes back as a `Msg`.
#[derive(Clone, Debug)]
pub enum Effect {
    /// GetCallerIdentity of the base credentials → `Msg::Identity`.
    FetchIdentity,
    /// Switch to the role in a task (cache, MFA session, STS) → `Msg::Assumed`,
    /// or `Msg::CodeNeeded` when `mfa_code` is None and a code is required.
    Assume {
        bookmark: Bookmark,
        mfa_code: Option<String>,
        renew: bool,
    },
    /// Abort the assume task in flight.
    CancelAssume,
    /// Write the session into a credentials-file profile → `Msg::Done`.
    WriteProfile {
        bookmark: Bookmark,
        assumed: Assumed,
        profile: String,
    },
    /// Leave the screen, run `$SHELL` with the session, come back → `Msg::SubshellExited`.
    /// The runtime serves the session live to the shell (renewing it,
    /// reported as `Msg::LiveRenewed`) unless the bookmark's hand-over is static.
    Subshell {
        bookmark: Bookmark,
        assumed: Assumed,
        /// Start of the session's lifetime (the endpoint's renewal window).
        obtained: SystemTime,
        limit: Option<String>,
    },
    /// Copy the exports to the clipboard → `Msg::Done`.
    CopyExports {
        bookmark: Bookmark,
        assumed: Assumed,
    },
    /// Sign in to the AWS console as the session (federation) and open the
    /// browser → `Msg::Done`.
    OpenConsole {
        bookmark: Bookmark,
        assumed: Assumed,
        /// Chained credentials: no SessionDuration for the federation endpoint.
        chained: bool,
    },
    /// Save a new or edited bookmark (`old_name` = None for add) → `Msg::BookmarksChanged`.
    SaveBookmark {
        old_name: Option<String>,
        spec: BookmarkSpec,
    },
    /// Remove bookmark `bookmark`'s role session from the shared session
    /// cache (as `rolehop logout NAME`); a failure comes back as `Msg::Done`.
    ForgetCached { bookmark: String },
    /// Delete a bookmark → `Msg::BookmarksChanged`.
    DeleteBookmark { name: String },
    /// List the roles of these IAM Identity Center instances and add them
    /// as bookmarks (no prune), one after the other, in a task →
    /// `Msg::SsoSync` as it goes, `Msg::BookmarksChanged` at the end.
    SyncSso { instances: Vec<String> },
    /// Remember a use in the history file.
    RecordUse { name: String },
    /// Restore the terminal, print `stdout` (exports for eval) if any, exit.
    Quit { stdout: Option<Exports> },
    /// Like `Quit`, after printing the session's exports on stdout for `eval`
    /// (`e`, and Enter in pick mode). The runtime builds the text with
    /// `creds::export::script(app.options.export_shell, ..)` from the real
    /// environment, which `update` must not read.
    PrintExports {
        bookmark: Bookmark,
        assumed: Assumed,
    },
}

/// Everything that can happen, from the keyboard, the clock or a task.
#[derive(Clone, Debug)]
pub enum Msg {
    /// A key was pressed.
    Key(crossterm::event::KeyEvent),
    /// The mouse was scrolled or clicked.
    Mouse(crossterm::event::MouseEvent),
    /// The terminal was resized to (columns, rows).
    Resize(u16, u16),
    /// One second passed (only sent while something time-dependent is shown).
    Tick,
    /// The base identity lookup finished: ARN, or why it failed.
    Identity(Result<String, String>),
    /// An assume task finished (the session may come from the cache).
    Assumed {
        bookmark: String,
        renew: bool,
        result: Result<Switched, ErrorInfo>,
    },
    /// The switch to `bookmark` needs a one-time code first (no valid MFA
    /// session is cached); nothing was sent to STS.
    CodeNeeded {
        bookmark: String,
        renew: bool,
        need: CodeNeeded,
    },
    /// A hand-over (write, clipboard) finished: a notice, or an error.
    Done(Result<String, ErrorInfo>),
    /// The subshell exited with this status code.
    SubshellExited(Option<i32>),
    /// The live endpoint serving a subshell renewed `bookmark`'s session on
    /// its own (no `Pending` in the app: it was not asked from here).
    LiveRenewed {
        bookmark: String,
        switched: Switched,
    },
    /// The shared session cache was read (at start, then whenever it or
    /// the serving records changed): every valid role session in it, by
    /// bookmark, and which other rolehops serve what live.
    CacheSeen {
        sessions: Vec<(String, Switched)>,
        serving: Vec<crate::serve::registry::Serving>,
    },
    /// Bookmarks were saved or deleted: the reloaded list, or the error.
    BookmarksChanged(Result<Vec<Bookmark>, ErrorInfo>),
    /// An IAM Identity Center sync started by `Ctrl-S` moved on.
    SsoSync { instance: String, step: SyncStep },
    /// SIGTERM / SIGHUP / Ctrl-C from outside: leave cleanly.
    Terminate,
}
