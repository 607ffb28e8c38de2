//! `rolehop console NAME`: sign in to the AWS console as the role (the
//! sign-in itself is `crate::console`).

use crate::cli::ConsoleArgs;
use crate::cmd::{self, Ask};
use crate::console::{
    SIGNIN_TOKEN_LIFETIME, SignIn, destination, open_browser, sign_in, switch_url,
};
use crate::env::EnvView;
use crate::error::Result;
use crate::paths;
use rolehop_files::bookmarks::Bookmarks;
use std::process::ExitCode;

/// `rolehop console NAME [--print] [--region R] [--destination D] [--switch-url]`.
pub fn run(args: &ConsoleArgs, no_cache: bool) -> Result<ExitCode> {
    let env = EnvView::from_process();
    if args.switch_url {
        let bookmarks = Bookmarks::load(&paths::bookmarks_path()?)?;
        let b = bookmarks.get(&args.name)?;
        println!("{}", switch_url(b)?);
        eprintln!(
            "rolehop: note: the link pre-fills the console's Switch Role form; sign in to the trusted account first"
        );
        return Ok(ExitCode::SUCCESS);
    }
    // Check what needs no network first: no code spent on a bad --destination.
    let engine = cmd::engine(env.clone(), no_cache)?;
    let b = engine.bookmarks.get(&args.name)?.clone();
    let partition = b.partition();
    destination(
        partition,
        args.region.as_deref(),
        args.destination.as_deref(),
    )?;
    let (b, switched) = cmd::switch_with(&engine, &args.name, &args.mfa, Ask::Terminal)?;
    let region = args
        .region
        .as_deref()
        .or(switched.assumed.region.as_deref());
    let url = sign_in(
        &SignIn {
            creds: &switched.assumed.creds,
            chained: switched.mode.is_chained(),
            partition,
            region,
            destination: args.destination.as_deref(),
        },
        &env,
    )?;
    let until = crate::creds::rfc3339(std::time::SystemTime::now() + SIGNIN_TOKEN_LIFETIME);
    if args.print {
        println!("{url}");
        eprintln!(
            "rolehop: note: the link signs in as {} once, within 15 minutes (until {until}); keep it secret",
            b.role_arn()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let program = open_browser(&url, &env)?;
    eprintln!(
        "rolehop: opened the console as {} ({}) with {program}",
        b.role_arn(),
        cmd::describe_expiry(&switched)
    );
    Ok(ExitCode::SUCCESS)
}
