//! The CLI side of live credentials: `exec` serving its child, a nested
//! `exec` inside a live shell (through the serving rolehop), `env --live`
//! (through the agent), and `rolehop mfa`.

use crate::cli::MfaArgs;
use crate::cmd::{block_on, block_on_detached, code_for};
use crate::creds::Handover;
use crate::creds::export;
use crate::engine::{Engine, Switched};
use crate::env::EnvView;
use crate::error::{Error, Result};
use crate::paths;
use crate::serve::AssumeRequest;
use crate::serve::client::{Assumed, Live};
use crate::serve::{Server, terminal_notifier};
use crate::shell::{self, Back, async_command, program_of};
use rolehop_files::bookmarks::{Bookmark, Bookmarks};
use rolehop_files::credentials::default_profile_has_keys;
use secrecy::ExposeSecret;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// `rolehop exec NAME [-- CMD]`: serve the session on loopback, run the
/// child with the endpoint, renew until it exits, then close the port.
pub fn exec_live(
    env: &EnvView,
    engine: Engine,
    b: Bookmark,
    switched: Switched,
    command_line: &[String],
    hops: bool,
) -> Result<ExitCode> {
    let (program, rest) = program_of(env, command_line);
    if command_line.is_empty() {
        let left = switched.assumed.creds.remaining(SystemTime::now());
        eprintln!(
            "{}",
            shell::banner(env, &b, left, switched.limit.as_deref(), true, Back::Shell)
        );
    }
    let region = switched.assumed.region.clone();
    let hide = default_profile_has_keys();
    block_on_detached(async move {
        let server = Server::bind(terminal_notifier())
            .await
            .map_err(|source| Error::Io {
                context: "cannot listen on 127.0.0.1 for the live credentials".into(),
                source,
            })?;
        server.announce(crate::serve::registry::By::Exec);
        let opened = server
            .open(Arc::new(engine), b.clone(), switched)
            .map_err(|source| Error::Io {
                context: "cannot open the live endpoint".into(),
                source,
            })?;
        let handover = Handover::live(
            env,
            &b,
            &opened.uri,
            opened.token.expose_secret(),
            region.as_deref(),
            true,
            hide,
        )
        .hops(hops.then(|| opened.control.expose_secret()));
        let code = crate::child::run(async_command(&program, &rest, &handover), &program).await;
        crate::serve::tell_left_behind(&opened.uri);
        server.shutdown();
        code
    })?
}

/// Ask `ask` for an answer, prompting for a code (up to twice) when it says
/// one is needed.
fn with_codes<T>(
    first: Option<String>,
    marks: &Bookmarks,
    mut ask: impl FnMut(Option<String>) -> Result<T>,
) -> Result<T> {
    let mut code = first;
    for _ in 0..2 {
        match ask(code.take()) {
            Err(Error::CodeNeeded(need)) => code = Some(code_for(&need, marks)?),
            other => return other,
        }
    }
    ask(code)
}

fn bookmarks() -> Result<Bookmarks> {
    Ok(Bookmarks::load(&paths::bookmarks_path()?)?)
}

/// `rolehop exec NAME` inside a live shell: the serving rolehop assumes NAME
/// from the base identity it holds; this process runs the child and tells
/// the server when it is gone.
pub fn exec_nested(
    env: &EnvView,
    parent: &Live,
    name: &str,
    args: &MfaArgs,
    command_line: &[String],
    static_: bool,
    hops: bool,
) -> Result<ExitCode> {
    let marks = bookmarks()?;
    let b = marks.get(name)?.clone();
    let static_ = static_ || marks.handover(name) == rolehop_files::bookmarks::HandoverMode::Static;
    let first = args
        .mfa_code
        .as_deref()
        .map(crate::mfa::validate_code)
        .transpose()?;
    let answer = with_codes(first, &marks, |code| {
        parent.assume(&AssumeRequest {
            bookmark: name.to_owned(),
            code,
            r#static: static_,
            base: None,
            // This process runs the child: the route ends with it.
            owner: Some(std::process::id()),
        })
    })?;
    let region = answer.str("region").map(str::to_owned);
    let left = answer
        .expiration()
        .and_then(|e| e.duration_since(SystemTime::now()).ok())
        .unwrap_or_default();
    let (program, rest) = program_of(env, command_line);
    if command_line.is_empty() {
        eprintln!(
            "{}",
            shell::banner(env, &b, left, answer.str("limit"), !static_, Back::Shell)
        );
    }
    let (handover, route) = if static_ {
        let creds = answer
            .credentials()
            .ok_or_else(|| bad_answer("credentials"))?;
        // The outer route's control token only if this child may hop.
        let inherited = parent.control.as_ref().filter(|_| hops);
        (
            Handover::new(env, &b, &creds, region.as_deref(), true)
                .hops(inherited.map(|t| t.expose_secret())),
            None,
        )
    } else {
        let route = answer.live().ok_or_else(|| bad_answer("uri and token"))?;
        let h = Handover::live(
            env,
            &b,
            &route.uri,
            route.token.expose_secret(),
            region.as_deref(),
            true,
            default_profile_has_keys(),
        )
        .hops(
            route
                .control
                .as_ref()
                .filter(|_| hops)
                .map(|t| t.expose_secret()),
        );
        (h, Some(route))
    };
    let code = block_on(crate::child::run(
        async_command(&program, &rest, &handover),
        &program,
    ))?;
    if let Some(route) = route {
        crate::serve::tell_left_behind(&route.uri);
        route.release();
    }
    code
}

fn bad_answer(what: &str) -> Error {
    Error::Live {
        message: format!("the serving rolehop's answer has no {what}"),
        hint: Some(
            "is an older rolehop serving this shell? leave it (`exit`) and switch again".into(),
        ),
    }
}

/// `rolehop env NAME --live`: exports of a route served by the serving
/// rolehop of this shell, else by the agent (started on demand).
pub fn env_live(
    name: &str,
    shell: Option<export::Shell>,
    args: &MfaArgs,
    no_cache: bool,
) -> Result<ExitCode> {
    let env = EnvView::from_process();
    let shell = shell.unwrap_or_else(|| export::Shell::detect(env.get("SHELL")));
    let marks = bookmarks()?;
    let b = marks.get(name)?.clone();
    let first = args
        .mfa_code
        .as_deref()
        .map(crate::mfa::validate_code)
        .transpose()?;
    let parent = Live::from_env(&env);
    let base = match &parent {
        Some(_) => None,
        None => Some(crate::cmd::engine(env.clone(), no_cache)?.base_key_for(name)?),
    };
    let answer: Assumed = with_codes(first, &marks, |code| {
        let req = AssumeRequest {
            bookmark: name.to_owned(),
            code,
            r#static: false,
            base: base.clone(),
            // The shell that evals the exports outlives this process, and
            // which process it is cannot be told reliably: idle routes end.
            owner: None,
        };
        match &parent {
            Some(p) => p.assume(&req),
            None => crate::serve::agent::assume(&req),
        }
    })?;
    let route = answer.live().ok_or_else(|| bad_answer("uri and token"))?;
    let region = answer.str("region");
    let handover = Handover::live(
        &env,
        &b,
        &route.uri,
        route.token.expose_secret(),
        region,
        false,
        default_profile_has_keys(),
    )
    // Exports go into a shell a person types in: it may hop.
    .hops(route.control.as_ref().map(|t| t.expose_secret()));
    print!("{}", export::script(shell, &handover));
    Ok(ExitCode::SUCCESS)
}

/// `rolehop mfa [CODE]`: give the serving rolehop the code its renewal waits for.
pub fn mfa(code: Option<&str>) -> Result<ExitCode> {
    let env = EnvView::from_process();
    let Some(live) = Live::from_env(&env) else {
        println!(
            "rolehop: nothing to renew: this shell's credentials are not served live by rolehop (`rolehop exec NAME` starts a shell that is)"
        );
        return Ok(ExitCode::from(1));
    };
    let status = live.status(Duration::from_secs(5))?;
    let code = match (code, &status.mfa_wanted) {
        (Some(c), _) => crate::mfa::validate_code(c)?,
        (None, Some(w)) => {
            let mut notes = Vec::new();
            if let Some(wait) = w.wait_secs {
                notes.push(format!(
                    "your device's current code was already used; wait {wait} s for the next one"
                ));
            }
            notes.push(format!(
                "{} has {} left; the code renews it without leaving this shell",
                status.bookmark,
                crate::text::remaining(Duration::from_secs(status.seconds_left))
            ));
            crate::mfa::prompt_with_notes(&w.bookmark, &w.serial, &notes)?
        }
        (None, None) => {
            println!(
                "rolehop: nothing needs a code: {} is live until {} and renews on its own",
                status.bookmark, status.expiration
            );
            return Ok(ExitCode::SUCCESS);
        }
    };
    println!("{}", live.mfa(&code)?);
    Ok(ExitCode::SUCCESS)
}
