//! The one place a child (a shell or a command) gets credentials: the
//! hand-over applied to its environment, and the one line that says where
//! the new shell stands. Used by `exec` (static and live) and the picker.

use crate::creds::Handover;
use crate::env::EnvView;
use rolehop_files::bookmarks::Bookmark;
use std::time::Duration;

/// The program to run and its arguments: the command, else `$SHELL`.
pub fn program_of(env: &EnvView, command: &[String]) -> (String, Vec<String>) {
    match command.split_first() {
        Some((p, rest)) => (p.clone(), rest.to_vec()),
        None => (env.get("SHELL").unwrap_or("/bin/sh").to_owned(), Vec::new()),
    }
}

/// `program rest...` with `handover` applied: its variables set, the ones
/// that would shadow them removed.
pub fn command(program: &str, rest: &[String], handover: &Handover) -> std::process::Command {
    let mut cmd = std::process::Command::new(program);
    cmd.args(rest);
    for var in &handover.unset {
        cmd.env_remove(var);
    }
    cmd.envs(handover.set.iter().map(|(k, v)| (k, v)));
    cmd
}

/// [`command`] for a parent that waits asynchronously (a live endpoint or
/// the picker keeps working meanwhile).
pub fn async_command(
    program: &str,
    rest: &[String],
    handover: &Handover,
) -> tokio::process::Command {
    tokio::process::Command::from(command(program, rest, handover))
}

/// Where `exit` leads from the new shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Back {
    /// The shell rolehop was started from (the base identity, or the outer role).
    Shell,
    /// The picker, which started the shell.
    Picker,
}

/// One line saying what the new shell holds, for how long, and how to leave it.
pub fn banner(
    env: &EnvView,
    b: &Bookmark,
    remaining: Duration,
    limit: Option<&str>,
    live: bool,
    back: Back,
) -> String {
    let depth = env.depth() + 1;
    let mut left = crate::text::remaining(remaining);
    if let Some(limit) = limit {
        left.push_str(&format!(" ({limit})"));
    }
    if live {
        left.push_str(", renewed live before it ends");
    }
    let back = match (back, env.current_bookmark()) {
        (Back::Picker, _) => "`exit` returns to the picker".to_owned(),
        (Back::Shell, Some(outer)) => format!("`exit` goes back to {outer}"),
        (Back::Shell, None) => "`exit` goes back to your base identity".into(),
    };
    let nested = if depth > 1 {
        format!("nested shell, depth {depth}: ")
    } else {
        String::new()
    };
    format!(
        "rolehop: {nested}{} as {} for {left}; {back}",
        b.name,
        b.role_arn()
    )
}
