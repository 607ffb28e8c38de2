//! Careful writes of files the user owns: a sidecar lock serialises writers,
//! a temp file in the same directory plus `rename` makes the switch atomic,
//! and symlinks (dotfile managers) are followed so the link itself survives.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Mode for files holding secrets, and the default for anything we create.
pub const PRIVATE: u32 = 0o600;

/// An exclusive lock on `<dir>/.<file name>.rolehop.lock`, held until dropped.
///
/// We lock a sidecar rather than the target because `rename` swaps the target's
/// inode: a lock on the old inode would not stop the next writer.
pub struct WriteLock {
    _file: File,
}

/// Resolve `path` through symlinks when it exists, so we replace the real file.
pub fn real_path(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Take the writers' lock for `path` (blocking until other writers are done).
pub fn lock_for(path: &Path) -> io::Result<WriteLock> {
    let dir = parent_dir(path);
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(format!(".{name}.rolehop.lock")))?;
    file.lock()?;
    Ok(WriteLock { _file: file })
}

/// Replace `path` with `contents` atomically: readers see the old file or the
/// new one, never a torn one. New files get `mode`; an existing file keeps its
/// own permission bits unless `force_mode` is set (credentials are always 0600).
pub fn atomic_write(path: &Path, contents: &[u8], mode: u32, force_mode: bool) -> io::Result<()> {
    let dir = parent_dir(path);
    fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".rolehop-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    set_mode(tmp.as_file(), path, mode, force_mode)?;
    tmp.persist(path).map_err(|e| e.error)?;
    // Make the rename itself durable; not all platforms can open a directory.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Create `dir` (and its parents) if needed and make it 0700, refusing one
/// that another user owns: what lives there (sockets, locks) is ours alone.
#[cfg(unix)]
pub fn private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let meta = fs::metadata(dir)?;
    // SAFETY: geteuid has no preconditions.
    if meta.uid() != unsafe { libc::geteuid() } {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{} belongs to another user", dir.display()),
        ));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

/// Make `path` (a file or socket) readable and writable by its owner only.
#[cfg(unix)]
pub fn set_private(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(PRIVATE))
}

#[cfg(not(unix))]
pub fn set_private(_path: &Path) -> io::Result<()> {
    Ok(())
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(unix)]
fn set_mode(tmp: &File, target: &Path, mode: u32, force_mode: bool) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let keep = if force_mode {
        None
    } else {
        fs::metadata(target)
            .ok()
            .map(|m| m.permissions().mode() & 0o7777)
    };
    tmp.set_permissions(fs::Permissions::from_mode(keep.unwrap_or(mode)))
}

#[cfg(not(unix))]
fn set_mode(_tmp: &File, _target: &Path, _mode: u32, _force_mode: bool) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn new_file_is_private_and_existing_mode_is_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.toml");
        atomic_write(&p, b"one", PRIVATE, false).unwrap();
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        atomic_write(&p, b"two", PRIVATE, false).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
        atomic_write(&p, b"three", PRIVATE, true).unwrap();
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[cfg(unix)]
    #[test]
    fn writes_through_a_symlink_keep_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        let link = dir.path().join("link");
        fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        atomic_write(&real_path(&link), b"new", PRIVATE, false).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
    }
}
