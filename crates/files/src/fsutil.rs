//! Careful writes of files the user owns: a lock serialises writers, a temp
//! file in the same directory plus `rename` makes the switch atomic, and
//! symlinks (dotfile managers) are followed so the link itself survives.
//!
//! - The lock of a file is a sidecar beside the real file
//!   (`.credentials.rolehop.lock`, empty, 0600, never deleted): the file's
//!   own directory is the one place every writer agrees on, whatever its
//!   environment. A desktop shell, cron, `sudo -E` and SSH see different
//!   runtime and cache directories (`XDG_RUNTIME_DIR`, `ROLEHOP_*`), and two
//!   writers with two locks lose an update; writing the file needs that
//!   directory anyway (the temp file and the rename live there).
//! - A temp file left by a killed run (`.NAME.rolehop-*.tmp`) is swept by
//!   the next writer, which holds the lock, so none can be in use.
//! - A dangling symlink is refused, not replaced by a file; the file's mode
//!   is never widened; a file of another user is refused (the new one would
//!   be ours); a file that cannot be renamed over (a bind mount) gets one
//!   clear error.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Mode for files holding secrets, and the default for anything we create.
pub const PRIVATE: u32 = 0o600;

/// An exclusive lock for one file, held until dropped.
///
/// We lock a separate file rather than the target because `rename` swaps the
/// target's inode: a lock on the old inode would not stop the next writer.
pub struct WriteLock {
    _file: File,
}

/// Resolve `path` through symlinks when it exists, so we replace the real
/// file; a path that does not exist yet is itself. A symlink whose target is
/// missing is an error: writing would replace the link with a file.
pub fn real_path(path: &Path) -> io::Result<PathBuf> {
    match fs::canonicalize(path) {
        Ok(p) => Ok(p),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                let to = fs::read_link(path)
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!(
                        "it is a symlink to {to}, which does not exist; create the target (or remove the link) first"
                    ),
                ));
            }
            Ok(path.to_path_buf())
        }
        // Unreadable on the way (a parent that is a file...): the write
        // itself will say what is wrong.
        Err(_) => Ok(path.to_path_buf()),
    }
}

/// Where the lock for `path` lives: `.NAME.rolehop.lock` beside it. Not
/// swept with the temps (another writer may hold it) and never removed: a
/// new lock file while someone holds the old one would let two writers in.
fn lock_path(path: &Path) -> io::Result<PathBuf> {
    let dir = parent_dir(path);
    fs::create_dir_all(dir)?;
    Ok(dir.join(format!(".{}.rolehop.lock", file_name(path))))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into())
}

/// Take the writers' lock for `path` (blocking until other writers are done).
/// Give the real path ([`real_path`]), so links to one file share its lock.
pub fn lock_for(path: &Path) -> io::Result<WriteLock> {
    // Before the lock file exists: `sudo rolehop write` on the user's file
    // must not leave a root-owned lock the user can never open again.
    check_owner(path)?;
    let mut options = File::options();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, PRIVATE);
    let file = options.open(lock_path(path)?)?;
    file.lock()?;
    Ok(WriteLock { _file: file })
}

/// Replace `path` with `contents` atomically: readers see the old file or the
/// new one, never a torn one. Call it holding [`lock_for`]`(path)`. New files
/// get `mode`; an existing file keeps its permission bits, narrowed to `mode`
/// when `force_mode` is set (credentials: at most 0600, a 0400 file stays 0400).
pub fn atomic_write(path: &Path, contents: &[u8], mode: u32, force_mode: bool) -> io::Result<()> {
    let dir = parent_dir(path);
    fs::create_dir_all(dir)?;
    check_owner(path)?;
    sweep_temps(dir, path);
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{}.rolehop-", file_name(path)))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    set_mode(tmp.as_file(), path, mode, force_mode)?;
    tmp.persist(path).map_err(|e| rename_error(path, e.error))?;
    // Make the rename itself durable; not all platforms can open a directory.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A file of another user is not replaced: the new one would be ours, and
/// its owner would lose it.
#[cfg(unix)]
fn check_owner(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = fs::metadata(path) else {
        return Ok(());
    };
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "it belongs to uid {}, and rolehop runs as uid {me}: replacing it would make it ours; run as its owner (not with sudo)",
                meta.uid()
            ),
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_owner(_path: &Path) -> io::Result<()> {
    Ok(())
}

/// Remove temp files a killed writer of `path` left behind. The caller
/// holds the lock, so no live writer owns one.
fn sweep_temps(dir: &Path, path: &Path) {
    let prefix = format!(".{}.rolehop-", file_name(path));
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(&prefix) && name.ends_with(".tmp") {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// `rename` failed: say why in words, for the cases a user can act on.
fn rename_error(path: &Path, e: io::Error) -> io::Error {
    #[cfg(unix)]
    if matches!(e.raw_os_error(), Some(libc::EBUSY) | Some(libc::EXDEV)) {
        return io::Error::new(
            e.kind(),
            format!(
                "{} cannot be replaced atomically (it is a mount point, e.g. a bind-mounted file, or on another filesystem than its directory); edit the file where it really lives",
                path.display()
            ),
        );
    }
    let _ = path;
    e
}

/// Create `dir` 0700 if needed, or check the one there: a real directory
/// (a symlink is refused, never followed: another user may have put it in a
/// shared place), ours, and private. A directory rolehop did not create is
/// never chmodded: one that is not private is refused with what to do,
/// since widening or narrowing the user's own directory is not ours to do.
/// The answer is a handle on the directory checked (see [`entry`]).
#[cfg(unix)]
pub fn private_dir(dir: &Path) -> io::Result<File> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)?;
    }
    // One mkdir, not "exists? else create": a link put there meanwhile
    // makes it fail, and the check below refuses the link.
    let created = match fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => true,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => false,
        Err(e) => return Err(e),
    };
    let handle = open_dir_nofollow(dir)?;
    if created {
        // Ours: exactly 0700 whatever the umask made of it.
        handle.set_permissions(fs::Permissions::from_mode(0o700))?;
    }
    check_private(dir, &handle)?;
    Ok(handle)
}

#[cfg(not(unix))]
pub fn private_dir(dir: &Path) -> io::Result<File> {
    fs::create_dir_all(dir)?;
    File::open(dir)
}

/// Open `dir` itself: `O_NOFOLLOW` refuses a symlink in its last part.
#[cfg(unix)]
fn open_dir_nofollow(dir: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let refused = |what: String| {
        io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} is {what}; rolehop does not follow it (another user may have put it there): remove it, or point ROLEHOP_RUNTIME_DIR at a directory of your own",
                dir.display()
            ),
        )
    };
    if let Ok(m) = fs::symlink_metadata(dir)
        && m.file_type().is_symlink()
    {
        let to = fs::read_link(dir)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        return Err(refused(format!("a symlink to {to}")));
    }
    File::options()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW)
        .open(dir)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => refused("a symlink".into()),
            Some(libc::ENOTDIR) => refused("not a directory".into()),
            _ => e,
        })
}

/// The opened directory is ours and no one else may enter it.
#[cfg(unix)]
fn check_private(dir: &Path, handle: &File) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let meta = handle.metadata()?;
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} belongs to uid {}, not to you (uid {me}); point ROLEHOP_RUNTIME_DIR at a directory of your own",
                dir.display(),
                meta.uid()
            ),
        ));
    }
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} is mode {mode:04o}, open to other users, and rolehop did not make it: `chmod 700 {}` if it is yours alone, or point ROLEHOP_RUNTIME_DIR at a new path (rolehop creates it 0700)",
                dir.display(),
                dir.display()
            ),
        ));
    }
    Ok(())
}

/// The path of `name` inside the directory `handle` was opened on, not
/// looked up through `dir` again: on Linux `/proc/self/fd/N/name`, so a
/// directory renamed or swapped after the check cannot redirect it (it is
/// short, too: a socket path has ~100 bytes). Elsewhere `dir/name`.
pub fn entry(handle: &File, dir: &Path, name: &str) -> PathBuf {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let fd = PathBuf::from(format!("/proc/self/fd/{}", handle.as_raw_fd()));
        if fd.is_dir() {
            return fd.join(name);
        }
    }
    let _ = handle;
    dir.join(name)
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
    let existing = fs::metadata(target)
        .ok()
        .map(|m| m.permissions().mode() & 0o7777);
    let bits = match (existing, force_mode) {
        (None, _) => mode,
        (Some(old), false) => old,
        // Never wider than `mode`, never wider than it was.
        (Some(old), true) => old & mode,
    };
    tmp.set_permissions(fs::Permissions::from_mode(bits))
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
    fn a_dangling_symlink_is_refused_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("credentials");
        std::os::unix::fs::symlink(dir.path().join("dotfiles/credentials"), &link).unwrap();
        let e = real_path(&link).unwrap_err();
        assert!(e.to_string().contains("which does not exist"), "{e}");
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        // A path that simply does not exist yet is fine.
        let new = dir.path().join("new");
        assert_eq!(real_path(&new).unwrap(), new);
    }

    #[cfg(unix)]
    #[test]
    fn a_stricter_mode_is_kept_and_stale_temps_are_swept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("credentials");
        fs::write(&p, "old").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o400)).unwrap();
        // Left by a killed writer of this file, and one of another file.
        let stale = dir.path().join(".credentials.rolehop-AbC123.tmp");
        let other = dir.path().join(".config.rolehop-AbC123.tmp");
        fs::write(&stale, "half").unwrap();
        fs::write(&other, "not ours to sweep now").unwrap();
        let _lock = lock_for(&p).unwrap();
        atomic_write(&p, b"new", PRIVATE, true).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o400
        );
        assert!(!stale.exists());
        assert!(other.exists());
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".credentials"))
            .collect();
        assert_eq!(
            left,
            [".credentials.rolehop.lock"],
            "no temp beside the file, only its lock"
        );
    }

    #[cfg(unix)]
    #[test]
    fn another_users_file_is_refused_with_why() {
        // Only root can give a file to someone else.
        if unsafe { libc::geteuid() } != 0 {
            crate::testskip::skip("only root can give a file to another user");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("credentials");
        fs::write(&p, "theirs").unwrap();
        std::os::unix::fs::chown(&p, Some(12345), Some(12345)).unwrap();
        let e = atomic_write(&p, b"ours", PRIVATE, true).unwrap_err();
        assert!(e.to_string().contains("belongs to uid 12345"), "{e}");
        assert_eq!(fs::read_to_string(&p).unwrap(), "theirs");
        // Nor is a lock of ours left beside it, which its owner could not open.
        let e = lock_for(&p).err().unwrap();
        assert!(e.to_string().contains("belongs to uid 12345"), "{e}");
        assert!(!dir.path().join(".credentials.rolehop.lock").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_that_cannot_be_renamed_over_gets_one_clear_error() {
        let e = rename_error(
            Path::new("/x/credentials"),
            io::Error::from_raw_os_error(libc::EBUSY),
        );
        assert!(e.to_string().contains("bind-mounted"), "{e}");
    }

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    /// Another user's link in a shared place: refused by name, and its
    /// target (the victim's home) keeps its mode and gets nothing.
    #[cfg(unix)]
    #[test]
    fn a_private_dir_that_is_a_symlink_is_refused_and_its_target_untouched() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        fs::create_dir(&home).unwrap();
        fs::set_permissions(&home, fs::Permissions::from_mode(0o755)).unwrap();
        let link = dir.path().join("shared-run");
        std::os::unix::fs::symlink(&home, &link).unwrap();
        let e = private_dir(&link).err().unwrap();
        let msg = e.to_string();
        assert!(
            msg.contains(&link.display().to_string()) && msg.contains("is a symlink to"),
            "{msg}"
        );
        assert!(msg.contains("ROLEHOP_RUNTIME_DIR"), "{msg}");
        assert_eq!(mode(&home), 0o755);
        // A link to a directory that is private and ours is refused too.
        fs::set_permissions(&home, fs::Permissions::from_mode(0o700)).unwrap();
        assert!(private_dir(&link).is_err());
        // A file there is not a directory.
        let file = dir.path().join("file");
        fs::write(&file, "").unwrap();
        let e = private_dir(&file).err().unwrap();
        assert!(e.to_string().contains("not a directory"), "{e}");
    }

    /// A directory rolehop did not make is never chmodded: a private one
    /// is used, an open one refused with the command that fixes it; one
    /// rolehop makes is 0700 whatever the umask.
    #[cfg(unix)]
    #[test]
    fn a_private_dir_rolehop_did_not_make_is_never_chmodded() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mine = dir.path().join("mine");
        fs::create_dir(&mine).unwrap();
        fs::set_permissions(&mine, fs::Permissions::from_mode(0o750)).unwrap();
        let e = private_dir(&mine).err().unwrap();
        assert!(
            e.to_string().contains("is mode 0750")
                && e.to_string()
                    .contains(&format!("chmod 700 {}", mine.display())),
            "{e}"
        );
        assert_eq!(mode(&mine), 0o750);
        fs::set_permissions(&mine, fs::Permissions::from_mode(0o700)).unwrap();
        private_dir(&mine).unwrap();
        let new = dir.path().join("a/b/run");
        let handle = private_dir(&new).unwrap();
        assert_eq!(mode(&new), 0o700);
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        // Names inside go through the handle.
        fs::write(entry(&handle, &new, "x"), "through the handle").unwrap();
        assert_eq!(
            fs::read_to_string(new.join("x")).unwrap(),
            "through the handle"
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
        atomic_write(&real_path(&link).unwrap(), b"new", PRIVATE, false).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
    }
}
