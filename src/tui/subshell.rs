//! The picker's subshell: the terminal handed to `$SHELL` with a session,
//! its live endpoint, and back.

use super::*;

impl Runtime {
    /// Run `$SHELL` with the session on the normal screen, then come back.
    ///
    /// The reader task is stopped first (it would otherwise read the keys
    /// meant for the shell), the terminal is restored to how the user had it,
    /// and everything is set up again once the shell exits.
    pub(super) async fn subshell(
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
        server.announce(crate::serve::registry::By::Picker);
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
                rolehop_files::credentials::default_profile_has_keys(),
            )
            // An interactive shell: it may hop.
            .hops(Some(secrecy::ExposeSecret::expose_secret(&opened.control)));
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
