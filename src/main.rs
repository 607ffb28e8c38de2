use clap::Parser;

fn main() -> std::process::ExitCode {
    rolehop::run(rolehop::cli::Cli::parse())
}
