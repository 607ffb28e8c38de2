//! The terminal guard: raw mode, alternate screen and mouse capture on the
//! controlling terminal, restored on every way out (drop, panic, error,
//! signal), and suspended around a subshell.
//!
//! We draw on `/dev/tty` rather than stdout so `eval "$(rolehop pick)"` works:
//! there stdout is a pipe and only the final exports may go to it.

use crate::error::Error;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

/// The terminal is in TUI mode; the panic hook restores it only then.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Where we draw: `/dev/tty` (true) or stdout.
static ON_TTY: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

pub type Backend = CrosstermBackend<Box<dyn Write + Send>>;

/// Owns the ratatui terminal; dropping it restores the user's terminal.
pub struct Tui {
    pub terminal: Terminal<Backend>,
}

/// `/dev/tty`, else stdout when both stdin and stdout are terminals.
fn open_output() -> Result<(Box<dyn Write + Send>, bool), Error> {
    match OpenOptions::new().read(true).write(true).open("/dev/tty") {
        // Buffered: ratatui writes many small escape sequences per frame,
        // then flushes once.
        Ok(tty) => Ok((Box::new(BufWriter::new(tty)), true)),
        Err(_) if io::stdin().is_terminal() && io::stdout().is_terminal() => {
            Ok((Box::new(BufWriter::new(io::stdout())), false))
        }
        Err(e) => Err(Error::Usage {
            message: format!("the picker needs a terminal, and /dev/tty cannot be opened ({e})"),
            hint: Some(
                "run rolehop in a terminal; scripts can use `rolehop env NAME` or `rolehop exec NAME`".into(),
            ),
        }),
    }
}

/// A fresh handle on the terminal, for the panic hook (which cannot reach the guard).
fn reopen() -> Box<dyn Write> {
    if ON_TTY.load(Ordering::SeqCst)
        && let Ok(tty) = OpenOptions::new().write(true).open("/dev/tty")
    {
        return Box::new(tty);
    }
    Box::new(io::stdout())
}

/// Leave TUI mode if we are in it; safe to call more than once.
fn restore_with<W: Write>(out: &mut W) {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        // Best effort: on the way out there is nobody left to report to.
        let _ = execute!(out, DisableMouseCapture, LeaveAlternateScreen, cursor::Show);
        let _ = disable_raw_mode();
    }
}

/// A panic anywhere while the picker is up (main loop or a task) restores
/// the terminal, prints the usual message on the normal screen and exits:
/// carrying on would leave a half-restored screen or a spinner waiting for
/// a task that died.
fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let active = ACTIVE.load(Ordering::SeqCst);
            restore_with(&mut reopen());
            previous(info);
            if active {
                std::process::exit(101);
            }
        }));
    });
}

fn enter<W: Write>(out: &mut W) -> io::Result<()> {
    ACTIVE.store(true, Ordering::SeqCst);
    enable_raw_mode()?;
    execute!(out, EnterAlternateScreen, EnableMouseCapture, cursor::Hide)
}

impl Tui {
    /// Take over the terminal. On failure it is already restored.
    pub fn enter() -> Result<Tui, Error> {
        let (out, on_tty) = open_output()?;
        ON_TTY.store(on_tty, Ordering::SeqCst);
        install_panic_hook();
        let mut terminal =
            Terminal::new(CrosstermBackend::new(out)).map_err(io_err("cannot use the terminal"))?;
        if let Err(e) = enter(terminal.backend_mut()) {
            restore_with(terminal.backend_mut());
            return Err(io_err("cannot set up the terminal")(e));
        }
        Ok(Tui { terminal })
    }

    /// Hand the terminal back for a child process (normal screen, cooked mode).
    pub fn suspend(&mut self) -> io::Result<()> {
        let out = self.terminal.backend_mut();
        out.flush()?;
        restore_with(out);
        Ok(())
    }

    /// Take the terminal back after a child and force a full redraw.
    pub fn resume(&mut self) -> io::Result<()> {
        enter(self.terminal.backend_mut())?;
        // `resize` clears and forgets the last frame, so the next draw is
        // complete (and sized right if the shell's window was resized).
        // Not `clear`: it asks the terminal for the cursor position and
        // waits seconds for an answer some terminals never send.
        let area = self.terminal.size()?;
        self.terminal.resize(area.into())
    }

    /// Whether the picker draws on `/dev/tty` (so a child should use it too).
    pub fn on_tty(&self) -> bool {
        ON_TTY.load(Ordering::SeqCst)
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let out = self.terminal.backend_mut();
        let _ = out.flush();
        restore_with(out);
    }
}

pub fn io_err(context: &'static str) -> impl Fn(io::Error) -> Error {
    move |source| Error::Io {
        context: context.into(),
        source,
    }
}

/// `/dev/tty` three times over, for a child's stdio; None to inherit ours.
pub fn tty_stdio() -> Option<(File, File, File)> {
    let open = || OpenOptions::new().read(true).write(true).open("/dev/tty");
    Some((open().ok()?, open().ok()?, open().ok()?))
}

/// Make our process group the terminal's foreground group again. A shell
/// with job control takes the terminal and normally gives it back on exit;
/// if it was killed instead, we would be in the background and the next
/// raw-mode switch would stop us with SIGTTOU.
#[cfg(unix)]
pub fn reclaim_foreground() {
    use std::os::fd::AsRawFd;
    let Ok(tty) = File::open("/dev/tty") else {
        return;
    };
    let fd = tty.as_raw_fd();
    // SAFETY: plain libc calls on a descriptor we own; SIGTTOU is ignored
    // only around tcsetpgrp (which a background group may then call) and the
    // previous disposition is put back.
    unsafe {
        let ours = libc::getpgrp();
        if libc::tcgetpgrp(fd) != ours {
            let previous = libc::signal(libc::SIGTTOU, libc::SIG_IGN);
            libc::tcsetpgrp(fd, ours);
            libc::signal(libc::SIGTTOU, previous);
        }
    }
}

#[cfg(not(unix))]
pub fn reclaim_foreground() {}
