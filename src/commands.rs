//! One function per CLI subcommand: load what it needs, call the engine,
//! print the result. Errors go up to `lib::run` which reports them.

use crate::assume::{self, Assumed};
use crate::cli::{AddArgs, MfaArgs};
use crate::config::bookmarks::{self, Bookmark, BookmarkSpec, Bookmarks};
use crate::config::paths;
use crate::creds::{export, file as credfile};
use crate::env::{EnvView, Handover};
use crate::error::{Error, Result};
use crate::{mfa, sts};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

/// A one-shot command needs no thread pool: a current-thread runtime starts faster.
fn block_on<F: std::future::Future>(f: F) -> Result<F::Output> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Io {
            context: "cannot start the async runtime".into(),
            source,
        })?;
    Ok(rt.block_on(f))
}

fn load() -> Result<Bookmarks> {
    Ok(Bookmarks::load(&paths::bookmarks_path()?)?)
}

/// The MFA code for `b`: from the flag, else asked on the terminal; None when not needed.
fn mfa_code(b: &Bookmark, args: &MfaArgs) -> Result<Option<String>> {
    match (&b.mfa_serial, &args.mfa_code) {
        (Some(_), Some(code)) => Ok(Some(mfa::validate_code(code)?)),
        (Some(serial), None) => Ok(Some(mfa::prompt(&b.name, serial)?)),
        (None, Some(_)) => {
            eprintln!(
                "rolehop: note: bookmark \"{}\" has no mfa_serial; --mfa-code ignored",
                b.name
            );
            Ok(None)
        }
        (None, None) => Ok(None),
    }
}

/// Resolve bookmark + code, then assume: the common start of every hand-over.
fn switch(name: &str, args: &MfaArgs, env: &EnvView) -> Result<(Bookmark, Assumed)> {
    let bookmarks = load()?;
    let b = bookmarks.get(name)?.clone();
    let code = mfa_code(&b, args)?;
    let assumed = block_on(assume::assume(&b, env, code))??;
    Ok((b, assumed))
}

pub fn list(json: bool) -> Result<ExitCode> {
    let bookmarks = load()?;
    if json {
        let text = serde_json::to_string_pretty(&bookmarks.items).map_err(|e| Error::Io {
            context: "cannot format JSON".into(),
            source: std::io::Error::other(e),
        })?;
        println!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    if bookmarks.items.is_empty() {
        println!("No bookmarks yet in {}.", bookmarks.path.display());
        println!(
            "Add one:  rolehop add prod --account 210987654321 --role CrossAccountRole --color red"
        );
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", list_table(&bookmarks.items));
    Ok(ExitCode::SUCCESS)
}

/// Aligned columns: NAME DISPLAY ACCOUNT ROLE REGION FLAGS.
fn list_table(items: &[Bookmark]) -> String {
    let rows: Vec<[String; 6]> = items
        .iter()
        .map(|b| {
            let mut flags = Vec::new();
            if b.mfa_serial.is_some() {
                flags.push("mfa");
            }
            if b.external_id.is_some() {
                flags.push("ext-id");
            }
            [
                b.name.clone(),
                crate::text::sanitize(&b.display),
                b.account.clone(),
                b.role.clone(),
                b.region.clone().unwrap_or_else(|| "-".into()),
                flags.join(","),
            ]
        })
        .collect();
    let header = ["NAME", "DISPLAY", "ACCOUNT", "ROLE", "REGION", "FLAGS"].map(String::from);
    let mut widths = [0usize; 6];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

pub fn add(a: AddArgs) -> Result<ExitCode> {
    let path = paths::bookmarks_path()?;
    let spec = BookmarkSpec {
        name: a.name,
        account: a.account,
        role: a.role,
        display: a.display,
        color: a.color,
        mfa_serial: a.mfa_serial,
        external_id: a.external_id,
        region: a.region,
        duration: a.duration,
        source_profile: a.source_profile,
        session_name: a.session_name,
    };
    bookmarks::add(&path, &spec)?;
    let saved = Bookmarks::load(&path)?;
    let b = saved.get(&spec.name)?;
    println!(
        "Added \"{}\": {} (in {})",
        b.name,
        b.role_arn(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn remove(name: &str) -> Result<ExitCode> {
    let path = paths::bookmarks_path()?;
    bookmarks::remove(&path, name)?;
    println!("Removed \"{name}\" from {}", path.display());
    Ok(ExitCode::SUCCESS)
}

pub fn exec(name: &str, args: &MfaArgs, command: &[String]) -> Result<ExitCode> {
    let env = EnvView::from_process();
    let (b, assumed) = switch(name, args, &env)?;
    let handover = Handover::new(&env, &b, &assumed.creds, assumed.region.as_deref(), true);
    let (program, rest) = match command.split_first() {
        Some((p, rest)) => (p.clone(), rest.to_vec()),
        None => {
            let shell = env.get("SHELL").unwrap_or("/bin/sh").to_owned();
            eprintln!("{}", shell_banner(&env, &b, &assumed));
            (shell, Vec::new())
        }
    };
    let mut cmd = std::process::Command::new(&program);
    cmd.args(&rest);
    for var in &handover.unset {
        cmd.env_remove(var);
    }
    cmd.envs(handover.set.iter().map(|(k, v)| (k, v)));
    run_child(cmd, &program)
}

/// One line saying where the new shell stands and how to leave it.
fn shell_banner(env: &EnvView, b: &Bookmark, a: &Assumed) -> String {
    let depth = env.depth() + 1;
    let left = format_remaining(a.creds.remaining(SystemTime::now()));
    let back = match env.current_bookmark() {
        Some(outer) => format!("`exit` goes back to {outer}"),
        None => "`exit` goes back to your base identity".into(),
    };
    let nested = if depth > 1 {
        format!("nested shell, depth {depth}: ")
    } else {
        String::new()
    };
    format!(
        "rolehop: {nested}{} as {} for {left}; {back}",
        b.name,
        b.role_arn()
    )
}

/// Replace this process with the child (Unix): its exit code and signals are
/// then the child's own, with no proxying.
#[cfg(unix)]
fn run_child(mut cmd: std::process::Command, program: &str) -> Result<ExitCode> {
    use std::os::unix::process::CommandExt;
    let source = cmd.exec();
    Err(Error::Spawn {
        program: program.to_owned(),
        source,
    })
}

#[cfg(not(unix))]
fn run_child(mut cmd: std::process::Command, program: &str) -> Result<ExitCode> {
    let status = cmd.status().map_err(|source| Error::Spawn {
        program: program.to_owned(),
        source,
    })?;
    Ok(ExitCode::from(
        status.code().unwrap_or(1).clamp(0, 255) as u8
    ))
}

pub fn env(name: &str, shell: Option<export::Shell>, args: &MfaArgs) -> Result<ExitCode> {
    let env = EnvView::from_process();
    let shell = shell.unwrap_or_else(|| export::Shell::detect(env.get("SHELL")));
    let (b, assumed) = switch(name, args, &env)?;
    let handover = Handover::new(&env, &b, &assumed.creds, assumed.region.as_deref(), false);
    print!("{}", export::script(shell, &handover));
    Ok(ExitCode::SUCCESS)
}

pub fn write(name: &str, profile: Option<&str>, force: bool, args: &MfaArgs) -> Result<ExitCode> {
    let env = EnvView::from_process();
    let path = credfile::default_path()?;
    let bookmarks = load()?;
    let profile = profile.unwrap_or(name).to_owned();
    // Refuse before calling STS, so no MFA code is spent on a write that
    // would be refused anyway; write_profile checks again under its lock.
    if !force {
        credfile::check_writable(&path, &profile)?;
    }
    let b = bookmarks.get(name)?.clone();
    let code = mfa_code(&b, args)?;
    let assumed = block_on(assume::assume(&b, &env, code))??;
    let c = &assumed.creds;
    let expires = c.expiration_rfc3339();
    crate::creds::profile::write_session(&path, &profile, c, &b.role_arn(), force)?;
    println!(
        "Wrote profile \"{profile}\" to {} ({}, expires {expires}, in {})",
        path.display(),
        b.role_arn(),
        format_remaining(c.remaining(SystemTime::now()))
    );
    println!("Use it with: AWS_PROFILE={profile} aws ...   or   aws --profile {profile} ...");
    Ok(ExitCode::SUCCESS)
}

/// Set in our own environment while serving `credential-process`, so a profile
/// that loops back into rolehop fails at once instead of forking forever.
const CREDENTIAL_PROCESS_GUARD: &str = "ROLEHOP_CREDENTIAL_PROCESS";

pub fn credential_process(name: &str) -> Result<ExitCode> {
    let env = EnvView::from_process();
    if let Some(outer) = env.get(CREDENTIAL_PROCESS_GUARD) {
        return Err(Error::Usage {
            message: format!(
                "rolehop credential-process {outer} needs base credentials from a profile that runs rolehop credential-process again"
            ),
            hint: Some(format!(
                "set source_profile on bookmark \"{outer}\" to the profile that holds your base keys"
            )),
        });
    }
    // The usual setup is `AWS_PROFILE=X aws ...` where profile X is
    // `credential_process = rolehop credential-process NAME`: then AWS_PROFILE
    // names *this* profile, not the base identity, and must not be used for it.
    let self_profile = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"]
        .into_iter()
        .filter(|var| env.get(var).is_some_and(profile_runs_rolehop))
        .collect::<Vec<_>>();
    // SAFETY: single-threaded here; the async runtime starts after this.
    unsafe {
        std::env::set_var(CREDENTIAL_PROCESS_GUARD, name);
        for var in &self_profile {
            std::env::remove_var(var);
        }
    }
    let env = EnvView::from_process();
    let (_, assumed) = switch(name, &MfaArgs { mfa_code: None }, &env)?;
    println!("{}", export::credential_process_json(&assumed.creds));
    Ok(ExitCode::SUCCESS)
}

/// Does AWS profile `profile` get its credentials from rolehop itself?
fn profile_runs_rolehop(profile: &str) -> bool {
    let runs = |path: Option<std::path::PathBuf>, section: &str| {
        path.and_then(|p| credfile::read_profile(&p, section).ok().flatten())
            .is_some_and(|kvs| {
                kvs.iter()
                    .any(|(k, v)| k == "credential_process" && v.contains("rolehop"))
            })
    };
    let config_section = if profile == "default" {
        profile.to_owned()
    } else {
        format!("profile {profile}")
    };
    runs(credfile::config_path().ok(), &config_section)
        || runs(credfile::default_path().ok(), profile)
}

pub fn whoami(profile: Option<&str>, json: bool) -> Result<ExitCode> {
    let env = EnvView::from_process();
    let source = env.base_source(profile);
    let identity = block_on(async {
        let region = sts::resolve_region(None, &env, &source).await;
        let client = sts::client(&source, region.as_deref().unwrap_or(sts::FALLBACK_REGION)).await;
        sts::caller_identity(&client).await
    })?
    .map_err(|e| sts::name_source(e, &source, &env))?;
    if json {
        println!("{}", serde_json::json!(identity));
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}", identity.arn);
    println!("account  {}", identity.account);
    println!("user id  {}", identity.user_id);
    println!("source   {}", sts::describe_source(&source, &env));
    if let Some(current) = env.current_bookmark() {
        println!(
            "note     this shell holds rolehop credentials for \"{current}\" (depth {}); shown is the base identity",
            env.depth()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `59m`, `1h05m`, `42s`: time left, at a glance.
pub fn format_remaining(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_formats() {
        assert_eq!(format_remaining(Duration::from_secs(42)), "42s");
        assert_eq!(format_remaining(Duration::from_secs(59 * 60 + 59)), "59m");
        assert_eq!(format_remaining(Duration::from_secs(3900)), "1h05m");
    }
}
