//! The interactive picker's runtime: it owns the terminal, turns terminal
//! events, ticks, signals and task results into `Msg`s on one channel, feeds
//! them to `app::update`, carries out the returned `Effect`s and draws when
//! something changed. All decisions live in `app`; all drawing in `ui`.

mod clipboard;
mod events;
mod subshell;
mod terminal;

use events::{spawn_cache_watch, spawn_input, spawn_signals, spawn_ticker};

use crate::app::{self, App, Effect, ErrorInfo, Msg, Options};
use crate::config::history;
use crate::creds::Handover;
use crate::creds::export::{self, Shell};
use crate::creds::profile;
use crate::engine::{Engine, Switched};
use crate::env::EnvView;
use crate::error::{Error, Result};
use crate::paths;
use crate::{assume, sts, ui};
use crossterm::event::{Event, EventStream, KeyEventKind, MouseEventKind};
use futures::StreamExt;
use rolehop_files::bookmarks::HandoverMode;
use rolehop_files::bookmarks::{self, Bookmark, Bookmarks};
use rolehop_files::credentials as credfile;
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
            regions: None,
            server: None,
            deferred: VecDeque::new(),
            cache_watch: None,
        };
        let size = tui
            .terminal
            .size()
            .map_err(io_err("cannot read the terminal size"))?;
        let (mut app, effects) = App::new(items, recent, options, (size.width, size.height));
        set_sso(&mut app, &runtime.engine.bookmarks);
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
    /// What the bookmarks' regions resolve against (None: not read yet).
    regions: Option<crate::sts::region::Regions>,
    /// The live endpoint of the running subshell.
    server: Option<crate::serve::Server>,
    /// Effects the app asked for while a subshell owned the terminal.
    deferred: VecDeque<Effect>,
    /// The task watching the shared session cache (started after the first
    /// frame, again with each new engine).
    cache_watch: Option<JoinHandle<()>>,
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
        app.prepare();
        // After the first frame, so reading the cache never delays it.
        self.watch_cache();
        // After the first frame, so reading the AWS config never delays it.
        if self.show_region(&mut app).await {
            draw(tui, &app)?;
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
                    Msg::Assumed { .. } | Msg::CodeNeeded { .. } => {
                        self.assume = None;
                        // A switch to an SSO role may have refreshed the
                        // token, or found the session ended.
                        app.sso_logins = sso_logins_of(&self.engine.bookmarks);
                    }
                    Msg::SsoSync {
                        step: app::SyncStep::Done(_),
                        ..
                    } => app.sso_logins = sso_logins_of(&self.engine.bookmarks),
                    Msg::BookmarksChanged(Ok(_)) => {
                        self.reload_engine();
                        set_sso(&mut app, &self.engine.bookmarks);
                        // An edit may change any region, or the file's need.
                        self.regions = None;
                        app.region = None;
                    }
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
            self.show_region(&mut app).await;
            draw(tui, &app)?;
            app.prepare();
        }
    }

    /// The selected bookmark's effective region for the detail pane, resolved
    /// here as a switch resolves it (the app is pure); the AWS config is read
    /// once, and again after an edit. Returns whether it changed.
    async fn show_region(&mut self, app: &mut App) -> bool {
        let Some(name) = app.selected_bookmark().map(|b| b.name.to_string()) else {
            return false;
        };
        if app.region.as_ref().is_some_and(|(n, _)| *n == name) {
            return false;
        }
        let regions = match &self.regions {
            Some(r) => r,
            None => self.regions.insert(self.engine.regions().await),
        };
        app.region = self
            .engine
            .region_of(regions, &name)
            .map(|r| (name, r.to_string()));
        true
    }

    /// The bookmarks file changed (add, edit, delete): switch with the new one.
    /// A file that no longer loads keeps the old engine; the app shows why.
    fn reload_engine(&mut self) {
        if let Ok(engine) = crate::engine::Engine::open(self.env.clone(), self.no_cache, true) {
            self.engine = Arc::new(engine);
            // What is valid in the cache depends on the bookmarks.
            self.watch_cache();
        }
    }

    /// (Re)start watching the shared cache with the current engine.
    fn watch_cache(&mut self) {
        if let Some(task) = self.cache_watch.take() {
            task.abort();
        }
        self.cache_watch = spawn_cache_watch(self.tx.clone(), self.engine.clone());
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
            Effect::ForgetCached { bookmark } => self.forget_cached(bookmark),
            Effect::DeleteBookmark { name } => {
                let path = self.bookmarks_path.clone();
                self.bookmarks_task(move || bookmarks::remove(&path, &name).map(|_| path));
            }
            Effect::RecordUse { name } => self.record_use(name),
            Effect::SyncSso { instances } => self.sync_sso(instances),
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
            let result = crate::console::sign_in(
                &crate::console::SignIn {
                    creds: &assumed.creds,
                    chained,
                    partition: bookmark.partition(),
                    region: assumed.region.as_deref(),
                    destination: None,
                },
                &env,
            )
            .and_then(|url| crate::console::open_browser(&url, &env))
            .map(|program| format!("opened the console as {} ({program})", bookmark.name))
            .map_err(error_info);
            let _ = tx.send(Msg::Done(result));
        });
    }

    /// `Ctrl-S`: each instance's roles listed (paced, as `rolehop sso sync`)
    /// and added in a task while the list stays usable; after each, the
    /// reloaded list, then the summary (so the reload's notice does not
    /// hide it).
    fn sync_sso(&self, names: Vec<String>) {
        let (tx, engine, env) = (self.tx.clone(), self.engine.clone(), self.env.clone());
        tokio::spawn(async move {
            for name in names {
                let result = sync_instance(&engine, &env, &tx, &name).await;
                if result.is_ok() {
                    let reloaded = tokio::task::spawn_blocking(|| {
                        let path = paths::bookmarks_path()?;
                        Ok::<_, Error>(std::sync::Arc::unwrap_or_clone(
                            Bookmarks::load(&path)?.items,
                        ))
                    })
                    .await
                    .map_err(stopped)
                    .and_then(|r| r);
                    let _ = tx.send(Msg::BookmarksChanged(reloaded.map_err(error_info)));
                }
                let step = app::SyncStep::Done(result.map_err(error_info));
                let _ = tx.send(Msg::SsoSync {
                    instance: name,
                    step,
                });
            }
        });
    }

    /// `x`: drop the session from the shared cache (both backends, as
    /// `rolehop logout NAME`); only a failure is reported.
    fn forget_cached(&self, name: String) {
        let Some(cache) = self.engine.cache().cloned() else {
            return;
        };
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = cache.forget_role(&name) {
                let _ = tx.send(Msg::Done(Err(error_info(e.into()))));
            }
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
        F: FnOnce() -> std::result::Result<PathBuf, rolehop_files::bookmarks::ConfigError>
            + Send
            + 'static,
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
    let source = engine.bookmarks.mfa_source(&need.bookmark)?;
    let _ = tx.send(Msg::Done(Ok(format!(
        "getting {}'s MFA code from {}",
        need.bookmark,
        crate::mfa::source::describe(source)
    ))));
    let teller = tx.clone();
    let say = move |line| drop(teller.send(Msg::Done(Ok(line))));
    let got =
        crate::mfa::source::code_async(Some(source), &need.bookmark, &need.serial, need.wait, say)
            .await?;
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

/// One instance's sync for the picker: the summary line of its report.
async fn sync_instance(
    engine: &Engine,
    env: &EnvView,
    tx: &UnboundedSender<Msg>,
    name: &str,
) -> Result<String> {
    use crate::sso::{self, sync};
    let inst = sso::instance(&engine.bookmarks.settings, name)?;
    let token = sso::access_token(&inst, SystemTime::now()).await?;
    let (tx, label) = (tx.clone(), name.to_owned());
    let mut shown: Option<std::time::Instant> = None;
    let mut progress = move |p: sync::Progress| {
        // A frame per answer would be 20 a second: 5 are enough to follow.
        if shown.is_some_and(|t| t.elapsed() < Duration::from_millis(200)) {
            return;
        }
        shown = Some(std::time::Instant::now());
        let step = app::SyncStep::Progress(app::SyncProgress {
            accounts: p.accounts,
            accounts_done: p.accounts_done,
            roles: p.roles,
        });
        let _ = tx.send(Msg::SsoSync {
            instance: label.clone(),
            step,
        });
    };
    let listing = sync::discover(&inst, &token, sync::max_tps(env), &mut progress).await?;
    tokio::task::spawn_blocking(move || {
        let (plan, refused) = crate::import::sso::plan(&inst, &listing, false)?;
        Ok(crate::import::sso::write(&inst, plan, &refused, false)?.summary)
    })
    .await
    .map_err(stopped)?
}

/// A blocking task that panicked or was cancelled.
fn stopped(e: tokio::task::JoinError) -> Error {
    Error::Io {
        context: "the sync's task stopped".into(),
        source: std::io::Error::other(e),
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

/// What the picker shows of IAM Identity Center: the instances (`Ctrl-S`),
/// the roles' marks, and where each sign-in stands.
fn set_sso(app: &mut App, file: &rolehop_files::bookmarks::Bookmarks) {
    app.sso_instances = file.settings.sso.keys().cloned().collect();
    app.sso_roles = sso_roles_of(file);
    app.sso_logins = sso_logins_of(file);
}

/// Each instance's sign-in, from its token file and rolehop's marks (an
/// unreadable token file shows as signed out; using it says why).
fn sso_logins_of(
    file: &rolehop_files::bookmarks::Bookmarks,
) -> std::collections::HashMap<String, crate::session::sso::SsoLogin> {
    let now = SystemTime::now();
    file.settings
        .sso
        .keys()
        .filter_map(|name| {
            let inst = crate::sso::instance(&file.settings, name).ok()?;
            let login = crate::sso::marks::login(&inst, now)
                .unwrap_or(crate::session::sso::SsoLogin::SignedOut);
            Some((name.clone(), login))
        })
        .collect()
}

/// The IAM Identity Center roles of `file`, for the picker's marks.
fn sso_roles_of(
    file: &rolehop_files::bookmarks::Bookmarks,
) -> std::collections::HashMap<String, (String, String)> {
    file.extras
        .iter()
        .filter_map(|(name, e)| {
            let inst = e.sso.as_deref()?;
            let cfg = file.settings.sso.get(inst)?;
            Some((name.clone(), (inst.to_owned(), cfg.start_url.clone())))
        })
        .collect()
}
