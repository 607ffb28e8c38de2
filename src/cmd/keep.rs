//! `rolehop write NAME --keep`: write the profile, then stay in the
//! foreground and renew it before it expires, at the same refresh window as
//! the cache. One line per renewal; Ctrl-C, SIGTERM or SIGHUP stop it and
//! leave the last written (still valid) credentials in place.

use crate::cli::MfaArgs;
use crate::cmd::{self, code_for, describe_expiry};
use crate::creds::profile;
use crate::engine::{Engine, Switched};
use crate::env::EnvView;
use crate::error::{Error, Result};
use rolehop_files::credentials as credfile;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

/// Renewals are at least this far apart, even when the window covers the
/// whole session (a window longer than the session must not spin on STS).
const MIN_GAP: Duration = Duration::from_secs(1);
/// After a failed renewal, try again after this long (until the session expires).
const RETRY: [u64; 4] = [5, 15, 30, 60];

pub fn write_keep(
    name: &str,
    profile_name: Option<&str>,
    force: bool,
    args: &MfaArgs,
    no_cache: bool,
) -> Result<ExitCode> {
    let engine = cmd::engine(EnvView::from_process(), no_cache)?;
    let (profile, first) = cmd::write_once(&engine, name, profile_name, force, args)?;
    println!("Keeping \"{profile}\" fresh; Ctrl-C stops and leaves the last credentials in place.");
    let rt = cmd::runtime()?;
    let result = rt.block_on(keep(&engine, name, &profile, force, first));
    // A prompt thread may still wait on the terminal: do not wait for it.
    rt.shutdown_background();
    result
}

/// What ended the wait: time to renew, or a signal to stop.
enum Wake<T> {
    Ready(T),
    Stop,
}

/// Run `f` unless a stop signal comes first.
async fn or_stop<F: std::future::Future>(f: F, stop: &mut Signals) -> Wake<F::Output> {
    tokio::select! {
        v = f => Wake::Ready(v),
        _ = stop.recv() => Wake::Stop,
    }
}

async fn keep(
    engine: &Engine,
    name: &str,
    profile: &str,
    force: bool,
    first: Switched,
) -> Result<ExitCode> {
    let mut stop = Signals::new()?;
    let path = credfile::default_path()?;
    let role_arn = engine.bookmarks.get(name)?.role_arn();
    let lifetime = first
        .assumed
        .creds
        .expiration
        .duration_since(first.obtained)
        .unwrap_or_default();
    if let Some(w) = crate::engine::window::clamped(lifetime, engine.configured_window()) {
        eprintln!(
            "rolehop: note: refresh_window is as long as the {} s session; renewing {} s before expiry instead",
            lifetime.as_secs(),
            w.as_secs()
        );
    }
    let mut current = first;
    let mut failures = 0usize;
    loop {
        let creds = &current.assumed.creds;
        let due = if failures == 0 {
            engine.renew_at(current.obtained, creds.expiration)
        } else {
            SystemTime::now() + Duration::from_secs(RETRY[(failures - 1).min(RETRY.len() - 1)])
        };
        let wait = due
            .duration_since(SystemTime::now())
            .unwrap_or_default()
            .max(MIN_GAP);
        if let Wake::Stop = or_stop(tokio::time::sleep(wait), &mut stop).await {
            break;
        }
        // Ask ahead of time, while the current credentials still work.
        let mut code = None;
        if let Some(need) = engine.needs_code_to_renew(name, engine.now())? {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let marks = engine.bookmarks.clone();
            // A thread of its own: a blocking terminal read cannot be cancelled.
            std::thread::spawn(move || {
                let _ = tx.send(code_for(&need, &marks));
            });
            match or_stop(rx, &mut stop).await {
                Wake::Stop => break,
                Wake::Ready(Ok(Ok(c))) => code = Some(c),
                Wake::Ready(Ok(Err(e))) => return Err(e),
                Wake::Ready(Err(_)) => break,
            }
        }
        match engine
            .renew(name, code)
            .await
            .map_err(crate::error::Error::from)
        {
            Ok(next) => {
                let region = next.assumed.region.as_deref();
                profile::write_session(
                    &path,
                    profile,
                    &next.assumed.creds,
                    &role_arn,
                    region,
                    force,
                )?;
                say(&format!(
                    "{} renewed \"{profile}\": {}",
                    clock_time(SystemTime::now()),
                    describe_expiry(&next)
                ));
                current = next;
                failures = 0;
            }
            Err(e) => {
                failures += 1;
                if current.assumed.creds.remaining(SystemTime::now()).is_zero() {
                    return Err(e);
                }
                eprintln!(
                    "rolehop: renewal failed ({e}); trying again in {} s",
                    RETRY[(failures - 1).min(RETRY.len() - 1)]
                );
            }
        }
    }
    let left = current.assumed.creds.remaining(SystemTime::now());
    say(&format!(
        "Stopped. Profile \"{profile}\" keeps credentials valid until {} ({} left).",
        current.assumed.creds.expiration_rfc3339(),
        crate::text::remaining(left)
    ));
    Ok(ExitCode::SUCCESS)
}

/// A line on stdout. A closed pipe (`| head -1`) must not kill the loop
/// that keeps the profile fresh, so write errors are ignored.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// `HH:MM:SS` in UTC, the clock part of RFC 3339.
fn clock_time(t: SystemTime) -> String {
    let full = crate::creds::rfc3339(t);
    full.get(11..19).unwrap_or(&full).to_owned()
}

/// Ctrl-C, SIGTERM and SIGHUP, as one stream.
struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let io = |source| Error::Io {
                context: "cannot listen for signals".into(),
                source,
            };
            Ok(Signals {
                int: signal(SignalKind::interrupt()).map_err(io)?,
                term: signal(SignalKind::terminate()).map_err(io)?,
                hup: signal(SignalKind::hangup()).map_err(io)?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.int.recv() => {},
            _ = self.term.recv() => {},
            _ = self.hup.recv() => {},
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
