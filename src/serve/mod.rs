//! Live credentials: the role's credentials served to a child process (and
//! everything it starts) over the container credentials protocol that every
//! current AWS SDK and the AWS CLI read, renewed before the SDKs start to
//! worry, so a shell or a long `terraform apply` never sees them expire.
//!
//! One [`Server`] listens on `127.0.0.1:<ephemeral port>` and holds
//! [`Route`]s: one per served session, each with its own random path and
//! token (`AWS_CONTAINER_CREDENTIALS_FULL_URI` / `..._AUTHORIZATION_TOKEN` in
//! the child). Every route has a renewal task that asks the engine for a new
//! session when the [serve window](crate::engine::window::serve_window)
//! begins; requests are answered from memory and never wait for STS. When a
//! renewal needs a fresh MFA code, the user is told once, on the terminal,
//! and `rolehop mfa` hands the code in through the same endpoint.
//!
//! Who runs a server: `rolehop exec` (it stays the child's parent), the
//! picker while its subshell runs, and the per-user [`agent`] for
//! `rolehop env --live`. Each says what it serves in a [`registry`] record,
//! so another rolehop (the picker) can tell who serves a session.

// A guard held across a call that locks again is how the endpoint once hung:
// the lints that see it stay on here.
#![warn(
    clippy::significant_drop_in_scrutinee,
    clippy::significant_drop_tightening
)]

pub mod agent;
pub mod client;
pub(crate) mod http;
mod owner;
pub mod peer;
pub mod registry;
pub use http::AssumeRequest;

use crate::engine::{CodeNeeded, Engine, Switched, window};
use crate::error::Error;
use rolehop_files::bookmarks::Bookmark;
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Notify;
use tokio::task::AbortHandle;

/// After a failed renewal, try again after this long (until expiry).
const RETRY: [u64; 4] = [5, 15, 30, 60];

/// Routes one server serves at once: a shell and its nested hops need a
/// handful; a client opening routes in a loop is stopped here.
pub const MAX_ROUTES: usize = 64;

/// How a server tells the user something (one line): the terminal for
/// `exec` and the picker, a log for the agent.
pub type Notifier = Arc<dyn Fn(&str) + Send + Sync>;

/// Called with every session a route renewed (the picker updates its list).
pub type RenewHook = Arc<dyn Fn(&str, &Switched) + Send + Sync>;

/// A loopback endpoint serving live credentials.
#[derive(Clone)]
pub struct Server {
    inner: Arc<Inner>,
}

struct Inner {
    port: u16,
    /// `127.0.0.1:PORT`, the one `Host` header served.
    host: String,
    routes: Mutex<HashMap<String, Arc<Route>>>,
    notify: Notifier,
    on_renewed: Mutex<Option<RenewHook>>,
    /// Last credentials request or control call on any route (agent idle exit).
    last_activity: Mutex<Instant>,
    accept: Mutex<Option<AbortHandle>>,
    /// What this server says it is in its [`registry`] record (None: it
    /// keeps none, as in tests).
    announced: Mutex<Option<registry::By>>,
}

/// What a child needs to reach its route.
#[derive(Clone)]
pub struct Opened {
    pub id: String,
    /// `http://127.0.0.1:PORT/rolehop/v1/<id>`.
    pub uri: String,
    /// Reads this route's credentials and status, nothing else: what the
    /// SDKs get (`AWS_CONTAINER_AUTHORIZATION_TOKEN`).
    pub token: SecretString,
    /// Also controls the server: nested hops, `rolehop mfa`, `whoami`,
    /// closing the route. Only for shells a person types in
    /// (`ROLEHOP_CONTROL_TOKEN`), or commands run with `--allow-hops`.
    pub control: SecretString,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("uri", &self.uri)
            .field("token", &"[REDACTED]")
            .field("control", &"[REDACTED]")
            .finish()
    }
}

/// What a request's token allows on its route.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Access {
    /// The route's credentials and status.
    Read,
    /// Everything: hops, codes, whoami, closing it.
    Control,
}

/// One served session.
pub struct Route {
    id: String,
    token: SecretString,
    control: SecretString,
    pub bookmark: Bookmark,
    engine: Arc<Engine>,
    state: Mutex<State>,
    /// Held for the whole of a renewal: one STS call at a time per route,
    /// however many clients ask.
    renewing: tokio::sync::Mutex<()>,
    /// Wakes the renewal task early (a code came in, another route renewed
    /// the MFA session).
    wake: Notify,
    /// Its renewal task, and the watch on its owner: aborted when it closes.
    tasks: Mutex<Vec<AbortHandle>>,
}

/// What a route serves now, and why it may not be able to renew.
struct State {
    current: Switched,
    /// `current` as the container credentials JSON, made once per session
    /// (answers are copies of it; zeroed when the session is replaced).
    body: SecretString,
    /// The next renewal needs a one-time code; `told` once the user knows.
    wanted: Option<CodeNeeded>,
    told: bool,
    /// Why the last renewal failed, while retrying.
    failure: Option<String>,
    failures: usize,
    last_asked: Instant,
    /// The IAM Identity Center session behind this role has ended: renewals
    /// wait for a new login (the token file changes), told once.
    login: Option<LoginWanted>,
    /// The refusal (its code) last said on the terminal: some SDKs (the
    /// JavaScript SDK v3) hide the endpoint's message behind "Could not load
    /// credentials from any providers", so rolehop says it itself, once
    /// per kind, until credentials are served again.
    refusal_told: Option<&'static str>,
}

/// A renewal that waits for `rolehop sso login INSTANCE` (or `aws sso login`).
struct LoginWanted {
    instance: String,
    /// The token file's modification time when the session was found over.
    seen: Option<SystemTime>,
}

/// How often a route waiting for a login looks at the token file.
const LOGIN_POLL: Duration = Duration::from_secs(2);

/// The modification time of `instance`'s token file, if it has one.
fn token_mtime(instance: &str) -> Option<SystemTime> {
    let path = crate::sso::token::path_for(instance).ok()?;
    std::fs::metadata(path).ok()?.modified().ok()
}

/// A route's state for `rolehop prompt` / `rolehop mfa` (nothing secret).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Status {
    pub bookmark: String,
    pub role_arn: String,
    /// RFC 3339 expiry of what is served now.
    pub expiration: String,
    pub seconds_left: u64,
    /// Set while a renewal waits for a code from `rolehop mfa`.
    pub mfa_wanted: Option<Wanted>,
    /// The last renewal's failure, while retrying.
    pub failure: Option<String>,
    pub limit: Option<String>,
    /// The process that serves this route.
    pub pid: u32,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Wanted {
    /// The bookmark whose hop needs it (may be a `via` of the served one).
    pub bookmark: String,
    pub serial: String,
    pub for_mfa_session: bool,
    /// The device's last code was just used: the next one comes in this long.
    pub wait_secs: Option<u64>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these short locks leaves plain data
    // behind; serving it is better than taking the endpoint down.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `n` random bytes as lowercase hex.
pub(crate) fn random_hex(n: usize) -> std::io::Result<String> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Server {
    /// Listen on an ephemeral port of 127.0.0.1 (never another address).
    pub async fn bind(notify: Notifier) -> std::io::Result<Server> {
        crate::child::memory::raise_descriptors();
        let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
        let port = listener.local_addr()?.port();
        let server = Server {
            inner: Arc::new(Inner {
                port,
                host: format!("127.0.0.1:{port}"),
                routes: Mutex::new(HashMap::new()),
                notify,
                on_renewed: Mutex::new(None),
                last_activity: Mutex::new(Instant::now()),
                accept: Mutex::new(None),
                announced: Mutex::new(None),
            }),
        };
        let task = tokio::spawn(http::accept_tcp(listener, server.clone()));
        *lock(&server.inner.accept) = Some(task.abort_handle());
        Ok(server)
    }

    pub fn port(&self) -> u16 {
        self.inner.port
    }

    /// Keep a [`registry`] record of what this server serves, as `by`, so
    /// other rolehops (the picker) can say who serves a session.
    pub fn announce(&self, by: registry::By) {
        *lock(&self.inner.announced) = Some(by);
        self.record();
    }

    /// Rewrite the record (if announced) with the routes open now.
    fn record(&self) {
        let Some(by) = *lock(&self.inner.announced) else {
            return;
        };
        let mut names: Vec<String> = self
            .routes()
            .iter()
            .map(|r| r.bookmark.name.to_string())
            .collect();
        names.sort();
        names.dedup();
        registry::record(by, names);
    }

    /// Report every renewal to `hook` (the picker keeps its list in step).
    pub fn on_renewed(&self, hook: RenewHook) {
        *lock(&self.inner.on_renewed) = Some(hook);
    }

    /// Serve `first` (a session of `bookmark` from `engine`) on a new route
    /// and keep it fresh until [`Server::close`].
    pub fn open(
        &self,
        engine: Arc<Engine>,
        bookmark: Bookmark,
        first: Switched,
    ) -> std::io::Result<Opened> {
        if self.route_count() >= MAX_ROUTES {
            return Err(std::io::Error::other(format!(
                "rolehop serves {MAX_ROUTES} sessions already; leave some of its shells first"
            )));
        }
        let id = random_hex(16)?;
        // 32 random bytes each: the child's proof that it may ask.
        let token = SecretString::from(random_hex(32)?);
        let control = SecretString::from(random_hex(32)?);
        let route = Arc::new(Route {
            id: id.clone(),
            token: token.clone(),
            control: control.clone(),
            bookmark,
            engine,
            state: Mutex::new(State {
                body: container_json(&first.assumed.creds),
                current: first,
                wanted: None,
                told: false,
                failure: None,
                failures: 0,
                last_asked: Instant::now(),
                login: None,
                refusal_told: None,
            }),
            renewing: tokio::sync::Mutex::new(()),
            wake: Notify::new(),
            tasks: Mutex::new(Vec::new()),
        });
        let task = tokio::spawn(keep_fresh(self.clone(), route.clone()));
        lock(&route.tasks).push(task.abort_handle());
        lock(&self.inner.routes).insert(id.clone(), route);
        self.touch();
        self.record();
        Ok(Opened {
            uri: format!(
                "http://127.0.0.1:{}{}{id}",
                self.inner.port,
                crate::env::LIVE_PATH_PREFIX
            ),
            id,
            token,
            control,
        })
    }

    /// Close route `id` when process `pid` is gone (a nested hop's rolehop:
    /// killed, it never says so itself).
    pub fn close_with(&self, id: &str, pid: u32) {
        let server = self.clone();
        let id = id.to_owned();
        let Some(route) = self.route(&id) else {
            return;
        };
        let task = tokio::spawn(async move {
            owner::exited(pid).await;
            server.close(&id);
        });
        // Aborted with the renewal task when the route closes otherwise.
        lock(&route.tasks).push(task.abort_handle());
    }

    /// Stop serving and renewing route `id`.
    pub fn close(&self, id: &str) {
        let route = lock(&self.inner.routes).remove(id);
        let closed = route.is_some();
        let tasks = route.map(|r| std::mem::take(&mut *lock(&r.tasks)));
        for task in tasks.into_iter().flatten() {
            task.abort();
        }
        if closed {
            self.record();
        }
    }

    /// Close every route and stop listening: the port is closed.
    pub fn shutdown(&self) {
        let ids: Vec<String> = lock(&self.inner.routes).keys().cloned().collect();
        for id in ids {
            self.close(&id);
        }
        let accept = lock(&self.inner.accept).take();
        if let Some(task) = accept {
            task.abort();
        }
    }

    fn route(&self, id: &str) -> Option<Arc<Route>> {
        lock(&self.inner.routes).get(id).cloned()
    }

    /// A route whose renewal waits for a code, if any.
    fn waiting_route(&self) -> Option<Arc<Route>> {
        self.routes().into_iter().find(|r| r.waits_for_code())
    }

    fn routes(&self) -> Vec<Arc<Route>> {
        lock(&self.inner.routes).values().cloned().collect()
    }

    fn touch(&self) {
        *lock(&self.inner.last_activity) = Instant::now();
    }

    /// How long since any route was asked for credentials or controlled.
    pub fn idle_for(&self) -> Duration {
        lock(&self.inner.last_activity).elapsed()
    }

    /// Close the routes nobody asked for in `idle` (the agent stops renewing them).
    pub fn close_idle(&self, idle: Duration) {
        for r in self.routes() {
            if lock(&r.state).last_asked.elapsed() > idle {
                self.close(&r.id);
            }
        }
    }

    pub fn route_count(&self) -> usize {
        lock(&self.inner.routes).len()
    }

    /// Statuses of every route (the agent's `status`).
    pub fn statuses(&self) -> Vec<Status> {
        self.routes().iter().map(|r| r.status()).collect()
    }

    fn say(&self, line: &str) {
        (self.inner.notify)(line);
    }

    /// Another route may have been waiting for the same MFA session.
    fn nudge_waiting(&self, except: &str) {
        for r in self.routes() {
            if r.id != except && r.waits_for_code() {
                r.wake.notify_one();
            }
        }
    }

    /// Renew route `id` with a code from `rolehop mfa`; the sentence to show.
    pub async fn renew_with_code(&self, route: &Route, code: String) -> Result<String, Error> {
        let s = route.renew(self, Some(code)).await?;
        self.nudge_waiting(&route.id);
        let line = format!(
            "rolehop: {} renewed with the new MFA code; live until {} ({} left)",
            route.bookmark.name,
            s.assumed.creds.expiration_rfc3339(),
            crate::text::remaining(s.assumed.creds.remaining(SystemTime::now()))
        );
        self.say(&line);
        Ok(line)
    }
}

impl Route {
    /// What `given` (an `Authorization` value) allows here, if anything;
    /// both tokens compared in constant time.
    fn access(&self, given: &str) -> Option<Access> {
        use subtle::ConstantTimeEq;
        let is = |t: &SecretString| -> bool {
            given.as_bytes().ct_eq(t.expose_secret().as_bytes()).into()
        };
        let (read, control) = (is(&self.token), is(&self.control));
        if control {
            Some(Access::Control)
        } else if read {
            Some(Access::Read)
        } else {
            None
        }
    }

    /// Whether this route's renewal waits for a code (the lock is released
    /// before this returns).
    fn waits_for_code(&self) -> bool {
        lock(&self.state).wanted.is_some()
    }

    fn status(&self) -> Status {
        let st = lock(&self.state);
        let c = &st.current.assumed.creds;
        Status {
            bookmark: self.bookmark.name.to_string(),
            role_arn: self.bookmark.role_arn(),
            expiration: c.expiration_rfc3339(),
            seconds_left: c.remaining(SystemTime::now()).as_secs(),
            mfa_wanted: st.wanted.as_ref().map(|n| Wanted {
                bookmark: n.bookmark.clone(),
                serial: n.serial.clone(),
                for_mfa_session: n.for_mfa_session,
                wait_secs: n.wait.map(|w| w.as_secs()),
            }),
            failure: st.failure.clone(),
            limit: st.current.limit.clone(),
            pid: std::process::id(),
        }
    }

    /// What a credentials request gets: the session's JSON, or why there
    /// is none (said once on the terminal too: see `State::refusal_told`).
    fn serve(&self, server: &Server) -> Result<bytes::Bytes, (&'static str, String)> {
        let mut st = lock(&self.state);
        st.last_asked = Instant::now();
        let answer = self.answer(&st);
        let told = match &answer {
            Ok(_) => st.refusal_told.take(),
            Err((code, _)) => st.refusal_told.replace(code),
        };
        drop(st);
        let refused = match answer {
            Ok(body) => return Ok(body),
            Err(r) => {
                let first = told != Some(r.0);
                (r, first)
            }
        };
        let ((code, message), first) = refused;
        if first {
            server.say(&format!(
                "{message} (a program's credentials request was refused: {code})"
            ));
        }
        Err((code, message))
    }

    fn answer(&self, st: &State) -> Result<bytes::Bytes, (&'static str, String)> {
        let c = &st.current.assumed.creds;
        if !c.remaining(SystemTime::now()).is_zero() {
            return Ok(bytes::Bytes::copy_from_slice(
                st.body.expose_secret().as_bytes(),
            ));
        }
        let name = &self.bookmark.name;
        if let Some(l) = &st.login {
            return Err((
                "SsoLoginRequired",
                format!(
                    "rolehop: {name}: {}'s IAM Identity Center session has ended: run rolehop sso login {}",
                    l.instance, l.instance
                ),
            ));
        }
        Err(match (&st.wanted, &st.failure) {
            (Some(n), _) => (
                "MfaRequired",
                format!(
                    "rolehop: {name} needs a fresh MFA code (device {}): run `rolehop mfa` in the shell rolehop started",
                    n.serial
                ),
            ),
            (None, Some(why)) => (
                "RenewalFailed",
                format!("rolehop: {name}'s session expired and could not be renewed: {why}"),
            ),
            (None, None) => (
                "Expired",
                format!("rolehop: {name}'s session expired; it is being renewed"),
            ),
        })
    }

    /// Renew now, through the engine; one STS call at a time per route.
    async fn renew(&self, server: &Server, mut code: Option<String>) -> Result<Switched, Error> {
        let _one = self.renewing.lock().await;
        let name = &self.bookmark.name;
        if code.is_none()
            && let Some(need) = self.engine.needs_code_to_renew(name, self.engine.now())?
        {
            // mfa_process / mfa_yubikey: renew across the end of the MFA
            // session with no one typing; else (or if it fails) ask.
            match self.sourced_code(server, &need).await {
                Some(c) => code = Some(c),
                None => {
                    self.want(server, need.clone());
                    return Err(Error::CodeNeeded(need));
                }
            }
        }
        match self
            .engine
            .renew(name, code)
            .await
            .map_err(crate::error::Error::from)
            .and_then(fresh_enough)
        {
            Ok(s) => {
                {
                    let mut st = lock(&self.state);
                    st.body = container_json(&s.assumed.creds);
                    st.current = s.clone();
                    st.wanted = None;
                    st.told = false;
                    st.failure = None;
                    st.failures = 0;
                    st.login = None;
                }
                let hook = lock(&server.inner.on_renewed).clone();
                if let Some(hook) = hook {
                    hook(name, &s);
                }
                Ok(s)
            }
            Err(Error::CodeNeeded(need)) => {
                self.want(server, need.clone());
                Err(Error::CodeNeeded(need))
            }
            Err(crate::error::Error::Sso(crate::sso::SsoError::LoginRequired {
                instance,
                why,
            })) => {
                let first = {
                    let mut st = lock(&self.state);
                    let first = st.login.is_none();
                    st.login = Some(LoginWanted {
                        seen: token_mtime(&instance),
                        instance: instance.clone(),
                    });
                    first
                };
                // Routes of one instance share one notice per terminal line
                // each; only a person can sign in again, never a request.
                if first {
                    server.say(&format!(
                        "rolehop: {instance}'s IAM Identity Center session has ended: run rolehop sso login {instance}"
                    ));
                }
                Err(crate::error::Error::Sso(
                    crate::sso::SsoError::LoginRequired { instance, why },
                ))
            }
            Err(e) => {
                let first = {
                    let mut st = lock(&self.state);
                    st.failures += 1;
                    st.failure = Some(crate::text::sanitize(&e.to_string()));
                    st.failures == 1
                };
                if first {
                    let left = self.left();
                    server.say(&format!(
                        "rolehop: renewing {name} failed ({e}); retrying, the current credentials last {}",
                        crate::text::remaining(left)
                    ));
                }
                Err(e)
            }
        }
    }

    /// A code from the bookmark's `mfa_process` / `mfa_yubikey`, if it has
    /// one; on a blocking thread, as it runs a command. A failure is said on
    /// the terminal (the user then runs `rolehop mfa`).
    async fn sourced_code(&self, server: &Server, need: &CodeNeeded) -> Option<String> {
        let source = self.engine.bookmarks.mfa_source(&need.bookmark);
        let teller = server.clone();
        // A renewal no one has to act on is silent (the child's terminal is
        // someone's work): only "touch your YubiKey" is said; a wait for
        // the device's next code, or the command's chatter, is not. A
        // failure is said below, with the command's last lines.
        let say = move |line: String| {
            if line.starts_with("touch your YubiKey") {
                teller.say(&format!("rolehop: {line}"));
            }
        };
        let got =
            crate::mfa::source::code_async(source, &need.bookmark, &need.serial, need.wait, say)
                .await?;
        match got {
            Ok(c) => Some(c),
            Err(e) => {
                server.say(&format!(
                    "rolehop: {}: {}",
                    need.bookmark,
                    crate::text::sanitize(&e.to_string())
                ));
                None
            }
        }
    }

    fn left(&self) -> Duration {
        lock(&self.state)
            .current
            .assumed
            .creds
            .remaining(SystemTime::now())
    }

    /// A renewal needs a code: remember it and tell the user, once.
    fn want(&self, server: &Server, need: CodeNeeded) {
        let tell = {
            let mut st = lock(&self.state);
            st.wanted = Some(need);
            !std::mem::replace(&mut st.told, true)
        };
        if tell {
            server.say(&format!(
                "rolehop: {} needs a fresh MFA code within {}: run rolehop mfa",
                self.bookmark.name,
                crate::text::remaining(self.left())
            ));
        }
    }

    /// A renewal waits for a login that has not happened yet (the token
    /// file has not changed since the session was found over).
    fn waits_for_login(&self) -> bool {
        let st = lock(&self.state);
        st.login
            .as_ref()
            .is_some_and(|l| token_mtime(&l.instance) == l.seen)
    }

    /// When the renewal task should next try.
    fn next_try(&self) -> SystemTime {
        let st = lock(&self.state);
        let c = &st.current.assumed.creds;
        if st.login.is_some() {
            return SystemTime::now() + LOGIN_POLL;
        }
        if st.wanted.is_some() {
            // Nothing to do until a code comes (a wake) or the session ends
            // (then check again: the MFA session may have been renewed elsewhere).
            return c
                .expiration
                .max(SystemTime::now() + Duration::from_secs(RETRY[0]));
        }
        if st.failures > 0 {
            let wait = RETRY[(st.failures - 1).min(RETRY.len() - 1)];
            return SystemTime::now() + Duration::from_secs(wait);
        }
        window::serve_renew_at(
            st.current.obtained,
            c.expiration,
            self.engine.configured_window(),
        )
    }
}

/// The container credentials protocol's answer for `c`.
fn container_json(c: &crate::creds::Credentials) -> SecretString {
    crate::creds::secret_json(&crate::creds::ContainerJson::of(c))
}

/// A renewed session must outlast this, or it counts as a failed renewal:
/// serving it would start the next renewal at once, and the next. (Below
/// any real session, STS's 15 min or a permission set's 1 h; tests use 30 s.)
const MIN_FRESH: Duration = Duration::from_secs(20);

/// However renewals come out, two of one route are at least this far apart.
const MIN_GAP: Duration = Duration::from_secs(5);

/// `s`, unless it is already over or about to be (a clock ahead of STS's by
/// more than the session, or an endpoint that is not STS).
fn fresh_enough(s: Switched) -> Result<Switched, Error> {
    let c = &s.assumed.creds;
    if c.remaining(SystemTime::now()) > MIN_FRESH {
        return Ok(s);
    }
    Err(Error::Live {
        message: format!(
            "STS answered with credentials that end at {}, {} from now",
            c.expiration_rfc3339(),
            if c.remaining(SystemTime::now()).is_zero() {
                "already past".to_owned()
            } else {
                crate::text::remaining(c.remaining(SystemTime::now()))
            }
        ),
        hint: Some("check this machine's clock (it may be ahead) and AWS_ENDPOINT_URL_STS".into()),
    })
}

/// A route's renewal task: sleep until the serve window (or a wake), renew.
async fn keep_fresh(server: Server, route: Arc<Route>) {
    let mut last: Option<Instant> = None;
    loop {
        let wait = route
            .next_try()
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = route.wake.notified() => {}
        }
        if route.waits_for_login() {
            continue;
        }
        if let Some(gap) = last.map(|t| MIN_GAP.saturating_sub(t.elapsed())) {
            tokio::time::sleep(gap).await;
        }
        last = Some(Instant::now());
        // Failures are recorded on the route and retried; nothing to do here.
        if route.renew(&server, None).await.is_ok() {
            server.nudge_waiting(&route.id);
        }
    }
}

/// Say so when processes of an ended child still point at its endpoint:
/// they lose their credentials as the port closes.
pub fn tell_left_behind(uri: &str) {
    let n = owner::holders(uri);
    match n {
        0 => {}
        1 => eprintln!(
            "rolehop: 1 process started in this shell is still running and loses its credentials now"
        ),
        _ => eprintln!(
            "rolehop: {n} processes started in this shell are still running and lose their credentials now"
        ),
    }
}

/// The notifier of a server whose child shares our terminal: one line on
/// the terminal (`/dev/tty`), else on stderr. A leading newline keeps it off
/// whatever the shell's prompt is in the middle of.
pub fn terminal_notifier() -> Notifier {
    Arc::new(|line: &str| {
        use std::io::Write;
        let line = crate::text::sanitize(line);
        match std::fs::OpenOptions::new().write(true).open("/dev/tty") {
            Ok(mut tty) => {
                let _ = write!(tty, "\r\n{line}\r\n");
            }
            Err(_) => eprintln!("{line}"),
        }
    })
}

#[cfg(test)]
mod tests;
