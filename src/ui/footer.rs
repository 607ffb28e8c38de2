//! The status line and the footer of keys.

use crate::app::{App, Focus, Modal};
use crate::text::sanitize;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;
use std::time::SystemTime;
use theme::Theme;

use super::*;

pub(super) fn status(app: &App, now: SystemTime, t: &Theme, r: Rect, buf: &mut Buffer) {
    let mut spans = vec![Span::raw(" ")];
    if let Some(p) = &app.pending {
        let what = if p.renew { "renewing" } else { "switching to" };
        spans.push(Span::styled(spinner(now, p.since), t.accent()));
        spans.push(Span::raw(format!(" {what} {}… ", sanitize(&p.bookmark))));
        spans.push(Span::styled("Esc cancels", t.dim()));
        spans.push(Span::raw("   "));
    }
    if let Some(n) = app.live_notice(now) {
        spans.push(Span::styled(sanitize(n), t.accent()));
    }
    cell(buf, r.x, r.y, r.width, spans);
}

/// (key, what it does) pairs for the footer, each marked whether it may be
/// left out when the line is too narrow (it stays in the help box).
pub(super) fn footer_keys(app: &App) -> Vec<(&'static str, &'static str, bool)> {
    let keys = footer_entries(app);
    let optional = |k: &str| matches!(k, "^R" | "a");
    keys.into_iter()
        .map(|(k, what)| (k, what, optional(k)))
        .collect()
}

pub(super) fn footer_entries(app: &App) -> Vec<(&'static str, &'static str)> {
    match &app.modal {
        Some(Modal::Mfa { .. }) => vec![("0-9", "code"), ("↵", "submit"), ("Esc", "cancel")],
        Some(Modal::Error(_)) => vec![("↵/Esc", "close")],
        Some(Modal::Help) => vec![("Esc/?", "close")],
        Some(Modal::ConfirmDelete { .. }) => vec![("y", "delete"), ("n/Esc", "keep")],
        Some(Modal::ProfileName { .. }) => vec![("↵", "write"), ("Esc", "cancel")],
        Some(Modal::Region { .. }) => vec![
            ("type", "filter"),
            ("↑↓", "move"),
            ("↵", "pick"),
            ("Esc", "cancel"),
        ],
        Some(Modal::Form(_)) => vec![
            ("Tab/↑↓", "field"),
            ("↵", "save"),
            ("^U", "clear field"),
            ("Esc", "cancel"),
        ],
        None => match app.focus {
            Focus::List => {
                let mut keys = vec![("↵", "assume"), ("↑↓", "move")];
                if !app.sessions.is_empty() {
                    keys.push(("Tab", "sessions"));
                }
                if app.focused_session().is_some() {
                    keys.push(("^R", "region"));
                }
                keys.extend([
                    ("^A", "add"),
                    ("^E", "edit"),
                    ("^D", "delete"),
                    ("?", "help"),
                ]);
                keys.push((
                    "Esc",
                    if app.filter.is_empty() {
                        "quit"
                    } else {
                        "clear"
                    },
                ));
                keys
            }
            Focus::Sessions => vec![
                ("s", "shell"),
                ("w", "write"),
                ("e", "env"),
                ("y", "copy"),
                ("c", "console"),
                ("R", "region"),
                ("r", "renew"),
                ("a", "auto"),
                ("x", "forget"),
                ("?", "help"),
            ],
        },
    }
}

pub(super) fn footer(app: &App, t: &Theme, r: Rect, buf: &mut Buffer) {
    let mut keys = footer_keys(app);
    let width = |keys: &[(&str, &str, bool)]| {
        1 + keys
            .iter()
            .map(|(k, what, _)| line_width(k) + 1 + line_width(what))
            .sum::<u16>()
            + 2 * u16::try_from(keys.len().saturating_sub(1)).unwrap_or(0)
    };
    // Too narrow: the optional keys go first, from the right.
    while width(&keys) > r.width
        && let Some(i) = keys.iter().rposition(|(_, _, optional)| *optional)
    {
        keys.remove(i);
    }
    let mut spans = vec![Span::raw(" ")];
    for (i, (k, what, _)) in keys.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(k, t.key()));
        spans.push(Span::styled(format!(" {what}"), t.dim()));
    }
    cell(buf, r.x, r.y, r.width, spans);
}
