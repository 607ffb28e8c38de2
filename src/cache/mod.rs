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

use crate::config::paths;
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
}

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
        }
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
        let cache = Cache::new(backend);
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

/// Shared handle; the engine and a UI may both hold it.
pub type SharedCache = Arc<Cache>;

/// 16 hex digits of SHA-256 over the parts (NUL-separated): a stable,
/// file-name-safe name for inputs that may contain any character.
pub fn short_hash(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    hex(&h.finalize()[..8])
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Unix seconds (0 before 1970, which no real clock shows).
pub(crate) fn unix(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

pub(crate) fn from_unix(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs)
}

#[cfg(test)]
mod tests;
