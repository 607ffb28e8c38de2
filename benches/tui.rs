//! One keystroke in the picker: `app::update` with a key (fuzzy filter over
//! every bookmark) plus `ui::view` of the whole 120x40 frame into a ratatui
//! `TestBackend`, at 5,000 and 50,000 bookmarks.
//! `cargo bench --bench tui`
//!
//! - `first_key`: "p" typed into an empty filter: every bookmark is scored
//!   (by nucleo, over the haystacks), after `App::prepare`, as in the picker,
//!   which runs it once its first frame is drawn.
//! - `next_key`: "d" after "pro": only the previous matches are rescored.
//! - `backspace`: "prod" back to "pro": the matches kept for "pro".
//! - `render_only`: `view` alone, for the split between filter and render.
//! - `tui_first_frame`: `App::new` over the loaded bookmarks (the empty
//!   filter's list and the recency ranks) plus the first `view`, at 5,000 and
//!   100,000 bookmarks: the picker's own share of the time to its first frame
//!   (loading the file is `bookmarks_load` in the `bookmarks` bench).
//! - `tui_prepare`: `App::prepare` (the filter's haystacks), which the
//!   picker runs after its first frame, at 5,000 and 100,000 bookmarks.

mod support;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolehop::app::{App, Msg, Options, update};
use rolehop_files::bookmarks::Bookmark;
use std::time::{Duration, SystemTime};

const KINDS: [&str; 4] = ["prod", "stage", "dev", "audit"];
const ROLES: [&str; 4] = ["Admin", "ReadOnly", "PowerUser", "Developer"];
const TEAMS: [&str; 4] = ["Production", "Staging", "Development", "Audit"];

/// The same shape as `support::bookmarks_toml`, built directly.
fn bookmarks(n: usize) -> Vec<Bookmark> {
    (0..n)
        .map(|i| {
            let name = format!("acct{i:06}-{}", KINDS[i % 4]);
            Bookmark {
                display: format!("Team {} {}", i % 97, TEAMS[i % 4]).into(),
                account: format!("{:012}", 100_000_000_000u64 + i as u64 * 7919).into(),
                role: ROLES[i % 4].into(),
                color: None,
                mfa_serial: (i % 4 == 0).then(|| "arn:aws:iam::123456789012:mfa/alice".into()),
                external_id: None,
                region: Some("us-east-1".into()),
                duration: None,
                source_profile: None,
                session_name: None,
                name: name.into(),
            }
        })
        .collect()
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn typed(app: &mut App, text: &str, now: SystemTime) {
    for c in text.chars() {
        update(app, key(KeyCode::Char(c)), now);
    }
}

fn keystroke(c: &mut Criterion) {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let size = (120, 40);
    let mut group = c.benchmark_group("tui_keystroke");
    for n in support::sizes(&[5_000, 50_000], 5_000) {
        let (mut app, _) = App::new(bookmarks(n), vec![], Options::default(), size);
        app.prepare();
        let mut term = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
        let cases: [(&str, &str, KeyCode); 3] = [
            ("first_key", "", KeyCode::Char('p')),
            ("next_key", "pro", KeyCode::Char('d')),
            ("backspace", "prod", KeyCode::Backspace),
        ];
        for (name, before, k) in cases {
            let mut start = app.clone();
            typed(&mut start, before, now);
            group.bench_function(BenchmarkId::new(name, n), |b| {
                b.iter_batched(
                    || start.clone(),
                    |mut app| {
                        update(&mut app, key(k), now);
                        term.draw(|f| rolehop::ui::view(&app, now, f))
                            .expect("draw");
                        app
                    },
                    BatchSize::LargeInput,
                )
            });
        }
        let mut shown = app.clone();
        typed(&mut shown, "prod", now);
        group.bench_function(BenchmarkId::new("render_only", n), |b| {
            b.iter(|| {
                term.draw(|f| rolehop::ui::view(&shown, now, f))
                    .expect("draw");
            })
        });
    }
    group.finish();
}

fn first_frame(c: &mut Criterion) {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let size = (120, 40);
    let recent: Vec<String> = ["acct000042-dev", "acct000007-audit"]
        .map(String::from)
        .into();
    let mut group = c.benchmark_group("tui_first_frame");
    group.sample_size(20);
    for n in support::sizes(&[5_000, 100_000], 5_000) {
        let list = bookmarks(n);
        let mut term = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter_batched(
                || list.clone(),
                |list| {
                    let (app, _) = App::new(list, recent.clone(), Options::default(), size);
                    term.draw(|f| rolehop::ui::view(&app, now, f))
                        .expect("draw");
                    app
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn prepare(c: &mut Criterion) {
    let mut group = c.benchmark_group("tui_prepare");
    group.sample_size(20);
    for n in support::sizes(&[5_000, 100_000], 5_000) {
        let (app, _) = App::new(bookmarks(n), vec![], Options::default(), (120, 40));
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter_batched(
                || app.clone(),
                |mut app| {
                    app.prepare();
                    app
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, keystroke, first_frame, prepare);
criterion_main!(benches);
