//! `rolehop sessions` and `rolehop logout`: what the cache holds, and forgetting it.

use super::*;
use crate::cache::{Cache, Entry};
use crate::creds::rfc3339;

/// Open the cache for `sessions` / `logout`, whatever `--no-cache` says:
/// these commands are about what is stored.
pub(super) fn open_cache() -> Result<Cache> {
    Ok(Cache::open()?)
}

/// One row of `rolehop sessions`.
#[derive(serde::Serialize)]
struct SessionRow {
    kind: &'static str,
    bookmark: Option<String>,
    /// Role ARN, or the MFA device.
    target: String,
    assumed_role_arn: Option<String>,
    expires: String,
    seconds_left: u64,
    expired: bool,
    mode: Option<crate::cache::Mode>,
    via: Vec<String>,
    limit: Option<String>,
    base: String,
}

pub fn sessions(json: bool) -> Result<ExitCode> {
    let cache = open_cache()?;
    let now = SystemTime::now();
    let row = |kind, bookmark, target, creds: &crate::cache::StoredCreds| {
        let expires = crate::cache::from_unix(creds.expires);
        let left = expires.duration_since(now).unwrap_or_default();
        SessionRow {
            kind,
            bookmark,
            target,
            assumed_role_arn: creds.assumed_role_arn.clone(),
            expires: rfc3339(expires),
            seconds_left: left.as_secs(),
            expired: left.is_zero(),
            mode: None,
            via: Vec::new(),
            limit: None,
            base: String::new(),
        }
    };
    let stored = cache.sessions()?;
    let roles = stored.roles.into_iter().map(|r| SessionRow {
        mode: Some(r.mode),
        via: r.via,
        limit: r.limit,
        base: r.base,
        ..row("role", Some(r.bookmark), r.role_arn, &r.creds)
    });
    let mfa = stored.mfa.into_iter().map(|m| SessionRow {
        base: m.base,
        ..row("mfa", None, m.mfa_serial, &m.creds)
    });
    let mut rows: Vec<SessionRow> = roles.chain(mfa).collect();
    // Role sessions first, by bookmark; then MFA sessions.
    rows.sort_by(|a, b| {
        (a.kind != "role", &a.bookmark, &a.target).cmp(&(b.kind != "role", &b.bookmark, &b.target))
    });
    if json {
        let text = serde_json::to_string_pretty(&rows).map_err(|e| Error::Io {
            context: "cannot format JSON".into(),
            source: std::io::Error::other(e),
        })?;
        println!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    let off = load().map(|b| !b.settings.cache).unwrap_or(false);
    if off {
        println!("Note: caching is off ([settings] cache = false); these are left from before.");
    }
    if rows.is_empty() {
        println!("No cached sessions ({}).", cache.describe());
        return Ok(ExitCode::SUCCESS);
    }
    let table: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            let name = match r.kind {
                "role" => r.bookmark.clone().unwrap_or_default(),
                _ => "(MFA session)".into(),
            };
            let left = if r.expired {
                "expired".into()
            } else {
                crate::text::remaining(Duration::from_secs(r.seconds_left))
            };
            let mut note = r.limit.clone().unwrap_or_default();
            if !r.via.is_empty() {
                note = format!("via {}; {note}", r.via.join(" -> "));
            }
            [name, r.target.clone(), left, r.expires.clone(), note]
        })
        .collect();
    let header = ["NAME", "ROLE / MFA DEVICE", "LEFT", "EXPIRES", "NOTE"].map(String::from);
    print!("{}", columns(&header, &table));
    println!("({})", cache.describe());
    Ok(ExitCode::SUCCESS)
}

pub fn logout(name: Option<&str>) -> Result<ExitCode> {
    let cache = open_cache()?;
    // Sessions a run with the other backend stored are dropped as well.
    let both: Vec<Cache> = cache.other().into_iter().collect();
    let Some(name) = name else {
        let (mut roles, mut mfas) = (0, 0);
        for c in std::iter::once(&cache).chain(&both) {
            for (key, entry) in c.entries()? {
                match entry {
                    Entry::Role(_) => roles += 1,
                    Entry::Mfa(_) => mfas += 1,
                    Entry::Prefs(_) => {}
                    // The code guard is not a session: keep refusing spent codes.
                    Entry::Totp(_) | Entry::TotpKey(_) => continue,
                }
                c.delete(&key)?;
            }
        }
        println!(
            "Dropped {roles} role session{} and {mfas} MFA session{} (they stay valid at AWS until they expire).",
            if roles == 1 { "" } else { "s" },
            if mfas == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::SUCCESS);
    };
    if cache.forget_role(name)? {
        println!(
            "Dropped the cached session of \"{name}\" (it stays valid at AWS until it expires)."
        );
    } else {
        println!("No cached session for \"{name}\".");
    }
    Ok(ExitCode::SUCCESS)
}
