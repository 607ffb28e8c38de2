//! The tasks that feed the event loop: terminal input, the ticker, signals.

use super::*;

/// Terminal events → messages. Mouse motion is dropped at the source: the
/// app has no use for it and each one would cost a frame.
pub(super) fn spawn_input(tx: UnboundedSender<Msg>) -> JoinHandle<()> {
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
pub(super) fn spawn_ticker(tx: UnboundedSender<Msg>, period: Duration) -> JoinHandle<()> {
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

/// How often the picker looks whether the session cache or the serving
/// records changed (two `stat`s; they are read only when one did).
pub(super) const CACHE_POLL: Duration = Duration::from_secs(2);

/// The shared session cache, watched: read at once, then whenever the cache
/// directory or the serving records' directory has a new modification time
/// (every write, rename and delete gives one) or a process seen serving is
/// gone (killed, it removed nothing), its valid sessions and who serves
/// what come back as `Msg::CacheSeen`. None without a cache (`--no-cache`,
/// `cache = false`): there is nothing to show then.
pub(super) fn spawn_cache_watch(
    tx: UnboundedSender<Msg>,
    engine: Arc<Engine>,
) -> Option<JoinHandle<()>> {
    let cache = engine.cache()?.clone();
    let dirs: Vec<PathBuf> = cache
        .dir()
        .map(std::path::Path::to_path_buf)
        .into_iter()
        .chain(crate::serve::registry::dir())
        .collect();
    let mtime = |d: &PathBuf| std::fs::metadata(d).and_then(|m| m.modified()).ok();
    Some(tokio::spawn(async move {
        let mut seen = None;
        let mut servers: Vec<u32> = Vec::new();
        loop {
            let stamp: Vec<Option<SystemTime>> = dirs.iter().map(mtime).collect();
            let gone = servers
                .iter()
                .any(|pid| !crate::serve::registry::alive(*pid));
            if gone || seen.as_ref() != Some(&stamp) {
                // A change in the same clock tick as this read would leave the
                // time as it is: a stamp that fresh is read again next time.
                let settled = stamp
                    .iter()
                    .flatten()
                    .all(|t| t.elapsed().is_ok_and(|age| age > Duration::from_secs(1)));
                seen = settled.then_some(stamp);
                let sessions = engine.cached_sessions().await;
                for warning in cache.take_warnings() {
                    let _ = tx.send(Msg::Done(Ok(warning)));
                }
                let serving = tokio::task::spawn_blocking(crate::serve::registry::read_all)
                    .await
                    .unwrap_or_default();
                servers = serving.iter().map(|r| r.pid).collect();
                let msg = match sessions {
                    Ok(sessions) => Msg::CacheSeen { sessions, serving },
                    Err(e) => Msg::Done(Ok(crate::text::sanitize(&format!(
                        "cannot read the session cache: {e}"
                    )))),
                };
                if tx.send(msg).is_err() {
                    return;
                }
            }
            tokio::time::sleep(CACHE_POLL).await;
        }
    }))
}

/// SIGTERM and SIGHUP quit through the normal path (`Msg::Terminate`), so
/// the terminal is restored. SIGINT / SIGQUIT only arrive from outside while
/// in raw mode; during a subshell they belong to the shell and are ignored.
#[cfg(unix)]
pub(super) fn spawn_signals(tx: UnboundedSender<Msg>, suspended: Arc<AtomicBool>) {
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
pub(super) fn spawn_signals(tx: UnboundedSender<Msg>, suspended: Arc<AtomicBool>) {
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            if !suspended.load(Ordering::SeqCst) && tx.send(Msg::Terminate).is_err() {
                return;
            }
        }
    });
}
