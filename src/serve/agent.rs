//! The per-user agent behind `rolehop env NAME --live` / `rolehop use NAME
//! --live`: a background rolehop (like ssh-agent) that serves and renews
//! sessions for shells it did not start.
//!
//! - Started on demand by the first `--live` export, detached from the
//!   terminal; one per user and runtime directory, guarded by a lock file.
//! - Controlled over `agent.sock` (0600, in the 0700 runtime directory:
//!   `$ROLEHOP_RUNTIME_DIR`, else `$XDG_RUNTIME_DIR/rolehop`, else `run/` in
//!   the cache directory); credentials are served on loopback like `exec`'s.
//! - Holds what it serves in memory only; exits when no route was asked for
//!   in `ROLEHOP_AGENT_IDLE` (default 2 h), and stops renewing a route that
//!   long unasked. A socket left by a killed agent is replaced.
//! - The base identity is the environment of the shell that started it; a
//!   shell with another identity is refused rather than served the wrong one.

use super::http::{self, AssumeRequest, Resp};
use super::{Server, lock};
use crate::error::{Error, Result};
use hyper::body::Incoming;
use hyper::{Request, StatusCode};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long the agent waits, unasked, before it exits.
pub const DEFAULT_IDLE: Duration = Duration::from_secs(2 * 3600);

fn io(context: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        context: context.to_owned(),
        source,
    }
}

/// The runtime directory, created 0700, or checked: a symlink, another
/// user's or a non-private directory is refused, never chmodded.
pub fn runtime_dir() -> Result<PathBuf> {
    open_runtime_dir().map(|(dir, _)| dir)
}

/// The runtime directory and a handle on it, for naming its files through
/// the handle ([`rolehop_files::fsutil::entry`]).
fn open_runtime_dir() -> Result<(PathBuf, std::fs::File)> {
    let dir = crate::paths::runtime_dir().ok_or_else(|| Error::Usage {
        message: "no runtime directory for rolehop's agent (no XDG_RUNTIME_DIR and no home)".into(),
        hint: Some("set ROLEHOP_RUNTIME_DIR to a private directory".into()),
    })?;
    let handle = rolehop_files::fsutil::private_dir(&dir)
        .map_err(io("rolehop's agent cannot use its runtime directory"))?;
    Ok((dir, handle))
}

pub fn socket_path() -> Result<PathBuf> {
    Ok(runtime_dir()?.join("agent.sock"))
}

/// The idle timeout: `ROLEHOP_AGENT_IDLE` (`90s`, `2h`), else [`DEFAULT_IDLE`].
fn idle_timeout() -> Duration {
    std::env::var("ROLEHOP_AGENT_IDLE")
        .ok()
        .and_then(|v| humantime::parse_duration(&v).ok())
        .unwrap_or(DEFAULT_IDLE)
}

/// `stop` asks the running agent's loop to end.
fn stop_signal() -> &'static tokio::sync::Notify {
    static STOP: OnceLock<tokio::sync::Notify> = OnceLock::new();
    STOP.get_or_init(tokio::sync::Notify::new)
}

/// When the agent started, for `status`.
static STARTED: Mutex<Option<Instant>> = Mutex::new(None);

/// `rolehop agent run`: serve in the foreground until idle or stopped.
pub fn run() -> Result<ExitCode> {
    let (dir, handle) = open_runtime_dir()?;
    // Through the checked directory, not its path again.
    let at = |name: &str| rolehop_files::fsutil::entry(&handle, &dir, name);
    let lock_file = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(at("agent.lock"))
        .map_err(io("cannot open the agent's lock file"))?;
    if lock_file.try_lock().is_err() {
        // Another agent runs (or is starting): it serves; nothing to do.
        eprintln!("rolehop: an agent already runs for {}", dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    // Who holds the lock, for a start that finds it held but nobody answering.
    {
        use std::io::Write;
        let mut f = &lock_file;
        let _ = lock_file.set_len(0);
        let _ = write!(f, "{}", std::process::id());
    }
    let socket = at("agent.sock");
    // We hold the lock, so a socket file there is a dead agent's.
    let _ = std::fs::remove_file(&socket);
    *lock(&STARTED) = Some(Instant::now());
    let log = at("agent.log");
    let idle = idle_timeout();
    let rt = crate::rt::runtime()?;
    let result = rt.block_on(async {
        let listener = tokio::net::UnixListener::bind(&socket)
            .map_err(io("cannot listen on the agent's socket"))?;
        rolehop_files::fsutil::set_private(&socket)
            .map_err(io("cannot make the agent's socket private"))?;
        let server = Server::bind(log_notifier(log))
            .await
            .map_err(io("cannot listen on 127.0.0.1"))?;
        server.announce(super::registry::By::Agent);
        let accept = tokio::spawn(accept_unix(listener, server.clone()));
        let every = (idle / 4).clamp(Duration::from_millis(200), Duration::from_secs(30));
        loop {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop_signal().notified() => break,
            }
            server.close_idle(idle);
            if server.idle_for() > idle {
                break;
            }
        }
        accept.abort();
        server.shutdown();
        Ok(ExitCode::SUCCESS)
    });
    let _ = std::fs::remove_file(&socket);
    drop(lock_file);
    result
}

/// Accept control connections until aborted: the same loop as the TCP
/// side's (an accept error waits and goes on; it never ends the loop, which
/// would leave an agent holding its lock but answering nothing), the same
/// cap, and only the user's own processes (the socket's peer credentials).
async fn accept_unix(listener: tokio::net::UnixListener, server: Server) {
    let slots = http::Slots::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let ours = stream
            .peer_cred()
            .is_ok_and(|c| super::peer::trusted(c.uid()));
        if !ours {
            continue;
        }
        slots.serve(stream, &server, http::Via::Unix);
    }
}

/// The agent has no terminal: its notices go to `agent.log`.
fn log_notifier(path: PathBuf) -> super::Notifier {
    Arc::new(move |line: &str| {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
        {
            let _ = writeln!(
                f,
                "{} {}",
                crate::creds::rfc3339(std::time::SystemTime::now()),
                crate::text::sanitize(line)
            );
        }
    })
}

fn ok(value: serde_json::Value) -> Resp {
    http::json(StatusCode::OK, &value)
}

/// `/agent/<call>` on the control socket.
pub(super) async fn control(server: &Server, call: &str, req: Request<Incoming>) -> Resp {
    match call {
        "status" => {
            let up = lock(&STARTED).map(|t| t.elapsed().as_secs()).unwrap_or(0);
            ok(serde_json::json!({
                "pid": std::process::id(),
                "port": server.port(),
                "uptime_secs": up,
                "idle_secs": server.idle_for().as_secs(),
                "idle_timeout_secs": idle_timeout().as_secs(),
                "routes": server.statuses(),
            }))
        }
        "stop" => {
            stop_signal().notify_one();
            ok(serde_json::json!({ "stopping": std::process::id() }))
        }
        "assume" => {
            let text = match http::body(req).await {
                Ok(t) => t,
                Err(resp) => return resp,
            };
            // The bookmarks file is read per request, so edits apply at once.
            let env = crate::env::EnvView::from_process();
            let engine = match crate::engine::Engine::open(env, false, true) {
                Ok(e) => Arc::new(e),
                Err(e) => return http::failure(&e.into()),
            };
            let req: AssumeRequest = match serde_json::from_str(&text) {
                Ok(r) => r,
                Err(e) => return http::bad_request(&format!("not an assume request: {e}")),
            };
            // The agent serves routes, never the keys themselves: a process
            // of the user that is no shell of ours gets no raw credentials.
            if req.r#static {
                return http::bad_request(
                    "the agent serves live routes only, not static credentials",
                );
            }
            // Every request names the identity it expects, and it must be ours.
            let Some(theirs) = &req.base else {
                return http::bad_request(
                    "an assume request to the agent must name its base identity",
                );
            };
            let ours = match engine.base_key_for(&req.bookmark) {
                Ok(k) => k,
                Err(e) => return http::failure(&e.into()),
            };
            if &ours != theirs {
                return http::failure(&Error::Live {
                    message: format!(
                        "rolehop's agent serves base identity {ours}, this shell has {theirs}"
                    ),
                    hint: Some(
                        "run `rolehop agent stop` and try again, or use `rolehop env NAME` (static)".into(),
                    ),
                });
            }
            http::assume_from(server, engine, &text).await
        }
        _ => http::error(
            StatusCode::NOT_FOUND,
            "NotFound",
            "rolehop: no such agent call",
        ),
    }
}

/// One request to the agent over its socket.
fn request(
    method: &str,
    path: &str,
    body: &str,
    timeout: Duration,
) -> std::io::Result<super::client::Reply> {
    let deadline = Instant::now() + timeout;
    let mut stream =
        std::os::unix::net::UnixStream::connect(socket_path().map_err(std::io::Error::other)?)?;
    super::client::exchange(
        &mut stream,
        deadline,
        "rolehop-agent",
        method,
        path,
        None,
        body,
    )
}

fn is_up() -> bool {
    request("GET", "/agent/status", "", Duration::from_secs(2)).is_ok()
}

/// The pid written in `agent.lock` while an agent holds it; `None` when
/// nobody holds the lock.
fn lock_holder(dir: &std::path::Path) -> Option<u32> {
    let path = dir.join("agent.lock");
    let file = std::fs::File::open(&path).ok()?;
    if file.try_lock_shared().is_ok() {
        return None;
    }
    std::fs::read_to_string(&path).ok()?.trim().parse().ok()
}

/// Make sure an agent answers, starting one in the background if needed.
pub fn ensure_running() -> Result<()> {
    if is_up() {
        return Ok(());
    }
    let dir = runtime_dir()?;
    let exe = std::env::current_exe().map_err(io("cannot find the rolehop binary"))?;
    let log_path = dir.join("agent.log");
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .map_err(io("cannot open the agent's log"))?;
    let mut cmd = std::process::Command::new(&exe);
    cmd.args(["agent", "run"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(log)
        // It outlives this shell: no depth, no hop of ours.
        .env_remove("ROLEHOP_DEPTH");
    detach(&mut cmd);
    let mut child = cmd.spawn().map_err(|source| Error::Spawn {
        program: exe.display().to_string(),
        source,
    })?;
    let mut deadline = Instant::now() + Duration::from_secs(10);
    let mut exited = None;
    while Instant::now() < deadline {
        if is_up() {
            // The agent lives on; reap our direct child if it already left
            // (it exits at once when another agent won the lock).
            let _ = child.try_wait();
            return Ok(());
        }
        if exited.is_none()
            && let Ok(Some(status)) = child.try_wait()
        {
            exited = Some(status);
            // Another agent that holds the lock may be starting: give it a
            // moment, not the whole wait.
            deadline = deadline.min(Instant::now() + Duration::from_secs(3));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let hint = Some(format!(
        "run `rolehop agent run` in a terminal to see why (log: {})",
        log_path.display()
    ));
    if let Some(pid) = lock_holder(&dir) {
        return Err(Error::Live {
            message: format!(
                "an agent holds the lock in {} but does not answer (pid {pid})",
                dir.display()
            ),
            hint: Some(format!(
                "end it (`kill {pid}`) and try again; its log is {}",
                log_path.display()
            )),
        });
    }
    let message = match exited {
        Some(status) => format!("rolehop's agent did not start: it exited ({status})"),
        None => {
            // Not ours to leave behind half-started.
            let _ = child.kill();
            let _ = child.wait();
            "rolehop's agent did not start within 10 s".to_owned()
        }
    };
    Err(Error::Live { message, hint })
}

/// Its own session: a closing terminal does not hang it up.
fn detach(cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: setsid is async-signal-safe, as required between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Ask the agent (started if needed) to serve `req`.
pub fn assume(req: &AssumeRequest) -> Result<super::client::Assumed> {
    ensure_running()?;
    let body = serde_json::to_string(req)
        .map_err(|e| io("cannot encode the request")(std::io::Error::other(e)))?;
    let reply = request("POST", "/agent/assume", &body, Duration::from_secs(60))
        .map_err(io("rolehop's agent did not answer"))?;
    Ok(super::client::Assumed {
        value: reply.json_ok()?,
    })
}

/// `rolehop agent status`.
pub fn status(json: bool) -> Result<ExitCode> {
    let reply = match request("GET", "/agent/status", "", Duration::from_secs(2)) {
        Ok(r) => r,
        Err(_) => {
            println!("No agent runs (it starts with `rolehop env NAME --live`).");
            return Ok(ExitCode::from(3));
        }
    };
    let v: serde_json::Value = reply.json_ok()?;
    if json {
        println!("{v}");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "agent pid {}, serving on 127.0.0.1:{}, up {} s, idle {} s (exits after {} s idle)",
        v["pid"], v["port"], v["uptime_secs"], v["idle_secs"], v["idle_timeout_secs"]
    );
    let routes = v["routes"].as_array().cloned().unwrap_or_default();
    if routes.is_empty() {
        println!("no sessions served");
    }
    for r in routes {
        let left =
            crate::text::remaining(Duration::from_secs(r["seconds_left"].as_u64().unwrap_or(0)));
        let mfa = if r["mfa_wanted"].is_object() {
            "  (needs an MFA code: rolehop mfa)"
        } else {
            ""
        };
        println!(
            "{}  {}  {left} left{mfa}",
            r["bookmark"].as_str().unwrap_or("?"),
            r["role_arn"].as_str().unwrap_or("?")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `rolehop agent stop`.
pub fn stop() -> Result<ExitCode> {
    match request("POST", "/agent/stop", "", Duration::from_secs(2)) {
        Ok(_) => {
            // Wait for it to let go of the socket, so a new start is clean.
            let deadline = Instant::now() + Duration::from_secs(5);
            while is_up() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            println!("Stopped rolehop's agent; the shells it served get no more credentials.");
        }
        Err(_) => println!("No agent runs."),
    }
    Ok(ExitCode::SUCCESS)
}
