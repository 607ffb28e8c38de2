//! The file backend: one JSON file per entry in a private directory.
//! The directory is 0700 and ours, files are 0600 and written atomically
//! (readers see the old entry or the new one, never half of one).

use super::{Backend, CacheError};
use rolehop_files::fsutil;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

const SUFFIX: &str = ".json";

pub struct FileBackend {
    dir: PathBuf,
}

impl FileBackend {
    /// Call [`ensure_private_dir`] first (`Cache::open_in` does).
    pub fn new(dir: &Path) -> FileBackend {
        FileBackend {
            dir: dir.to_path_buf(),
        }
    }

    fn path(&self, name: &str) -> Result<PathBuf, CacheError> {
        check_name(name).map_err(|message| CacheError::Unsafe {
            path: self.dir.clone(),
            message,
        })?;
        Ok(self.dir.join(format!("{name}{SUFFIX}")))
    }
}

/// Entry names become file names: no separators, no dot files.
pub(super) fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(format!("refusing cache entry name {name:?}"))
    }
}

impl Backend for FileBackend {
    fn describe(&self) -> String {
        format!("files in {} (0600, directory 0700)", self.dir.display())
    }

    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, CacheError> {
        let path = self.path(name)?;
        let io_err = |source| CacheError::Io {
            path: path.clone(),
            action: "read",
            source,
        };
        let meta = match fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err(e)),
        };
        check_file(&path, &meta)?;
        match fs::read(&path) {
            Ok(data) => Ok(Some(data)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err(e)),
        }
    }

    fn put(&self, name: &str, data: &[u8], _expires: Option<SystemTime>) -> Result<(), CacheError> {
        let path = self.path(name)?;
        let _lock = fsutil::lock_for(&path).map_err(|source| CacheError::Io {
            path: path.clone(),
            action: "lock",
            source,
        })?;
        fsutil::atomic_write(&path, data, fsutil::PRIVATE, true).map_err(|source| CacheError::Io {
            path,
            action: "write",
            source,
        })
    }

    fn delete(&self, name: &str) -> Result<(), CacheError> {
        let path = self.path(name)?;
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(CacheError::Io {
                path,
                action: "delete",
                source,
            }),
        }
    }

    fn names(&self) -> Result<Vec<String>, CacheError> {
        let rd = match fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(CacheError::Io {
                    path: self.dir.clone(),
                    action: "list",
                    source,
                });
            }
        };
        Ok(rd
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(SUFFIX).map(str::to_owned))
            .filter(|n| check_name(n).is_ok() && super::Cache::is_entry_name(n))
            .collect())
    }
}

/// Create `dir` as 0700, or check an existing one: it must be a directory
/// owned by us; group/other permission bits are removed (with a note).
pub fn ensure_private_dir(dir: &Path, notes: &mut Vec<String>) -> Result<(), CacheError> {
    let io_err = |action, source| CacheError::Io {
        path: dir.to_path_buf(),
        action,
        source,
    };
    if !dir.exists() {
        create_private(dir).map_err(|e| io_err("create", e))?;
    }
    let meta = fs::metadata(dir).map_err(|e| io_err("inspect", e))?;
    if !meta.is_dir() {
        return Err(CacheError::Unsafe {
            path: dir.to_path_buf(),
            message: "is not a directory".into(),
        });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let me = euid();
        if meta.uid() != me {
            return Err(CacheError::Unsafe {
                path: dir.to_path_buf(),
                message: format!(
                    "cache directory is owned by uid {}, not by you (uid {me}); refusing to keep credentials there",
                    meta.uid()
                ),
            });
        }
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
                .map_err(|e| io_err("restrict permissions of", e))?;
            notes.push(format!(
                "{}: cache directory was mode {mode:04o}; changed it to 0700",
                dir.display()
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = notes;
    Ok(())
}

#[cfg(unix)]
fn create_private(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(unix)]
pub(crate) fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// An entry file must be a regular file of ours; looser modes are tightened.
fn check_file(path: &Path, meta: &fs::Metadata) -> Result<(), CacheError> {
    let unsafe_file = |message: String| CacheError::Unsafe {
        path: path.to_path_buf(),
        message,
    };
    if !meta.file_type().is_file() {
        return Err(unsafe_file("is not a regular file".into()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        if meta.uid() != euid() {
            return Err(unsafe_file(format!(
                "cache file is owned by uid {}, not by you",
                meta.uid()
            )));
        }
        if meta.permissions().mode() & 0o077 != 0 {
            fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(|source| {
                CacheError::Io {
                    path: path.to_path_buf(),
                    action: "restrict permissions of",
                    source,
                }
            })?;
        }
    }
    Ok(())
}
