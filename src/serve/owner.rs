//! Waiting for a process to end, for a route that must close with the
//! process that asked for it (a nested hop's rolehop, even when killed).
//!
//! Linux: a pidfd, readable once the process has exited, and immune to the
//! pid being reused. Elsewhere (or if pidfds are refused): a check a second.

use std::time::Duration;

/// Returns once process `pid` no longer exists.
pub async fn exited(pid: u32) {
    #[cfg(target_os = "linux")]
    if let Some(fd) = pidfd::open(pid) {
        use tokio::io::Interest;
        use tokio::io::unix::AsyncFd;
        // SAFETY: `fd` is an OwnedFd moved into the AsyncFd: it stays open,
        // and the same descriptor, for as long as the AsyncFd lives.
        if let Ok(fd) = unsafe { AsyncFd::register_with_interest(fd, Interest::READABLE) } {
            let _ = fd.readable().await;
        }
        return;
    }
    while alive(pid) {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(target_os = "linux")]
mod pidfd {
    use std::os::fd::{FromRawFd, OwnedFd};

    /// A pidfd for `pid`, `None` if the process is gone or pidfds are not
    /// available (kernels before 5.3, some sandboxes).
    pub fn open(pid: u32) -> Option<OwnedFd> {
        let pid = libc::pid_t::try_from(pid).ok()?;
        // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
        let fd = libc::c_int::try_from(fd).ok().filter(|fd| *fd >= 0)?;
        // SAFETY: the descriptor was just opened and is owned by nobody else.
        Some(unsafe { OwnedFd::from_raw_fd(fd) })
    }
}

/// How many processes still have `uri` as their live endpoint (jobs a shell
/// left running: `cmd &`, `nohup`, a tmux server). Linux reads their
/// environments in `/proc` (the user's own are readable); elsewhere 0.
pub fn holders(uri: &str) -> usize {
    let needle = format!("AWS_CONTAINER_CREDENTIALS_FULL_URI={uri}\0");
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    dir.flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter(|e| {
            std::fs::read(e.path().join("environ"))
                .is_ok_and(|env| memchr::memmem::find(&env, needle.as_bytes()).is_some())
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_when_the_process_exits_and_not_before() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let pid = child.id();
        rt.block_on(async {
            let wait = exited(pid);
            tokio::pin!(wait);
            // Still running: the wait does not end.
            assert!(
                tokio::time::timeout(Duration::from_millis(300), &mut wait)
                    .await
                    .is_err()
            );
            child.kill().unwrap();
            child.wait().unwrap();
            tokio::time::timeout(Duration::from_secs(10), wait)
                .await
                .expect("the wait ended with the process");
        });
    }
}
