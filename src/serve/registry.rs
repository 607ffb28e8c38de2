//! Who serves what, for other rolehops to read. A serving process's routes
//! live in its memory only, so each rolehop that serves live credentials
//! (`exec`, the agent, the picker's subshell) keeps one small file,
//! `serving/<pid>.json` in the private runtime directory: its pid, what it
//! is and the bookmarks it serves (nothing secret). It is rewritten as routes
//! open and close and removed when the server shuts down; one a killed
//! process left behind is ignored (its pid is gone) and removed by the next
//! reader. The picker reads them to say "served by exec pid 1234".

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The kind of rolehop that serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum By {
    /// `rolehop exec NAME`, serving its child.
    Exec,
    /// The per-user agent behind `env --live`.
    Agent,
    /// A picker, serving its subshell.
    Picker,
}

/// One serving process's record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Serving {
    pub pid: u32,
    pub by: By,
    /// The bookmarks of its routes (a nested hop's too), sorted, no repeats.
    pub bookmarks: Vec<String>,
}

/// `serving/` in the runtime directory (not created; None without one).
pub fn dir() -> Option<PathBuf> {
    crate::paths::runtime_dir().map(|d| d.join("serving"))
}

fn file_of(dir: &Path, pid: u32) -> PathBuf {
    dir.join(format!("{pid}.json"))
}

/// Say that this process serves `bookmarks` as `by` (none: remove the
/// record). Best effort: the record only informs other rolehops, so a
/// runtime directory that cannot be used costs the mark, never the serving.
pub fn record(by: By, bookmarks: Vec<String>) {
    let Some(dir) = dir() else { return };
    let pid = std::process::id();
    if bookmarks.is_empty() {
        let _ = std::fs::remove_file(file_of(&dir, pid));
        return;
    }
    // The runtime directory is checked as the agent checks it (0700, ours).
    if crate::serve::agent::runtime_dir().is_err()
        || rolehop_files::fsutil::private_dir(&dir).is_err()
    {
        return;
    }
    let Ok(data) = serde_json::to_vec(&Serving { pid, by, bookmarks }) else {
        return;
    };
    let _ = rolehop_files::fsutil::atomic_write(
        &file_of(&dir, pid),
        &data,
        rolehop_files::fsutil::PRIVATE,
        true,
    );
}

/// Every record of a live process other than this one. Records of dead
/// processes are removed; unreadable ones are skipped.
pub fn read_all() -> Vec<Serving> {
    match dir() {
        Some(dir) => read_in(&dir, std::process::id()),
        None => Vec::new(),
    }
}

fn read_in(dir: &Path, me: u32) -> Vec<Serving> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let pid = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".json"))
            .and_then(|n| n.parse::<u32>().ok());
        let Some(pid) = pid.filter(|p| *p != me) else {
            continue;
        };
        if !alive(pid) {
            let _ = std::fs::remove_file(&path);
            continue;
        }
        let record = std::fs::read(&path)
            .ok()
            .and_then(|d| serde_json::from_slice::<Serving>(&d).ok());
        if let Some(r) = record.filter(|r| r.pid == pid) {
            found.push(r);
        }
    }
    found.sort_by_key(|r| r.pid);
    found
}

/// Whether process `pid` exists (signal 0 checks without sending). A pid
/// reused by an unrelated process reads as alive: the mark is then wrong
/// until that process ends, which is rare and harmless.
#[cfg(unix)]
pub fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill(2) with signal 0 sends nothing; it only checks the pid.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
pub fn alive(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_of_live_processes_are_read_and_dead_ones_removed() {
        let dir = tempfile::tempdir().unwrap();
        let me = std::process::id();
        // A child that has exited (and been reaped) leaves a dead pid.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let write = |pid: u32, by: By, names: &[&str]| {
            let r = Serving {
                pid,
                by,
                bookmarks: names.iter().map(|n| n.to_string()).collect(),
            };
            std::fs::write(file_of(dir.path(), pid), serde_json::to_vec(&r).unwrap()).unwrap();
        };
        // pid 1 (init) is always alive; ours is skipped as the reader's own.
        write(1, By::Agent, &["prod"]);
        write(me, By::Picker, &["dev"]);
        write(dead, By::Exec, &["staging"]);
        std::fs::write(dir.path().join("junk.json"), "{").unwrap();
        let other = me + 1;
        let found = read_in(dir.path(), other);
        let pids: Vec<u32> = found.iter().map(|r| r.pid).collect();
        assert!(pids.contains(&1) && pids.contains(&me), "{found:?}");
        assert!(!pids.contains(&dead), "{found:?}");
        assert!(
            !file_of(dir.path(), dead).exists(),
            "a dead pid's record is removed"
        );
        assert_eq!(
            read_in(dir.path(), me)
                .iter()
                .map(|r| r.pid)
                .collect::<Vec<_>>(),
            vec![1],
            "the reader's own record is not listed"
        );
    }
}
