#![deny(clippy::unwrap_used, clippy::expect_used)]

use clap::Parser;

fn main() -> std::process::ExitCode {
    rolehop::cmd::shell_init::complete_if_asked();
    rolehop::run(rolehop::cli::Cli::parse())
}
