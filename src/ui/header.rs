//! The header (who you are, the selected session) and the filter line.

use crate::app::session::Session;
use crate::app::{App, IdentityState};
use crate::text::sanitize;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use std::time::{SystemTime, UNIX_EPOCH};
use theme::Theme;

use super::*;

pub(super) fn header(app: &App, now: SystemTime, t: &Theme, r: Rect, buf: &mut Buffer) {
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
pub(super) fn base_identity(
    app: &App,
    now: SystemTime,
    t: &Theme,
    fit: Option<u16>,
) -> Vec<Span<'static>> {
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

pub(super) const BASE_LABEL: &str = "  base: ";

/// The fewest columns the base identity is shown in next to a session: an
/// ARN down to "…user/alice", the rest down to a word.
pub(super) fn base_min_width(app: &App) -> u16 {
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
pub(super) fn tail(arn: &str, w: usize) -> String {
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
pub(super) struct Summary {
    pub(super) dot: Span<'static>,
    pub(super) who: Span<'static>,
    pub(super) account: Span<'static>,
    pub(super) region: Span<'static>,
    /// "59:12 left" (or "expired") and the bare "59:12".
    pub(super) left: Span<'static>,
    pub(super) countdown: Span<'static>,
    pub(super) sep: Span<'static>,
}

impl Summary {
    pub(super) fn new(s: &Session, now: SystemTime, t: &Theme) -> Summary {
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
pub(super) fn session_summaries(
    s: &Session,
    now: SystemTime,
    t: &Theme,
) -> Vec<Vec<Span<'static>>> {
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
pub(super) fn session_summary_alone(
    s: &Session,
    now: SystemTime,
    t: &Theme,
    w: u16,
) -> Vec<Span<'static>> {
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
pub(super) fn filter_line(app: &App, t: &Theme, r: Rect, buf: &mut Buffer) -> Option<Position> {
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
