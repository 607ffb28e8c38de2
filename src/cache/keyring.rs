//! The OS keyring backend (Secret Service, macOS Keychain, Windows Credential
//! Manager) through the `keyring` crate. Keyrings cannot list their entries,
//! so a non-secret index (entry names and expiry times) is kept as a 0600
//! file in the cache directory.

use super::{Backend, CacheError, unix};
use keyring_core::{CredentialStore, Error as KeyringError};
use rolehop_files::fsutil;
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

/// The keyring "service" every entry is filed under.
pub const SERVICE: &str = "rolehop";
pub(super) const INDEX: &str = "keyring-index.json";

pub struct KeyringBackend {
    store: Arc<CredentialStore>,
    index: PathBuf,
}

/// The platform's keyring, probed once per process: initialising it and
/// reading one entry. Headless Linux answers "no default store" in about a
/// millisecond, so the probe costs nothing where there is no keyring.
pub fn platform_store() -> Result<Arc<CredentialStore>, String> {
    static PROBE: OnceLock<Result<Arc<CredentialStore>, String>> = OnceLock::new();
    PROBE
        .get_or_init(|| {
            ::keyring::Entry::store_status()
                .as_ref()
                .map_err(one_line)?;
            let store = keyring_core::get_default_store()
                .ok_or_else(|| "no default credential store".to_owned())?;
            let probe = store
                .build(SERVICE, "probe", None)
                .map_err(|e| one_line(&e))?;
            match probe.get_secret() {
                Ok(_) | Err(KeyringError::NoEntry) => Ok(store),
                Err(e) => Err(one_line(&e)),
            }
        })
        .clone()
}

/// Linux (and the other Unixes using the Secret Service): true when there is
/// certainly no D-Bus session bus, so the keyring cannot answer. zbus looks
/// for it exactly so (`DBUS_SESSION_BUS_ADDRESS`, else `$XDG_RUNTIME_DIR/bus`,
/// else `/run/user/EUID/bus`), and without one its connect fails with "not
/// found" after starting its executor threads: 0.5 ms of every `rolehop env`
/// on a headless machine, where the warm-cache path takes ~3 ms in all.
pub fn no_session_bus() -> bool {
    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    ))]
    {
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
            return false;
        }
        let dir = match std::env::var("XDG_RUNTIME_DIR") {
            Ok(dir) => dir,
            // SAFETY: geteuid has no preconditions and cannot fail.
            Err(_) => format!("/run/user/{}", unsafe { libc::geteuid() }),
        };
        matches!(
            fs::symlink_metadata(format!("{dir}/bus")),
            Err(e) if e.kind() == io::ErrorKind::NotFound
        )
    }
    #[cfg(not(all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    )))]
    {
        false
    }
}

fn one_line(e: &KeyringError) -> String {
    e.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl KeyringBackend {
    /// `dir` holds the index; it must already be private (see `ensure_private_dir`).
    pub fn new(store: Arc<CredentialStore>, dir: &Path) -> KeyringBackend {
        KeyringBackend {
            store,
            index: dir.join(INDEX),
        }
    }

    fn entry(&self, name: &str) -> Result<keyring_core::Entry, CacheError> {
        super::file::check_name(name).map_err(|message| CacheError::Unsafe {
            path: self.index.clone(),
            message,
        })?;
        self.store
            .build(SERVICE, name, None)
            .map_err(|e| CacheError::Keyring(one_line(&e)))
    }

    fn read_index(&self) -> Result<BTreeMap<String, u64>, CacheError> {
        match fs::read(&self.index) {
            // A damaged index only loses the listing: entries are still
            // found by name, and the next write rebuilds it.
            Ok(data) => Ok(serde_json::from_slice(&data).unwrap_or_default()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(BTreeMap::new()),
            Err(source) => Err(CacheError::Io {
                path: self.index.clone(),
                action: "read",
                source,
            }),
        }
    }

    /// Change the index under its lock (several rolehops may write at once).
    fn update_index(&self, f: impl FnOnce(&mut BTreeMap<String, u64>)) -> Result<(), CacheError> {
        let io_err = |action, source| CacheError::Io {
            path: self.index.clone(),
            action,
            source,
        };
        let _lock = fsutil::lock_for(&self.index).map_err(|e| io_err("lock", e))?;
        let mut index = self.read_index()?;
        f(&mut index);
        let data = serde_json::to_vec_pretty(&index).unwrap_or_default();
        fsutil::atomic_write(&self.index, &data, fsutil::PRIVATE, true)
            .map_err(|e| io_err("write", e))
    }
}

impl Backend for KeyringBackend {
    fn describe(&self) -> String {
        format!(
            "OS keyring ({}), index in {}",
            self.store.vendor(),
            self.index.display()
        )
    }

    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, CacheError> {
        match self.entry(name)?.get_secret() {
            Ok(data) => Ok(Some(data)),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(CacheError::Keyring(one_line(&e))),
        }
    }

    fn put(&self, name: &str, data: &[u8], expires: Option<SystemTime>) -> Result<(), CacheError> {
        self.entry(name)?
            .set_secret(data)
            .map_err(|e| CacheError::Keyring(one_line(&e)))?;
        let expires = expires.map(unix).unwrap_or(0);
        self.update_index(|i| {
            i.insert(name.to_owned(), expires);
        })
    }

    fn delete(&self, name: &str) -> Result<(), CacheError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => {}
            Err(e) => return Err(CacheError::Keyring(one_line(&e))),
        }
        self.update_index(|i| {
            i.remove(name);
        })
    }

    fn names(&self) -> Result<Vec<String>, CacheError> {
        Ok(self.read_index()?.into_keys().collect())
    }
}
