//! One function per CLI subcommand: load what it needs, call the engine,
//! print the result. Errors go up to `lib::run` which reports them.

mod ask;
pub mod console;
pub mod doctor;
pub mod exec;
pub mod import;
pub mod keep;
pub mod policy;
pub mod prompt;
mod sessions;
pub mod shell_init;
pub mod sso;

pub use sessions::{logout, sessions};

use crate::cli::{AddArgs, MfaArgs};
use crate::creds::Handover;
use crate::creds::export;
use crate::engine::{CodeNeeded, Engine, Switched};
use crate::env::EnvView;
use crate::error::{Error, Result};
use crate::paths;
use crate::shell::{self, Back};
use crate::sts::StsError;
use crate::{mfa, sts};
use rolehop_files::bookmarks::{self, Bookmark, BookmarkSpec, Bookmarks, Extras, HandoverMode};
use rolehop_files::credentials as credfile;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

pub(crate) use crate::rt::{block_on, block_on_detached, runtime};

fn load() -> Result<Bookmarks> {
    Ok(Bookmarks::load(&paths::bookmarks_path()?)?)
}

/// The engine over the bookmarks file, with the session cache unless
/// `--no-cache` or `[settings] cache = false` turn it off.
pub(crate) fn engine(env: EnvView, no_cache: bool) -> Result<Engine> {
    Ok(Engine::open(env, no_cache, false)?)
}

/// Whether a switch may ask on the terminal when it needs a code.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ask {
    Terminal,
    /// credential-process: fail fast, an SDK is waiting on us.
    Never,
}

/// The code `need` describes: from the bookmark's `mfa_process` /
/// `mfa_yubikey` (or `[settings]`') when it has one, else asked on the terminal.
pub(crate) fn code_for(need: &CodeNeeded, bookmarks: &Bookmarks) -> Result<String> {
    code_noting(need, bookmarks, None)
}

/// [`code_for`], with `note` (why it asks again) above the question.
fn code_noting(need: &CodeNeeded, bookmarks: &Bookmarks, note: Option<String>) -> Result<String> {
    if let Some(source) = bookmarks.mfa_source(&need.bookmark) {
        return crate::mfa::source::code(
            source,
            &need.bookmark,
            &need.serial,
            need.wait,
            &|line| eprintln!("rolehop: {}", crate::text::sanitize(&line)),
        );
    }
    let mfa_session_secs = bookmarks.settings.mfa_session_duration;
    let mut notes: Vec<String> = note.into_iter().collect();
    if let Some(w) = need.wait {
        notes.push(format!(
            "your device's current code was already used; wait {} s for the next one",
            w.as_secs()
        ));
    }
    if need.for_mfa_session {
        notes.push(format!(
            "it starts an MFA session: no more codes for {} for roles using this device",
            crate::text::remaining(Duration::from_secs(u64::from(mfa_session_secs)))
        ));
    }
    mfa::prompt_with_notes(&need.bookmark, &need.serial, &notes)
}

/// Get credentials for `name`: cached, or from STS with a code from the
/// flag or (when `ask` allows and one is needed) the terminal.
pub(crate) fn switch_with(
    engine: &Engine,
    name: &str,
    args: &MfaArgs,
    ask: Ask,
) -> Result<(Bookmark, Switched)> {
    switch_prompting(engine, name, args, ask, &mut |n, note| {
        code_noting(n, &engine.bookmarks, note)
    })
}

/// [`switch_with`], getting codes from `prompt` (the need, and why it asks
/// again); tests stand in for the person at the terminal.
fn switch_prompting(
    engine: &Engine,
    name: &str,
    args: &MfaArgs,
    ask: Ask,
    prompt: &mut dyn FnMut(&CodeNeeded, Option<String>) -> Result<String>,
) -> Result<(Bookmark, Switched)> {
    let b = engine.bookmarks.get(name)?.clone();
    let mut code = args
        .mfa_code
        .as_deref()
        .map(mfa::validate_code)
        .transpose()?;
    let need = engine.needs_code(name, engine.now())?;
    let has_source = |n: &CodeNeeded| engine.bookmarks.mfa_source(&n.bookmark).is_some();
    // What the code in hand answers, when a person typed it at the prompt:
    // a code AWS refuses is then asked for again.
    let mut typed: Option<CodeNeeded> = None;
    match (&need, &code) {
        (None, Some(_)) => {
            eprintln!("rolehop: note: --mfa-code not used: \"{name}\" needs no code right now");
            code = None;
        }
        (Some(n), None) => match ask {
            // A source needs no terminal: credential_process may use it too.
            _ if has_source(n) => code = Some(prompt(n, None)?),
            Ask::Terminal => {
                code = Some(prompt(n, None)?);
                typed = Some(n.clone());
            }
            Ask::Never => return Err(Error::CodeNeeded(n.clone())),
        },
        _ => {}
    }
    // A second code may be needed (a cached session expired in between, or
    // two hops of a chain each take one), and a typed code may be refused:
    // ask again, a bounded number of times each.
    let (mut more_codes, mut refusals) = (0, 0);
    loop {
        match block_on(engine.switch(name, code.take()))?.map_err(crate::error::Error::from) {
            Err(Error::CodeNeeded(n))
                if more_codes < 2 && (ask == Ask::Terminal || has_source(&n)) =>
            {
                more_codes += 1;
                code = Some(prompt(&n, None)?);
                typed = (!has_source(&n)).then_some(n);
            }
            Err(Error::Sts(StsError::MfaFailed { message }))
                if refusals + 1 < mfa::TRIES && typed.is_some() =>
            {
                refusals += 1;
                let note = format!(
                    "AWS refused that code: {}; type the next one ({})",
                    crate::text::sanitize(message.trim().trim_end_matches('.')),
                    mfa::tries_left(mfa::TRIES - refusals)
                );
                let n = typed.as_ref().map(|n| CodeNeeded {
                    wait: None,
                    ..n.clone()
                });
                if let Some(n) = n {
                    code = Some(prompt(&n, Some(note))?);
                }
            }
            other => return other.map(|s| (b, s)),
        }
    }
}

/// Resolve bookmark + code, then assume: the common start of every hand-over.
fn switch(
    name: &str,
    args: &MfaArgs,
    env: &EnvView,
    no_cache: bool,
) -> Result<(Bookmark, Switched)> {
    let engine = engine(env.clone(), no_cache)?;
    switch_with(&engine, name, args, Ask::Terminal)
}

/// `expires 2026-11-23T10:00:00Z, in 59m (1 h: role chaining limit ...)`.
pub(crate) fn describe_expiry(s: &Switched) -> String {
    let c = &s.assumed.creds;
    let mut text = format!(
        "expires {}, in {}",
        c.expiration_rfc3339(),
        crate::text::remaining(c.remaining(SystemTime::now()))
    );
    if let Some(limit) = &s.limit {
        text.push_str(&format!(" ({limit})"));
    }
    text
}

pub fn list(json: bool) -> Result<ExitCode> {
    let bookmarks = load()?;
    if json {
        let text =
            serde_json::to_string_pretty(bookmarks.items.as_slice()).map_err(|e| Error::Io {
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
    // The region each switch would use, and where it comes from: the AWS
    // config read once for all of them (and only if one needs it).
    let engine = crate::engine::Engine::new(bookmarks, EnvView::from_process(), None);
    let regions = crate::rt::block_on(engine.regions())?;
    let region = |name: &str| {
        engine
            .region_of(&regions, name)
            .map_or_else(|| "-".to_owned(), |r| r.to_string())
    };
    print!("{}", list_table(&engine.bookmarks, region));
    Ok(ExitCode::SUCCESS)
}

/// Aligned columns: NAME DISPLAY ACCOUNT ROLE REGION FLAGS.
fn list_table(bookmarks: &Bookmarks, region: impl Fn(&str) -> String) -> String {
    let rows: Vec<[String; 6]> = bookmarks
        .items
        .iter()
        .map(|b| {
            let mut flags = Vec::new();
            let extras = bookmarks.extras(&b.name);
            if b.mfa_serial.is_some() {
                flags.push(if extras.mfa_session == Some(false) {
                    "mfa-direct".to_owned()
                } else {
                    "mfa".to_owned()
                });
            }
            if b.external_id.is_some() {
                // The picker's word for it too.
                flags.push("ext".to_owned());
            }
            if let Some(via) = &extras.via {
                flags.push(format!("via:{via}"));
            }
            [
                b.name.to_string(),
                crate::text::sanitize(&b.display),
                b.account.to_string(),
                b.role.to_string(),
                region(&b.name),
                flags.join(","),
            ]
        })
        .collect();
    let header = ["NAME", "DISPLAY", "ACCOUNT", "ROLE", "REGION", "FLAGS"].map(String::from);
    columns(&header, &rows)
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
    let extras = Extras {
        mfa_session: a.mfa_session,
        via: a.via,
        via_at: None,
        handover: None,
        mfa_source: None,
        org: None,
        sso: None,
    };
    bookmarks::add_with(&path, &spec, &extras)?;
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
    if let Ok(left) = Bookmarks::load(&path) {
        for (other, extras) in &left.extras {
            if extras.via.as_deref() == Some(name) {
                eprintln!(
                    "rolehop: note: bookmark \"{other}\" still goes via \"{name}\"; change its via"
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn exec(
    name: &str,
    args: &MfaArgs,
    command: &[String],
    no_cache: bool,
    static_: bool,
    hops: bool,
) -> Result<ExitCode> {
    let env = EnvView::from_process();
    // Inside a live shell the serving rolehop holds the base identity.
    if let Some(parent) = crate::serve::client::Live::from_env(&env) {
        return crate::cmd::exec::exec_nested(&env, &parent, name, args, command, static_, hops);
    }
    let engine = engine(env.clone(), no_cache)?;
    let live = !static_ && engine.bookmarks.handover(name) == HandoverMode::Live;
    let (b, switched) = switch_with(&engine, name, args, Ask::Terminal)?;
    if live {
        return crate::cmd::exec::exec_live(&env, engine, b, switched, command, hops);
    }
    let assumed = &switched.assumed;
    // Static keys: there is no route to control here, and none inherited
    // from an outer live shell unless this child may hop.
    let inherited = env.get(crate::env::CONTROL_TOKEN_VAR).filter(|_| hops);
    let handover =
        Handover::new(&env, &b, &assumed.creds, assumed.region.as_deref(), true).hops(inherited);
    let (program, rest) = shell::program_of(&env, command);
    if command.is_empty() {
        let left = assumed.creds.remaining(SystemTime::now());
        let limit = switched.limit.as_deref();
        eprintln!(
            "{}",
            shell::banner(&env, &b, left, limit, false, Back::Shell)
        );
    }
    run_child(shell::command(&program, &rest, &handover), &program)
}

/// Replace this process with the child (Unix): its exit code and signals are
/// then the child's own, with no proxying.
#[cfg(unix)]
fn run_child(mut cmd: std::process::Command, program: &str) -> Result<ExitCode> {
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure only makes async-signal-safe calls.
    unsafe {
        cmd.pre_exec(crate::child::memory::restore_for_child);
    }
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

pub fn env(
    name: &str,
    shell: Option<export::Shell>,
    args: &MfaArgs,
    no_cache: bool,
) -> Result<ExitCode> {
    let env = EnvView::from_process();
    let shell = shell.unwrap_or_else(|| export::Shell::detect(env.get("SHELL")));
    let (b, switched) = switch(name, args, &env, no_cache)?;
    if let (Some(limit), false) = (&switched.limit, switched.cached) {
        eprintln!("rolehop: note: {name}: {limit}");
    }
    let assumed = &switched.assumed;
    let handover = Handover::new(&env, &b, &assumed.creds, assumed.region.as_deref(), false);
    print!("{}", export::script(shell, &handover));
    Ok(ExitCode::SUCCESS)
}

pub fn write(
    name: &str,
    profile: Option<&str>,
    force: bool,
    args: &MfaArgs,
    no_cache: bool,
) -> Result<ExitCode> {
    let env = EnvView::from_process();
    let engine = engine(env, no_cache)?;
    write_once(&engine, name, profile, force, args)?;
    Ok(ExitCode::SUCCESS)
}

/// `write` up to the first hand-over; returns the profile and the session.
pub(crate) fn write_once(
    engine: &Engine,
    name: &str,
    profile: Option<&str>,
    force: bool,
    args: &MfaArgs,
) -> Result<(String, Switched)> {
    let path = credfile::default_path()?;
    let profile = profile.unwrap_or(name).to_owned();
    // Refuse before calling STS, so no MFA code is spent on a write that
    // would be refused anyway; write_profile checks again under its lock.
    if !force {
        credfile::check_writable(&path, &profile)?;
    }
    credfile::check_config(&profile)?;
    let (b, switched) = switch_with(engine, name, args, Ask::Terminal)?;
    let c = &switched.assumed.creds;
    let region = switched.assumed.region.as_deref();
    let outcome =
        crate::creds::profile::write_session(&path, &profile, c, &b.role_arn(), region, force)?;
    if let credfile::WriteOutcome::UpdatedCopies(n) = outcome {
        eprintln!(
            "rolehop: note: [{profile}] is written {n} times in {}; the SDKs merge the copies, so every one was updated",
            path.display()
        );
    }
    println!(
        "Wrote profile \"{profile}\" to {} ({}, {})",
        path.display(),
        b.role_arn(),
        describe_expiry(&switched)
    );
    println!("Use it with: AWS_PROFILE={profile} aws ...   or   aws --profile {profile} ...");
    Ok((profile, switched))
}

/// Set in our own environment while serving `credential-process`, so a profile
/// that loops back into rolehop fails at once instead of forking forever.
const CREDENTIAL_PROCESS_GUARD: &str = "ROLEHOP_CREDENTIAL_PROCESS";

pub fn credential_process(name: &str, no_cache: bool) -> Result<ExitCode> {
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
    let engine = engine(env, no_cache)?;
    // Never ask: the SDK that runs us shows no prompt and would wait forever.
    let (_, switched) = switch_with(&engine, name, &MfaArgs { mfa_code: None }, Ask::Never)
        .map_err(|e| match e {
            Error::CodeNeeded(n) => Error::Mfa {
                message: format!(
                    "credential-process {name}: a fresh MFA code is needed (device {}) and credential-process never asks",
                    n.serial
                ),
                hint: Some(format!(
                    "run `rolehop env {name}` (or exec/write) in a terminal to enter one{}",
                    if n.for_mfa_session {
                        "; the MFA session it starts then serves credential-process without codes"
                    } else {
                        ""
                    }
                )),
            },
            other => other,
        })?;
    let json = export::credential_process_json(&switched.assumed.creds);
    println!("{}", secrecy::ExposeSecret::expose_secret(&json));
    Ok(ExitCode::SUCCESS)
}

/// Does AWS profile `profile` get its credentials from rolehop itself?
fn profile_runs_rolehop(profile: &str) -> bool {
    let runs = |path: Option<std::path::PathBuf>, section: &str| {
        path.and_then(|p| credfile::read_profile(&p, section).ok().flatten())
            .is_some_and(|kvs| {
                kvs.iter().any(|(k, v)| {
                    k.eq_ignore_ascii_case("credential_process") && v.contains("rolehop")
                })
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
    // In a live shell the base identity is the serving rolehop's.
    let live = crate::serve::client::Live::from_env(&env).filter(|_| profile.is_none());
    let (identity, source) = match &live {
        Some(l) => l.whoami()?,
        None => block_on(sts::base_identity(&env, profile))??,
    };
    if json {
        println!("{}", serde_json::json!(identity));
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}", identity.arn);
    println!("account  {}", identity.account);
    println!("user id  {}", identity.user_id);
    println!("source   {source}");
    if let Some(current) = env.current_bookmark() {
        println!(
            "note     this shell holds rolehop credentials for \"{current}\" (depth {}); shown is the base identity",
            env.depth()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Left-aligned columns separated by two spaces, trailing blanks trimmed.
fn columns<const N: usize>(header: &[String; N], rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for row in std::iter::once(header).chain(rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(header).chain(rows) {
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

#[cfg(test)]
mod tests;
