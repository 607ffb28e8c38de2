//! Copy text to the system clipboard through the first helper program that
//! is installed and fits the session (no clipboard crate: they need a
//! display connection and pull in a lot for one pipe).

use std::io::{self, Write};
use std::process::{Command, Stdio};

pub const NONE_AVAILABLE: &str =
    "no clipboard available: install wl-clipboard or xclip, or use e to print the exports";

/// Helpers worth trying with these environment facts, in order.
fn candidates(wayland: bool, x11: bool) -> Vec<(&'static str, &'static [&'static str])> {
    let mut list: Vec<(&'static str, &'static [&'static str])> = vec![("pbcopy", &[])];
    if wayland {
        list.push(("wl-copy", &[]));
    }
    if x11 {
        list.push(("xclip", &["-selection", "clipboard"]));
        list.push(("xsel", &["--clipboard", "--input"]));
    }
    list.push(("clip.exe", &[]));
    list
}

/// How long copied exports stay on the clipboard.
pub const CLEAR_AFTER: std::time::Duration = std::time::Duration::from_secs(45);

/// The helper that reads the clipboard back, for each one that writes it.
fn paste_for(program: &str) -> Option<&'static str> {
    match program {
        "pbcopy" => Some("pbpaste"),
        "wl-copy" => Some("wl-paste -n"),
        "xclip" => Some("xclip -selection clipboard -o"),
        "xsel" => Some("xsel --clipboard --output"),
        _ => None,
    }
}

/// Copy `text`; Ok(program used), or an error sentence for the user. The
/// copy is cleared after [`CLEAR_AFTER`] if it is still on the clipboard
/// then (a detached `sh` compares hashes, so it outlives the picker and
/// never holds the text).
pub fn copy(text: &str) -> Result<&'static str, String> {
    let set = |var| std::env::var_os(var).is_some_and(|v| !v.is_empty());
    for (program, args) in candidates(set("WAYLAND_DISPLAY"), set("DISPLAY")) {
        match pipe_into(program, args, text) {
            Ok(()) => {
                if let Some(paste) = paste_for(program) {
                    let mut copy = vec![program];
                    copy.extend(args.iter().copied());
                    clear_later(&copy.join(" "), paste, text);
                }
                return Ok(program);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot copy with {program}: {e}")),
        }
    }
    Err(NONE_AVAILABLE.into())
}

fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Clear the clipboard in [`CLEAR_AFTER`] unless something else was copied
/// since. Best effort: a failure only means the text stays.
fn clear_later(copy: &str, paste: &str, text: &str) {
    // The outer sh reads the hash and leaves at once (no zombie of ours);
    // its background subshell waits and clears.
    let script = format!(
        "read -r want; ( sleep {}; \
         have=$({paste} 2>/dev/null | (sha256sum 2>/dev/null || shasum -a 256) | cut -d' ' -f1); \
         [ \"$have\" = \"$want\" ] && printf '' | {copy} ) &",
        CLEAR_AFTER.as_secs()
    );
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: setsid is async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
    }
    if let Ok(mut child) = cmd.spawn() {
        if let Some(mut stdin) = child.stdin.take() {
            let _ = writeln!(stdin, "{}", sha256_hex(text));
        }
        let _ = child.wait();
    }
}

fn pipe_into(program: &str, args: &[&str], text: &str) -> io::Result<()> {
    // Output discarded: xclip and wl-copy stay around to serve the
    // selection, and anything they print would land on the picker's screen.
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(text.as_bytes())?;
    }
    let status = child.wait()?;
    if status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!("it exited with {status}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_follow_the_session() {
        let names = |w, x| {
            candidates(w, x)
                .into_iter()
                .map(|(p, _)| p)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(false, false), ["pbcopy", "clip.exe"]);
        assert_eq!(
            names(true, true),
            ["pbcopy", "wl-copy", "xclip", "xsel", "clip.exe"]
        );
    }
}
