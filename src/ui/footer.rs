//! The status line and the footer of keys.

use crate::app::App;
use crate::app::keys::{self, Context};
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
        for tip in keys::tips(Context::Switching) {
            let text = format!("{} {}", tip.shown_keys(), tip.label);
            spans.push(Span::styled(text, t.dim()));
        }
        spans.push(Span::raw("   "));
    }
    if let Some((inst, p)) = &app.sso_sync {
        let text = if p.accounts == 0 {
            format!(" {}: listing accounts… ", sanitize(inst))
        } else {
            format!(
                " {}: {}/{} accounts, {} roles… ",
                sanitize(inst),
                p.accounts_done,
                p.accounts,
                p.roles
            )
        };
        spans.push(Span::styled("⟳", t.accent()));
        spans.push(Span::raw(text));
    }
    if let Some(n) = app.live_notice(now) {
        spans.push(Span::styled(sanitize(n), t.accent()));
    }
    cell(buf, r.x, r.y, r.width, spans);
}

/// (keys, what they do, optional) for the footer, from the key table.
pub(super) fn footer_keys(app: &App) -> Vec<(String, &'static str, bool)> {
    keys::footer(app)
        .into_iter()
        .map(|t| (t.shown_keys(), t.label, t.optional))
        .collect()
}

pub(super) fn footer(app: &App, t: &Theme, r: Rect, buf: &mut Buffer) {
    let mut keys = footer_keys(app);
    let width = |keys: &[(String, &str, bool)]| {
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
