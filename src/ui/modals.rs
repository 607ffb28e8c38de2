//! The modals: one function each (MFA prompt, confirmations, region, form, help).

use crate::app::form::{self, Form};
use crate::app::keys::{self, Context};
use crate::app::layout::scroll_offset;
use crate::app::session::ServedBy;
use crate::app::{App, MfaPrompt, MfaPurpose, Modal};
use crate::text::sanitize;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget, Wrap};
use std::time::SystemTime;
use theme::Theme;

use super::*;

pub(super) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// An empty bordered box over the screen; returns its inside.
pub(super) fn modal_box(
    title: &str,
    w: u16,
    h: u16,
    area: Rect,
    t: &Theme,
    buf: &mut Buffer,
) -> Rect {
    let r = centered(area, w, h);
    Clear.render(r, buf);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.border(true))
        .title(Span::styled(format!(" {title} "), t.bold()));
    let inner = block.inner(r);
    block.render(r, buf);
    Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    )
}

/// Rows needed to wrap `text` at `w` columns (an estimate: word breaks can add one).
pub(super) fn wrapped_rows(text: &str, w: u16) -> u16 {
    let w = w.max(1);
    u16::try_from(Line::raw(text).width())
        .unwrap_or(u16::MAX)
        .div_ceil(w)
        .max(1)
}

/// Draw the open modal; returns where the cursor goes (for text inputs).
pub(super) fn modal(
    app: &App,
    m: &Modal,
    now: SystemTime,
    t: &Theme,
    area: Rect,
    buf: &mut Buffer,
) -> Option<Position> {
    match m {
        Modal::Mfa(m) => Some(mfa_modal(app, m, now, t, area, buf)),
        Modal::Error(e) => {
            error_modal(e, t, area, buf);
            None
        }
        Modal::ConfirmDelete { name } => {
            confirm_delete_modal(app, name, t, area, buf);
            None
        }
        Modal::ConfirmForget { bookmark } => {
            confirm_forget_modal(app, bookmark, t, area, buf);
            None
        }
        Modal::ProfileName { bookmark, input } => {
            Some(profile_name_modal(bookmark, input, t, area, buf))
        }
        Modal::Form(f) => form_modal(f, t, area, buf),
        Modal::Region {
            bookmark,
            input,
            selected,
        } => Some(region_modal(app, bookmark, input, *selected, t, area, buf)),
        Modal::Help => {
            help(t, area, buf);
            None
        }
    }
}

/// The footer entries of `context`, as a line of text: "↵ write · Esc cancel".
fn tips_line(context: Context, skip: &[keys::Key]) -> String {
    keys::tips(context)
        .filter(|t| !t.keys.iter().any(|k| skip.contains(k)))
        .map(|t| format!("{} {}", t.shown_keys(), t.label))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// "Switch to Prod (prod)", the device, the six places of the code; returns
/// the cursor position.
fn mfa_modal(
    app: &App,
    m: &MfaPrompt,
    now: SystemTime,
    t: &Theme,
    area: Rect,
    buf: &mut Buffer,
) -> Position {
    let inner = modal_box("MFA code", 60, 9, area, t, buf);
    let bookmark = m.bookmark.as_str();
    let b = app.bookmarks.iter().find(|b| b.name == bookmark);
    let shown = b.map_or(bookmark, display_name);
    let style = t.bookmark(b.and_then(|b| b.color.as_ref())).patch(t.bold());
    let mut first = match m.purpose {
        MfaPurpose::Assume => vec![Span::raw("Switch to ")],
        MfaPurpose::Renew => vec![Span::raw("Renew ")],
    };
    first.push(Span::styled(sanitize(shown), style));
    first.push(Span::styled(format!(" ({})", sanitize(bookmark)), t.dim()));
    if m.purpose == MfaPurpose::Renew
        && let Some(s) = app.session_for(bookmark)
    {
        let left = s.remaining(now);
        let when = if left.is_zero() {
            ": expired".to_string()
        } else {
            format!(": expires in {}", crate::text::countdown(left))
        };
        first.push(Span::styled(when, t.urgency(s.urgency(now))));
    }
    let y = inner.y;
    cell(buf, inner.x, y, inner.width, first);
    cell(
        buf,
        inner.x,
        y + 1,
        inner.width,
        vec![
            Span::styled("device ", t.dim()),
            Span::raw(sanitize(&m.serial)),
        ],
    );
    let mut code = vec![Span::styled("code   ", t.dim())];
    for i in 0..6 {
        let c = m
            .input
            .chars()
            .nth(i)
            .map_or("_".to_string(), |c| c.to_string());
        code.push(Span::styled(c, t.bold()));
        code.push(Span::raw(" "));
    }
    cell(buf, inner.x, y + 3, inner.width, code);
    if let Some(note) = m.note(now) {
        // A refused Enter is an error; the wait for the next code is not.
        let style = if m.message.is_some() {
            t.error()
        } else {
            t.dim()
        };
        text_cell(buf, inner.x, y + 4, inner.width, &note, style);
    }
    let keys = format!(
        "6 digits from your authenticator · {}",
        tips_line(Context::Mfa, &[keys::Key::Digit])
    );
    text_cell(buf, inner.x, y + 6, inner.width, &keys, t.dim());
    let typed = u16::try_from(m.input.len().min(5)).unwrap_or(5);
    Position::new(inner.x + 7 + 2 * typed, y + 3)
}

/// The error's sentence and hint, wrapped.
fn error_modal(e: &crate::app::ErrorInfo, t: &Theme, area: Rect, buf: &mut Buffer) {
    let w = area.width.saturating_sub(4).min(72);
    let text_w = w.saturating_sub(4);
    let mut h = wrapped_rows(&e.message, text_w) + 4;
    if let Some(hint) = &e.hint {
        h += wrapped_rows(&format!("hint: {hint}"), text_w) + 1;
    }
    let inner = modal_box("Error", w, h, area, t, buf);
    let mut lines = vec![Line::styled(sanitize(&e.message), t.error()), Line::raw("")];
    if let Some(hint) = &e.hint {
        lines.push(Line::from(vec![
            Span::styled("hint: ", t.dim()),
            Span::raw(sanitize(hint)),
        ]));
        lines.push(Line::raw(""));
    }
    lines.push(Line::styled(tips_line(Context::Error, &[]), t.dim()));
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

/// A confirm box's question: `Delete Prod (prod)?`.
fn question(what: &'static str, app: &App, name: &str, t: &Theme) -> Vec<Span<'static>> {
    let shown = app
        .bookmarks
        .iter()
        .find(|b| b.name == name)
        .map_or(name, display_name);
    vec![
        Span::raw(what),
        Span::styled(sanitize(shown), t.bold()),
        Span::styled(format!(" ({})", sanitize(name)), t.dim()),
        Span::raw("?"),
    ]
}

/// A confirm box's keys: `y delete   n Esc cancel`.
fn key_spans(context: Context, t: &Theme) -> Vec<Span<'static>> {
    let mut keys = Vec::new();
    for (i, tip) in keys::tips(context).enumerate() {
        if i > 0 {
            keys.push(Span::raw("   "));
        }
        keys.push(Span::styled(tip.shown_keys(), t.key()));
        keys.push(Span::raw(format!(" {}", tip.label)));
    }
    keys
}

/// "Delete Prod (prod)?" and its keys.
fn confirm_delete_modal(app: &App, name: &str, t: &Theme, area: Rect, buf: &mut Buffer) {
    let inner = modal_box("Delete bookmark", 56, 6, area, t, buf);
    cell(
        buf,
        inner.x,
        inner.y,
        inner.width,
        question("Delete ", app, name, t),
    );
    text_cell(
        buf,
        inner.x,
        inner.y + 1,
        inner.width,
        "It is removed from the bookmarks file.",
        t.dim(),
    );
    let keys = key_spans(Context::ConfirmDelete, t);
    cell(buf, inner.x, inner.y + 3, inner.width, keys);
}

/// "Forget the session of Staging (staging)?" for a session the picker did
/// not make, with what that changes for the other terminals.
fn confirm_forget_modal(app: &App, name: &str, t: &Theme, area: Rect, buf: &mut Buffer) {
    let served = app
        .session_for(name)
        .map(|s| ServedBy::describe_all(&s.served_by))
        .filter(|by| !by.is_empty());
    let height = if served.is_some() { 9 } else { 8 };
    let inner = modal_box("Forget session", 70, height, area, t, buf);
    let q = question("Forget the session of ", app, name, t);
    cell(buf, inner.x, inner.y, inner.width, q);
    let name = sanitize(name);
    let mut lines = vec![
        "It leaves the session cache every rolehop shares: the next".to_owned(),
        format!("`rolehop env {name}` / `exec {name}` assumes the role again."),
    ];
    if let Some(by) = served {
        lines.push(format!("{by} keeps serving its own copy, and renews it."));
    }
    lines.push("Credentials already handed out stay valid until they expire.".to_owned());
    let mut y = inner.y + 1;
    for line in &lines {
        text_cell(buf, inner.x, y, inner.width, line, t.dim());
        y += 1;
    }
    let keys = key_spans(Context::ConfirmForget, t);
    cell(buf, inner.x, y + 1, inner.width, keys);
}

/// The profile name being typed; returns the cursor position.
fn profile_name_modal(
    bookmark: &str,
    input: &str,
    t: &Theme,
    area: Rect,
    buf: &mut Buffer,
) -> Position {
    let inner = modal_box("Write profile", 60, 7, area, t, buf);
    let q = format!(
        "Write the credentials of {} to the profile:",
        sanitize(bookmark)
    );
    text_cell(buf, inner.x, inner.y, inner.width, &q, Style::new());
    let line = vec![
        Span::styled("[", t.dim()),
        Span::styled(input.to_owned(), t.bold()),
        Span::styled("]", t.dim()),
    ];
    cell(buf, inner.x, inner.y + 2, inner.width, line);
    let hint = format!(
        "letters, digits, . _ - · {}",
        tips_line(Context::ProfileName, &[])
    );
    text_cell(buf, inner.x, inner.y + 4, inner.width, &hint, t.dim());
    let x = inner.x + 1 + line_width(input).min(inner.width.saturating_sub(2));
    Position::new(x, inner.y + 2)
}

/// The region chooser (`R`): the filter, then the regions of the session's
/// partition with its current one first; returns the cursor position.
pub(super) fn region_modal(
    app: &App,
    bookmark: &str,
    input: &str,
    selected: usize,
    t: &Theme,
    area: Rect,
    buf: &mut Buffer,
) -> Position {
    let inner = modal_box("Region for hand-overs", 58, 17, area, t, buf);
    let session = app.session_for(bookmark);
    let b = session.map(|s| &s.bookmark);
    let shown = b.map_or(bookmark, display_name);
    let style = t.bookmark(b.and_then(|b| b.color.as_ref())).patch(t.bold());
    let mut first = vec![Span::styled(sanitize(shown), style)];
    if shown != bookmark {
        first.push(Span::styled(format!(" ({})", sanitize(bookmark)), t.dim()));
    }
    if let Some(s) = session {
        first.push(Span::styled(
            format!(" · partition {}", s.partition()),
            t.dim(),
        ));
    }
    cell(buf, inner.x, inner.y, inner.width, first);
    let fy = inner.y + 1;
    buf.set_line(inner.x, fy, &Line::styled("› ", t.accent()), 2);
    let field_w = inner.width.saturating_sub(2);
    if input.is_empty() {
        text_cell(
            buf,
            inner.x + 2,
            fy,
            field_w,
            "type to filter by code or place",
            t.dim(),
        );
    } else {
        text_cell(buf, inner.x + 2, fy, field_w, input, t.bold());
    }
    let typed = if input.is_empty() {
        0
    } else {
        line_width(&sanitize(input))
    };
    let cursor = Position::new(inner.x + 2 + typed.min(field_w.saturating_sub(1)), fy);
    // Rows between the filter (and a blank) and the keys line (after a blank).
    let top = inner.y + 3;
    let keys_y = inner.bottom().saturating_sub(1);
    let h = keys_y.saturating_sub(top + 1);
    let rows = app.region_choices(bookmark, input);
    if rows.is_empty() {
        let trimmed = input.trim();
        let text = if crate::app::regions::looks_like_region(trimmed) {
            format!("↵ uses {} (not in the list)", sanitize(trimmed))
        } else {
            format!("no region matches “{}”", sanitize(input))
        };
        if h > 0 {
            text_cell(buf, inner.x, top, inner.width, &text, t.dim());
        }
    }
    let offset = scroll_offset(selected, 0, usize::from(h));
    for (i, c) in rows.iter().enumerate().skip(offset).take(usize::from(h)) {
        let y = top + (i - offset) as u16;
        let on = i == selected;
        if on {
            buf.set_style(Rect::new(inner.x, y, inner.width, 1), t.selected());
        }
        text_cell(buf, inner.x, y, 1, if on { "›" } else { " " }, t.accent());
        text_cell(buf, inner.x + 2, y, 16, &c.code, t.bold());
        let loc = c.location.unwrap_or("");
        text_cell(buf, inner.x + 19, y, 20, loc, Style::new());
        if c.current {
            text_cell(
                buf,
                inner.x + 40,
                y,
                inner.width.saturating_sub(40),
                "current",
                t.dim(),
            );
        }
    }
    let keys = format!(
        "{} · no new session",
        tips_line(Context::Region, &[keys::Key::Typed])
    );
    text_cell(buf, inner.x, keys_y, inner.width, &keys, t.dim());
    cursor
}

pub(super) fn form_modal(f: &Form, t: &Theme, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let title = match &f.editing {
        Some(name) => format!("Edit {}", sanitize(name)),
        None => "Add bookmark".to_string(),
    };
    let n = f.fields.len() as u16;
    let inner = modal_box(&title, 76, n + 5, area, t, buf);
    // Field rows, then a blank, an error line and the keys.
    let visible = usize::from(inner.height.saturating_sub(3)).max(1);
    let offset = scroll_offset(f.focus, 0, visible);
    let label_w = 16;
    let value_w = inner.width.saturating_sub(label_w + 3);
    let mut cursor = None;
    for (row, i) in (offset..f.fields.len()).take(visible).enumerate() {
        let y = inner.y + row as u16;
        let field = f.field(i);
        let focused = i == f.focus;
        let mark = if focused { "›" } else { " " };
        text_cell(buf, inner.x, y, 1, mark, t.accent());
        let req = if form::required(field) { "*" } else { "" };
        let label_style = if focused { t.bold() } else { t.dim() };
        text_cell(
            buf,
            inner.x + 2,
            y,
            label_w,
            &format!("{}{req}", form::label(field)),
            label_style,
        );
        let vx = inner.x + 2 + label_w;
        let value = sanitize(&f.fields[i]);
        if value.is_empty() && !focused {
            text_cell(buf, vx, y, value_w, form::placeholder(field), t.dim());
        } else {
            // Show the end of a long value: that is where typing happens.
            let fit = usize::from(value_w.saturating_sub(1));
            let chars: Vec<char> = value.chars().collect();
            let shown: String = chars[chars.len().saturating_sub(fit)..].iter().collect();
            text_cell(buf, vx, y, value_w, &shown, Style::new());
            if focused {
                cursor = Some(Position::new(vx + line_width(&shown), y));
                if value.is_empty() {
                    let hint = form::placeholder(field);
                    text_cell(buf, vx + 1, y, value_w.saturating_sub(1), hint, t.dim());
                }
            }
        }
        if f.visible_error(i).is_some() {
            text_cell(buf, inner.right().saturating_sub(1), y, 1, "✗", t.error());
        }
    }
    let err_y = inner.y + visible as u16 + 1;
    let focused_err = f.visible_error(f.focus).map(|e| (f.field(f.focus), e));
    let first_err = (0..f.fields.len()).find_map(|i| f.visible_error(i).map(|e| (f.field(i), e)));
    if let Some(e) = &f.error {
        text_cell(
            buf,
            inner.x,
            err_y,
            inner.width,
            &format!("not saved: {e}"),
            t.error(),
        );
    } else if let Some((field, e)) = focused_err.or(first_err) {
        let text = format!("{} {e}", field.key());
        text_cell(buf, inner.x, err_y, inner.width, &text, t.error());
    }
    let keys = if f.saving {
        "saving…".to_owned()
    } else {
        format!("{} · * required", tips_line(Context::Form, &[]))
    };
    text_cell(buf, inner.x, err_y + 1, inner.width, &keys, t.dim());
    cursor
}

pub(super) fn help(t: &Theme, area: Rect, buf: &mut Buffer) {
    const KEY_W: u16 = 11;
    const COL_W: u16 = 36;
    let two_columns = area.width >= 2 * COL_W + 6;
    let (w, h) = if two_columns {
        (2 * COL_W + 6, 20)
    } else {
        (COL_W + 4, 32)
    };
    let inner = modal_box("Keys", w, h, area, t, buf);
    // Each section of `keys::HELP`, the mouse last.
    let lines = |i: usize| -> Vec<(String, &'static str)> {
        let (_, contexts) = keys::HELP[i];
        let mut lines: Vec<(String, &str)> = contexts
            .iter()
            .flat_map(|c| keys::rows(*c))
            .map(|r| (r.shown_keys(), r.help))
            .collect();
        if i == keys::HELP.len() - 1 {
            lines.extend(keys::MOUSE.map(|(k, what)| (k.to_owned(), what)));
        }
        lines
    };
    let mut draw_section = |x: u16, y: u16, i: usize| -> u16 {
        let mut y = y;
        let bottom = inner.bottom();
        if y < bottom {
            text_cell(buf, x, y, COL_W, keys::HELP[i].0, t.bold());
        }
        y += 1;
        for (k, what) in lines(i) {
            if y >= bottom {
                break;
            }
            text_cell(buf, x, y, KEY_W, &k, t.key());
            text_cell(buf, x + KEY_W, y, COL_W - KEY_W, what, Style::new());
            y += 1;
        }
        y + 1
    };
    if two_columns {
        let y1 = draw_section(inner.x, inner.y, 0);
        let y2 = draw_section(inner.x + COL_W + 2, inner.y, 1);
        draw_section(inner.x, y1.max(y2), 2);
    } else {
        let mut y = inner.y;
        for i in 0..keys::HELP.len() {
            y = draw_section(inner.x, y, i);
        }
    }
}
