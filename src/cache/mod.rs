//! The session cache: role sessions and MFA sessions kept between runs, so
//! `exec`, `env`, `write`, `credential-process` and the picker reuse valid
//! ones instead of calling STS (and asking for a code) again.
//!
//! Entries are small JSON documents, each recording what it was made for; the
//! engine ignores one whose inputs differ from the current request. Storage
//! sits behind [`Backend`]: the OS keyring when one answers, else private
//! files. Nothing read from the cache is trusted blindly: an entry that does
//! not parse is deleted with a one-line warning, never fatal.

pub mod entry;
pub mod file;
pub mod keyring;
pub mod totp;

pub use entry::{Entry, MfaSession, Mode, Prefs, RoleSession, StoredCreds};

use crate::paths;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Why the cache cannot be used. Displayed as one line with the path.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error(
        "cannot find a cache directory for this user (set ROLEHOP_CACHE_DIR, or use --no-cache)"
    )]
    NoDir,
    #[error("{}: {message}", path.display())]
    Unsafe { path: PathBuf, message: String },
    #[error("{}: cannot {action}: {source}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
    #[error("OS keyring: {0}")]
    Keyring(String),
}

impl CacheError {
    pub fn hint(&self) -> Option<String> {
        match self {
            CacheError::Unsafe { .. } => Some(
                "point ROLEHOP_CACHE_DIR at a directory of your own, or run with --no-cache".into(),
            ),
            CacheError::Io { .. } | CacheError::Keyring(_) => {
                Some("run with --no-cache, or `rolehop doctor` to check the cache".into())
            }
            CacheError::NoDir => None,
        }
    }
}

/// Where entries live. Names are `[A-Za-z0-9._-]` (see [`Cache::role_name`]),
/// safe as file names and keyring user names.
pub trait Backend: Send + Sync {
    /// For `doctor` and `sessions`: "files in /x" or "OS keyring (...)".
    fn describe(&self) -> String;
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, CacheError>;
    /// `expires` goes into the keyring backend's index (it cannot list entries).
    fn put(&self, name: &str, data: &[u8], expires: Option<SystemTime>) -> Result<(), CacheError>;
    fn delete(&self, name: &str) -> Result<(), CacheError>;
    /// Every stored entry's name.
    fn names(&self) -> Result<Vec<String>, CacheError>;
}

/// Which storage to use (`ROLEHOP_CACHE_BACKEND`, default `auto`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    Auto,
    File,
    Keyring,
}

impl Choice {
    pub fn from_env() -> Result<Choice, CacheError> {
        match std::env::var("ROLEHOP_CACHE_BACKEND").ok().as_deref() {
            None | Some("" | "auto") => Ok(Choice::Auto),
            Some("file") => Ok(Choice::File),
            Some("keyring") => Ok(Choice::Keyring),
            Some(other) => Err(CacheError::Unsafe {
                path: PathBuf::from("ROLEHOP_CACHE_BACKEND"),
                message: format!("must be auto, file or keyring, got {other:?}"),
            }),
        }
    }
}

/// The cache: a backend plus the warnings reading it produced.
pub struct Cache {
    backend: Box<dyn Backend>,
    /// Print warnings on stderr as they happen (the CLI); the picker turns
    /// this off and takes them with [`Cache::take_warnings`].
    echo: bool,
    warnings: Mutex<Vec<String>>,
    /// The cache directory, for the fill locks (None: a test's backend).
    dir: Option<std::path::PathBuf>,
    /// The backend is the OS keyring (else files).
    keyring: bool,
}

/// How long a process waits for another one filling the same entry before
/// it gives up waiting and calls STS itself.
const FILL_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("backend", &self.backend.describe())
            .finish()
    }
}

impl Cache {
    pub fn new(backend: Box<dyn Backend>) -> Cache {
        Cache {
            backend,
            echo: true,
            warnings: Mutex::new(Vec::new()),
            dir: None,
            keyring: false,
        }
    }

    /// The backend this one is not, over the same directory, when it holds
    /// anything: entries left from a run that used the other one (the
    /// keyring answered then, or `ROLEHOP_CACHE_BACKEND` said otherwise).
    /// `logout` clears both.
    pub fn other(&self) -> Option<Cache> {
        let dir = self.dir.as_ref()?;
        let backend: Box<dyn Backend> = if self.keyring {
            Box::new(file::FileBackend::new(dir))
        } else {
            if !dir.join(keyring::INDEX).exists() {
                return None;
            }
            Box::new(keyring::KeyringBackend::new(
                keyring::platform_store().ok()?,
                dir,
            ))
        };
        let mut other = Cache::new(backend);
        other.dir = Some(dir.clone());
        other.keyring = !self.keyring;
        other.echo = self.echo;
        Some(other)
    }

    /// Hold the fill lock of entry `name` (a file in `<dir>/locks/`) until
    /// the guard drops: concurrent processes switching to the same bookmark
    /// then make one STS call; the others wait and find the new entry.
    /// None when there is no directory or the lock cannot be had in time
    /// (then the caller goes on without it: a second STS call, not a hang).
    pub async fn fill_lock(&self, name: &str) -> Option<std::fs::File> {
        let dir = self.dir.clone()?.join("locks");
        file::check_name(name).ok()?;
        let path = dir.join(format!("{name}.lock"));
        tokio::task::spawn_blocking(move || {
            rolehop_files::fsutil::private_dir(&dir).ok()?;
            let mut options = std::fs::File::options();
            options.create(true).truncate(false).write(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let f = options.open(&path).ok()?;
            let deadline = std::time::Instant::now() + FILL_WAIT;
            loop {
                match f.try_lock() {
                    Ok(()) => return Some(f),
                    Err(std::fs::TryLockError::WouldBlock)
                        if std::time::Instant::now() < deadline =>
                    {
                        std::thread::sleep(std::time::Duration::from_millis(10));
                    }
                    Err(_) => return None,
                }
            }
        })
        .await
        .ok()
        .flatten()
    }

    /// The user's cache: the OS keyring if it answers (unless
    /// `ROLEHOP_CACHE_BACKEND` says otherwise), else files in
    /// `paths::cache_dir()`. The keyring's index lives in the same directory.
    pub fn open() -> Result<Cache, CacheError> {
        let dir = paths::cache_dir().ok_or(CacheError::NoDir)?;
        Cache::open_in(&dir, Choice::from_env()?)
    }

    pub fn open_in(dir: &Path, choice: Choice) -> Result<Cache, CacheError> {
        let mut notes = Vec::new();
        file::ensure_private_dir(dir, &mut notes)?;
        let backend: Box<dyn Backend> = match choice {
            Choice::File => Box::new(file::FileBackend::new(dir)),
            Choice::Keyring => match keyring::platform_store() {
                Ok(store) => Box::new(keyring::KeyringBackend::new(store, dir)),
                Err(e) => return Err(CacheError::Keyring(e)),
            },
            // Nothing to probe without a session bus: the answer would be
            // the same "not found", after starting zbus's threads.
            Choice::Auto if keyring::no_session_bus() => Box::new(file::FileBackend::new(dir)),
            Choice::Auto => match keyring::platform_store() {
                Ok(store) => Box::new(keyring::KeyringBackend::new(store, dir)),
                Err(_) => Box::new(file::FileBackend::new(dir)),
            },
        };
        let mut cache = Cache::new(backend);
        cache.dir = Some(dir.to_path_buf());
        cache.keyring = !cache.backend.describe().starts_with("files");
        for n in notes {
            cache.warn(n);
        }
        Ok(cache)
    }

    /// Collect warnings instead of printing them (for a full-screen UI).
    pub fn quiet(mut self) -> Cache {
        self.echo = false;
        self
    }

    pub fn describe(&self) -> String {
        self.backend.describe()
    }

    pub fn take_warnings(&self) -> Vec<String> {
        self.warnings
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default()
    }

    pub(crate) fn warn(&self, message: String) {
        if self.echo {
            eprintln!("rolehop: warning: {message}");
        }
        if let Ok(mut w) = self.warnings.lock() {
            w.push(message);
        }
    }

    /// Is `name` one rolehop gives its entries? Only those are listed (and
    /// so ever deleted): a shared `ROLEHOP_CACHE_DIR` may hold other files.
    pub(crate) fn is_entry_name(name: &str) -> bool {
        ["role.", "mfa.", "base.", "totp."]
            .iter()
            .any(|p| name.starts_with(p))
            || name == "totp-key"
    }

    /// Entry name of bookmark `name`'s role session.
    pub fn role_name(bookmark: &str) -> String {
        format!("role.{bookmark}")
    }

    /// Entry name of the MFA session of (base identity, device).
    pub fn mfa_name(base: &str, serial: &str) -> String {
        format!("mfa.{}", short_hash(&[base, serial]))
    }

    /// Entry name of what rolehop learned about a base identity.
    pub fn prefs_name(base: &str) -> String {
        format!("base.{}", short_hash(&[base]))
    }

    /// Read and parse an entry; one that does not parse is deleted with a warning.
    pub fn get(&self, name: &str) -> Option<Entry> {
        let data = match self.backend.get(name) {
            Ok(Some(d)) => d,
            Ok(None) => return None,
            Err(e) => {
                self.warn(format!("cannot read cached {name}: {e}"));
                return None;
            }
        };
        match Entry::decode(&data) {
            Ok(entry) => Some(entry),
            Err(why) => {
                let gone = match self.backend.delete(name) {
                    Ok(()) => "deleted it",
                    Err(_) => "ignoring it",
                };
                self.warn(format!("cached {name} is unreadable ({why}); {gone}"));
                None
            }
        }
    }

    pub fn put(&self, name: &str, entry: &Entry) -> Result<(), CacheError> {
        let data = entry.encode();
        self.backend.put(name, &data, entry.expires())
    }

    /// Store, and on failure warn and go on: the session is good either way.
    pub fn put_or_warn(&self, name: &str, entry: &Entry) {
        if let Err(e) = self.put(name, entry) {
            self.warn(format!("cannot cache {name}: {e}"));
        }
    }

    pub fn delete(&self, name: &str) -> Result<(), CacheError> {
        self.backend.delete(name)
    }

    /// Every readable entry with its name, sorted by name.
    pub fn entries(&self) -> Result<Vec<(String, Entry)>, CacheError> {
        let mut names = self.backend.names()?;
        names.sort();
        Ok(names
            .into_iter()
            .filter_map(|n| self.get(&n).map(|e| (n, e)))
            .collect())
    }

    /// The role and MFA sessions stored (valid or not), sorted by entry
    /// name: what `rolehop sessions` lists and the picker's pane shows.
    pub fn sessions(&self) -> Result<Sessions, CacheError> {
        let mut all = Sessions::default();
        for (_, entry) in self.entries()? {
            match entry {
                Entry::Role(r) => all.roles.push(r),
                Entry::Mfa(m) => all.mfa.push(m),
                Entry::Prefs(_) | Entry::Totp(_) | Entry::TotpKey(_) => {}
            }
        }
        Ok(all)
    }

    /// Drop bookmark `bookmark`'s role session, from this backend and from
    /// the other one if it holds entries (`rolehop logout NAME`, the
    /// picker's `x`). Whether there was one.
    pub fn forget_role(&self, bookmark: &str) -> Result<bool, CacheError> {
        let key = Cache::role_name(bookmark);
        let mut found = false;
        for c in std::iter::once(self).chain(self.other().as_ref()) {
            if c.backend.get(&key)?.is_some() {
                c.delete(&key)?;
                found = true;
            }
        }
        Ok(found)
    }

    /// The directory entries (or the keyring's index) live in: its
    /// modification time changes with every entry written or deleted.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    pub fn role(&self, bookmark: &str) -> Option<RoleSession> {
        match self.get(&Cache::role_name(bookmark))? {
            Entry::Role(r) => Some(r),
            _ => None,
        }
    }

    pub fn mfa(&self, base: &str, serial: &str) -> Option<MfaSession> {
        match self.get(&Cache::mfa_name(base, serial))? {
            Entry::Mfa(m) if m.base == base && m.mfa_serial == serial => Some(m),
            _ => None,
        }
    }

    pub fn prefs(&self, base: &str) -> Option<Prefs> {
        match self.get(&Cache::prefs_name(base))? {
            Entry::Prefs(p) if p.base == base => Some(p),
            _ => None,
        }
    }
}

/// What [`Cache::sessions`] found.
#[derive(Debug, Default)]
pub struct Sessions {
    pub roles: Vec<RoleSession>,
    pub mfa: Vec<MfaSession>,
}

/// Shared handle; the engine and a UI may both hold it.
pub type SharedCache = Arc<Cache>;

pub(crate) use crate::text::{hex, short_hash};

/// Unix seconds (0 before 1970, which no real clock shows).
pub(crate) fn unix(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `secs` after the epoch; a time past what the platform can hold (an absurd
/// `expires` in a hand-edited entry) saturates instead of panicking.
pub(crate) fn from_unix(secs: u64) -> SystemTime {
    // The last second of year 9999: RFC 3339 goes no further.
    const LAST: u64 = 253_402_300_799;
    SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs.min(LAST))
}

#[cfg(test)]
mod tests;
