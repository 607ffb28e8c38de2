//! The session engine shared by the CLI and the picker: bookmark name (+ an
//! MFA code when one is needed) in, role credentials out, calling STS only
//! when no cached session will do.
//!
//! For bookmark B it resolves B's `via` chain (B -> V -> ... -> root), takes
//! the cached session of the hop nearest B that is still fresh, and assumes
//! the remaining hops in order. The root is assumed from the base identity:
//! - no `mfa_serial`: AssumeRole;
//! - `mfa_serial` with MFA sessions on (default): one GetSessionToken per base
//!   identity and device, cached, then AssumeRole with it (role chaining:
//!   1 h at most, renewed without a code while the MFA session lasts);
//! - `mfa_session = false`, no cache, or GetSessionToken refused (the base is
//!   a role; remembered): AssumeRole with SerialNumber + TokenCode (up to the
//!   role's maximum, a code per renewal).
//!
//! Every other hop is AssumeRole with the previous hop's credentials, also
//! role chaining. A code is asked for up front by the caller, using
//! [`Engine::needs_code`], a cheap local check.

mod switch;
pub mod window;

use crate::assume::{Assumed, request};
use crate::cache::totp::Guard;
use crate::cache::{
    Cache, CacheError, Entry, MfaSession, Mode, Prefs, RoleSession, StoredCreds, from_unix, unix,
};
use crate::creds::Credentials;
use crate::env::{BaseSource, EnvView};
use crate::sts::region::{Effective, Regions};
use crate::sts::{self, StsError};
use rolehop_files::bookmarks::{Bookmark, Bookmarks};
use rolehop_files::credentials as credfile;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// STS caps sessions assumed with temporary credentials at one hour.
pub const CHAINING_LIMIT: u32 = 3600;

/// Where "now" comes from; tests move it by hand.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// A successful switch.
#[derive(Clone, Debug)]
pub struct Switched {
    /// Credentials and the hand-over region, as the picker's sessions hold them.
    pub assumed: Assumed,
    /// When STS issued the credentials (start of their lifetime, for the
    /// countdown gauge and the refresh window).
    pub obtained: SystemTime,
    /// Which STS limit shortened the session, for display, e.g.
    /// "1 h: role chaining limit (assumed with MFA-session credentials)".
    pub limit: Option<String>,
    /// Served from the cache without calling STS.
    pub cached: bool,
    pub mode: Mode,
}

/// What the engine fails with. `crate::error::Error` converts each into the
/// user's line, hint and exit code (the engine does not know about those).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] rolehop_files::bookmarks::ConfigError),
    #[error(transparent)]
    Sts(#[from] StsError),
    #[error(transparent)]
    Cache(#[from] crate::cache::CacheError),
    #[error(transparent)]
    CredFile(#[from] rolehop_files::credentials::CredFileError),
    #[error(transparent)]
    Sso(#[from] crate::sso::SsoError),
    /// A code is needed first: the caller asks for one, or says it cannot.
    #[error("bookmark {:?} needs an MFA code from {}", .0.bookmark, .0.serial)]
    CodeNeeded(CodeNeeded),
    /// A code was given that cannot be used (already used, not needed...).
    #[error("{message}")]
    Mfa {
        message: String,
        hint: Option<String>,
    },
    /// The bookmarks do not allow this switch (a `via` loop, a chain too long).
    #[error("{message}")]
    Usage {
        message: String,
        hint: Option<String>,
    },
}

impl From<rolehop_files::bookmarks::NoConfigDir> for Error {
    fn from(e: rolehop_files::bookmarks::NoConfigDir) -> Error {
        Error::Config(e.into())
    }
}

/// A switch needs a one-time code from this device first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeNeeded {
    /// The bookmark whose hop needs it (may be a `via` of the one asked for).
    pub bookmark: String,
    pub serial: String,
    /// The device's current code was already used: the next one comes in this long.
    pub wait: Option<Duration>,
    /// True when the code starts an MFA session (one code for all roles).
    pub for_mfa_session: bool,
}

/// One AssumeRole of a chain, and what its cached session must match.
struct Hop<'a> {
    b: &'a Bookmark,
    /// Bookmarks after this one in the chain, nearest first.
    via: Vec<String>,
    mode: Mode,
    /// DurationSeconds to ask for.
    duration: Option<u32>,
    session_name: String,
}

pub struct Engine {
    pub bookmarks: Bookmarks,
    env: EnvView,
    cache: Option<Arc<Cache>>,
    clock: Clock,
    /// Tests answer every call with one mocked client.
    #[cfg(test)]
    client: Option<aws_sdk_sts::Client>,
}

impl Engine {
    /// The engine over the bookmarks file, with the session cache unless
    /// `no_cache` or `[settings] cache = false` turn it off; `quiet` keeps
    /// cache warnings for the caller (the picker) instead of stderr.
    pub fn open(env: EnvView, no_cache: bool, quiet: bool) -> Result<Engine, Error> {
        let path = crate::paths::bookmarks_path()?;
        let bookmarks = Bookmarks::load(&path)?;
        let cache = if no_cache || !bookmarks.settings.cache {
            None
        } else {
            let cache = Cache::open()?;
            Some(Arc::new(if quiet { cache.quiet() } else { cache }))
        };
        Ok(Engine::new(bookmarks, env, cache))
    }

    /// `cache` None: every switch calls STS (`--no-cache`, `cache = false`).
    pub fn new(bookmarks: Bookmarks, env: EnvView, cache: Option<Arc<Cache>>) -> Engine {
        Engine {
            bookmarks,
            env,
            cache,
            clock: Arc::new(SystemTime::now),
            #[cfg(test)]
            client: None,
        }
    }

    #[cfg(test)]
    pub(crate) fn with_client(mut self, client: aws_sdk_sts::Client) -> Engine {
        self.client = Some(client);
        self
    }

    /// A client signing with the base identity.
    async fn base_client(&self, source: &BaseSource, region: &str) -> aws_sdk_sts::Client {
        #[cfg(test)]
        if let Some(c) = &self.client {
            return c.clone();
        }
        sts::client(source, region).await
    }

    /// A client signing with temporary credentials rolehop holds.
    async fn client_with(&self, creds: &Credentials, region: &str) -> aws_sdk_sts::Client {
        #[cfg(test)]
        if let Some(c) = &self.client {
            return c.clone();
        }
        sts::client_with(creds, region).await
    }

    pub fn with_clock(mut self, clock: Clock) -> Engine {
        self.clock = clock;
        self
    }

    /// The environment switches start from.
    pub fn env(&self) -> &EnvView {
        &self.env
    }

    pub fn cache(&self) -> Option<&Arc<Cache>> {
        self.cache.as_ref()
    }

    pub fn now(&self) -> SystemTime {
        (self.clock)()
    }

    /// `[settings] refresh_window`, if set.
    pub fn configured_window(&self) -> Option<Duration> {
        self.bookmarks
            .settings
            .refresh_window
            .map(|s| Duration::from_secs(u64::from(s)))
    }

    /// When a session obtained at `obtained`, expiring at `expires`, is due for renewal.
    pub fn renew_at(&self, obtained: SystemTime, expires: SystemTime) -> SystemTime {
        window::renew_at(obtained, expires, self.configured_window())
    }

    /// Bookmark `name`, then what it goes via, up to the root. A loaded file
    /// has no broken chain (`rolehop_files::bookmarks` checks them); the loop check
    /// keeps a hand-built `Bookmarks` from looping forever.
    fn chain(&self, name: &str) -> Result<Vec<&Bookmark>, Error> {
        let mut path = vec![self.bookmarks.get(name)?];
        while let Some(cur) = path.last().map(|b| b.name.as_str()) {
            let Some(next) = self.bookmarks.via_target(cur)? else {
                break;
            };
            if path.iter().any(|b| b.name == next.name) {
                let names: Vec<&str> = path
                    .iter()
                    .map(|b| b.name.as_str())
                    .chain([next.name.as_str()])
                    .collect();
                return Err(self
                    .bookmarks
                    .via_error(
                        cur,
                        format!("bookmark {cur:?}: via makes a loop: {}", names.join(" -> ")),
                    )
                    .into());
            }
            path.push(next);
        }
        Ok(path)
    }

    /// The key of the base identity that switching to `name` starts from.
    pub fn base_key_for(&self, name: &str) -> Result<String, Error> {
        let chain = self.chain(name)?;
        Ok(self.base(chain[chain.len() - 1]).1)
    }

    /// The region `name`'s switch uses and where it comes from, against
    /// `regions` (read once for many bookmarks): the bookmark's own, else the
    /// base's of its via chain's root, as [`Engine::switch`] resolves it. A
    /// broken chain (reported when it is used) counts from the bookmark.
    pub fn region_of(&self, regions: &Regions, name: &str) -> Option<Effective> {
        let b = self.bookmarks.get(name).ok()?;
        if b.region.is_none()
            && let Some(inst) = self.bookmarks.extras(name).sso.as_deref()
            && let Some(cfg) = self.bookmarks.settings.sso.get(inst)
        {
            return Some(Effective {
                name: cfg.role_region().to_owned(),
                from: crate::sts::region::RegionFrom::Sso(inst.to_owned()),
            });
        }
        let root = self
            .chain(name)
            .ok()
            .and_then(|c| c.last().copied())
            .unwrap_or(b);
        let source = self.env.base_source(root.source_profile.as_deref());
        Some(regions.resolve(b.region.as_deref(), &source))
    }

    /// Whether showing every bookmark's region needs the AWS config read:
    /// some bookmark names none, and neither does the environment.
    pub fn regions_need_files(&self) -> bool {
        self.env.base_region().is_none() && self.bookmarks.items.iter().any(|b| b.region.is_none())
    }

    /// The regions every bookmark resolves against, the AWS config read only
    /// when [`Engine::regions_need_files`].
    pub async fn regions(&self) -> Regions {
        if self.regions_need_files() {
            Regions::load(&self.env).await
        } else {
            Regions::without_files(&self.env)
        }
    }

    /// Where the chain's root gets its base credentials, and that identity's
    /// key (for an IAM Identity Center role: the instance, whose token it is).
    fn base(&self, root: &Bookmark) -> (BaseSource, String) {
        let source = self.env.base_source(root.source_profile.as_deref());
        let key = match self.sso_instance_of(root) {
            Some(cfg) => format!("sso:{}@{}", cfg.start_url, cfg.region),
            None => base_key(&source, &self.env),
        };
        (source, key)
    }

    /// `b`'s `[sso.NAME]`, when its role comes from IAM Identity Center.
    fn sso_instance_of(&self, b: &Bookmark) -> Option<&rolehop_files::bookmarks::SsoConfig> {
        let name = self.bookmarks.extras(&b.name).sso.as_deref()?;
        self.bookmarks.settings.sso.get(name)
    }

    /// MFA sessions need the cache (there is nothing to reuse them from
    /// otherwise), the setting, and a base identity that may have one.
    fn uses_mfa_session(&self, root: &Bookmark, base: &str) -> bool {
        let Some(cache) = &self.cache else {
            return false;
        };
        let on = self
            .bookmarks
            .extras(&root.name)
            .mfa_session
            .unwrap_or(self.bookmarks.settings.mfa_session);
        on && !cache.prefs(base).is_some_and(|p| p.direct_mfa)
    }

    /// The hops for `chain` (target first), each with what its session must match.
    fn plan<'a>(&self, chain: &[&'a Bookmark], base: &str) -> Vec<Hop<'a>> {
        let last = chain.len() - 1;
        chain
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let mode = if i < last {
                    Mode::Via
                } else if self.sso_instance_of(b).is_some() {
                    Mode::Sso
                } else if b.mfa_serial.is_none() {
                    Mode::Plain
                } else if self.uses_mfa_session(b, base) {
                    Mode::MfaSession
                } else {
                    Mode::DirectMfa
                };
                let duration = match mode {
                    Mode::Via | Mode::MfaSession => {
                        Some(b.duration.unwrap_or(CHAINING_LIMIT).min(CHAINING_LIMIT))
                    }
                    Mode::Plain | Mode::DirectMfa => b.duration,
                    // The permission set decides; the portal takes no duration.
                    Mode::Sso => None,
                };
                Hop {
                    b,
                    via: chain[i + 1..].iter().map(|v| v.name.to_string()).collect(),
                    mode,
                    duration,
                    session_name: request(b, &self.env, None).session_name,
                }
            })
            .collect()
    }

    /// The cached session of `hop`, if it was made for exactly this request
    /// and is fresh at `now`. A session made for other inputs is reported once.
    fn cached_role(&self, hop: &Hop<'_>, base: &str, now: SystemTime) -> Option<RoleSession> {
        self.cached_role_told(hop, base, now, true)
    }

    /// [`Engine::cached_role`]; `tell` false says nothing of a session made
    /// for other inputs (the lock-free first look, which `fill` repeats).
    fn cached_role_told(
        &self,
        hop: &Hop<'_>,
        base: &str,
        now: SystemTime,
        tell: bool,
    ) -> Option<RoleSession> {
        let cache = self.cache.as_ref()?;
        let s = cache.role(&hop.b.name)?;
        let fresh = self.fresh(s.obtained, &s.creds, now);
        match mismatch(&s, hop, base) {
            None => fresh.then_some(s),
            Some(what) => {
                // Only a session that would have been used is worth a word.
                if fresh && tell {
                    cache.warn(format!(
                        "ignoring the cached session of {:?}: it was made for a different {what}",
                        hop.b.name
                    ));
                }
                None
            }
        }
    }

    fn cached_mfa(&self, base: &str, serial: &str, now: SystemTime) -> Option<MfaSession> {
        let m = self.cache.as_ref()?.mfa(base, serial)?;
        self.fresh(m.obtained, &m.creds, now).then_some(m)
    }

    /// More than the refresh window left at `now`.
    fn fresh(&self, obtained: u64, creds: &StoredCreds, now: SystemTime) -> bool {
        window::is_fresh(
            from_unix(obtained),
            from_unix(creds.expires),
            self.configured_window(),
            now,
        )
    }

    /// Would switching to `name` at `now` need a one-time code, and for which
    /// device? Local only (bookmarks and cache, no STS): callers ask for a
    /// code only when this says so. A stale answer is caught by `switch`,
    /// which then fails with [`Error::CodeNeeded`].
    pub fn needs_code(&self, name: &str, now: SystemTime) -> Result<Option<CodeNeeded>, Error> {
        self.code_check(name, now, false)
    }

    /// [`Engine::needs_code`] for [`Engine::renew`], which never takes
    /// `name`'s own cached session.
    pub fn needs_code_to_renew(
        &self,
        name: &str,
        now: SystemTime,
    ) -> Result<Option<CodeNeeded>, Error> {
        self.code_check(name, now, true)
    }

    fn code_check(
        &self,
        name: &str,
        now: SystemTime,
        force: bool,
    ) -> Result<Option<CodeNeeded>, Error> {
        let chain = self.chain(name)?;
        let (_, base) = self.base(chain[chain.len() - 1]);
        let hops = self.plan(&chain, &base);
        let start = hops
            .iter()
            .enumerate()
            .position(|(i, h)| !(force && i == 0) && self.cached_role(h, &base, now).is_some())
            .unwrap_or(hops.len());
        for hop in hops[..start].iter().rev() {
            let Some(serial) = &hop.b.mfa_serial else {
                continue;
            };
            let needed = match hop.mode {
                Mode::MfaSession => self.cached_mfa(&base, serial, now).is_none(),
                // A via hop passes its own device's code, if it has one.
                Mode::Via | Mode::DirectMfa => true,
                Mode::Plain | Mode::Sso => false,
            };
            if needed {
                return Ok(Some(CodeNeeded {
                    bookmark: hop.b.name.to_string(),
                    serial: serial.to_string(),
                    wait: self
                        .cache
                        .as_deref()
                        .and_then(|c| Guard::new(c).wait(serial, now)),
                    for_mfa_session: hop.mode == Mode::MfaSession,
                }));
            }
        }
        Ok(None)
    }
}

/// Which recorded input of `s` differs from `hop` (None: it is this request's).
fn mismatch(s: &RoleSession, hop: &Hop<'_>, base: &str) -> Option<&'static str> {
    let b = hop.b;
    if s.bookmark != b.name || s.role_arn != b.role_arn() {
        Some("role")
    } else if s.base != base {
        Some("base identity")
    } else if s.external_id.as_deref() != b.external_id.as_deref() {
        Some("external ID")
    } else if s.session_name != hop.session_name {
        Some("session name")
    } else if s.mfa_serial.as_deref() != b.mfa_serial.as_deref() {
        Some("MFA device")
    } else if s.via != hop.via {
        Some("via chain")
    } else if s.mode != hop.mode {
        Some("MFA mode")
    } else if s.duration != hop.duration {
        Some("duration")
    } else {
        None
    }
}

/// A stable key for "who assumes": cached sessions are only reused by the
/// identity that made them. Access key IDs are not secret (CloudTrail logs
/// them); for SSO, role and process profiles the profile's definition stands
/// in, since resolving those credentials would cost a call.
pub fn base_key(source: &BaseSource, env: &EnvView) -> String {
    match source {
        BaseSource::Keys { access_key_id, .. } | BaseSource::NotCopied { access_key_id } => {
            format!("key:{access_key_id}")
        }
        BaseSource::Chain { profile } => {
            if profile.is_none()
                && let Some(k) = env.get("AWS_ACCESS_KEY_ID")
            {
                return format!("key:{k}");
            }
            let p = profile
                .as_deref()
                .or_else(|| env.get("AWS_PROFILE"))
                .or_else(|| env.get("AWS_DEFAULT_PROFILE"))
                .unwrap_or("default");
            profile_key(p)
        }
        BaseSource::Profile(p) => profile_key(p),
    }
}

fn profile_key(p: &str) -> String {
    let read = |path: Result<std::path::PathBuf, _>, section: &str| {
        path.ok()
            .and_then(|path| credfile::read_profile(&path, section).ok().flatten())
            .unwrap_or_default()
    };
    let get = |kvs: &[(String, String)], k: &str| {
        kvs.iter()
            .rev()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.clone())
    };
    let creds = read(credfile::default_path(), p);
    let section = if p == "default" {
        p.to_owned()
    } else {
        format!("profile {p}")
    };
    let config = read(credfile::config_path(), &section);
    if let Some(id) = get(&creds, "aws_access_key_id").or_else(|| get(&config, "aws_access_key_id"))
    {
        return format!("key:{id}");
    }
    if let (Some(acct), Some(role)) = (
        get(&config, "sso_account_id"),
        get(&config, "sso_role_name"),
    ) {
        return format!("sso:{acct}/{role}@{p}");
    }
    if let Some(role) = get(&config, "role_arn") {
        return format!("role:{role}@{p}");
    }
    format!("profile:{p}")
}

#[cfg(test)]
mod tests;
