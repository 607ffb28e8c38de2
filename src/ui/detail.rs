//! The detail pane: the selected bookmark's facts.

use crate::app::App;
use crate::app::session::{Urgency, urgency};
use crate::session::sso::SsoLogin;
use crate::text::remaining;
use crate::text::sanitize;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Widget, Wrap};
use rolehop_files::bookmarks::Bookmark;
use std::time::SystemTime;
use theme::Theme;

use super::*;

/// The facts shown for a bookmark, as (label, value, style of the value).
pub(super) fn facts(
    app: &App,
    b: &Bookmark,
    now: SystemTime,
    t: &Theme,
) -> Vec<(&'static str, String, Style)> {
    let or = |v: &Option<rolehop_files::bookmarks::Text>, default: &str| match v {
        Some(v) => (sanitize(v), Style::new()),
        None => (default.to_string(), t.dim()),
    };
    if let Some((inst, start_url)) = app.sso_roles.get(b.name.as_str()) {
        return sso_facts(app, b, inst, start_url, now, t);
    }
    let mut out = vec![("Role ARN", sanitize(&b.role_arn()), Style::new())];
    // The runtime resolves the selected one (it reads the AWS config); a
    // bookmark's own region needs no resolving.
    let (v, s) = match (&app.region, &b.region) {
        (Some((name, region)), _) if *name == b.name => (region.clone(), Style::new()),
        (_, Some(r)) => (format!("{} (bookmark)", sanitize(r)), Style::new()),
        (_, None) => ("…".to_owned(), t.dim()),
    };
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

/// An IAM Identity Center role: where it comes from, instead of an ARN.
fn sso_facts(
    app: &App,
    b: &Bookmark,
    inst: &str,
    start_url: &str,
    now: SystemTime,
    t: &Theme,
) -> Vec<(&'static str, String, Style)> {
    let mut out = vec![
        ("Permission", sanitize(&b.role), Style::new()),
        ("Account", sanitize(&b.account), Style::new()),
        ("Identity Ctr", sanitize(inst), Style::new()),
        ("Portal", sanitize(start_url), t.dim()),
    ];
    match &b.region {
        Some(r) => out.push(("Region", sanitize(r), Style::new())),
        None => out.push(("Region", "the instance's".into(), t.dim())),
    }
    match app.session_for(&b.name) {
        Some(s) => {
            let left = s.remaining(now);
            let v = if left.is_zero() {
                "expired".to_string()
            } else {
                format!("{} left", crate::text::countdown(left))
            };
            out.push(("Session", v, t.urgency(s.urgency(now))));
        }
        None => out.push(("Session", "none yet".into(), t.dim())),
    }
    if let Some(login) = app.sso_logins.get(inst) {
        out.extend(sign_in(login, inst, now, t));
    }
    out
}

/// The Identity Center session behind an SSO role: when it ends, as far as
/// anyone can tell (AWS says it to no client), or what to run. Two short
/// lines: the pane beside the list is narrow.
fn sign_in(
    login: &SsoLogin,
    inst: &str,
    now: SystemTime,
    t: &Theme,
) -> [(&'static str, String, Style); 2] {
    let run = || {
        (
            "Run",
            format!("rolehop sso login {}", sanitize(inst)),
            Style::new(),
        )
    };
    let left = |at: SystemTime| remaining(at.duration_since(now).unwrap_or_default());
    match login {
        SsoLogin::SignedOut => [
            ("Sign-in", "none".into(), t.urgency(Urgency::Urgent)),
            run(),
        ],
        SsoLogin::Ended { .. } => [
            ("Sign-in", "ended".into(), t.urgency(Urgency::Expired)),
            run(),
        ],
        SsoLogin::EndsAt(at) => [
            ("Sign-in", "no refresh token".into(), t.dim()),
            (
                "Ends",
                format!("in {}", left(*at)),
                t.urgency(urgency(at.duration_since(now).unwrap_or_default())),
            ),
        ],
        SsoLogin::Open { since: None } => [
            ("Sign-in", "by another tool".into(), t.dim()),
            ("Ends", "not told (8h to 90d)".into(), t.dim()),
        ],
        SsoLogin::Open { since: Some(since) } => {
            let ago = remaining(now.duration_since(*since).unwrap_or_default());
            let (default, latest) = login.open_ends().unwrap_or((now, now));
            let ends = if default > now {
                format!("in ~{} (8h default)", left(default))
            } else {
                format!("within {} (90d cap)", left(latest))
            };
            [
                ("Sign-in", format!("{ago} ago"), Style::new()),
                ("Ends", ends, Style::new()),
            ]
        }
    }
}

pub(super) fn detail(
    app: &App,
    now: SystemTime,
    t: &Theme,
    r: Rect,
    beside: bool,
    buf: &mut Buffer,
) {
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
