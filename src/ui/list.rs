//! The bookmarks list: columns, rows, matched letters.

use crate::app::filter::{Highlights, Query};
use crate::app::layout::scroll_offset;
use crate::app::{App, Focus};
use crate::text::sanitize;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use rolehop_files::bookmarks::Bookmark;
use std::time::SystemTime;
use theme::Theme;

use super::*;

/// Column widths of the bookmark list: display, name (0 when no bookmark has
/// a name distinct from its display name), role.
pub(super) fn list_columns(width: u16, show_name: bool) -> (u16, u16, u16) {
    let fixed = 1 + 2 + 1 + ACCOUNT_W + 1 + 1 + MARKERS_W + u16::from(show_name);
    let flex = width.saturating_sub(fixed);
    if show_name {
        let d = flex * 2 / 5;
        let n = flex / 4;
        (d, n, flex - d - n)
    } else {
        let d = flex / 2;
        (d, 0, flex - d)
    }
}

pub(super) fn list(app: &App, now: SystemTime, t: &Theme, a: &Areas, buf: &mut Buffer) {
    let focused = app.focus == Focus::List;
    let count = Line::from(Span::styled(format!(" {} ", filter_summary(app)), t.dim()));
    pane("Bookmarks", Some(count), focused, t).render(a.list, buf);
    let rows = a.list_rows();
    if rows.height == 0 || rows.width == 0 {
        return;
    }
    if app.matches.is_empty() {
        let msg = if app.bookmarks.is_empty() && !app.sso_instances.is_empty() {
            format!(
                "No bookmarks yet: Ctrl-S lists the roles of {} (IAM Identity Center); Ctrl-A adds one.",
                sanitize(&app.sso_instances.join(", "))
            )
        } else if app.bookmarks.is_empty() {
            "No bookmarks yet: Ctrl-A adds one (or `rolehop add`).".to_string()
        } else {
            format!(
                "Nothing matches “{}”. Ctrl-U clears the filter.",
                sanitize(&app.filter)
            )
        };
        text_cell(
            buf,
            rows.x + 2,
            rows.y,
            rows.width.saturating_sub(2),
            &msg,
            t.dim(),
        );
        return;
    }
    let show_name = app
        .bookmarks
        .iter()
        .any(|b| !b.display.is_empty() && b.display != b.name);
    let (dw, nw, rw) = list_columns(rows.width, show_name);
    let h = usize::from(rows.height);
    let offset = scroll_offset(app.selected, app.list_offset, h);
    let query = Query::new(&app.filter);
    for (row, m) in app.matches.iter().enumerate().skip(offset).take(h) {
        let Some(b) = app.bookmarks.get(m.at()) else {
            continue;
        };
        let y = rows.y + (row - offset) as u16;
        let selected = row == app.selected;
        if selected {
            buf.set_style(Rect::new(rows.x, y, rows.width, 1), t.selected());
        }
        let hl = query.highlights(b);
        bookmark_row(
            app,
            now,
            t,
            b,
            &hl,
            selected,
            (rows.x, y),
            (dw, nw, rw),
            buf,
        );
    }
}

/// "12 of 5000" for the list title.
pub(super) fn filter_summary(app: &App) -> String {
    if app.filter.is_empty() {
        format!("{}", app.bookmarks.len())
    } else {
        format!("{} of {}", app.matches.len(), app.bookmarks.len())
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn bookmark_row(
    app: &App,
    now: SystemTime,
    t: &Theme,
    b: &Bookmark,
    hl: &Highlights,
    selected: bool,
    (x, y): (u16, u16),
    (dw, nw, rw): (u16, u16, u16),
    buf: &mut Buffer,
) {
    let color = t.bookmark(b.color.as_ref());
    let hit = t.matched();
    let mut x = x;
    text_cell(buf, x, y, 1, if selected { "›" } else { " " }, t.accent());
    x += 1;
    let (sw, sw_style) = t.swatch(b.color.as_ref());
    text_cell(buf, x, y, 1, sw, sw_style);
    x += 2;
    cell(
        buf,
        x,
        y,
        dw,
        marked(display_name(b), &hl.display, color, hit),
    );
    x += dw + 1;
    if nw > 0 {
        if !b.display.is_empty() && b.display != b.name {
            cell(buf, x, y, nw, marked(&b.name, &hl.name, t.dim(), hit));
        }
        x += nw + 1;
    }
    cell(
        buf,
        x,
        y,
        ACCOUNT_W,
        marked(&b.account, &hl.account, Style::new(), hit),
    );
    x += ACCOUNT_W + 1;
    cell(buf, x, y, rw, marked(&b.role, &hl.role, Style::new(), hit));
    x += rw + 1;
    let mut marks = Vec::new();
    let tag = |on: bool, s: &'static str| Span::styled(if on { s } else { "   " }, t.dim());
    if app.sso_roles.contains_key(b.name.as_str()) {
        marks.push(Span::styled("sso", t.dim()));
    } else {
        marks.push(tag(b.mfa_serial.is_some(), "mfa"));
    }
    marks.push(Span::raw(" "));
    marks.push(tag(b.external_id.is_some(), "ext"));
    marks.push(Span::raw(" "));
    match (&app.pending, app.session_for(&b.name)) {
        (Some(p), _) if p.bookmark == b.name => {
            marks.push(Span::styled(spinner(now, p.since), t.accent()))
        }
        (_, Some(s)) => marks.push(Span::styled("●", t.urgency(s.urgency(now)))),
        _ => {}
    }
    cell(buf, x, y, MARKERS_W, marks);
}
