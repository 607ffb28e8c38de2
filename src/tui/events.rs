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
