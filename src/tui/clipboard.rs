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

/// Copy `text`; Ok(program used), or an error sentence for the user.
pub fn copy(text: &str) -> Result<&'static str, String> {
    let set = |var| std::env::var_os(var).is_some_and(|v| !v.is_empty());
    for (program, args) in candidates(set("WAYLAND_DISPLAY"), set("DISPLAY")) {
        match pipe_into(program, args, text) {
            Ok(()) => return Ok(program),
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot copy with {program}: {e}")),
        }
    }
    Err(NONE_AVAILABLE.into())
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
