//! The view: draws the picker from `&App` and the current time. Pure: it reads
//! only its arguments (no clock, no environment), so a `TestBackend` snapshot
//! is exactly what the user sees. The layout lives in `app::layout`, shared
//! with `update` for paging and mouse hits.

mod detail;
mod footer;
mod header;
mod list;
mod modals;
mod sessions;
#[cfg(test)]
mod tests;
pub mod theme;

use detail::*;
use footer::*;
use header::*;
use list::*;
use modals::*;
use sessions::*;

pub use crate::app::layout::{Areas, MIN_HEIGHT, MIN_WIDTH, areas, list_height};

use crate::app::{App, Focus};
use crate::text::sanitize;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Widget, Wrap};
use rolehop_files::bookmarks::Bookmark;
use std::time::{Duration, SystemTime};
use theme::Theme;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const ACCOUNT_W: u16 = 12;
/// "mfa ext ●"
const MARKERS_W: u16 = 9;

/// Draw the whole screen for `app` at `now`.
pub fn view(app: &App, now: SystemTime, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme::new(app.options.no_color);
    let Some(a) = areas((area.width, area.height), app.sessions.len()) else {
        return too_small(frame.buffer_mut(), area);
    };
    let buf = frame.buffer_mut();
    header(app, now, &theme, a.header, buf);
    let cursor = filter_line(app, &theme, a.filter, buf);
    list(app, now, &theme, &a, buf);
    if let Some(r) = a.detail {
        detail(app, now, &theme, r, a.detail_beside, buf);
    }
    if let Some(r) = a.sessions {
        sessions(app, now, &theme, r, buf);
    }
    status(app, now, &theme, a.status, buf);
    footer(app, &theme, a.footer, buf);
    let cursor = match &app.modal {
        Some(m) => modal(app, m, now, &theme, area, buf),
        None => cursor.filter(|_| app.focus == Focus::List),
    };
    if let Some(p) = cursor {
        frame.set_cursor_position(p);
    }
}

fn too_small(buf: &mut Buffer, area: Rect) {
    let lines = vec![
        Line::raw("terminal too small:"),
        Line::raw(format!(
            "need {MIN_WIDTH}x{MIN_HEIGHT}, have {}x{}",
            area.width, area.height
        )),
    ];
    let y = area.y + area.height.saturating_sub(2) / 2;
    let r = Rect::new(area.x, y, area.width, area.bottom() - y);
    Paragraph::new(lines)
        .centered()
        .wrap(Wrap { trim: true })
        .render(r, buf);
}

/// A braille spinner frame for an activity that started at `since`.
fn spinner(now: SystemTime, since: SystemTime) -> &'static str {
    let ms = now
        .duration_since(since)
        .unwrap_or(Duration::ZERO)
        .as_millis();
    SPINNER[(ms / 100 % 10) as usize]
}

/// User text as spans, with the characters at `hits` (char indices) in `hit`
/// style; control characters are drawn escaped.
fn marked(text: &str, hits: &[usize], base: Style, hit: Style) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_hit = false;
    let mut next = hits.iter().copied().peekable();
    for (i, c) in text.chars().enumerate() {
        let is_hit = next.peek() == Some(&i);
        if is_hit {
            next.next();
        }
        if is_hit != run_hit && !run.is_empty() {
            let style = if run_hit { base.patch(hit) } else { base };
            spans.push(Span::styled(std::mem::take(&mut run), style));
        }
        run_hit = is_hit;
        if c.is_control() {
            run.push_str(&sanitize(c.encode_utf8(&mut [0; 4])));
        } else {
            run.push(c);
        }
    }
    if !run.is_empty() {
        let style = if run_hit { base.patch(hit) } else { base };
        spans.push(Span::styled(run, style));
    }
    spans
}

/// Draw `spans` in a cell `w` wide at (x, y); an ellipsis marks a cut.
fn cell(buf: &mut Buffer, x: u16, y: u16, w: u16, spans: Vec<Span<'_>>) {
    if w == 0 {
        return;
    }
    let line = Line::from(spans);
    buf.set_line(x, y, &line, w);
    if line.width() > usize::from(w) {
        buf[(x + w - 1, y)].set_symbol("…");
    }
}

fn text_cell(buf: &mut Buffer, x: u16, y: u16, w: u16, text: &str, style: Style) {
    cell(buf, x, y, w, vec![Span::styled(sanitize(text), style)]);
}

fn line_width(s: &str) -> u16 {
    u16::try_from(Line::raw(s).width()).unwrap_or(u16::MAX)
}

fn display_name(b: &Bookmark) -> &str {
    if b.display.is_empty() {
        &b.name
    } else {
        &b.display
    }
}

fn pane(title: &str, right: Option<Line<'static>>, focused: bool, t: &Theme) -> Block<'static> {
    let mut b = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.border(focused))
        .title(Span::styled(format!(" {title} "), t.bold()));
    if let Some(r) = right {
        b = b.title_top(r.right_aligned());
    }
    b
}
