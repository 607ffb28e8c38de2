//! The interactive picker's runtime: it owns the terminal, turns terminal
//! events, ticks, signals and task results into `Msg`s on one channel, feeds
//! them to `app::update`, carries out the returned `Effect`s and draws when
//! something changed. All decisions live in `app`; all drawing in `ui`.

mod clipboard;
mod terminal;

use crate::app::{self, App, Effect, ErrorInfo, Msg, Options};
use crate::config::bookmarks::HandoverMode;
use crate::config::bookmarks::{self, Bookmark, Bookmarks};
use crate::config::history;
use crate::creds::Handover;
use crate::creds::export::{self, Shell};
use crate::creds::{file as credfile, profile};
use crate::engine::{Engine, Switched};
use crate::env::EnvView;
use crate::error::{Error, Result};
use crate::paths;
use crate::{assume, sts, ui};
use crossterm::event::{Event, EventStream, KeyEventKind, MouseEventKind};
use futures::StreamExt;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};
use terminal::{Tui, io_err};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::{AbortHandle, JoinHandle};

/// Settings from the command line and the environment (read once here).
pub fn options(pick: bool, shell: Option<Shell>, no_auto_renew: bool) -> Options {
    let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
    Options {
        auto_renew: !no_auto_renew,
        pick,
        export_shell: shell.unwrap_or_else(|| Shell::detect(var("SHELL").as_deref())),
        no_color: var("NO_COLOR").is_some(),
        ..Options::default()
    }
}

/// Run the picker until the user quits; then print the exports (pick mode).
/// `no_cache`: `--no-cache` (every switch calls STS; nothing is stored).
pub fn run(mut options: Options, no_cache: bool) -> Result<ExitCode> {
    let bookmarks_path = paths::bookmarks_path()?;
    let env = EnvView::from_process();
    // The picker reports cache warnings as notices, not on the screen it draws.
    let engine = Arc::new(crate::engine::Engine::open(env.clone(), no_cache, true)?);
    let settings = &engine.bookmarks.settings;
    options.auto_renew &= settings.auto_renew;
    options.refresh_window = engine.configured_window();
    let items = engine.bookmarks.items.clone();
    // No data directory means no history, not no picker.
    let history_path = history::default_path();
    let recent = history_path
        .as_deref()
        .map(history::load)
        .unwrap_or_default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(io_err("cannot start the async runtime"))?;

    let mut tui = Tui::enter()?;
    let stdout = rt.block_on(async {
        let (tx, rx) = unbounded_channel();
        let mut runtime = Runtime {
            tx,
            rx,
            backlog: VecDeque::new(),
            env,
            engine,
            no_cache,
            export_shell: options.export_shell,
            bookmarks_path,
            history_path,
            input: None,
            ticker: None,
            assume: None,
            suspended: Arc::new(AtomicBool::new(false)),
            server: None,
            deferred: VecDeque::new(),
        };
        let size = tui
            .terminal
            .size()
            .map_err(io_err("cannot read the terminal size"))?;
        let (app, effects) = App::new(items, recent, options, (size.width, size.height));
        runtime.event_loop(&mut tui, app, effects).await
    });
    // Restore the screen before printing anything, so exports land on the
    // real stdout and errors on the normal screen.
    drop(tui);
    // Let a last history or profile write finish; never hang on exit.
    rt.shutdown_timeout(Duration::from_secs(2));
    if let Some(text) = stdout? {
        print!("{text}");
    }
    Ok(ExitCode::SUCCESS)
}

/// How the event loop ended: text for stdout (pick mode), if any.
type Exit = Option<String>;

struct Runtime {
    tx: UnboundedSender<Msg>,
    rx: UnboundedReceiver<Msg>,
    /// Messages taken off the channel while a subshell ran, handled first.
    backlog: VecDeque<Msg>,
    /// The environment rolehop started in; hand-overs are built from it.
    env: EnvView,
    /// Switches go through it (cache, MFA sessions, via chains); rebuilt
    /// when the bookmarks change.
    engine: Arc<Engine>,
    no_cache: bool,
    export_shell: Shell,
    bookmarks_path: PathBuf,
    history_path: Option<PathBuf>,
    /// The terminal-event reader; None while a subshell owns the terminal.
    input: Option<JoinHandle<()>>,
    /// The ticker and its period; runs only while the app shows something
    /// that changes with time (countdown, spinner, a notice to fade).
    ticker: Option<(Duration, JoinHandle<()>)>,
    /// The STS call in flight (the app allows one at a time), to abort it.
    assume: Option<AbortHandle>,
    /// A subshell runs: Ctrl-C / Ctrl-\ there are for the shell, not for us.
    suspended: Arc<AtomicBool>,
    /// The live endpoint of the running subshell.
    server: Option<crate::serve::Server>,
    /// Effects the app asked for while a subshell owned the terminal.
    deferred: VecDeque<Effect>,
}

impl Runtime {
    async fn event_loop(
        &mut self,
        tui: &mut Tui,
        mut app: App,
        initial: Vec<Effect>,
    ) -> Result<Exit> {
        self.input = Some(spawn_input(self.tx.clone()));
        spawn_signals(self.tx.clone(), self.suspended.clone());
        for effect in initial {
            if let Some(exit) = self.run_effect(effect, tui, &mut app).await? {
                return Ok(exit);
            }
        }
        draw(tui, &app)?;
        // Benchmark seam (scripts/bench, BENCHMARKS.md): with this variable
        // set to 1 the picker quits right after its first full frame, which
        // `draw` has flushed to the terminal, so a run times exec -> frame.
        if std::env::var_os("ROLEHOP_EXIT_AFTER_FIRST_FRAME").is_some_and(|v| v == "1") {
            return Ok(None);
        }
        loop {
            self.set_ticking(app.tick_interval(SystemTime::now()));
            let first = match self.backlog.pop_front() {
                Some(msg) => msg,
                None => match self.rx.recv().await {
                    Some(msg) => msg,
                    // Every sender is ours and we hold one: cannot happen.
                    None => return Ok(None),
                },
            };
            // Drain what else is queued, so a burst (typing fast, a paste)
            // costs one frame, not one per key.
            let mut batch = vec![first];
            batch.extend(self.backlog.drain(..));
            while let Ok(msg) = self.rx.try_recv() {
                batch.push(msg);
            }
            for msg in batch {
                match &msg {
                    Msg::Assumed { .. } | Msg::CodeNeeded { .. } => self.assume = None,
                    Msg::BookmarksChanged(Ok(_)) => self.reload_engine(),
                    _ => {}
                }
                for effect in app::update(&mut app, msg, SystemTime::now()) {
                    if let Some(exit) = self.run_effect(effect, tui, &mut app).await? {
                        return Ok(exit);
                    }
                }
                // What the app asked for while a subshell had the terminal.
                while let Some(effect) = self.deferred.pop_front() {
                    if let Some(exit) = self.run_effect(effect, tui, &mut app).await? {
                        return Ok(exit);
                    }
                }
                if app.quit {
                    return Ok(None);
                }
            }
            draw(tui, &app)?;
        }
    }

    /// The bookmarks file changed (add, edit, delete): switch with the new one.
    /// A file that no longer loads keeps the old engine; the app shows why.
    fn reload_engine(&mut self) {
        if let Ok(engine) = crate::engine::Engine::open(self.env.clone(), self.no_cache, true) {
            self.engine = Arc::new(engine);
        }
    }

    /// Start, stop or re-pace the ticker to match what the app shows.
    fn set_ticking(&mut self, every: Option<Duration>) {
        if self.ticker.as_ref().map(|(d, _)| *d) == every {
            return;
        }
        if let Some((_, task)) = self.ticker.take() {
            task.abort();
        }
        self.ticker = every.map(|d| (d, spawn_ticker(self.tx.clone(), d)));
    }

    fn send(&self, msg: Msg) {
        // The receiver lives as long as the loop; a failed send means we are
        // shutting down and the result no longer matters.
        let _ = self.tx.send(msg);
    }

    /// Carry out one effect: spawn its task, or (subshell, quit) do it here.
    async fn run_effect(
        &mut self,
        effect: Effect,
        tui: &mut Tui,
        app: &mut App,
    ) -> Result<Option<Exit>> {
        match effect {
            Effect::Subshell {
                bookmark,
                assumed,
                obtained,
                limit,
            } => {
                self.subshell(tui, app, &bookmark, &assumed, obtained, limit)
                    .await?
            }
            Effect::PrintExports { bookmark, assumed } => {
                return Ok(Some(Some(self.exports(&bookmark, &assumed))));
            }
            Effect::Quit { stdout } => {
                return Ok(Some(stdout.map(|mut e| std::mem::take(&mut e.0))));
            }
            other => self.spawn_effect(other),
        }
        Ok(None)
    }

    /// Carry out an effect that only starts a task (safe while a subshell
    /// owns the terminal); the others are kept for afterwards.
    fn spawn_effect(&mut self, effect: Effect) {
        match effect {
            Effect::FetchIdentity => self.fetch_identity(),
            Effect::Assume {
                bookmark,
                mfa_code,
                renew,
            } => self.assume(bookmark, mfa_code, renew),
            Effect::CancelAssume => {
                if let Some(task) = self.assume.take() {
                    task.abort();
                }
            }
            Effect::WriteProfile {
                bookmark,
                assumed,
                profile,
            } => self.write_profile(bookmark, assumed, profile),
            Effect::CopyExports { bookmark, assumed } => self.copy_exports(bookmark, assumed),
            Effect::OpenConsole {
                bookmark,
                assumed,
                chained,
            } => self.open_console(bookmark, assumed, chained),
            Effect::SaveBookmark { old_name, spec } => {
                let path = self.bookmarks_path.clone();
                self.bookmarks_task(move || match old_name {
                    None => bookmarks::add(&path, &spec).map(|_| path),
                    Some(old) => bookmarks::update(&path, &old, &spec).map(|_| path),
                });
            }
            Effect::DeleteBookmark { name } => {
                let path = self.bookmarks_path.clone();
                self.bookmarks_task(move || bookmarks::remove(&path, &name).map(|_| path));
            }
            Effect::RecordUse { name } => self.record_use(name),
            e @ (Effect::Subshell { .. } | Effect::PrintExports { .. } | Effect::Quit { .. }) => {
                self.deferred.push_back(e)
            }
        }
    }

    /// GetCallerIdentity of the base credentials, for the header.
    fn fetch_identity(&self) {
        let (tx, env) = (self.tx.clone(), self.env.clone());
        tokio::spawn(async move {
            let _ = tx.send(Msg::Identity(identity(&env).await));
        });
    }

    /// A switch or renewal through the engine; Esc aborts it (`CancelAssume`).
    fn assume(&mut self, bookmark: Bookmark, mfa_code: Option<String>, renew: bool) {
        let (tx, engine) = (self.tx.clone(), self.engine.clone());
        let task = tokio::spawn(async move {
            let msg = switch(&engine, &tx, bookmark.name.to_string(), mfa_code, renew).await;
            if let Some(cache) = engine.cache() {
                for warning in cache.take_warnings() {
                    let _ = tx.send(Msg::Done(Ok(warning)));
                }
            }
            let _ = tx.send(msg);
        });
        self.assume = Some(task.abort_handle());
    }

    /// `w`: the session into a profile of `~/.aws/credentials`.
    fn write_profile(&self, bookmark: Bookmark, assumed: assume::Assumed, profile: String) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let result = credfile::check_config(&profile)
                .and_then(|()| credfile::default_path())
                .and_then(|path| {
                    profile::write_session(
                        &path,
                        &profile,
                        &assumed.creds,
                        &bookmark.role_arn(),
                        assumed.region.as_deref(),
                        false,
                    )
                    .map(|_| format!("wrote profile {profile} to {}", path.display()))
                })
                .map_err(|e| error_info(e.into()));
            let _ = tx.send(Msg::Done(result));
        });
    }

    /// `y`: the exports to the clipboard (cleared again after a while).
    fn copy_exports(&self, bookmark: Bookmark, assumed: assume::Assumed) {
        let text = self.exports(&bookmark, &assumed);
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let result = clipboard::copy(&text)
                .map(|via| {
                    format!(
                        "copied the exports for {} to the clipboard ({via})",
                        bookmark.name
                    )
                })
                .map_err(|message| ErrorInfo {
                    message,
                    hint: None,
                });
            let _ = tx.send(Msg::Done(result));
        });
    }

    /// `c`: sign in to the console as the session and open the browser.
    fn open_console(&self, bookmark: Bookmark, assumed: assume::Assumed, chained: bool) {
        let (tx, env) = (self.tx.clone(), self.env.clone());
        tokio::task::spawn_blocking(move || {
            let result = crate::cmd::console::sign_in(
                &crate::cmd::console::SignIn {
                    creds: &assumed.creds,
                    chained,
                    partition: bookmark.partition(),
                    region: assumed.region.as_deref(),
                    destination: None,
                },
                &env,
            )
            .and_then(|url| crate::cmd::console::open_browser(&url, &env))
            .map(|program| format!("opened the console as {} ({program})", bookmark.name))
            .map_err(error_info);
            let _ = tx.send(Msg::Done(result));
        });
    }

    /// Remember the switch for "recent first" in the list.
    fn record_use(&self, name: String) {
        if let Some(path) = self.history_path.clone() {
            tokio::task::spawn_blocking(move || {
                // History is a convenience: failing to save it is
                // not worth interrupting the user for.
                let _ = history::record(&path, &name);
            });
        }
    }

    /// Save or delete in a blocking task, then reload the list for the app.
    fn bookmarks_task<F>(&self, change: F)
    where
        F: FnOnce() -> std::result::Result<PathBuf, crate::config::ConfigError> + Send + 'static,
    {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let result = change()
                .and_then(|path| Bookmarks::load(&path))
                .map(|b| std::sync::Arc::unwrap_or_clone(b.items))
                .map_err(|e| error_info(e.into()));
            let _ = tx.send(Msg::BookmarksChanged(result));
        });
    }

    /// Shell code exporting the session, in the user's shell syntax.
    fn exports(&self, bookmark: &Bookmark, assumed: &assume::Assumed) -> String {
        let handover = Handover::new(
            &self.env,
            bookmark,
            &assumed.creds,
            assumed.region.as_deref(),
            false,
        );
        export::script(self.export_shell, &handover)
    }

    /// Run `$SHELL` with the session on the normal screen, then come back.
    ///
    /// The reader task is stopped first (it would otherwise read the keys
    /// meant for the shell), the terminal is restored to how the user had it,
    /// and everything is set up again once the shell exits.
    async fn subshell(
        &mut self,
        tui: &mut Tui,
        app: &mut App,
        bookmark: &Bookmark,
        assumed: &assume::Assumed,
        obtained: SystemTime,
        limit: Option<String>,
    ) -> Result<()> {
        self.stop_input().await;
        tui.suspend()
            .map_err(io_err("cannot leave the picker's screen"))?;
        self.suspended.store(true, Ordering::SeqCst);
        let session = Switched {
            assumed: assumed.clone(),
            obtained,
            limit,
            cached: true,
            // Not read by the endpoint: it renews through the engine.
            mode: crate::cache::Mode::Plain,
        };
        let status = self.run_shell(tui.on_tty(), app, bookmark, session).await;
        self.suspended.store(false, Ordering::SeqCst);
        terminal::reclaim_foreground();
        tui.resume()
            .map_err(io_err("cannot return to the picker's screen"))?;
        self.input = Some(spawn_input(self.tx.clone()));
        match status {
            Ok(code) => self.send(Msg::SubshellExited(code)),
            Err(e) => {
                self.send(Msg::SubshellExited(None));
                self.send(Msg::Done(Err(error_info(e))));
            }
        }
        Ok(())
    }

    /// The endpoint for a subshell, bound when it starts; its renewals come
    /// back to the app as `Msg::LiveRenewed`.
    async fn live_server(&mut self) -> Result<crate::serve::Server> {
        if let Some(s) = &self.server {
            return Ok(s.clone());
        }
        let server = crate::serve::Server::bind(crate::serve::terminal_notifier())
            .await
            .map_err(io_err(
                "cannot listen on 127.0.0.1 for the live credentials",
            ))?;
        let tx = self.tx.clone();
        server.on_renewed(Arc::new(move |name: &str, s: &Switched| {
            let _ = tx.send(Msg::LiveRenewed {
                bookmark: name.to_owned(),
                switched: s.clone(),
            });
        }));
        self.server = Some(server.clone());
        Ok(server)
    }

    async fn run_shell(
        &mut self,
        on_tty: bool,
        app: &mut App,
        b: &Bookmark,
        session: Switched,
    ) -> Result<Option<i32>> {
        let program = self.env.get("SHELL").unwrap_or("/bin/sh").to_owned();
        let a = session.assumed.clone();
        let session_limit = session.limit.clone();
        let live = self.engine.bookmarks.handover(&b.name) == HandoverMode::Live;
        let mut route = None;
        let handover = if live {
            let server = self.live_server().await?;
            let opened = server
                .open(self.engine.clone(), b.clone(), session)
                .map_err(io_err("cannot open the live endpoint"))?;
            let h = Handover::live(
                &self.env,
                b,
                &opened.uri,
                secrecy::ExposeSecret::expose_secret(&opened.token),
                a.region.as_deref(),
                true,
                crate::creds::file::default_profile_has_keys(),
            );
            route = Some((server, opened.id));
            h
        } else {
            Handover::new(&self.env, b, &a.creds, a.region.as_deref(), true)
        };
        let mut cmd = crate::shell::async_command(&program, &[], &handover);
        // The shell gets the terminal even when our stdout is a pipe (pick).
        if on_tty && let Some((i, o, e)) = terminal::tty_stdio() {
            cmd.stdin(i).stdout(o).stderr(e);
        }
        let left = a.creds.remaining(SystemTime::now());
        let banner = crate::shell::banner(
            &self.env,
            b,
            left,
            session_limit.as_deref(),
            live,
            crate::shell::Back::Picker,
        );
        eprintln_tty(on_tty, &banner);
        #[cfg(unix)]
        // SAFETY: the closure only makes async-signal-safe calls.
        unsafe {
            cmd.pre_exec(crate::child::memory::restore_for_child);
        }
        let mut child = cmd.spawn().map_err(|source| Error::Spawn {
            program: program.clone(),
            source,
        })?;
        let pid = child.id();
        let result = loop {
            tokio::select! {
                status = child.wait() => {
                    break status.map(|s| s.code()).map_err(io_err("cannot wait for the shell"));
                }
                Some(msg) = self.rx.recv() => {
                    if matches!(msg, Msg::Terminate) {
                        hang_up(pid);
                        self.backlog.push_back(msg);
                        continue;
                    }
                    // The picker keeps its sessions (auto-renew, countdowns)
                    // going while the shell runs; it draws once back.
                    match &msg {
                        Msg::Assumed { .. } | Msg::CodeNeeded { .. } => self.assume = None,
                        Msg::BookmarksChanged(Ok(_)) => self.reload_engine(),
                        _ => {}
                    }
                    for effect in app::update(app, msg, SystemTime::now()) {
                        self.spawn_effect(effect);
                    }
                }
            }
        };
        // The port closes with the shell (and routes its nested hops opened).
        if let Some((server, _)) = route {
            server.shutdown();
            self.server = None;
        }
        result
    }

    /// Stop the reader and wait until its `EventStream` (and the thread
    /// behind it) has let go of the terminal.
    async fn stop_input(&mut self) {
        if let Some(task) = self.input.take() {
            task.abort();
            let _ = task.await;
            // Taking crossterm's reader lock waits for its polling thread to
            // leave; whatever it already read stays queued for afterwards.
            let _ = crossterm::event::poll(Duration::ZERO);
        }
    }
}

/// Asked to terminate while a shell runs: hang it up as a closing terminal
/// would, so it exits (and its jobs with it) and we can restore and leave.
fn hang_up(pid: Option<u32>) {
    #[cfg(unix)]
    if let Some(pid) = pid.and_then(|p| i32::try_from(p).ok()) {
        // SAFETY: kill(2) on the pid of our own child, which we have not reaped.
        unsafe {
            libc::kill(pid, libc::SIGHUP);
        }
    }
    #[cfg(not(unix))]
    let _ = pid;
}

fn eprintln_tty(on_tty: bool, line: &str) {
    use std::io::Write;
    if on_tty && let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
        let _ = writeln!(tty, "{line}");
    } else {
        eprintln!("{line}");
    }
}

fn draw(tui: &mut Tui, app: &App) -> Result<()> {
    let now = SystemTime::now();
    tui.terminal
        .draw(|frame| ui::view(app, now, frame))
        .map_err(io_err("cannot draw on the terminal"))?;
    Ok(())
}

/// One switch through the engine: when a code is needed (a local check),
/// take it from the bookmark's `mfa_process` / `mfa_yubikey` or ask for it;
/// then switch or renew.
async fn switch(
    engine: &Engine,
    tx: &UnboundedSender<Msg>,
    name: String,
    mut code: Option<String>,
    renew: bool,
) -> Msg {
    if code.is_none() {
        let now = engine.now();
        let need = if renew {
            engine
                .needs_code_to_renew(&name, now)
                .map_err(crate::error::Error::from)
        } else {
            engine
                .needs_code(&name, now)
                .map_err(crate::error::Error::from)
        };
        match need {
            Ok(Some(need)) => match sourced_code(engine, tx, &need).await {
                Some(c) => code = Some(c),
                None => {
                    return Msg::CodeNeeded {
                        bookmark: name,
                        renew,
                        need,
                    };
                }
            },
            Ok(None) => {}
            Err(e) => {
                return Msg::Assumed {
                    bookmark: name,
                    renew,
                    result: Err(error_info(e)),
                };
            }
        }
    }
    let result = if renew {
        engine
            .renew(&name, code)
            .await
            .map_err(crate::error::Error::from)
    } else {
        engine
            .switch(&name, code)
            .await
            .map_err(crate::error::Error::from)
    };
    match result {
        // The cache changed between the check and the call (another rolehop).
        Err(Error::CodeNeeded(need)) => Msg::CodeNeeded {
            bookmark: name,
            renew,
            need,
        },
        result => Msg::Assumed {
            bookmark: name,
            renew,
            result: result.map_err(error_info),
        },
    }
}

/// A code from the bookmark's source, if it has one, with what it says
/// ("touch your YubiKey") as notices; a failure is shown and then the code
/// is asked for.
async fn sourced_code(
    engine: &Engine,
    tx: &UnboundedSender<Msg>,
    need: &crate::engine::CodeNeeded,
) -> Option<String> {
    let source = engine.bookmarks.mfa_source(&need.bookmark)?.clone();
    let _ = tx.send(Msg::Done(Ok(format!(
        "getting {}'s MFA code from {}",
        need.bookmark,
        crate::mfa::source::describe(&source)
    ))));
    let teller = tx.clone();
    let got = crate::mfa::source::code_async(
        source,
        need.bookmark.clone(),
        need.serial.clone(),
        need.wait,
        std::sync::Arc::new(move |line: String| {
            let _ = teller.send(Msg::Done(Ok(crate::text::sanitize(&line))));
        }),
    )
    .await;
    match got {
        Ok(c) => Some(c),
        // A notice, not the error box: the code prompt opens next.
        Err(e) => {
            let _ = tx.send(Msg::Done(Ok(format!(
                "{}; type the code instead",
                crate::text::sanitize(&e.to_string())
            ))));
            None
        }
    }
}

fn error_info(e: Error) -> ErrorInfo {
    ErrorInfo {
        message: crate::text::sanitize(&e.to_string()),
        hint: e.hint().map(|h| crate::text::sanitize(&h)),
    }
}

/// The base identity's ARN for the header, or why it is unknown.
async fn identity(env: &EnvView) -> std::result::Result<String, String> {
    let source = env.base_source(None);
    let region = sts::resolve_region(None, env, &source).await;
    let client = sts::client(&source, region.as_deref().unwrap_or(sts::FALLBACK_REGION)).await;
    sts::caller_identity(&client)
        .await
        .map(|id| id.arn)
        .map_err(|e| e.to_string())
}

/// Terminal events → messages. Mouse motion is dropped at the source: the
/// app has no use for it and each one would cost a frame.
fn spawn_input(tx: UnboundedSender<Msg>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut events = EventStream::new();
        while let Some(event) = events.next().await {
            let msg = match event {
                Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Ok(Event::Mouse(m)) if m.kind != MouseEventKind::Moved => Msg::Mouse(m),
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(_) => continue,
                Err(_) => break,
            };
            if tx.send(msg).is_err() {
                return;
            }
        }
        // The terminal is gone or unreadable: nobody can drive the picker.
        let _ = tx.send(Msg::Terminate);
    })
}

/// A `Tick` every `period`. Whole-second periods start just after a
/// wall-clock second: expiries are whole seconds, so every countdown then
/// changes right when it is drawn.
fn spawn_ticker(tx: UnboundedSender<Msg>, period: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let first = if period.subsec_nanos() == 0 {
            let into_second = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            Duration::from_nanos(u64::from(1_000_000_000 - into_second)) + Duration::from_millis(5)
        } else {
            period
        };
        let start = tokio::time::Instant::now() + first;
        let mut every = tokio::time::interval_at(start, period);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if tx.send(Msg::Tick).is_err() {
                return;
            }
        }
    })
}

/// SIGTERM and SIGHUP quit through the normal path (`Msg::Terminate`), so
/// the terminal is restored. SIGINT / SIGQUIT only arrive from outside while
/// in raw mode; during a subshell they belong to the shell and are ignored.
#[cfg(unix)]
fn spawn_signals(tx: UnboundedSender<Msg>, suspended: Arc<AtomicBool>) {
    use tokio::signal::unix::{SignalKind, signal};
    let kinds = [
        (SignalKind::terminate(), false),
        (SignalKind::hangup(), false),
        (SignalKind::interrupt(), true),
        (SignalKind::quit(), true),
    ];
    for (kind, ignored_in_shell) in kinds {
        // Without a handler the signal keeps its default (quit without
        // restoring); nothing better to do, so carry on.
        let Ok(mut stream) = signal(kind) else {
            continue;
        };
        let (tx, suspended) = (tx.clone(), suspended.clone());
        tokio::spawn(async move {
            while stream.recv().await.is_some() {
                if ignored_in_shell && suspended.load(Ordering::SeqCst) {
                    continue;
                }
                if tx.send(Msg::Terminate).is_err() {
                    return;
                }
            }
        });
    }
}

#[cfg(not(unix))]
fn spawn_signals(tx: UnboundedSender<Msg>, suspended: Arc<AtomicBool>) {
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            if !suspended.load(Ordering::SeqCst) && tx.send(Msg::Terminate).is_err() {
                return;
            }
        }
    });
}
