//! `rolehop sso sync`: every account × permission set the portal gives this
//! user, as bookmarks (`sso = NAME`), within the portal's rate limit.
//!
//! The portal allows about 20 calls a second per instance, shared with
//! colleagues and other tools, and has no bulk call: N accounts cost
//! ⌈N/100⌉ ListAccounts pages plus N ListAccountRoles calls. [`Pace`]
//! starts at half the limit, grows 30 % a success, halves on every 429
//! (the account is retried), keeps a few calls in flight, and never makes
//! more than the limit in any one-second window (the rate may run above
//! it, so that one stray 429 does not slow the sync: see [`Pace::ok`]). Progress is kept in
//! rolehop's cache every 100 accounts, so an interrupted sync resumes.
//!
//! [`plan`] then decides, without I/O, what each role becomes against the
//! bookmarks already in the file (tested without a server), and the same
//! report and one locked edit as the other importers write it.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::time::{Duration, SystemTime};

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use secrecy::SecretString;
use tokio::time::Instant;

use super::portal::{self, Account};
use super::{Instance, SsoError};
use crate::import::{Entry, Parsed, Skipped};
use rolehop_files::bookmarks::{Bookmark, BookmarkSpec, Bookmarks, Changes, Extras};

/// The portal's documented limit, calls per second per instance.
pub const PORTAL_TPS: f64 = 20.0;
/// The cap to keep: `ROLEHOP_SSO_TPS` (at least 1) where an instance's
/// quota is known to be smaller or shared, else [`PORTAL_TPS`].
pub fn max_tps(env: &crate::env::EnvView) -> f64 {
    env.get("ROLEHOP_SSO_TPS")
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| *v >= 1.0)
        .unwrap_or(PORTAL_TPS)
}

/// Calls in flight at once.
const IN_FLIGHT: usize = 4;
/// Throttled answers one account may get before the sync gives up.
const MAX_THROTTLED: u32 = 30;
/// [`Pace::ok`]'s factor.
const GROWTH: f64 = 1.3;
/// How far over the cap the adaptive rate may climb (see [`Pace::ok`]).
const HEADROOM: f64 = 2.0;
/// The window the cap is kept over: a second and a little, since calls
/// reach the portal a few milliseconds apart from when they left (a plain
/// second let it see 21 in one second, measured).
const WINDOW: Duration = Duration::from_millis(1050);
/// A kept partial sync older than this starts over.
const RESUME_WITHIN: Duration = Duration::from_secs(3600);

/// The rate controller: an adaptive rate under a hard per-second cap.
pub struct Pace {
    rate: f64,
    max: f64,
    /// When each call of the last second started.
    recent: VecDeque<Instant>,
    next: Instant,
}

impl Pace {
    /// Start at half of `max` calls a second.
    pub fn new(max: f64) -> Pace {
        Pace {
            rate: (max / 2.0).max(1.0),
            max: max.max(1.0),
            recent: VecDeque::new(),
            next: Instant::now(),
        }
    }

    /// Calls a second it allows now.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Wait until one more call keeps both the rate and the cap.
    pub async fn permit(&mut self) {
        loop {
            let now = Instant::now();
            while self
                .recent
                .front()
                .is_some_and(|t| now.duration_since(*t) >= WINDOW)
            {
                self.recent.pop_front();
            }
            // `max` a second at most, whatever the rate says.
            let cap = self.max.floor().max(1.0) as usize;
            let free_at = if self.recent.len() >= cap {
                self.recent.front().map(|t| *t + WINDOW)
            } else {
                None
            };
            let at = free_at.map_or(self.next, |f| f.max(self.next));
            if at <= now {
                self.recent.push_back(now);
                self.next = now + Duration::from_secs_f64(1.0 / self.rate);
                return;
            }
            tokio::time::sleep_until(at).await;
        }
    }

    /// A call succeeded: 30 % faster, up to [`HEADROOM`] times the cap (the
    /// one-second window still holds the calls to the cap). The portal
    /// answers some 429s that are not about the rate (5 % in the
    /// benchmark): from twice the cap, one halving lands on the cap and
    /// costs nothing but the refused call, while a real shortage (colleagues
    /// using the quota) brings 429 after 429 and halves the pace below it.
    /// Measured on 1,000 accounts, floor 53 s: growth +15 % capped at the
    /// limit 71.5 s, +30 % 62.9 s, +30 % with the headroom 53–56 s.
    pub fn ok(&mut self) {
        self.rate = (self.rate * GROWTH).min(self.max * HEADROOM);
    }

    /// A call was throttled: half the rate, and a pause of one new interval.
    pub fn throttled(&mut self) {
        self.rate = (self.rate / 2.0).max(0.5);
        self.next = Instant::now() + Duration::from_secs_f64(1.0 / self.rate);
    }
}

/// How far a sync has come, for the progress bar or line.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    pub accounts: usize,
    pub accounts_done: usize,
    pub roles: usize,
    pub throttled: u32,
}

/// What the portal lists: every account with its permission sets.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Listing {
    pub accounts: Vec<ListedAccount>,
}

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ListedAccount {
    pub id: String,
    pub name: String,
    /// `None` until its roles are listed (a partial sync).
    pub roles: Option<Vec<String>>,
}

/// A partial (or last finished) sync, kept in rolehop's cache.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Kept {
    pub start_url: String,
    /// Unix seconds of the last save.
    pub saved: u64,
    pub finished: bool,
    pub listing: Listing,
    /// Calls made by the run that finished it.
    #[serde(default)]
    pub calls: u64,
}

/// `<cache>/sso/NAME.sync.json`.
pub fn kept_path(inst: &Instance) -> Option<std::path::PathBuf> {
    Some(
        crate::paths::cache_dir()?
            .join("sso")
            .join(format!("{}.sync.json", inst.name)),
    )
}

pub fn read_kept(inst: &Instance) -> Option<Kept> {
    let text = std::fs::read_to_string(kept_path(inst)?).ok()?;
    let k: Kept = serde_json::from_str(&text).ok()?;
    (k.start_url == inst.config.start_url).then_some(k)
}

fn save_kept(inst: &Instance, k: &Kept) {
    let Some(path) = kept_path(inst) else { return };
    let Ok(text) = serde_json::to_string(k) else {
        return;
    };
    // A lost progress file only costs calls next time.
    if let Ok(_lock) = rolehop_files::fsutil::lock_for(&path) {
        let _ = rolehop_files::fsutil::atomic_write(&path, text.as_bytes(), 0o600, true);
    }
}

/// List every account and its permission sets, paced; `progress` is called
/// as accounts and roles come in.
pub async fn discover(
    inst: &Instance,
    token: &SecretString,
    max_tps: f64,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Listing, SsoError> {
    let client = portal::client(inst, false).await;
    let mut pace = Pace::new(max_tps);
    let mut throttled = 0u32;
    let mut calls = 0u64;
    let now = crate::cache::unix(SystemTime::now());
    let resumed = read_kept(inst)
        .filter(|k| !k.finished && now.saturating_sub(k.saved) < RESUME_WITHIN.as_secs());

    // Accounts first (pages are sequential: each needs the last's token).
    let mut accounts: Vec<ListedAccount> = match resumed {
        Some(k) => k.listing.accounts,
        None => {
            let mut all = Vec::new();
            let mut next = None;
            let mut tries = 0;
            loop {
                pace.permit().await;
                calls += 1;
                match portal::accounts_page(&client, inst, token, next.clone()).await {
                    Ok((page, more)) => {
                        pace.ok();
                        all.extend(page.into_iter().map(|a: Account| ListedAccount {
                            id: a.id,
                            name: a.name,
                            roles: None,
                        }));
                        progress(Progress {
                            accounts: all.len(),
                            accounts_done: 0,
                            roles: 0,
                            throttled,
                        });
                        match more {
                            Some(n) => next = Some(n),
                            None => break,
                        }
                    }
                    Err(SsoError::Throttled { .. }) if tries < MAX_THROTTLED => {
                        tries += 1;
                        throttled += 1;
                        pace.throttled();
                    }
                    Err(e) => return Err(e),
                }
            }
            all
        }
    };

    // Then each account's roles, a few in flight.
    let mut queue: VecDeque<(usize, Option<String>, u32)> = accounts
        .iter()
        .enumerate()
        .filter(|(_, a)| a.roles.is_none())
        .map(|(i, _)| (i, None, 0))
        .collect();
    let mut found: HashMap<usize, Vec<String>> = HashMap::new();
    let mut done = accounts.iter().filter(|a| a.roles.is_some()).count();
    let mut since_save = 0;
    let mut inflight = FuturesUnordered::new();
    loop {
        while inflight.len() < IN_FLIGHT
            && let Some((i, next, tries)) = queue.pop_front()
        {
            pace.permit().await;
            calls += 1;
            let (client, token, inst, id) = (
                client.clone(),
                token.clone(),
                inst.clone(),
                accounts[i].id.clone(),
            );
            // Spawned, so the call goes out when its permit is given: a
            // future only pushed here would wait for the next poll, after
            // the next permit's sleep, and the portal would see calls
            // bunched over the cap (24 in one second, measured).
            inflight.push(tokio::spawn(async move {
                let got = portal::roles_page(&client, &inst, &token, &id, next.clone()).await;
                (i, next, tries, got)
            }));
        }
        let Some(joined) = inflight.next().await else {
            break;
        };
        let (i, next, tries, got) = match joined {
            Ok(answer) => answer,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => {
                return Err(SsoError::Network {
                    instance: inst.name.clone(),
                    message: format!("the sync was stopped ({e})"),
                });
            }
        };
        match got {
            Ok((roles, more)) => {
                pace.ok();
                found.entry(i).or_default().extend(roles);
                if more.is_some() {
                    queue.push_front((i, more, tries));
                    continue;
                }
                accounts[i].roles = Some(found.remove(&i).unwrap_or_default());
                done += 1;
                since_save += 1;
            }
            Err(SsoError::Throttled { .. }) if tries < MAX_THROTTLED => {
                throttled += 1;
                pace.throttled();
                queue.push_back((i, next, tries + 1));
            }
            Err(e) => {
                save_partial(inst, &accounts);
                return Err(e);
            }
        }
        let roles = accounts
            .iter()
            .filter_map(|a| a.roles.as_ref())
            .map(Vec::len)
            .sum();
        progress(Progress {
            accounts: accounts.len(),
            accounts_done: done,
            roles,
            throttled,
        });
        if since_save >= 100 {
            since_save = 0;
            save_partial(inst, &accounts);
        }
    }
    let listing = Listing { accounts };
    save_kept(
        inst,
        &Kept {
            start_url: inst.config.start_url.clone(),
            saved: crate::cache::unix(SystemTime::now()),
            finished: true,
            listing: listing.clone(),
            calls,
        },
    );
    Ok(listing)
}

fn save_partial(inst: &Instance, accounts: &[ListedAccount]) {
    save_kept(
        inst,
        &Kept {
            start_url: inst.config.start_url.clone(),
            saved: crate::cache::unix(SystemTime::now()),
            finished: false,
            listing: Listing {
                accounts: accounts.to_vec(),
            },
            calls: 0,
        },
    );
}

/// The user's choices.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub prune: bool,
    /// Roles GetRoleCredentials refused since the last sync.
    pub refused: Vec<super::marks::Refusal>,
}

/// What to do, as `import organization`'s plan: new bookmarks and rows
/// skipped, edits of existing ones, a row per existing bookmark.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub parsed: Parsed,
    pub changes: Changes,
    pub existing: Vec<[String; 4]>,
}

/// A refusal's time, as the token file writes times.
fn when(unix: u64) -> String {
    super::token::timestamp(std::time::UNIX_EPOCH + Duration::from_secs(unix))
}

/// `Account name · PermissionSet`, control characters dropped.
fn display_for(account: &str, role: &str) -> String {
    let clean = |s: &str| s.chars().filter(|c| !c.is_control()).collect::<String>();
    let d = format!("{} · {}", clean(account), clean(role));
    d.chars().take(128).collect()
}

fn glob_matches(g: &glob::Pattern, text: &str) -> bool {
    let opts = glob::MatchOptions {
        case_sensitive: false,
        require_literal_separator: false,
        require_literal_leading_dot: false,
    };
    g.matches_with(text, opts)
}

/// Decide what every account × permission set becomes. Roles are taken in
/// (account ID, role) order, so a name collision resolves the same way on
/// every run: the first keeps the name, the others get `-ACCOUNTID`.
pub fn plan(
    inst: &Instance,
    listing: &Listing,
    file: &Bookmarks,
    opts: &Options,
) -> Result<Plan, SsoError> {
    let roles: usize = listing
        .accounts
        .iter()
        .filter_map(|a| a.roles.as_ref())
        .map(Vec::len)
        .sum();
    if opts.prune && roles == 0 {
        return Err(SsoError::Config {
            message: format!(
                "{} listed no roles, so --prune would remove every bookmark it made; nothing changed",
                inst.name
            ),
            hint: Some(format!(
                "check the login (rolehop sso status {}), or run without --prune",
                inst.name
            )),
        });
    }
    let compile = |list: &[String]| -> Vec<(String, glob::Pattern)> {
        // Checked when the file was loaded.
        list.iter()
            .filter_map(|p| glob::Pattern::new(p).ok().map(|g| (p.clone(), g)))
            .collect()
    };
    let include = compile(&inst.config.include);
    let exclude = compile(&inst.config.exclude);
    let ours = |b: &Bookmark| file.extras(&b.name).sso.as_deref() == Some(inst.name.as_str());
    let by_key: HashMap<(&str, &str), &Bookmark> = file
        .items
        .iter()
        .filter(|b| ours(b))
        .map(|b| ((b.account.as_str(), b.role.as_str()), b))
        .collect();
    let mut taken: HashSet<String> = file.items.iter().map(|b| b.name.to_string()).collect();
    let mut out = Plan::default();
    let mut listed: HashSet<(&str, &str)> = HashSet::new();

    let mut pairs: Vec<(&ListedAccount, &str)> = listing
        .accounts
        .iter()
        .flat_map(|a| a.roles.iter().flatten().map(move |r| (a, r.as_str())))
        .collect();
    pairs.sort_by(|x, y| (x.0.id.as_str(), x.1).cmp(&(y.0.id.as_str(), y.1)));
    for (a, role) in pairs {
        listed.insert((a.id.as_str(), role));
        let display = display_for(&a.name, role);
        let from = format!("{} ({}) {role}", a.name, a.id);
        if let Some(b) = by_key.get(&(a.id.as_str(), role)) {
            let refused = opts
                .refused
                .iter()
                .find(|r| r.account == a.id && r.role == role);
            let result = if let Some(r) = refused {
                format!(
                    "listed again, though refused {}: try it (the assignment may be back)",
                    when(r.at)
                )
            } else if b.display != display {
                out.changes
                    .displays
                    .push((b.name.to_string(), display.clone()));
                format!(
                    "display {:?} -> {display:?} (renamed in the portal)",
                    b.display
                )
            } else {
                "unchanged".into()
            };
            out.existing
                .push([display, b.name.to_string(), a.id.clone(), result]);
            continue;
        }
        let path = format!("{}/{role}", a.name);
        if !include.is_empty() && !include.iter().any(|(_, g)| glob_matches(g, &path)) {
            out.parsed.skipped.push(Skipped {
                from,
                reason: "not matched by include".into(),
            });
            continue;
        }
        if let Some((p, _)) = exclude.iter().find(|(_, g)| glob_matches(g, &path)) {
            out.parsed.skipped.push(Skipped {
                from,
                reason: format!("exclude {p:?}"),
            });
            continue;
        }
        let account_part = match crate::import::organization::slug(&a.name, 40) {
            s if s.is_empty() => format!("account-{}", a.id),
            s => s,
        };
        let role_part = match crate::import::organization::slug(role, 40) {
            s if s.is_empty() => "role".to_owned(),
            s => s,
        };
        let base: String = format!("{account_part}-{role_part}")
            .chars()
            .take(64)
            .collect();
        let base = base.trim_end_matches('-').to_owned();
        let name = if taken.contains(&base) {
            let suffix = format!("-{}", a.id);
            let keep = 64 - suffix.len();
            format!(
                "{}{suffix}",
                base.chars()
                    .take(keep)
                    .collect::<String>()
                    .trim_end_matches('-')
            )
        } else {
            base.clone()
        };
        if !taken.insert(name.clone()) {
            out.parsed.skipped.push(Skipped {
                from,
                reason: format!("bookmarks {base:?} and {name:?} exist"),
            });
            continue;
        }
        let mut notes = Vec::new();
        if name != base {
            notes.push(format!("{base:?} is taken"));
        }
        out.parsed.entries.push(Entry {
            from,
            spec: BookmarkSpec {
                name,
                account: a.id.clone(),
                role: role.to_owned(),
                display: Some(display),
                ..BookmarkSpec::default()
            },
            extras: Extras {
                sso: Some(inst.name.clone()),
                ..Extras::default()
            },
            notes,
        });
    }

    // This instance's bookmarks the portal no longer lists (only roles of
    // accounts it listed in full: a partial listing never removes).
    let complete: BTreeMap<&str, bool> = listing
        .accounts
        .iter()
        .map(|a| (a.id.as_str(), a.roles.is_some()))
        .collect();
    for b in file.items.iter().filter(|b| ours(b)) {
        if listed.contains(&(b.account.as_str(), b.role.as_str())) {
            continue;
        }
        if complete.get(b.account.as_str()) == Some(&false) {
            continue;
        }
        let refused = opts
            .refused
            .iter()
            .find(|r| r.account == b.account.as_str() && r.role == b.role.as_str())
            .map(|r| format!(", refused {}", when(r.at)))
            .unwrap_or_default();
        let result = if opts.prune {
            out.changes.remove.push(b.name.to_string());
            format!("gone{refused}: removed (--prune)")
        } else {
            format!(
                "gone{refused}: the portal no longer lists this role (kept; --prune removes it)"
            )
        };
        out.existing.push([
            b.display.to_string(),
            b.name.to_string(),
            b.account.to_string(),
            result,
        ]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rolehop_files::bookmarks::{Settings, SsoConfig};

    fn inst(name: &str) -> Instance {
        Instance {
            name: name.into(),
            config: SsoConfig {
                start_url: "https://d-1.awsapps.com/start".into(),
                region: "eu-west-1".into(),
                ..SsoConfig::default()
            },
        }
    }

    fn acct(id: &str, name: &str, roles: &[&str]) -> ListedAccount {
        ListedAccount {
            id: id.into(),
            name: name.into(),
            roles: Some(roles.iter().map(|r| (*r).to_owned()).collect()),
        }
    }

    fn file(items: Vec<(Bookmark, Option<&str>)>) -> Bookmarks {
        let extras = items
            .iter()
            .filter_map(|(b, sso)| {
                sso.map(|s| {
                    let e = Extras {
                        sso: Some(s.to_owned()),
                        ..Extras::default()
                    };
                    (b.name.to_string(), e)
                })
            })
            .collect();
        Bookmarks {
            path: "bookmarks.toml".into(),
            items: std::sync::Arc::new(items.into_iter().map(|(b, _)| b).collect()),
            extras,
            settings: Settings::default(),
        }
    }

    #[test]
    fn roles_become_bookmarks_named_and_displayed_from_the_portal() {
        let listing = Listing {
            accounts: vec![
                acct(
                    "222222222222",
                    "Prod EU",
                    &["AdministratorAccess", "ReadOnly"],
                ),
                acct("111111111111", "Prod EU", &["AdministratorAccess"]),
                acct("333333333333", "Übung ünicode", &["Dev"]),
            ],
        };
        let p = plan(&inst("corp"), &listing, &file(vec![]), &Options::default()).unwrap();
        let got: Vec<(&str, &str, &str)> = p
            .parsed
            .entries
            .iter()
            .map(|e| {
                (
                    e.spec.name.as_str(),
                    e.spec.account.as_str(),
                    e.spec.display.as_deref().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "prod-eu-administratoraccess",
                    "111111111111",
                    "Prod EU · AdministratorAccess"
                ),
                (
                    "prod-eu-administratoraccess-222222222222",
                    "222222222222",
                    "Prod EU · AdministratorAccess"
                ),
                ("prod-eu-readonly", "222222222222", "Prod EU · ReadOnly"),
                ("bung-nicode-dev", "333333333333", "Übung ünicode · Dev"),
            ]
        );
        assert!(
            p.parsed
                .entries
                .iter()
                .all(|e| e.extras.sso.as_deref() == Some("corp"))
        );
    }

    #[test]
    fn reruns_match_by_instance_account_and_role_and_prune_only_their_own() {
        let mine = |name: &str, account: &str, role: &str, display: &str| {
            Bookmark::sample(name, account, role, display)
        };
        let existing = file(vec![
            // Renamed by the user; the account was renamed in the portal.
            (
                mine("my-prod", "111111111111", "Admin", "Old · Admin"),
                Some("corp"),
            ),
            (
                mine("left", "111111111111", "Gone", "Prod · Gone"),
                Some("corp"),
            ),
            // The same account and role from another instance: not ours.
            (mine("other", "111111111111", "Admin", "x"), Some("other")),
            (mine("hand", "999999999999", "Admin", "Hand"), None),
        ]);
        let listing = Listing {
            accounts: vec![acct("111111111111", "Prod", &["Admin"])],
        };
        let p = plan(&inst("corp"), &listing, &existing, &Options::default()).unwrap();
        assert!(p.parsed.entries.is_empty());
        assert_eq!(
            p.changes.displays,
            [("my-prod".to_owned(), "Prod · Admin".to_owned())]
        );
        let rows: Vec<(&str, &str)> = p
            .existing
            .iter()
            .map(|r| (r[1].as_str(), r[3].as_str()))
            .collect();
        assert_eq!(
            rows[1],
            (
                "left",
                "gone: the portal no longer lists this role (kept; --prune removes it)"
            )
        );
        assert_eq!(rows.len(), 2, "{rows:?}");
        let pruned = plan(&inst("corp"), &listing, &existing, &prune()).unwrap();
        assert_eq!(pruned.changes.remove, ["left"]);

        // An empty answer never prunes.
        let empty = Listing::default();
        assert!(plan(&inst("corp"), &empty, &existing, &prune()).is_err());
        // An account whose roles were not all listed (a partial sync) keeps its bookmarks.
        let partial = Listing {
            accounts: vec![
                acct("222222222222", "B", &["X"]),
                ListedAccount {
                    id: "111111111111".into(),
                    name: "Prod".into(),
                    roles: None,
                },
            ],
        };
        let p = plan(&inst("corp"), &partial, &existing, &prune()).unwrap();
        assert!(p.changes.remove.is_empty());
    }

    fn prune() -> Options {
        Options {
            prune: true,
            ..Options::default()
        }
    }

    /// A role GetRoleCredentials refused is named by the next sync: gone
    /// (and so prunable) or, if the portal lists it again, worth a try.
    #[test]
    fn refused_roles_are_reported_by_the_next_sync() {
        let existing = file(vec![
            (
                Bookmark::sample("prod-admin", "111111111111", "Admin", "Prod · Admin"),
                Some("corp"),
            ),
            (
                Bookmark::sample("prod-ro", "111111111111", "ReadOnly", "Prod · ReadOnly"),
                Some("corp"),
            ),
        ]);
        let listing = Listing {
            accounts: vec![acct("111111111111", "Prod", &["Admin"])],
        };
        let refusal = |role: &str| super::super::marks::Refusal {
            account: "111111111111".into(),
            role: role.into(),
            at: 1_796_601_600,
        };
        let opts = Options {
            prune: true,
            refused: vec![refusal("Admin"), refusal("ReadOnly")],
        };
        let p = plan(&inst("corp"), &listing, &existing, &opts).unwrap();
        let rows: Vec<(&str, &str)> = p
            .existing
            .iter()
            .map(|r| (r[1].as_str(), r[3].as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "prod-admin",
                    "listed again, though refused 2026-12-07T00:00:00Z: try it (the assignment may be back)"
                ),
                (
                    "prod-ro",
                    "gone, refused 2026-12-07T00:00:00Z: removed (--prune)"
                ),
            ]
        );
        assert_eq!(p.changes.remove, ["prod-ro"]);
        assert!(p.changes.displays.is_empty());
    }

    #[test]
    fn include_and_exclude_over_account_and_permission_set() {
        let mut i = inst("corp");
        i.config.include = vec!["*prod*/*".into()];
        i.config.exclude = vec!["*/ReadOnly*".into()];
        let listing = Listing {
            accounts: vec![
                acct("111111111111", "Prod", &["Admin", "ReadOnlyAccess"]),
                acct("222222222222", "Dev", &["Admin"]),
            ],
        };
        let p = plan(&i, &listing, &file(vec![]), &Options::default()).unwrap();
        let names: Vec<&str> = p
            .parsed
            .entries
            .iter()
            .map(|e| e.spec.name.as_str())
            .collect();
        assert_eq!(names, ["prod-admin"]);
        let reasons: Vec<&str> = p.parsed.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(
            reasons,
            ["exclude \"*/ReadOnly*\"", "not matched by include"]
        );
    }

    /// The cap holds in every one-second window, the rate halves on a 429
    /// and grows back, and a shortage slows it (tokio's paused clock: no
    /// real waiting).
    #[tokio::test(start_paused = true)]
    async fn the_pace_never_exceeds_the_cap() {
        let mut pace = Pace::new(20.0);
        assert_eq!(pace.rate(), 10.0);
        let mut starts = Vec::new();
        for i in 0..400 {
            pace.permit().await;
            starts.push(Instant::now());
            if i % 50 == 49 {
                pace.throttled();
            } else {
                pace.ok();
            }
        }
        for (i, t) in starts.iter().enumerate() {
            let in_window = starts[i..]
                .iter()
                .take_while(|u| u.duration_since(*t) < Duration::from_secs(1))
                .count();
            assert!(
                in_window <= 20,
                "{in_window} calls in the second from call {i}"
            );
        }
        let mut p = Pace::new(20.0);
        p.throttled();
        assert_eq!(p.rate(), 5.0);
        p.ok();
        assert!((p.rate() - 6.5).abs() < 1e-9, "{}", p.rate());
        for _ in 0..100 {
            p.ok();
        }
        assert_eq!(p.rate(), 40.0, "at most twice the cap");
        // One stray 429 from the top leaves the pace at the cap...
        p.throttled();
        assert_eq!(p.rate(), 20.0);
        // ...but a real shortage, a 429 every other call, slows the calls
        // well below it.
        for i in 0..40 {
            p.permit().await;
            if i % 2 == 0 {
                p.throttled();
            } else {
                p.ok();
            }
        }
        let t = Instant::now();
        for _ in 0..5 {
            p.permit().await;
            p.throttled();
            p.permit().await;
            p.ok();
        }
        assert!(
            t.elapsed() > Duration::from_secs(5),
            "10 calls under a shortage took {:?}",
            t.elapsed()
        );
    }
}
