//! The view: draws the picker from `&App` and the current time. Pure: it reads
//! only its arguments (no clock, no environment), so a `TestBackend` snapshot
//! is exactly what the user sees. The layout lives in `app::layout`, shared
//! with `update` for paging and mouse hits.

#[cfg(test)]
mod tests;
pub mod theme;

pub use crate::app::layout::{Areas, MIN_HEIGHT, MIN_WIDTH, areas, list_height};

use crate::app::filter::{Highlights, Query};
use crate::app::form::{self, Form};
use crate::app::layout::scroll_offset;
use crate::app::session::{Session, Urgency};
use crate::app::{App, Focus, IdentityState, MfaPurpose, Modal};
use crate::config::bookmarks::Bookmark;
use crate::text::sanitize;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget, Wrap};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
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

fn header(app: &App, now: SystemTime, t: &Theme, r: Rect, buf: &mut Buffer) {
    let mut right = String::new();
    if app.options.pick {
        right.push_str("pick · ");
    }
    right.push_str(if app.options.auto_renew {
        "auto-renew on "
    } else {
        "auto-renew off "
    });
    let rw = line_width(&right);
    text_cell(buf, r.right().saturating_sub(rw), r.y, rw, &right, t.dim());
    let avail = r.width.saturating_sub(rw + 1);
    let title = " rolehop ";
    let title_w = line_width(title).min(avail);
    text_cell(buf, r.x, r.y, title_w, title, t.title());
    let (x, room) = (r.x + title_w, avail - title_w);
    let Some(s) = app.focused_session() else {
        return cell(buf, x, r.y, room, base_identity(app, now, t, None));
    };
    // The selected session, right-aligned (two columns before the right
    // part); the base identity gets what is left, shortened to the end of
    // its ARN, or it goes.
    let room = room.saturating_sub(1);
    let spans_w =
        |spans: &[Span]| u16::try_from(Line::from(spans.to_vec()).width()).unwrap_or(u16::MAX);
    let base_min = base_min_width(app);
    for summary in session_summaries(s, now, t) {
        let sw = spans_w(&summary);
        if sw.saturating_add(base_min) <= room {
            let base_w = room - sw;
            cell(
                buf,
                x,
                r.y,
                base_w,
                base_identity(app, now, t, Some(base_w)),
            );
            return cell(buf, x + base_w, r.y, sw, summary);
        }
    }
    cell(buf, x, r.y, room, session_summary_alone(s, now, t, room));
}

/// "  base: ARN" of the header; with `fit`, an ARN too long for it keeps its
/// end (the user or role name), cut at the front.
fn base_identity(app: &App, now: SystemTime, t: &Theme, fit: Option<u16>) -> Vec<Span<'static>> {
    let mut spans = vec![Span::styled(BASE_LABEL, t.dim())];
    match &app.identity {
        IdentityState::Loading => {
            spans.push(Span::styled(spinner(now, UNIX_EPOCH), t.accent()));
            spans.push(Span::raw(" Loading…"));
        }
        IdentityState::Known(arn) => {
            let arn = sanitize(arn);
            let arn = match fit {
                Some(w) => tail(&arn, usize::from(w.saturating_sub(line_width(BASE_LABEL)))),
                None => arn,
            };
            spans.push(Span::styled(arn, t.bold()))
        }
        IdentityState::Unknown(why) => spans.push(Span::styled(
            format!("unknown: {}", sanitize(why)),
            t.error(),
        )),
    }
    spans
}

const BASE_LABEL: &str = "  base: ";

/// The fewest columns the base identity is shown in next to a session: an
/// ARN down to "…user/alice", the rest down to a word.
fn base_min_width(app: &App) -> u16 {
    let label = line_width(BASE_LABEL);
    match &app.identity {
        IdentityState::Known(arn) => {
            let arn = sanitize(arn);
            let end = arn.rsplit(':').next().unwrap_or(&arn);
            let w = line_width(end);
            label + if w < line_width(&arn) { w + 1 } else { w }
        }
        IdentityState::Loading => label + 1,
        IdentityState::Unknown(_) => label + 8,
    }
}

/// An ARN in at most `w` columns: whole, else its end from a `:` on (the
/// account and user or role name), after an ellipsis.
fn tail(arn: &str, w: usize) -> String {
    if arn.chars().count() <= w {
        return arn.to_owned();
    }
    let mut cut = arn.match_indices(':').map(|(i, _)| &arn[i + 1..]);
    cut.find(|rest| !rest.is_empty() && rest.chars().count() < w)
        .map(|rest| format!("…{rest}"))
        .unwrap_or_else(|| {
            let chars: Vec<char> = arn.chars().collect();
            let mut out = String::from("…");
            out.extend(&chars[chars.len() - w.saturating_sub(1)..]);
            out
        })
}

/// Parts of the header's session facts, to assemble at a width.
struct Summary {
    dot: Span<'static>,
    who: Span<'static>,
    account: Span<'static>,
    region: Span<'static>,
    /// "59:12 left" (or "expired") and the bare "59:12".
    left: Span<'static>,
    countdown: Span<'static>,
    sep: Span<'static>,
}

impl Summary {
    fn new(s: &Session, now: SystemTime, t: &Theme) -> Summary {
        let left = s.remaining(now);
        let urgency = t.urgency(s.urgency(now));
        let cd = crate::text::countdown(left);
        let long = if left.is_zero() {
            cd.clone()
        } else {
            format!("{cd} left")
        };
        Summary {
            dot: Span::styled("  ● ", urgency),
            who: Span::styled(
                sanitize(s.role_session().unwrap_or(display_name(&s.bookmark))),
                t.bookmark(s.bookmark.color.as_ref()).patch(t.bold()),
            ),
            account: Span::raw(sanitize(s.account())),
            region: match s.region() {
                Some(r) => Span::styled(sanitize(r), t.bold()),
                None => Span::styled("no region", t.dim()),
            },
            left: Span::styled(long, urgency),
            countdown: Span::styled(cd, urgency),
            sep: Span::styled(" · ", t.dim()),
        }
    }
}

/// The header's facts of the selected session, widest first: who (the
/// assumed role and session name), account, the hand-overs' region and the
/// time left; then without the account, then without the word "left".
fn session_summaries(s: &Session, now: SystemTime, t: &Theme) -> Vec<Vec<Span<'static>>> {
    let p = Summary::new(s, now, t);
    let sep = || p.sep.clone();
    vec![
        vec![
            p.dot.clone(),
            p.who.clone(),
            sep(),
            p.account.clone(),
            sep(),
            p.region.clone(),
            sep(),
            p.left.clone(),
        ],
        vec![
            p.dot.clone(),
            p.who.clone(),
            sep(),
            p.region.clone(),
            sep(),
            p.left.clone(),
        ],
        vec![
            p.dot.clone(),
            p.who.clone(),
            sep(),
            p.region.clone(),
            sep(),
            p.countdown.clone(),
        ],
    ]
}

/// The session's facts alone in `w` columns (no room for the base identity):
/// the widest that fits, else the identity shortened, else region and time.
fn session_summary_alone(s: &Session, now: SystemTime, t: &Theme, w: u16) -> Vec<Span<'static>> {
    let width = |spans: &[Span]| Line::from(spans.to_vec()).width();
    let w = usize::from(w);
    if let Some(fits) = session_summaries(s, now, t)
        .into_iter()
        .find(|v| width(v) <= w)
    {
        return fits;
    }
    let p = Summary::new(s, now, t);
    let last = vec![
        p.dot.clone(),
        p.region.clone(),
        p.sep.clone(),
        p.countdown.clone(),
    ];
    // The identity, shortened to what is left, if that keeps a few letters.
    let room = w.saturating_sub(width(&last) + p.sep.width());
    if room < 5 {
        return last;
    }
    let who = p.who.content.to_string();
    let who = if who.chars().count() <= room {
        who
    } else {
        let mut cut: String = who.chars().take(room - 1).collect();
        cut.push('…');
        cut
    };
    vec![
        p.dot,
        Span::styled(who, p.who.style),
        p.sep.clone(),
        p.region,
        p.sep,
        p.countdown,
    ]
}

/// The filter input; returns where the cursor goes.
fn filter_line(app: &App, t: &Theme, r: Rect, buf: &mut Buffer) -> Option<Position> {
    buf.set_line(r.x, r.y, &Line::styled(" › ", t.accent()), 3);
    let field_w = r.width.saturating_sub(4);
    if app.filter.is_empty() {
        text_cell(
            buf,
            r.x + 3,
            r.y,
            field_w,
            "type to filter by name, account or role",
            t.dim(),
        );
    } else {
        text_cell(buf, r.x + 3, r.y, field_w, &app.filter, t.bold());
    }
    let typed = if app.filter.is_empty() {
        0
    } else {
        line_width(&sanitize(&app.filter))
    };
    Some(Position::new(
        r.x + 3 + typed.min(field_w.saturating_sub(1)),
        r.y,
    ))
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

/// Column widths of the bookmark list: display, name (0 when no bookmark has
/// a name distinct from its display name), role.
fn list_columns(width: u16, show_name: bool) -> (u16, u16, u16) {
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

fn list(app: &App, now: SystemTime, t: &Theme, a: &Areas, buf: &mut Buffer) {
    let focused = app.focus == Focus::List;
    let count = Line::from(Span::styled(format!(" {} ", filter_summary(app)), t.dim()));
    pane("Bookmarks", Some(count), focused, t).render(a.list, buf);
    let rows = a.list_rows();
    if rows.height == 0 || rows.width == 0 {
        return;
    }
    if app.matches.is_empty() {
        let msg = if app.bookmarks.is_empty() {
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
        let Some(b) = app.bookmarks.get(m.index) else {
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
fn filter_summary(app: &App) -> String {
    if app.filter.is_empty() {
        format!("{}", app.bookmarks.len())
    } else {
        format!("{} of {}", app.matches.len(), app.bookmarks.len())
    }
}

#[allow(clippy::too_many_arguments)]
fn bookmark_row(
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
    marks.push(tag(b.mfa_serial.is_some(), "mfa"));
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

/// The facts shown for a bookmark, as (label, value, style of the value).
fn facts(
    app: &App,
    b: &Bookmark,
    now: SystemTime,
    t: &Theme,
) -> Vec<(&'static str, String, Style)> {
    let or = |v: &Option<String>, default: &str| match v {
        Some(v) => (sanitize(v), Style::new()),
        None => (default.to_string(), t.dim()),
    };
    let mut out = vec![("Role ARN", sanitize(&b.role_arn()), Style::new())];
    let (v, s) = or(&b.region, "default");
    out.push(("Region", v, s));
    match b.duration {
        Some(d) => out.push(("Duration", crate::text::duration(d), Style::new())),
        None => out.push(("Duration", "1h (default)".into(), t.dim())),
    }
    let (v, s) = or(&b.source_profile, "current credentials");
    out.push(("Source", v, s));
    let (v, s) = or(&b.mfa_serial, "none");
    out.push(("MFA serial", v, s));
    let (v, s) = or(&b.external_id, "none");
    out.push(("External ID", v, s));
    if let Some(n) = &b.session_name {
        out.push(("Session name", sanitize(n), Style::new()));
    }
    if let Some(s) = app.session_for(&b.name) {
        let left = s.remaining(now);
        let v = if left.is_zero() {
            "expired".to_string()
        } else {
            format!("{} left", crate::text::countdown(left))
        };
        out.push(("Session", v, t.urgency(s.urgency(now))));
        if let Some(limit) = &s.limit {
            out.push(("Limit", sanitize(limit), t.dim()));
        }
    }
    out
}

fn detail(app: &App, now: SystemTime, t: &Theme, r: Rect, beside: bool, buf: &mut Buffer) {
    let Some(b) = app.selected_bookmark() else {
        pane("Details", None, false, t).render(r, buf);
        return;
    };
    let mut title = vec![
        Span::raw(" "),
        Span::styled(
            sanitize(display_name(b)),
            t.bookmark(b.color.as_ref()).patch(t.bold()),
        ),
        Span::raw(" "),
    ];
    if display_name(b) != b.name {
        title.push(Span::styled(format!("{} ", sanitize(&b.name)), t.dim()));
    }
    let title = Line::from(title);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t.border(false))
        .title(title);
    let facts = facts(app, b, now, t);
    let lines: Vec<Line> = if beside {
        facts
            .into_iter()
            .map(|(label, v, s)| {
                Line::from(vec![
                    Span::styled(format!("{label:<12} "), t.dim()),
                    Span::styled(v, s),
                ])
            })
            .collect()
    } else {
        // Compact: the ARN on its own line, the rest flowing.
        let mut it = facts.into_iter();
        let mut lines = Vec::new();
        if let Some((_, arn, s)) = it.next() {
            lines.push(Line::from(Span::styled(arn, s)));
        }
        let mut rest = Vec::new();
        for (i, (label, v, s)) in it.enumerate() {
            if i > 0 {
                rest.push(Span::styled(" · ", t.dim()));
            }
            rest.push(Span::styled(format!("{} ", label.to_lowercase()), t.dim()));
            rest.push(Span::styled(v, s));
        }
        lines.push(Line::from(rest));
        lines
    };
    Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .render(r, buf);
}

fn sessions(app: &App, now: SystemTime, t: &Theme, r: Rect, buf: &mut Buffer) {
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
fn gauge(s: &Session, now: SystemTime, w: u16, t: &Theme) -> Vec<Span<'static>> {
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

fn session_state(app: &App, s: &Session, now: SystemTime, t: &Theme) -> (String, Style) {
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

fn status(app: &App, now: SystemTime, t: &Theme, r: Rect, buf: &mut Buffer) {
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
fn footer_keys(app: &App) -> Vec<(&'static str, &'static str, bool)> {
    let keys = footer_entries(app);
    let optional = |k: &str| matches!(k, "^R" | "a");
    keys.into_iter()
        .map(|(k, what)| (k, what, optional(k)))
        .collect()
}

fn footer_entries(app: &App) -> Vec<(&'static str, &'static str)> {
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

fn footer(app: &App, t: &Theme, r: Rect, buf: &mut Buffer) {
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

fn centered(area: Rect, w: u16, h: u16) -> Rect {
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
fn modal_box(title: &str, w: u16, h: u16, area: Rect, t: &Theme, buf: &mut Buffer) -> Rect {
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
fn wrapped_rows(text: &str, w: u16) -> u16 {
    let w = w.max(1);
    u16::try_from(Line::raw(text).width())
        .unwrap_or(u16::MAX)
        .div_ceil(w)
        .max(1)
}

/// Draw the open modal; returns where the cursor goes (for text inputs).
fn modal(
    app: &App,
    m: &Modal,
    now: SystemTime,
    t: &Theme,
    area: Rect,
    buf: &mut Buffer,
) -> Option<Position> {
    match m {
        Modal::Mfa {
            bookmark,
            serial,
            input,
            purpose,
            message,
        } => {
            let inner = modal_box("MFA code", 60, 9, area, t, buf);
            let b = app.bookmarks.iter().find(|b| b.name == *bookmark);
            let shown = b.map_or(bookmark.as_str(), display_name);
            let style = t.bookmark(b.and_then(|b| b.color.as_ref())).patch(t.bold());
            let mut first = match purpose {
                MfaPurpose::Assume => vec![Span::raw("Switch to ")],
                MfaPurpose::Renew => vec![Span::raw("Renew ")],
            };
            first.push(Span::styled(sanitize(shown), style));
            first.push(Span::styled(format!(" ({})", sanitize(bookmark)), t.dim()));
            if *purpose == MfaPurpose::Renew
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
                    Span::raw(sanitize(serial)),
                ],
            );
            let mut code = vec![Span::styled("code   ", t.dim())];
            for i in 0..6 {
                let c = input
                    .chars()
                    .nth(i)
                    .map_or("_".to_string(), |c| c.to_string());
                code.push(Span::styled(c, t.bold()));
                code.push(Span::raw(" "));
            }
            cell(buf, inner.x, y + 3, inner.width, code);
            if let Some(msg) = message {
                text_cell(buf, inner.x, y + 4, inner.width, msg, t.error());
            }
            text_cell(
                buf,
                inner.x,
                y + 6,
                inner.width,
                "6 digits from your authenticator · ↵ submit · Esc cancel",
                t.dim(),
            );
            let typed = u16::try_from(input.len().min(5)).unwrap_or(5);
            Some(Position::new(inner.x + 7 + 2 * typed, y + 3))
        }
        Modal::Error(e) => {
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
            lines.push(Line::styled("↵/Esc close", t.dim()));
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .render(inner, buf);
            None
        }
        Modal::ConfirmDelete { name } => {
            let inner = modal_box("Delete bookmark", 56, 6, area, t, buf);
            let shown = app
                .bookmarks
                .iter()
                .find(|b| b.name == *name)
                .map_or(name.as_str(), display_name);
            let q = vec![
                Span::raw("Delete "),
                Span::styled(sanitize(shown), t.bold()),
                Span::styled(format!(" ({})", sanitize(name)), t.dim()),
                Span::raw("?"),
            ];
            cell(buf, inner.x, inner.y, inner.width, q);
            text_cell(
                buf,
                inner.x,
                inner.y + 1,
                inner.width,
                "It is removed from the bookmarks file.",
                t.dim(),
            );
            let keys = vec![
                Span::styled("y", t.key()),
                Span::raw(" delete   "),
                Span::styled("n", t.key()),
                Span::raw(" keep"),
            ];
            cell(buf, inner.x, inner.y + 3, inner.width, keys);
            None
        }
        Modal::ProfileName { bookmark, input } => {
            let inner = modal_box("Write profile", 60, 7, area, t, buf);
            let q = format!(
                "Write the credentials of {} to the profile:",
                sanitize(bookmark)
            );
            text_cell(buf, inner.x, inner.y, inner.width, &q, Style::new());
            let line = vec![
                Span::styled("[", t.dim()),
                Span::styled(input.clone(), t.bold()),
                Span::styled("]", t.dim()),
            ];
            cell(buf, inner.x, inner.y + 2, inner.width, line);
            let hint = "letters, digits, . _ - · ↵ write · Esc cancel";
            text_cell(buf, inner.x, inner.y + 4, inner.width, hint, t.dim());
            let x = inner.x + 1 + line_width(input).min(inner.width.saturating_sub(2));
            Some(Position::new(x, inner.y + 2))
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

/// The region chooser (`R`): the filter, then the regions of the session's
/// partition with its current one first; returns the cursor position.
fn region_modal(
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
    text_cell(
        buf,
        inner.x,
        keys_y,
        inner.width,
        "↵ pick · ↑↓ move · Esc cancel · no new session",
        t.dim(),
    );
    cursor
}

fn form_modal(f: &Form, t: &Theme, area: Rect, buf: &mut Buffer) -> Option<Position> {
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
        "saving…"
    } else {
        "Tab/↑↓ field · ↵ save · ^U clear field · Esc cancel · * required"
    };
    text_cell(buf, inner.x, err_y + 1, inner.width, keys, t.dim());
    cursor
}

/// Every key, by where it applies.
const HELP: [(&str, &[(&str, &str)]); 3] = [
    (
        "Bookmarks (list)",
        &[
            ("type", "filter (fuzzy)"),
            ("↑ ↓ ^P ^N", "move"),
            ("PgUp PgDn", "page"),
            ("Home End", "first / last"),
            ("↵", "assume the role"),
            ("Tab", "sessions pane"),
            ("^R", "region of its session"),
            ("^A ^E ^D", "add / edit / delete"),
            ("⌫ ^W ^U", "delete char/word/all"),
            ("Esc", "cancel · clear · quit"),
        ],
    ),
    (
        "Sessions (Tab)",
        &[
            ("↑ ↓ k j", "move"),
            ("s ↵", "subshell"),
            ("w", "write to a profile"),
            ("e", "print exports, exit"),
            ("y", "copy exports"),
            ("c", "open the AWS console"),
            ("R", "region of hand-overs"),
            ("r", "renew now"),
            ("a", "auto-renew on/off"),
            ("x", "forget the session"),
            ("Tab Esc", "back to the list"),
        ],
    ),
    (
        "Everywhere",
        &[
            ("? F1", "this help"),
            ("^C", "quit"),
            ("wheel", "scroll"),
            ("click", "select a row"),
        ],
    ),
];

fn help(t: &Theme, area: Rect, buf: &mut Buffer) {
    const KEY_W: u16 = 11;
    const COL_W: u16 = 36;
    let two_columns = area.width >= 2 * COL_W + 6;
    let (w, h) = if two_columns {
        (2 * COL_W + 6, 20)
    } else {
        (COL_W + 4, 32)
    };
    let inner = modal_box("Keys", w, h, area, t, buf);
    let mut draw_section = |x: u16, y: u16, (title, keys): (&str, &[(&str, &str)])| -> u16 {
        let mut y = y;
        let bottom = inner.bottom();
        if y < bottom {
            text_cell(buf, x, y, COL_W, title, t.bold());
        }
        y += 1;
        for (k, what) in keys {
            if y >= bottom {
                break;
            }
            text_cell(buf, x, y, KEY_W, k, t.key());
            text_cell(buf, x + KEY_W, y, COL_W - KEY_W, what, Style::new());
            y += 1;
        }
        y + 1
    };
    if two_columns {
        let y1 = draw_section(inner.x, inner.y, HELP[0]);
        let y2 = draw_section(inner.x + COL_W + 2, inner.y, HELP[1]);
        draw_section(inner.x, y1.max(y2), HELP[2]);
    } else {
        let mut y = inner.y;
        for s in HELP {
            y = draw_section(inner.x, y, s);
        }
    }
}
