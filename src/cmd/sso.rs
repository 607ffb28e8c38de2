//! `rolehop sso add | login | sync | status | logout`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::SystemTime;

use crate::cli::SsoCommand;
use crate::error::{Error, Result};
use crate::paths;
use crate::session::sso::SsoLogin;
use crate::sso::{self, Instance, SsoError, sync, token};
use rolehop_files::bookmarks::{self, Bookmarks, SsoConfig};

pub fn run(c: SsoCommand) -> Result<ExitCode> {
    match c {
        SsoCommand::Add {
            name,
            start_url,
            region,
            default_region,
        } => add(&name, start_url, region, default_region),
        SsoCommand::Login {
            name,
            use_device_code,
            no_browser,
        } => login(
            name.as_deref(),
            sso::login::Options {
                device_code: use_device_code,
                no_browser,
            },
        ),
        SsoCommand::Sync {
            name,
            dry_run,
            prune,
            yes,
        } => run_sync(name.as_deref(), dry_run, prune, yes),
        SsoCommand::Status { name, json } => status(name.as_deref(), json),
        SsoCommand::Logout { name } => logout(name.as_deref()),
    }
}

fn load() -> Result<Bookmarks> {
    Ok(Bookmarks::load(&paths::bookmarks_path()?)?)
}

fn pick(file: &Bookmarks, name: Option<&str>) -> Result<Instance, SsoError> {
    match name {
        Some(n) => sso::instance(&file.settings, n),
        None => sso::only_instance(&file.settings),
    }
}

fn add(
    name: &str,
    start_url: Option<String>,
    region: Option<String>,
    default_region: Option<String>,
) -> Result<ExitCode> {
    let (start_url, region, from) = match (start_url, region) {
        (Some(u), Some(r)) => (u, r, None),
        _ => {
            let config = rolehop_files::credentials::config_path()?;
            let section = format!("sso-session {name}");
            let pairs = rolehop_files::credentials::read_profile(&config, &section)?.ok_or_else(|| Error::Usage {
                message: format!("no [sso-session {name}] in {} to copy", config.display()),
                hint: Some(format!(
                    "give it: rolehop sso add {name} --start-url https://d-1234567890.awsapps.com/start --region eu-west-1"
                )),
            })?;
            let get = |k: &str| {
                pairs
                    .iter()
                    .rev()
                    .find(|(key, _)| key.eq_ignore_ascii_case(k))
                    .map(|(_, v)| v.clone())
            };
            let (Some(u), Some(r)) = (get("sso_start_url"), get("sso_region")) else {
                return Err(Error::Usage {
                    message: format!(
                        "[sso-session {name}] in {} lacks sso_start_url or sso_region",
                        config.display()
                    ),
                    hint: Some(format!(
                        "give them: rolehop sso add {name} --start-url URL --region REGION"
                    )),
                });
            };
            (u, r, Some(config))
        }
    };
    let cfg = SsoConfig {
        start_url,
        region,
        default_region,
        ..SsoConfig::default()
    };
    let path = paths::bookmarks_path()?;
    let created = bookmarks::set_sso(&path, name, &cfg)?;
    let from = from
        .map(|p| format!(" (from [sso-session {name}] in {})", p.display()))
        .unwrap_or_default();
    println!(
        "{} [sso.{name}]: {} in {}{from}; next: rolehop sso login {name}",
        if created { "Added" } else { "Updated" },
        cfg.start_url,
        cfg.region,
    );
    Ok(ExitCode::SUCCESS)
}

fn login(name: Option<&str>, opts: sso::login::Options) -> Result<ExitCode> {
    let file = load()?;
    let inst = pick(&file, name)?;
    let env = crate::env::EnvView::from_process();
    let mut err = std::io::stderr();
    let token = crate::rt::block_on(sso::login::login(&inst, opts, &env, &mut err))??;
    let until = if token.refresh_token.is_some() {
        "renewed without a browser until the Identity Center session ends".to_owned()
    } else {
        format!("valid until {}", token::timestamp(token.expires_at))
    };
    eprintln!("rolehop: signed in to {} ({until})", inst.name);
    Ok(ExitCode::SUCCESS)
}

/// What `sso sync` says while it lists: a bar on a terminal, else a line
/// per 100 accounts.
fn progress_printer(inst: &str) -> impl FnMut(sync::Progress) + Send {
    let tty = std::io::stderr().is_terminal();
    let inst = inst.to_owned();
    let mut last_line = 0;
    move |p: sync::Progress| {
        if tty {
            let width = 30;
            let filled = (p.accounts_done * width)
                .checked_div(p.accounts)
                .unwrap_or(0);
            eprint!(
                "\r\x1b[2Krolehop: {inst}: [{}{}] {}/{} accounts, {} roles{}",
                "#".repeat(filled),
                "-".repeat(width - filled),
                p.accounts_done,
                p.accounts,
                p.roles,
                if p.throttled > 0 {
                    format!(", throttled {}×", p.throttled)
                } else {
                    String::new()
                }
            );
        } else if p.accounts_done / 100 > last_line {
            last_line = p.accounts_done / 100;
            eprintln!(
                "rolehop: {inst}: {}/{} accounts, {} roles",
                p.accounts_done, p.accounts, p.roles
            );
        }
    }
}

fn run_sync(name: Option<&str>, dry_run: bool, prune: bool, yes: bool) -> Result<ExitCode> {
    let file = load()?;
    let inst = pick(&file, name)?;
    let tps = sync::max_tps(&crate::env::EnvView::from_process());
    let mut progress = progress_printer(&inst.name);
    let listing = crate::rt::block_on(async {
        let token = sso::access_token(&inst, SystemTime::now()).await?;
        sync::discover(&inst, &token, tps, &mut progress).await
    })??;
    if std::io::stderr().is_terminal() {
        eprintln!();
    }
    let (plan, refused) = crate::import::sso::plan(&inst, &listing, prune)?;
    let removing = plan.changes.remove.len();
    if removing > 3
        && !dry_run
        && !super::ask::confirm(
            &format!(
                "--prune would remove {removing} bookmarks of {}; remove them?",
                inst.name
            ),
            yes,
        )?
    {
        eprintln!("rolehop: nothing changed");
        return Ok(ExitCode::SUCCESS);
    }
    let report = crate::import::sso::write(&inst, plan, &refused, dry_run)?;
    print!("{}", report.table);
    println!("{}", report.summary);
    Ok(ExitCode::SUCCESS)
}

/// One instance's state, for `sso status`.
#[derive(serde::Serialize)]
struct State {
    name: String,
    start_url: String,
    region: String,
    /// `logged-in`, `expired`, `logged-out`.
    login: &'static str,
    token_expires: Option<String>,
    refreshable: bool,
    registration_expires: Option<String>,
    last_sync: Option<String>,
    roles: Option<usize>,
    bookmarks: usize,
    /// rolehop's last sign-in (not known after `aws sso login`).
    signed_in: Option<String>,
    /// When the session ends, where that is known: the expiry of a token
    /// that cannot be refreshed, or when a refresh was refused.
    session_end: Option<String>,
    /// A refresh was refused: the session is over.
    session_ended: bool,
    /// AWS tells no client the session's length: where `signed_in` is
    /// known, its end with Identity Center's default 8 h and at most (90 days).
    session_end_default: Option<String>,
    session_end_latest: Option<String>,
    /// Roles GetRoleCredentials refused since the last sync.
    refused: Vec<RefusedRole>,
}

#[derive(serde::Serialize)]
struct RefusedRole {
    bookmark: Option<String>,
    account: String,
    role: String,
    at: String,
}

fn stamp(unix: u64) -> String {
    token::timestamp(std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix))
}

fn state_of(file: &Bookmarks, inst: &Instance, now: SystemTime) -> Result<State, SsoError> {
    let t = inst.cached_token()?;
    let kept = sync::read_kept(inst).filter(|k| k.finished);
    let marks = sso::marks::read(inst);
    let refreshable = t.as_ref().is_some_and(|t| t.refreshable(now));
    let session = sso::marks::login(inst, now)?;
    let (session_end, session_ended) = match session {
        SsoLogin::Ended { at } => (Some(token::timestamp(at)), true),
        SsoLogin::EndsAt(at) => (Some(token::timestamp(at)), false),
        SsoLogin::SignedOut | SsoLogin::Open { .. } => (None, false),
    };
    let login = match session {
        SsoLogin::SignedOut => "logged-out",
        SsoLogin::Ended { .. } => "expired",
        SsoLogin::EndsAt(_) | SsoLogin::Open { .. } => "logged-in",
    };
    let ends = session.open_ends();
    Ok(State {
        signed_in: marks.signed_in.map(stamp),
        session_end,
        session_ended,
        session_end_default: ends.map(|e| token::timestamp(e.0)),
        session_end_latest: ends.map(|e| token::timestamp(e.1)),
        refused: marks
            .refused
            .iter()
            .map(|r| RefusedRole {
                bookmark: file
                    .items
                    .iter()
                    .find(|b| {
                        b.account.as_str() == r.account
                            && b.role.as_str() == r.role
                            && file.extras(&b.name).sso.as_deref() == Some(inst.name.as_str())
                    })
                    .map(|b| b.name.to_string()),
                account: r.account.clone(),
                role: r.role.clone(),
                at: stamp(r.at),
            })
            .collect(),
        name: inst.name.clone(),
        start_url: inst.config.start_url.clone(),
        region: inst.config.region.clone(),
        login,
        token_expires: t.as_ref().map(|t| token::timestamp(t.expires_at)),
        refreshable,
        registration_expires: t
            .as_ref()
            .and_then(|t| t.registration_expires_at)
            .map(token::timestamp),
        last_sync: kept.as_ref().map(|k| {
            token::timestamp(std::time::UNIX_EPOCH + std::time::Duration::from_secs(k.saved))
        }),
        roles: kept.as_ref().map(|k| {
            k.listing
                .accounts
                .iter()
                .filter_map(|a| a.roles.as_ref())
                .map(Vec::len)
                .sum()
        }),
        bookmarks: file
            .items
            .iter()
            .filter(|b| file.extras(&b.name).sso.as_deref() == Some(inst.name.as_str()))
            .count(),
    })
}

fn status(name: Option<&str>, json: bool) -> Result<ExitCode> {
    let file = load()?;
    let names: Vec<String> = match name {
        Some(n) => vec![sso::instance(&file.settings, n)?.name],
        None => file.settings.sso.keys().cloned().collect(),
    };
    let now = SystemTime::now();
    let mut states = Vec::new();
    for n in &names {
        states.push(state_of(&file, &sso::instance(&file.settings, n)?, now)?);
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&states).unwrap_or_default()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if states.is_empty() {
        println!(
            "No IAM Identity Center instance; add one: rolehop sso add NAME --start-url URL --region REGION"
        );
    }
    let mut out = std::io::stdout().lock();
    for s in &states {
        let login = match (s.login, s.refreshable) {
            ("logged-in", true) => format!(
                "signed in; token until {}, refreshed without a browser until the session ends",
                s.token_expires.as_deref().unwrap_or("?")
            ),
            ("logged-in", false) => format!(
                "signed in until {} (no refresh token: sign in again then)",
                s.token_expires.as_deref().unwrap_or("?")
            ),
            ("expired", _) => format!("session ended: run rolehop sso login {}", s.name),
            _ => format!("not signed in: run rolehop sso login {}", s.name),
        };
        let _ = writeln!(out, "{} ({} in {})", s.name, s.start_url, s.region);
        let _ = writeln!(out, "  login:        {login}");
        let session = match (&s.session_end, &s.signed_in) {
            (Some(end), _) if s.session_ended => Some(format!("ended {end}")),
            (Some(end), _) => Some(format!("ends {end} (the token cannot be refreshed)")),
            (None, Some(since)) => Some(format!(
                "since {since}; AWS does not say when it ends: {} with Identity Center's default 8 h, {} at the most (90 days)",
                s.session_end_default.as_deref().unwrap_or("?"),
                s.session_end_latest.as_deref().unwrap_or("?"),
            )),
            (None, None) if s.login == "logged-in" => Some(
                "signed in by another tool; AWS does not say when the session ends (8 h by default, up to 90 days)".into(),
            ),
            (None, None) => None,
        };
        if let Some(session) = session {
            let _ = writeln!(out, "  session:      {session}");
        }
        if let Some(r) = &s.registration_expires {
            let _ = writeln!(out, "  registration: until {r}");
        }
        let _ = writeln!(
            out,
            "  last sync:    {}",
            match (&s.last_sync, s.roles) {
                (Some(t), Some(n)) => format!("{t}, {n} roles; {} bookmarks", s.bookmarks),
                _ => format!(
                    "never (rolehop sso sync {}); {} bookmarks",
                    s.name, s.bookmarks
                ),
            }
        );
        for r in &s.refused {
            let _ = writeln!(
                out,
                "  refused:      {} ({} in account {}) at {}: the next rolehop sso sync {} looks at it",
                r.bookmark.as_deref().unwrap_or("no bookmark"),
                r.role,
                r.account,
                r.at,
                s.name
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn logout(name: Option<&str>) -> Result<ExitCode> {
    let file = load()?;
    let inst = pick(&file, name)?;
    let path = inst.token_path()?;
    let _lock = token::lock(&path)?;
    let told = match token::read(&path)? {
        Some(t) => match crate::rt::block_on(sso::portal::logout(&inst, &t.access_token))? {
            Ok(()) => "signed out at the portal".to_owned(),
            // An ended session has nothing left to sign out of.
            Err(SsoError::LoginRequired { .. }) => "the session had already ended".to_owned(),
            Err(e) => format!("the portal's sign-out failed ({e}); the token is removed here"),
        },
        None => "no token was kept".to_owned(),
    };
    token::remove(&path)?;
    sso::marks::remove(&inst);
    // The role sessions it made go with it.
    let mut forgotten = 0;
    if let Ok(cache) = crate::cache::Cache::open() {
        for b in file
            .items
            .iter()
            .filter(|b| file.extras(&b.name).sso.as_deref() == Some(inst.name.as_str()))
        {
            if cache
                .delete(&crate::cache::Cache::role_name(&b.name))
                .is_ok()
            {
                forgotten += 1;
            }
        }
    }
    println!(
        "Logged out of {} ({told}); removed {} and {forgotten} cached role sessions",
        inst.name,
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}
