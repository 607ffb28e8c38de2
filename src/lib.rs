//! rolehop: the AWS Console's Switch Role, for the terminal.
//!
//! `main.rs` only parses the command line and calls [`run`]; everything else
//! lives here so tests and benchmarks can call it.
//!
//! # Module map
//!
//! The edge (what a command runs):
//! - [`cli`]: clap types only: subcommands, flags, defaults.
//! - [`cmd`]: the subcommands: `cmd/mod.rs` holds the small ones and the plumbing they
//!   share (loading, the engine, codes); a file per larger family (`exec` with `mfa`,
//!   `keep` for `write --keep`, `doctor`, `policy`, `console`, `prompt`, `shell_init`,
//!   `sessions` for `sessions` and `logout`).
//! - [`import`]: the importers (AWS config, the extension, an Organization) and their
//!   report; `cmd/import.rs` runs them.
//! - [`shell`]: the one place a child gets credentials (the hand-over applied, the banner).
//! - [`child`]: runs a shell or command as rolehop's child, signals forwarded.
//! - [`error`]: the top-level error: one line, a hint, an exit code.
//!
//! The picker:
//! - [`app`]: its state, the pure `update` (messages in, effects out; no I/O, no clock;
//!   one file per context in `app/update/`) and `app/keys.rs`, the one key table.
//! - [`ui`]: draws `&App` at a given time; pure.
//! - [`tui`]: the runtime: terminal, event loop, effects run as tasks that report back.
//!
//! The core:
//! - [`engine`]: bookmark (+ code) in, credentials out: cache, MFA sessions, chains, renewal.
//! - [`assume`]: what a switch gives, and a bookmark's AssumeRole request.
//! - [`console`]: the AWS console sign-in (federation token, login URL, the browser).
//! - [`serve`]: live credentials: the loopback endpoint, its renewals, the agent.
//! - [`sts`]: the only module that calls AWS (STS, and the SDK configs IAM and Organizations use).
//! - [`mfa`]: code checks, the terminal prompt, codes from a command or a YubiKey.
//! - [`env`](mod@env): the environment as rolehop sees it, and the nesting protocol of hand-overs.
//!
//! The files:
//! - `rolehop_files` (crates/files): the files users own, read and edited byte for byte
//!   (the bookmarks file, `~/.aws/credentials`, locks and atomic writes).
//! - [`config`]: the pick history; [`paths`]: where rolehop's own files live.
//! - [`creds`]: credentials, hand-overs to children and shells, exports.
//! - [`cache`]: the session cache (keyring or 0600 files) and the one-time-code guard.
//! - [`text`]: sanitising user text and human durations; [`rt`]: the async runtime of
//!   one-shot commands.

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod app;
pub mod assume;
pub mod cache;
pub mod child;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod console;
pub mod creds;
pub mod engine;
pub mod env;
pub mod error;
pub mod import;
pub mod mfa;
pub mod paths;
pub mod rt;
pub mod serve;
pub mod session;
pub mod shell;
pub mod sso;
pub mod sts;
/// Tests that cannot run here record why ([`testskip::skip`]); `scripts/test` lists them.
#[cfg(test)]
pub mod testskip;
pub mod text;
pub mod tui;
pub mod ui;

use cli::{Cli, Command};
use cmd::{doctor, keep, policy, prompt, shell_init};
use std::process::ExitCode;

/// Commands that print and exit end quietly when their stdout closes
/// (`rolehop list | head -1`), as Unix filters do: SIGPIPE ends them without
/// a word. The long-running ones keep Rust's default (SIGPIPE ignored):
/// `exec` and the agent serve children over sockets, the picker draws on a
/// terminal, and `write --keep` must outlive a closed pipe.
fn quiet_on_closed_stdout(command: &Option<Command>) {
    let long_running = matches!(
        command,
        None | Some(
            Command::Pick { .. }
                | Command::Exec { .. }
                | Command::Agent(_)
                | Command::Write { keep: true, .. }
        )
    );
    #[cfg(unix)]
    if !long_running {
        // SAFETY: restoring the default disposition before any thread starts.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    #[cfg(not(unix))]
    let _ = long_running;
}

/// Run one invocation; errors are reported on stderr as one line plus a hint.
pub fn run(cli: Cli) -> ExitCode {
    quiet_on_closed_stdout(&cli.command);
    child::memory::protect();
    let result = match cli.command {
        None => tui::run(tui::options(false, None, cli.no_auto_renew), cli.no_cache),
        Some(Command::Pick {
            shell,
            no_auto_renew,
        }) => tui::run(
            tui::options(true, shell, no_auto_renew || cli.no_auto_renew),
            cli.no_cache,
        ),
        Some(Command::List { json }) => cmd::list(json),
        Some(Command::Add(args)) => cmd::add(args),
        Some(Command::Remove { name }) => cmd::remove(&name),
        Some(Command::Exec {
            name,
            static_,
            allow_hops,
            mfa,
            command,
        }) => {
            // An interactive shell is a person's: it may hop. A command only
            // when asked.
            let hops = allow_hops || command.is_empty();
            cmd::exec(&name, &mfa, &command, cli.no_cache, static_, hops)
        }
        Some(Command::Env {
            name,
            shell,
            live,
            mfa,
        }) => {
            if live {
                cmd::exec::env_live(&name, shell, &mfa, cli.no_cache)
            } else {
                cmd::env(&name, shell, &mfa, cli.no_cache)
            }
        }
        Some(Command::Mfa { code }) => cmd::exec::mfa(code.as_deref()),
        Some(Command::Agent(cmd)) => match cmd {
            cli::AgentCommand::Status { json } => serve::agent::status(json),
            cli::AgentCommand::Stop => serve::agent::stop(),
            cli::AgentCommand::Run => serve::agent::run(),
        },
        Some(Command::Write {
            name,
            profile,
            force,
            keep,
            mfa,
        }) => {
            if keep {
                keep::write_keep(&name, profile.as_deref(), force, &mfa, cli.no_cache)
            } else {
                cmd::write(&name, profile.as_deref(), force, &mfa, cli.no_cache)
            }
        }
        Some(Command::CredentialProcess { name }) => cmd::credential_process(&name, cli.no_cache),
        Some(Command::Sessions { json }) => cmd::sessions(json),
        Some(Command::Logout { name }) => cmd::logout(name.as_deref()),
        Some(Command::Doctor { name, mfa }) => doctor::run(name.as_deref(), &mfa, cli.no_cache),
        Some(Command::Whoami { profile, json }) => cmd::whoami(profile.as_deref(), json),
        Some(Command::Import(source)) => cmd::import::run(source),
        Some(Command::Sso(c)) => cmd::sso::run(c),
        Some(Command::Use { name, .. }) => shell_init::use_without_init(name.as_deref()),
        Some(Command::Init { shell }) => shell_init::init(shell),
        Some(Command::Completions { shell }) => shell_init::completions(shell),
        Some(Command::Prompt { format }) => prompt::run(&format),
        Some(Command::Man { dir }) => shell_init::man(dir.as_deref()),
        Some(Command::Console(args)) => cmd::console::run(&args, cli.no_cache),
        Some(Command::Policy(args)) => policy::run(&args),
    };
    result.unwrap_or_else(|e| e.report())
}
