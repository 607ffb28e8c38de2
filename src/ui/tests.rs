//! Rendered screens on a `TestBackend`. insta snapshots record the text;
//! colours are asserted on buffer cells (snapshots do not record them).

use super::theme;
use super::view;
use crate::app::session::Session;
use crate::app::tests::{assumed_until, bm, ch, ctrl, key, t0, typed};
use crate::app::{
    App, ErrorInfo, Focus, IdentityState, MfaPrompt, MfaPurpose, Modal, Options, Pending, form,
    update,
};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use rolehop_files::bookmarks::{Bookmark, Color as BColor};
use std::time::{Duration, SystemTime};

fn sample() -> Vec<Bookmark> {
    let mut prod = bm("prod");
    prod.display = "Production".into();
    prod.color = Some(BColor::Red);
    prod.mfa_serial = Some("arn:aws:iam::111111111111:mfa/alice".into());
    let mut staging = bm("staging");
    staging.display = "Staging".into();
    staging.color = Some(BColor::Yellow);
    staging.account = "123456789012".into();
    staging.role = "PowerUser".into();
    staging.external_id = Some("ext-7781".into());
    let mut dev = bm("dev");
    dev.color = Some(BColor::Green);
    dev.account = "111122223333".into();
    dev.role = "Developer".into();
    let mut audit = bm("audit");
    audit.display = "Security audit".into();
    audit.color = Some(BColor::Hex(0x80, 0x40, 0xff));
    audit.account = "444455556666".into();
    audit.role = "ReadOnly".into();
    audit.region = Some("eu-west-1".into());
    audit.duration = Some(900);
    audit.source_profile = Some("corp".into());
    let mut sandbox = bm("sandbox");
    sandbox.account = "777788889999".into();
    vec![prod, staging, dev, audit, sandbox]
}

fn app(size: (u16, u16)) -> App {
    let mut app = App::new(sample(), vec!["dev".into()], Options::default(), size).0;
    app.identity = IdentityState::Known("arn:aws:iam::111111111111:user/alice".into());
    // What the runtime resolves for the first selection.
    app.region = Some(("dev".into(), "us-east-1 (~/.aws/config)".into()));
    app
}

fn draw(app: &App, now: SystemTime) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    term.draw(|f| view(app, now, f)).unwrap();
    term
}

fn buffer(term: &Terminal<TestBackend>) -> &Buffer {
    term.backend().buffer()
}

/// Cells of `row` whose text starts `needle` (the first occurrence), as x positions.
fn find(buf: &Buffer, needle: &str) -> (u16, u16) {
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        if let Some(byte) = line.find(needle) {
            let x = line[..byte].chars().count() as u16;
            return (x, y);
        }
    }
    panic!("{needle:?} not on screen:\n{buf:?}");
}

fn session(b: Bookmark, left: Duration, now: SystemTime) -> Session {
    // Obtained an hour before it expires; MFA bookmarks as direct-MFA
    // sessions, whose renewal asks for a code.
    let expires = now + left;
    let mut s = Session::new(
        b,
        assumed_until(expires),
        expires - Duration::from_secs(3600),
    );
    s.renew_needs_code = s.bookmark.mfa_serial.is_some();
    s
}

/// The runtime's answer when the switch in flight needs a one-time code.
fn ask_code(app: &mut App, name: &str, renew: bool) {
    let need = crate::engine::CodeNeeded {
        bookmark: name.into(),
        serial: "arn:aws:iam::111111111111:mfa/alice".into(),
        wait: None,
        for_mfa_session: false,
    };
    let msg = crate::app::Msg::CodeNeeded {
        bookmark: name.into(),
        renew,
        need,
    };
    update(app, msg, t0());
}

#[test]
fn list_screen() {
    let app = app((80, 24));
    let term = draw(&app, t0());
    insta::assert_snapshot!(term.backend());
    let buf = buffer(&term);
    // Each line in its bookmark's colour; the swatch too.
    let (x, y) = find(buf, "Production");
    assert_eq!(buf[(x, y)].fg, Color::Rgb(0xf2, 0xb0, 0xa9));
    assert_eq!(buf[(x - 2, y)].symbol(), "█");
    assert_eq!(buf[(x - 2, y)].fg, Color::Rgb(0xf2, 0xb0, 0xa9));
    // The recent bookmark comes first and is selected.
    let (_, dev_y) = find(buf, "dev ");
    assert!(dev_y < y);
    assert!(buf[(5, dev_y)].modifier.contains(Modifier::BOLD));
    assert_ne!(buf[(5, dev_y)].bg, Color::Reset, "selection bar");
}

#[test]
fn wide_screen_with_detail_beside() {
    let mut app = app((120, 24));
    typed(&mut app, "audit", t0());
    insta::assert_snapshot!(draw(&app, t0()).backend());
}

/// The detail pane names the region a switch uses and where it comes from:
/// the runtime's answer for the selected bookmark, a bookmark's own region
/// as such, and `…` for the moment before the runtime has answered.
#[test]
fn detail_pane_says_the_effective_region_and_where_it_comes_from() {
    let mut app = app((120, 24));
    find(
        buffer(&draw(&app, t0())),
        "Region       us-east-1 (~/.aws/config)",
    );
    typed(&mut app, "audit", t0());
    find(
        buffer(&draw(&app, t0())),
        "Region       eu-west-1 (bookmark)",
    );
    app.filter.clear();
    typed(&mut app, "prod", t0());
    find(buffer(&draw(&app, t0())), "Region       …");
    app.region = Some(("prod".into(), "sa-east-1 (AWS_REGION)".into()));
    find(
        buffer(&draw(&app, t0())),
        "Region       sa-east-1 (AWS_REGION)",
    );
}

#[test]
fn filtered_list_highlights_matched_characters() {
    let mut app = app((80, 24));
    typed(&mut app, "prd", t0());
    let term = draw(&app, t0());
    insta::assert_snapshot!(term.backend());
    let buf = buffer(&term);
    let (x, y) = find(buf, "Production");
    let underlined = |x: u16| buf[(x, y)].modifier.contains(Modifier::UNDERLINED);
    // P-r-o-d-u-c-t-i-o-n: p, r, d matched.
    assert!(
        underlined(x) && underlined(x + 1) && underlined(x + 3),
        "{buf:?}"
    );
    assert!(!underlined(x + 2) && !underlined(x + 4));
    assert_eq!(buf[(x, y)].fg, theme::MATCH);
    assert_eq!(buf[(x + 2, y)].fg, Color::Rgb(0xf2, 0xb0, 0xa9));
}

#[test]
fn mfa_modal() {
    let mut app = app((80, 24));
    typed(&mut app, "prod", t0());
    update(&mut app, key(KeyCode::Enter), t0());
    ask_code(&mut app, "prod", false);
    typed(&mut app, "123", t0());
    update(&mut app, key(KeyCode::Enter), t0());
    let term = draw(&app, t0());
    insta::assert_snapshot!(term.backend());
    let buf = buffer(&term);
    find(buf, "Switch to Production (prod)");
    find(buf, "device arn:aws:iam::111111111111:mfa/alice");
    find(buf, "1 2 3 _ _ _");
    find(buf, "enter all 6 digits");
}

#[test]
fn mfa_modal_counts_down_to_the_next_code() {
    let mut app = app((80, 24));
    typed(&mut app, "prod", t0());
    update(&mut app, key(KeyCode::Enter), t0());
    let need = crate::engine::CodeNeeded {
        bookmark: "prod".into(),
        serial: "arn:aws:iam::111111111111:mfa/alice".into(),
        wait: Some(Duration::from_secs(12)),
        for_mfa_session: false,
    };
    let msg = crate::app::Msg::CodeNeeded {
        bookmark: "prod".into(),
        renew: false,
        need,
    };
    update(&mut app, msg, t0());
    for (secs, text) in [
        (0, "the next one comes in 12 s"),
        (5, "the next one comes in 7 s"),
        (11, "the next one comes in 1 s"),
        (12, "your device shows the next code now"),
    ] {
        let term = draw(&app, t0() + Duration::from_secs(secs));
        find(buffer(&term), text);
    }
}

#[test]
fn mfa_modal_for_a_renewal_says_when_it_expires() {
    let mut app = app((80, 24));
    let prod = app.bookmarks[0].clone();
    app.sessions
        .push(session(prod, Duration::from_secs(9 * 60 + 12), t0()));
    app.focus = Focus::Sessions;
    update(&mut app, ch('r'), t0());
    ask_code(&mut app, "prod", true);
    assert!(matches!(
        app.modal,
        Some(Modal::Mfa(MfaPrompt {
            purpose: MfaPurpose::Renew,
            ..
        }))
    ));
    let term = draw(&app, t0());
    let buf = buffer(&term);
    let (x, y) = find(buf, "expires in 9:12");
    assert_eq!(buf[(x + 11, y)].fg, theme::AMBER);
    find(buf, "prod expires in 9:12: enter an MFA code to renew");
}

#[test]
fn error_modal() {
    let mut app = app((80, 24));
    app.modal = Some(Modal::Error(ErrorInfo {
        message: "AccessDenied: arn:aws:iam::111111111111:user/alice is not authorized to perform \
                  sts:AssumeRole on arn:aws:iam::210987654321:role/Admin"
            .into(),
        hint: Some(
            "ask the owner of account 210987654321 to trust your user in the role's trust policy"
                .into(),
        ),
    }));
    insta::assert_snapshot!(draw(&app, t0()).backend());
}

#[test]
fn sessions_with_countdowns_in_their_colours() {
    let mut app = app((80, 24));
    let b = app.bookmarks.clone();
    app.sessions = vec![
        session(b[2].clone(), Duration::from_secs(59 * 60 + 12), t0()),
        session(b[0].clone(), Duration::from_secs(14 * 60 + 59), t0()),
        session(b[1].clone(), Duration::from_secs(42), t0()),
        session(b[3].clone(), Duration::ZERO, t0()),
    ];
    app.sessions[1].renewing = true;
    app.pending = Some(Pending {
        bookmark: "prod".into(),
        since: t0() - Duration::from_millis(300),
        renew: true,
    });
    app.focus = Focus::Sessions;
    app.session_selected = 1;
    let term = draw(&app, t0());
    insta::assert_snapshot!(term.backend());
    let buf = buffer(&term);
    for (text, colour) in [
        ("59:12 █", theme::CALM),
        ("14:59 █", theme::AMBER),
        ("42s █", theme::URGENT),
    ] {
        let (x, y) = find(buf, text);
        assert_eq!(buf[(x, y)].fg, colour, "{text}");
        // The gauge after it has the same colour.
        let g = (x..buf.area.width)
            .find(|&gx| buf[(gx, y)].symbol() == "█")
            .unwrap();
        assert_eq!(buf[(g, y)].fg, colour, "gauge of {text}");
    }
    // Expired: red and dim, with an empty gauge; never shown as valid.
    let (x, y) = find(buf, "expired ");
    assert_eq!(buf[(x, y)].fg, theme::URGENT);
    assert!(buf[(x, y)].modifier.contains(Modifier::DIM));
    let gauge: String = (x..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect();
    assert!(!gauge.contains('█') && gauge.contains('░'), "{gauge}");
    find(buf, "expired · r renews");
    find(buf, "⠸ renewing");
}

/// Sessions another rolehop left in the shared cache: the same rows, their
/// bookmarks' `●`, who serves them live; `x` on one says what it forgets.
#[test]
fn sessions_pane_with_a_cached_session_and_who_serves_it() {
    use crate::serve::registry::{By, Serving};
    let mut app = app((100, 30));
    let b = app.bookmarks.clone();
    // dev is the picker's own; staging and audit come from the cache.
    app.sessions = vec![session(b[2].clone(), Duration::from_secs(3000), t0())];
    let cached = |name: &str, left: u64| {
        let expires = t0() + Duration::from_secs(left);
        let switched = crate::engine::Switched {
            assumed: assumed_until(expires),
            obtained: expires - Duration::from_secs(3600),
            limit: None,
            cached: true,
            mode: crate::cache::Mode::Plain,
        };
        (name.to_owned(), switched)
    };
    let serving = vec![Serving {
        pid: 1234,
        by: By::Exec,
        bookmarks: vec!["staging".into()],
    }];
    let msg = crate::app::Msg::CacheSeen {
        sessions: vec![cached("audit", 1500), cached("staging", 2400)],
        serving,
    };
    update(&mut app, msg, t0());
    app.focus = Focus::Sessions;
    app.session_selected = 2;
    let term = draw(&app, t0());
    insta::assert_snapshot!(term.backend());
    let buf = buffer(&term);
    let (_, row) = find(buf, "40:00 █");
    assert_eq!(find(buf, "served by exec pid 1234").1, row);
    assert_eq!(
        find(buf, "cached · r renews here").1,
        find(buf, "25:00 █").1
    );
    // Staging's bookmark row has the live-session marker.
    let (_, y) = find(buf, "PowerUser");
    let line: String = (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect();
    assert!(line.contains('●'), "{line}");

    update(&mut app, ch('x'), t0());
    let term = draw(&app, t0());
    insta::assert_snapshot!("forget_a_cached_session", term.backend());
    let buf = buffer(&term);
    find(buf, "Forget the session of Staging (staging)?");
    find(
        buf,
        "`rolehop env staging` / `exec staging` assumes the role again.",
    );
    find(
        buf,
        "exec pid 1234 keeps serving its own copy, and renews it.",
    );
    find(buf, "y forget   n/Esc keep");
}

#[test]
fn sessions_pane_on_a_wide_terminal() {
    let mut app = app((120, 30));
    let b = app.bookmarks.clone();
    app.sessions = vec![session(b[0].clone(), Duration::from_secs(2000), t0())];
    app.focus = Focus::List;
    insta::assert_snapshot!(draw(&app, t0()).backend());
}

#[test]
fn help_overlay() {
    let mut app = app((80, 24));
    update(&mut app, ch('?'), t0());
    let term = draw(&app, t0());
    insta::assert_snapshot!(term.backend());
    let buf = buffer(&term);
    for k in [
        "^A ^E ^D",
        "s ↵",
        "write to a profile",
        "print exports, exit",
        "auto-renew on/off",
        "^C",
    ] {
        find(buf, k);
    }
}

#[test]
fn help_overlay_in_one_column_when_narrow() {
    let mut app = app((60, 32));
    update(&mut app, ch('?'), t0());
    let term = draw(&app, t0());
    insta::assert_snapshot!(term.backend());
    find(buffer(&term), "mouse      scroll · click a row");
}

#[test]
fn too_small_terminal_says_so() {
    let app = app((40, 8));
    let term = draw(&app, t0());
    insta::assert_snapshot!(term.backend());
    find(buffer(&term), "need 60x12, have 40x8");
    let app = App {
        size: (59, 30),
        ..app
    };
    find(buffer(&draw(&app, t0())), "have 59x30");
}

#[test]
fn minimum_size_still_draws_the_list() {
    let mut app = app((60, 12));
    let b = app.bookmarks.clone();
    app.sessions = vec![session(b[0].clone(), Duration::from_secs(1000), t0())];
    insta::assert_snapshot!(draw(&app, t0()).backend());
}

#[test]
fn no_color_uses_no_colours_at_all() {
    let mut app = app((80, 24));
    app.options.no_color = true;
    let b = app.bookmarks.clone();
    app.sessions = vec![
        session(b[0].clone(), Duration::from_secs(200), t0()),
        session(b[1].clone(), Duration::ZERO, t0()),
    ];
    typed(&mut app, "d", t0());
    let term = draw(&app, t0());
    insta::assert_snapshot!(term.backend());
    let buf = buffer(&term);
    for c in buf.content() {
        assert_eq!((c.fg, c.bg), (Color::Reset, Color::Reset), "{c:?}");
    }
    // The selection and matches still show, through modifiers.
    assert!(
        buf.content()
            .iter()
            .any(|c| c.modifier.contains(Modifier::REVERSED))
    );
    assert!(
        buf.content()
            .iter()
            .any(|c| c.modifier.contains(Modifier::UNDERLINED))
    );
}

#[test]
fn add_form_with_errors_as_you_type() {
    let mut app = app((80, 24));
    update(&mut app, ctrl('a'), t0());
    typed(&mut app, "qa", t0());
    update(&mut app, key(KeyCode::Tab), t0());
    typed(&mut app, "1234", t0());
    let term = draw(&app, t0());
    insta::assert_snapshot!(term.backend());
    let (x, y) = find(buffer(&term), "account must be 12 digits");
    assert_eq!(buffer(&term)[(x, y)].fg, Color::Red);
    // The cursor sits after what was typed in the focused field.
    let (vx, vy) = find(buffer(&term), "1234");
    assert!(term.backend().cursor_visible());
    assert_eq!(
        term.backend().cursor_position(),
        ratatui::layout::Position::new(vx + 4, vy)
    );
}

#[test]
fn form_scrolls_on_a_short_terminal() {
    let mut app = app((60, 12));
    app.modal = Some(Modal::Form(form::Form::edit(&app.bookmarks[3])));
    for _ in 0..10 {
        update(&mut app, key(KeyCode::Down), t0());
    }
    let term = draw(&app, t0());
    find(buffer(&term), "Session name");
    find(buffer(&term), "Tab/↑↓ field");
}

#[test]
fn confirm_delete_and_profile_name_modals() {
    let mut app = app((80, 24));
    update(&mut app, ctrl('d'), t0());
    let term = draw(&app, t0());
    find(buffer(&term), "Delete dev (dev)?");
    // The keys come from the key table, as the footer's do.
    find(buffer(&term), "y delete   n/Esc keep");
    let b = app.bookmarks[0].clone();
    app.modal = None;
    app.sessions = vec![session(b, Duration::from_secs(3000), t0())];
    app.focus = Focus::Sessions;
    update(&mut app, ch('w'), t0());
    let term = draw(&app, t0());
    insta::assert_snapshot!(term.backend());
    find(buffer(&term), "[prod]");
}

#[test]
fn status_line_shows_the_spinner_and_the_header_the_identity() {
    let mut app = app((80, 24));
    update(&mut app, key(KeyCode::Enter), t0());
    let term = draw(&app, t0() + Duration::from_millis(250));
    find(buffer(&term), "⠹ switching to dev… Esc cancels");
    app.identity = IdentityState::Unknown("no base credentials found".into());
    let term = draw(&app, t0());
    let (x, y) = find(buffer(&term), "unknown: no base credentials found");
    assert_eq!(buffer(&term)[(x, y)].fg, Color::Red);
    app.identity = IdentityState::Loading;
    find(buffer(&draw(&app, t0())), "Loading…");
}

#[test]
fn control_characters_in_user_text_are_escaped() {
    let mut app = app((80, 24));
    std::sync::Arc::make_mut(&mut app.bookmarks)[0].display = "Prod\u{1b}[2J".into();
    app.notice = Some(("saved \u{7}x".into(), t0()));
    let term = draw(&app, t0());
    find(buffer(&term), "Prod\\e[2J");
    find(buffer(&term), "saved \\x07x");
}

#[test]
fn empty_and_unmatched_lists_say_what_to_do() {
    let app = App::new(vec![], vec![], Options::default(), (80, 24)).0;
    find(
        buffer(&draw(&app, t0())),
        "No bookmarks yet: Ctrl-A adds one",
    );
    let mut app = self::app((80, 24));
    typed(&mut app, "zzzz", t0());
    find(buffer(&draw(&app, t0())), "Nothing matches “zzzz”");
}

/// Synthetic bookmarks for timing: four teams' naming schemes.
fn many(n: usize) -> Vec<Bookmark> {
    (0..n)
        .map(|i| {
            let kind = ["prod", "stage", "dev", "audit"][i % 4];
            let mut b = bm(&format!("acct{i:05}-{kind}"));
            b.display = format!(
                "Team {} {}",
                i % 97,
                ["Production", "Staging", "Development", "Audit"][i % 4]
            )
            .into();
            b.account = format!("{:012}", 100_000_000_000u64 + i as u64 * 7919).into();
            b.role = ["Admin", "ReadOnly", "PowerUser", "Developer"][i % 4].into();
            b
        })
        .collect()
}

/// Not a pass/fail test (timing on a shared machine is noisy): prints the
/// worst keystroke-to-frame time (filter + render) while typing, each
/// keystroke timed 7 times from the same state, keeping the fastest.
/// `cargo test --release --lib perf_filter -- --ignored --nocapture --test-threads=1`
#[test]
#[ignore]
fn perf_filter_and_render() {
    for n in [5_000usize, 50_000] {
        let mut app = App::new(many(n), vec![], Options::default(), (120, 40)).0;
        let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
        let mut worst = (Duration::ZERO, ' ');
        for c in "prodadm".chars() {
            let mut best = Duration::MAX;
            let mut next = app.clone();
            for _ in 0..7 {
                let mut a = app.clone();
                let start = std::time::Instant::now();
                update(&mut a, ch(c), t0());
                term.draw(|f| view(&a, t0(), f)).unwrap();
                best = best.min(start.elapsed());
                next = a;
            }
            worst = worst.max((best, c));
            app = next;
        }
        println!(
            "{n} bookmarks: worst keystroke filter+render {:?} (typing {:?})",
            worst.0, worst.1
        );
    }
}

/// The header's first row as text.
fn header_row(term: &Terminal<TestBackend>) -> String {
    let buf = buffer(term);
    (0..buf.area.width)
        .map(|x| buf[(x, 0)].symbol().to_string())
        .collect()
}

#[test]
fn region_chooser() {
    let mut app = app((80, 24));
    let b = app.bookmarks.clone();
    app.sessions = vec![session(b[0].clone(), Duration::from_secs(3000), t0())];
    app.focus = Focus::Sessions;
    let shift_r = crate::app::Msg::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('R'),
        crossterm::event::KeyModifiers::SHIFT,
    ));
    update(&mut app, shift_r, t0());
    typed(&mut app, "eu", t0());
    update(&mut app, key(KeyCode::Down), t0());
    let term = draw(&app, t0());
    insta::assert_snapshot!(term.backend());
    let buf = buffer(&term);
    find(buf, "Region for hand-overs");
    find(buf, "Production (prod) · partition aws");
    // The current region first, marked; the selection on the second row.
    let (x, y) = find(buf, "eu-west-1        Ireland              current");
    let (_, y2) = find(buf, "› eu-central-1");
    assert_eq!(y2, y + 1);
    assert_ne!(buf[(x, y2)].bg, Color::Reset, "selection bar");
    assert!(!format!("{buf:?}").contains("cn-north"));
    // The cursor sits after the filter typed.
    let (fx, fy) = find(buf, "› eu ");
    assert_eq!(
        term.backend().cursor_position(),
        ratatui::layout::Position::new(fx + 4, fy)
    );
    // The footer says what the keys do here.
    find(buf, "↵ pick");
    // Nothing matches: it says so; a full code of the partition would do.
    typed(&mut app, "zz", t0());
    find(buffer(&draw(&app, t0())), "no region matches “euzz”");
    update(&mut app, ctrl('u'), t0());
    typed(&mut app, "ap-southeast-7", t0());
    find(
        buffer(&draw(&app, t0())),
        "↵ uses ap-southeast-7 (not in the list)",
    );
}

#[test]
fn header_shows_the_selected_session() {
    let mut app = app((120, 24));
    let b = app.bookmarks.clone();
    app.sessions = vec![session(
        b[0].clone(),
        Duration::from_secs(14 * 60 + 59),
        t0(),
    )];
    app.sessions[0].region_override = Some("eu-central-1".into());
    app.focus = Focus::Sessions;
    let term = draw(&app, t0());
    insta::assert_snapshot!(term.backend());
    let row = header_row(&term);
    for part in [
        "rolehop",
        "base: ",
        "user/alice",
        "Admin/alice",
        "210987654321",
        "eu-central-1",
        "14:59 left",
        "auto-renew on",
    ] {
        assert!(row.contains(part), "{part:?} in {row:?}");
    }
    // The countdown in its urgency's colour, the identity in the bookmark's.
    let buf = buffer(&term);
    let (x, _) = find(buf, "14:59 left");
    assert_eq!(buf[(x, 0)].fg, theme::AMBER);
    let (x, _) = find(buf, "Admin/alice");
    assert_eq!(buf[(x, 0)].fg, Color::Rgb(0xf2, 0xb0, 0xa9));

    // Narrower: one line still, the region and the time left always there.
    for w in [100, 80, 70, 60] {
        app.size = (w, 24);
        let term = draw(&app, t0());
        let row = header_row(&term);
        assert!(row.contains("eu-central-1"), "{w}: {row:?}");
        assert!(row.contains("14:59"), "{w}: {row:?}");
        assert!(row.contains("Admin/"), "{w}: {row:?}");
        assert!(row.trim_end().ends_with("auto-renew on"), "{w}: {row:?}");
        // The second row is the filter, not a wrapped header.
        find(buffer(&term), " › type to filter");
    }

    // On the list, the header follows the selected bookmark: without a
    // session it shows the base identity as before.
    app.size = (120, 24);
    app.focus = Focus::List;
    let row = header_row(&draw(&app, t0()));
    assert!(!row.contains("eu-central-1"), "{row:?}");
    assert!(
        row.contains("base: arn:aws:iam::111111111111:user/alice"),
        "{row:?}"
    );
    typed(&mut app, "prod", t0());
    let row = header_row(&draw(&app, t0()));
    assert!(row.contains("eu-central-1 · 14:59 left"), "{row:?}");
    // Its footer offers ^R then.
    find(buffer(&draw(&app, t0())), "^R region");
}

/// An IAM Identity Center role is marked `sso` in the list, and its detail
/// pane names the instance and the permission set instead of an ARN.
#[test]
fn sso_roles_are_marked_and_described() {
    let mut b = bm("prod-admin");
    b.account = "000011112222".into();
    b.role = "AdministratorAccess".into();
    b.display = "Prod · AdministratorAccess".into();
    let mut app = App::new(vec![b], Vec::new(), Options::default(), (120, 30)).0;
    app.sso_roles.insert(
        "prod-admin".into(),
        (
            "corp".into(),
            "https://d-1234567890.awsapps.com/start".into(),
        ),
    );
    let term = draw(&app, t0());
    let buf = buffer(&term);
    // The list row: the account column, left of the detail pane.
    let (x, row) = find(buf, "000011112222");
    let line: String = (x..buf.area.width)
        .map(|x| buf[(x, row)].symbol().to_string())
        .take_while(|s| s != "│")
        .collect();
    assert!(line.contains("sso"), "{line}");
    find(buf, "Identity Ctr corp");
    find(buf, "Permission   AdministratorAccess");
    find(buf, "https://d-1234567890.awsapps.com/start");
    assert!(!format!("{buf:?}").contains("arn:aws:iam::000011112222"));
    assert!(
        !format!("{buf:?}").contains("Sign-in"),
        "no login state read yet: no line"
    );

    // The Identity Center session behind it, in each state.
    use crate::session::sso::SsoLogin;
    let hour = std::time::Duration::from_secs(3600);
    for (login, want) in [
        (
            SsoLogin::Open {
                since: Some(t0() - 2 * hour),
            },
            [
                "Sign-in      2h00m ago",
                "Ends         in ~6h00m (8h default)",
            ],
        ),
        (
            SsoLogin::Open {
                since: Some(t0() - 9 * hour),
            },
            [
                "Sign-in      9h00m ago",
                "Ends         within 89d15h (90d cap)",
            ],
        ),
        (
            SsoLogin::Open { since: None },
            [
                "Sign-in      by another tool",
                "Ends         not told (8h to 90d)",
            ],
        ),
        (
            SsoLogin::EndsAt(t0() + 3 * hour),
            ["Sign-in      no refresh token", "Ends         in 3h00m"],
        ),
        (
            SsoLogin::Ended { at: t0() - hour },
            ["Sign-in      ended", "Run          rolehop sso login corp"],
        ),
        (
            SsoLogin::SignedOut,
            ["Sign-in      none", "Run          rolehop sso login corp"],
        ),
    ] {
        app.sso_logins.insert("corp".into(), login);
        let term = draw(&app, t0());
        for line in want {
            find(buffer(&term), line);
        }
    }
}

#[test]
fn an_sso_sync_shows_its_progress_and_an_empty_list_says_ctrl_s() {
    let mut app = App::new(Vec::new(), Vec::new(), Options::default(), (120, 30)).0;
    app.sso_instances = vec!["corp".into()];
    let term = draw(&app, t0());
    find(
        buffer(&term),
        "No bookmarks yet: Ctrl-S lists the roles of corp (IAM Identity Center)",
    );
    find(buffer(&term), "^S sso sync");
    app.sso_sync = Some((
        "corp".into(),
        crate::app::SyncProgress {
            accounts: 1000,
            accounts_done: 340,
            roles: 900,
        },
    ));
    let term = draw(&app, t0());
    find(buffer(&term), "⟳ corp: 340/1000 accounts, 900 roles…");
    app.sso_sync = Some(("corp".into(), crate::app::SyncProgress::default()));
    let term = draw(&app, t0());
    find(buffer(&term), "⟳ corp: listing accounts…");
}
