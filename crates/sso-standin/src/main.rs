//! `sso-standin`: runs the stand-in for scripts (scripts/bench).
//!
//! ```text
//! sso-standin [--config JSON | --config-file PATH] [--accounts N] [--roles M] [--tps X] [--moto URL]
//! ```
//! The config is `sso_standin::Config` as JSON (camelCase keys, any subset);
//! the flags override it. Prints the base URL as stdout's first line, then
//! serves until stdin reaches end-of-file or SIGTERM/SIGINT arrives. Control
//! it over HTTP under `<url>/_standin/` (counters, config, fixtures, approve, …).

use std::io::{Read, Write};
use std::process::ExitCode;

use sso_standin::{Config, Fixtures, Standin};

fn parse(args: &[String]) -> Result<Config, String> {
    let mut config = Config::default();
    let (mut accounts, mut roles) = match config.fixtures {
        Fixtures::Generated { accounts, roles } => (accounts, roles),
        Fixtures::List(_) => (0, 0),
    };
    let mut sized = false;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        let number = |v: &str| v.parse::<f64>().map_err(|e| format!("{flag} {v}: {e}"));
        match flag.as_str() {
            "--config" => {
                config = serde_json::from_str(value()?).map_err(|e| format!("--config: {e}"))?
            }
            "--config-file" => {
                let path = value()?;
                let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
                config = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
                if let Fixtures::Generated {
                    accounts: a,
                    roles: r,
                } = config.fixtures
                {
                    (accounts, roles) = (a, r);
                }
            }
            "--accounts" => (accounts, sized) = (number(value()?)? as usize, true),
            "--roles" => (roles, sized) = (number(value()?)? as usize, true),
            "--tps" => config.tps = number(value()?)?,
            "--moto" => config.moto_url = Some(value()?.clone()),
            other => {
                return Err(format!(
                    "unknown argument {other} (see the usage in src/main.rs)"
                ));
            }
        }
    }
    if sized {
        config.fixtures = Fixtures::Generated { accounts, roles };
    }
    Ok(config)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match parse(&args) {
        Ok(config) => config,
        Err(why) => {
            eprintln!("sso-standin: {why}");
            return ExitCode::from(2);
        }
    };
    let standin = match Standin::start(config) {
        Ok(standin) => standin,
        Err(e) => {
            eprintln!("sso-standin: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", standin.url());
    let _ = std::io::stdout().flush();
    if let Err(e) = wait_for_the_end() {
        eprintln!("sso-standin: {e}");
    }
    drop(standin);
    ExitCode::SUCCESS
}

/// Until stdin closes or a SIGTERM/SIGINT arrives.
fn wait_for_the_end() -> std::io::Result<()> {
    let (closed, mut stdin_closed) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        let _ = closed.send(());
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        tokio::select! {
            _ = &mut stdin_closed => {}
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        Ok(())
    })
}
