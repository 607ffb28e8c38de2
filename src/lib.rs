//! rolehop: the AWS Console's Switch Role, for the terminal.
//!
//! `main.rs` only parses the command line and calls [`run`]; everything else
//! lives here so tests and benchmarks can call it.

pub mod app;
pub mod assume;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod creds;
pub mod doctor;
pub mod engine;
pub mod env;
pub mod error;
pub mod fsutil;
pub mod keep;
pub mod mfa;
pub mod sts;
pub mod text;
pub mod tui;
pub mod ui;

use cli::{Cli, Command};
use std::process::ExitCode;

/// Run one invocation; errors are reported on stderr as one line plus a hint.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        None => tui::run(tui::options(false, None, cli.no_auto_renew), cli.no_cache),
        Some(Command::Pick {
            shell,
            no_auto_renew,
        }) => tui::run(
            tui::options(true, shell, no_auto_renew || cli.no_auto_renew),
            cli.no_cache,
        ),
        Some(Command::List { json }) => commands::list(json),
        Some(Command::Add(args)) => commands::add(args),
        Some(Command::Remove { name }) => commands::remove(&name),
        Some(Command::Exec { name, mfa, command }) => {
            commands::exec(&name, &mfa, &command, cli.no_cache)
        }
        Some(Command::Env { name, shell, mfa }) => commands::env(&name, shell, &mfa, cli.no_cache),
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
                commands::write(&name, profile.as_deref(), force, &mfa, cli.no_cache)
            }
        }
        Some(Command::CredentialProcess { name }) => {
            commands::credential_process(&name, cli.no_cache)
        }
        Some(Command::Sessions { json }) => commands::sessions(json),
        Some(Command::Logout { name }) => commands::logout(name.as_deref()),
        Some(Command::Doctor { name, mfa }) => doctor::run(name.as_deref(), &mfa, cli.no_cache),
        Some(Command::Whoami { profile, json }) => commands::whoami(profile.as_deref(), json),
    };
    result.unwrap_or_else(|e| e.report())
}
