//! `rolehop doctor [NAME]`: check the setup in the order things go wrong,
//! one pass/fail line per check with the fix under a failure.

use crate::cache::Cache;
use crate::cli::MfaArgs;
use crate::cmd::{self, Ask, describe_expiry};
use crate::engine::{self, Engine};
use crate::env::EnvView;
use crate::error::{Error, Result};
use crate::paths;
use crate::sts::{self, Identity, StsError};
use rolehop_files::bookmarks::{Bookmark, Bookmarks};
use std::process::ExitCode;
use std::sync::Arc;

use crate::text::sanitize;

/// The printed report; `failed` decides the exit code.
struct Report {
    failed: usize,
}

/// Every line goes through [`sanitize`]: details quote the user's files, the
/// environment and AWS's answers, and none may drive the terminal.
impl Report {
    fn ok(&mut self, check: &str, detail: impl AsRef<str>) {
        println!("ok    {check}: {}", sanitize(detail.as_ref()));
    }

    fn fail(&mut self, check: &str, detail: impl AsRef<str>, fix: Option<String>) {
        self.failed += 1;
        println!("FAIL  {check}: {}", sanitize(detail.as_ref()));
        if let Some(fix) = fix {
            println!("      fix: {}", sanitize(&fix));
        }
    }

    fn skip(&mut self, check: &str, why: impl AsRef<str>) {
        println!("skip  {check}: {}", sanitize(why.as_ref()));
    }
}

pub fn run(name: Option<&str>, args: &MfaArgs, no_cache: bool) -> Result<ExitCode> {
    let mut r = Report { failed: 0 };
    let env = EnvView::from_process();
    let bookmarks = check_bookmarks(&mut r);
    let target = match (name, &bookmarks) {
        (Some(n), Some(b)) => match b.get(n) {
            Ok(t) => Some(t.clone()),
            Err(e) => {
                r.fail("bookmark", e.to_string(), None);
                None
            }
        },
        _ => None,
    };
    let identity = check_base(&mut r, &env, bookmarks.as_ref(), target.as_ref())?;
    if let Some(b) = &bookmarks {
        check_mfa_devices(&mut r, b, target.as_ref(), identity.as_ref());
    }
    let cache = check_cache(&mut r, no_cache, bookmarks.as_ref());
    // 6. Assume NAME for real.
    match (name, bookmarks, target) {
        (Some(n), Some(b), Some(_)) => {
            let engine = Engine::new(b, env.clone(), cache);
            let check = format!("assume {n}");
            match assume(&engine, n, args) {
                Ok(s) => {
                    let arn = s.assumed.creds.assumed_role_arn.clone().unwrap_or_default();
                    r.ok(&check, format!("{arn}, {}", describe_expiry(&s)));
                }
                Err(e) => {
                    let fix = likely_cause(&e).or_else(|| e.hint());
                    r.fail(&check, e.to_string(), fix);
                }
            }
        }
        (Some(n), _, _) => r.skip(&format!("assume {n}"), "the bookmark could not be read"),
        (None, _, _) => {}
    }

    if r.failed > 0 {
        println!(
            "{} check{} failed.",
            r.failed,
            if r.failed == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// 1. The bookmarks file.
fn check_bookmarks(r: &mut Report) -> Option<Bookmarks> {
    match paths::bookmarks_path()
        .map_err(Error::from)
        .and_then(|p| Bookmarks::load(&p).map_err(Error::from))
    {
        Ok(b) => {
            let s = &b.settings;
            r.ok(
                "bookmarks",
                format!(
                    "{} parses: {} bookmark{}; cache {}, MFA sessions {}",
                    b.path.display(),
                    b.items.len(),
                    if b.items.len() == 1 { "" } else { "s" },
                    if s.cache { "on" } else { "off" },
                    if s.mfa_session {
                        format!(
                            "on ({})",
                            crate::text::remaining(std::time::Duration::from_secs(u64::from(
                                s.mfa_session_duration
                            )))
                        )
                    } else {
                        "off".into()
                    }
                ),
            );
            Some(b)
        }
        Err(e) => {
            r.fail(
                "bookmarks",
                e.to_string(),
                Some("correct the file at the place named (rolehop never rewrites a file that does not load)".into()),
            );
            None
        }
    }
}

/// 2-3. Base credentials and who they are. A bookmark's chain decides which
/// base: its root's source_profile.
fn check_base(
    r: &mut Report,
    env: &EnvView,
    bookmarks: Option<&Bookmarks>,
    target: Option<&Bookmark>,
) -> Result<Option<Identity>> {
    let root_profile = target.and_then(|t| {
        let b = bookmarks?;
        let mut cur = t.clone();
        for _ in 0..=b.items.len() {
            match b.via_target(&cur.name).ok()? {
                Some(next) => cur = next.clone(),
                None => break,
            }
        }
        cur.source_profile
    });
    let source = env.base_source(root_profile.as_deref());
    let identity = cmd::block_on(async {
        let region = sts::resolve_region(None, env, &source).await;
        let region = region.as_deref().unwrap_or(sts::FALLBACK_REGION);
        let found = sts::base_credentials(&source, region).await;
        let who = match &found {
            Ok(f) => Some(sts::caller_identity(&f.client(region).await).await),
            Err(_) => None,
        };
        (found, who)
    })?;
    let place = sts::describe_source(&source, env);
    Ok(match identity {
        (Err(e), _) => {
            let e = sts::name_source(e, &source, env);
            r.fail("base credentials", e.to_string(), e.hint());
            r.skip("identity", "no base credentials");
            None
        }
        (Ok(found), who) => {
            r.ok(
                "base credentials",
                format!(
                    "{} from {place} ({})",
                    mask(&found.access_key_id),
                    base_kind(&found)
                ),
            );
            match who {
                Some(Ok(id)) => {
                    r.ok("identity", format!("{} (account {})", id.arn, id.account));
                    Some(id)
                }
                Some(Err(e)) => {
                    r.fail(
                        "identity",
                        format!("GetCallerIdentity failed: {e}"),
                        e.hint(),
                    );
                    None
                }
                None => None,
            }
        }
    })
}

/// 4. MFA devices of the bookmarks concerned.
fn check_mfa_devices(
    r: &mut Report,
    b: &Bookmarks,
    target: Option<&Bookmark>,
    identity: Option<&Identity>,
) {
    let mut serials: Vec<(String, String)> = b
        .items
        .iter()
        .filter(|x| target.is_none_or(|t| t.name == x.name) || in_chain(b, target, &x.name))
        .filter_map(|x| {
            x.mfa_serial
                .as_deref()
                .map(|s| (s.to_owned(), x.name.to_string()))
        })
        .collect();
    serials.sort();
    serials.dedup_by(|a, b| a.0 == b.0);
    if serials.is_empty() {
        r.skip("MFA device", "no bookmark concerned has mfa_serial");
    }
    for (serial, used_by) in serials {
        match check_mfa(&serial, identity) {
            Ok(detail) => r.ok(
                "MFA device",
                format!("{serial} ({detail}; used by {used_by})"),
            ),
            Err((detail, fix)) => r.fail("MFA device", format!("{serial}: {detail}"), Some(fix)),
        }
    }
}

/// 5. The session cache.
fn check_cache(
    r: &mut Report,
    no_cache: bool,
    bookmarks: Option<&Bookmarks>,
) -> Option<Arc<Cache>> {
    let cache_off = no_cache || bookmarks.is_some_and(|b| !b.settings.cache);
    let mut cache = None;
    if cache_off {
        r.ok(
            "cache",
            "off (--no-cache or [settings] cache = false): every switch calls STS",
        );
    } else {
        match Cache::open() {
            Ok(c) => {
                let n = c.entries().map(|e| e.len()).unwrap_or(0);
                r.ok(
                    "cache",
                    format!(
                        "{}; {n} entr{}",
                        c.describe(),
                        if n == 1 { "y" } else { "ies" }
                    ),
                );
                cache = Some(Arc::new(c));
            }
            Err(e) => r.fail("cache", e.to_string(), e.hint()),
        }
    }
    cache
}

/// Is `name` a hop of `target`'s via chain?
fn in_chain(
    b: &Bookmarks,
    target: Option<&rolehop_files::bookmarks::Bookmark>,
    name: &str,
) -> bool {
    let Some(t) = target else { return false };
    let mut cur = t.name.clone();
    for _ in 0..=b.items.len() {
        match b.via_target(&cur) {
            Ok(Some(next)) if next.name == name => return true,
            Ok(Some(next)) => cur = next.name.clone(),
            _ => return false,
        }
    }
    false
}

/// A real AssumeRole (not the cached session: the point is to test it);
/// the MFA session is reused, so usually no code is needed.
fn assume(engine: &Engine, name: &str, args: &MfaArgs) -> Result<engine::Switched> {
    if let Some(c) = &args.mfa_code {
        crate::mfa::validate_code(c)?;
    }
    let mut code = args.mfa_code.clone();
    if code.is_none()
        && let Some(need) = engine.needs_code_to_renew(name, engine.now())?
    {
        code = Some(cmd::code_for(&need, &engine.bookmarks)?);
    }
    match cmd::block_on(engine.renew(name, code))?.map_err(crate::error::Error::from) {
        Err(Error::CodeNeeded(_)) => {
            let (_, s) =
                cmd::switch_with(engine, name, &MfaArgs { mfa_code: None }, Ask::Terminal)?;
            Ok(s)
        }
        other => other,
    }
}

/// The usual reason behind an STS refusal, as a fix to try.
fn likely_cause(e: &Error) -> Option<String> {
    let Error::Sts(e) = e else { return None };
    Some(match e {
        StsError::AccessDenied { message, role_arn, .. } => {
            let role = role_arn.as_deref().unwrap_or("the role");
            if message.contains("MultiFactor") || message.contains("MFA") {
                "the role requires MFA: set mfa_serial on the bookmark".into()
            } else if message.to_ascii_lowercase().contains("externalid") {
                "the role requires an external ID: set external_id on the bookmark".into()
            } else if message.contains("sts:AssumeRole") && message.contains("resource") {
                format!("your identity's policy does not allow sts:AssumeRole on {role}, or {role}'s trust policy does not name you")
            } else {
                return None;
            }
        }
        StsError::DurationTooLong { .. } => "the duration is longer than the role's MaxSessionDuration (or than 1 h for a chained role): lower the bookmark's duration".into(),
        StsError::MfaFailed { .. } => "the code was wrong or already used: wait for the next code; check mfa_serial".into(),
        _ => return None,
    })
}

/// Checks an MFA serial can be told apart: an ARN must be an MFA device of
/// the identity's own account; a hardware serial is taken as is.
fn check_mfa(
    serial: &str,
    identity: Option<&Identity>,
) -> std::result::Result<String, (String, String)> {
    let Some(rest) = serial.strip_prefix("arn:") else {
        return Ok("hardware token serial".into());
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    let (account, resource) = match parts.as_slice() {
        [_, "iam", "", account, resource] => (*account, *resource),
        _ => {
            return Err((
                "not an IAM ARN".into(),
                "use the device ARN from IAM > Security credentials: arn:aws:iam::ACCOUNT:mfa/NAME"
                    .into(),
            ));
        }
    };
    if !resource.starts_with("mfa/") {
        return Err((
            format!(
                "names a {}, not an MFA device",
                resource.split('/').next().unwrap_or("resource")
            ),
            format!("use arn:aws:iam::{account}:mfa/DEVICE (IAM > Security credentials > MFA)"),
        ));
    }
    match identity {
        Some(id) if id.arn.contains(":assumed-role/") => Ok(format!(
            "your base identity is a role, so rolehop assumes with the code directly (no MFA session); account {account}"
        )),
        Some(id) if id.account != account => Err((
            format!(
                "in account {account}, but your base identity is in account {}",
                id.account
            ),
            format!(
                "an MFA device belongs to the user who signs in: arn:aws:iam::{}:mfa/DEVICE",
                id.account
            ),
        )),
        Some(_) => Ok(format!("an MFA device of your account {account}")),
        None => Ok(format!("an MFA device ARN in account {account}")),
    }
}

/// `AKIA…0001`: enough to recognise a key without printing all of it.
fn mask(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 8 {
        return crate::text::sanitize(key);
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    crate::text::sanitize(&format!("{head}…{tail}"))
}

/// "aws login session", "IAM Identity Center", "profile keys, long-term"...
fn base_kind(found: &sts::BaseFound) -> String {
    use sts::BaseKind;
    let label = found.kind.label();
    match found.kind {
        BaseKind::ProfileKeys | BaseKind::Environment | BaseKind::Given => {
            let term = if found.access_key_id.starts_with("AKIA") {
                "long-term"
            } else {
                "temporary"
            };
            format!("{label}, {term}")
        }
        _ => label.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn masking_a_key_is_no_panic_on_any_text() {
        assert_eq!(super::mask("AKIAIOSFODNN7EXAMPLE"), "AKIA…MPLE");
        assert_eq!(super::mask("AKIA"), "AKIA");
        // Non-ASCII (a hand-edited file) and control characters.
        assert_eq!(super::mask("ÄÖÜßéèêëAKIA1234"), "ÄÖÜß…1234");
        assert_eq!(super::mask("AKIA\u{1b}[2Jxxxxxx"), "AKIA…xxxx");
    }
}
