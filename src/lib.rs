//! rolehop: the AWS Console's Switch Role, for the terminal.
//!
//! `main.rs` only parses the command line and calls [`run`]; everything else
//! lives here so tests and benchmarks can call it.

pub mod assume;
pub mod cli;
pub mod commands;
pub mod config;
pub mod creds;
pub mod env;
pub mod error;
pub mod fsutil;
pub mod mfa;
pub mod sts;
pub mod text;

use cli::{Cli, Command};
use std::process::ExitCode;

/// Run one invocation; errors are reported on stderr as one line plus a hint.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        None => {
            println!("rolehop: the AWS Console's Switch Role, for the terminal.");
            println!("The interactive picker is coming; for now use the commands:");
            println!(
                "  rolehop add prod --account 210987654321 --role CrossAccountRole --color red"
            );
            println!("  rolehop exec prod            # a shell with the role's credentials");
            println!("  rolehop --help               # everything else");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::List { json }) => commands::list(json),
        Some(Command::Add(args)) => commands::add(args),
        Some(Command::Remove { name }) => commands::remove(&name),
        Some(Command::Exec { name, mfa, command }) => commands::exec(&name, &mfa, &command),
        Some(Command::Env { name, shell, mfa }) => commands::env(&name, shell, &mfa),
        Some(Command::Write {
            name,
            profile,
            force,
            mfa,
        }) => commands::write(&name, profile.as_deref(), force, &mfa),
        Some(Command::CredentialProcess { name }) => commands::credential_process(&name),
        Some(Command::Whoami { profile, json }) => commands::whoami(profile.as_deref(), json),
    };
    result.unwrap_or_else(|e| e.report())
}
