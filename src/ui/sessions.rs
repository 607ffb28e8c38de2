//! The sessions pane: countdowns, gauges, renewal state.

use crate::app::layout::scroll_offset;
use crate::app::session::{Origin, ServedBy, Session, Urgency};
use crate::app::{App, Focus};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use std::time::{Duration, SystemTime};
use theme::Theme;

use super::*;

pub(super) fn sessions(app: &App, now: SystemTime, t: &Theme, r: Rect, buf: &mut Buffer) {
    let focused = app.focus == Focus::Sessions;
    let n = Line::from(Span::styled(format!(" {} ", app.sessions.len()), t.dim()));
    pane("Sessions", Some(n), focused, t).render(r, buf);
    let rows = Rect::new(
        r.x + 1,
        r.y + 1,
        r.width.saturating_sub(2),
        r.height.saturating_sub(2),
    );
    let h = usize::from(rows.height);
    let offset = scroll_offset(app.session_selected, 0, h);
    let gw = (rows.width / 6).clamp(10, 24);
    let fixed = 1 + 2 + 1 + ACCOUNT_W + 1 + 7 + 1 + gw + 1;
    let flex = rows.width.saturating_sub(fixed);
    let dw = (flex * 9 / 20).max(6).min(flex);
    let stw = flex - dw;
    for (i, s) in app.sessions.iter().enumerate().skip(offset).take(h) {
        let y = rows.y + (i - offset) as u16;
        let selected = i == app.session_selected;
        if selected && focused {
            buf.set_style(Rect::new(rows.x, y, rows.width, 1), t.selected());
        }
        let b = &s.bookmark;
        let mut x = rows.x;
        text_cell(buf, x, y, 1, if selected { "›" } else { " " }, t.accent());
        x += 1;
        let (sw, sws) = t.swatch(b.color.as_ref());
        text_cell(buf, x, y, 1, sw, sws);
        x += 2;
        text_cell(buf, x, y, dw, display_name(b), t.bookmark(b.color.as_ref()));
        x += dw + 1;
        text_cell(buf, x, y, ACCOUNT_W, &b.account, Style::new());
        x += ACCOUNT_W + 1;
        let left = s.remaining(now);
        let urgency = s.urgency(now);
        let cd = crate::text::countdown(left);
        let pad = 7u16.saturating_sub(line_width(&cd));
        text_cell(buf, x + pad, y, 7 - pad, &cd, t.urgency(urgency));
        x += 7 + 1;
        cell(buf, x, y, gw, gauge(s, now, gw, t));
        x += gw + 1;
        let (text, style) = session_state(app, s, now, t);
        text_cell(buf, x, y, stw, &text, style);
    }
}

/// A bar of the lifetime left, in the countdown's colour.
pub(super) fn gauge(s: &Session, now: SystemTime, w: u16, t: &Theme) -> Vec<Span<'static>> {
    let filled = if s.is_expired(now) {
        0
    } else {
        // At least one cell while valid: an empty bar must mean expired.
        ((s.fraction_left(now) * f64::from(w)).round() as u16).clamp(1, w)
    };
    vec![
        Span::styled("█".repeat(usize::from(filled)), t.urgency(s.urgency(now))),
        Span::styled("░".repeat(usize::from(w - filled)), t.dim()),
    ]
}

/// The row's last column: what happens to the session next, and who else
/// serves it live.
pub(super) fn session_state(app: &App, s: &Session, now: SystemTime, t: &Theme) -> (String, Style) {
    let (text, style) = next_step(app, s, now, t);
    if s.served_by.is_empty() {
        return (text, style);
    }
    let by = ServedBy::describe_all(&s.served_by);
    match s.origin {
        // Nothing happens to it here: who serves it is the news.
        Origin::Cache if !s.renewing => (format!("served by {by}"), t.accent()),
        _ => (format!("{text} · also served by {by}"), style),
    }
}

fn next_step(app: &App, s: &Session, now: SystemTime, t: &Theme) -> (String, Style) {
    let pending = app
        .pending
        .as_ref()
        .filter(|p| p.bookmark == s.bookmark.name);
    if let Some(p) = pending {
        return (format!("{} renewing", spinner(now, p.since)), t.accent());
    }
    if s.renewing {
        return ("waiting for MFA code".into(), t.accent());
    }
    if s.is_expired(now) {
        return ("expired · r renews".into(), t.urgency(Urgency::Expired));
    }
    if let Some(at) = s.retry_after.filter(|at| *at > now) {
        let wait = at.duration_since(now).unwrap_or(Duration::ZERO);
        return (
            format!("retry in {}", crate::text::countdown(wait)),
            t.dim(),
        );
    }
    if s.origin == Origin::Cache {
        return ("cached · r renews here".into(), t.dim());
    }
    if !app.options.auto_renew {
        return ("auto-renew off".into(), t.dim());
    }
    let at = s.renew_at(app.options.refresh_window);
    let what = if s.renew_needs_code {
        "asks for MFA"
    } else {
        "renews"
    };
    match at.duration_since(now) {
        Ok(d) if !d.is_zero() => (format!("{what} in {}", crate::text::countdown(d)), t.dim()),
        _ => (format!("{what} soon"), t.dim()),
    }
}
