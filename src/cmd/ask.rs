//! Questions a command asks on the terminal before it changes something
//! the user cannot easily get back (IAM policies, many bookmarks).

use std::io::{BufRead, Write};

use crate::error::{Error, Result};

/// Ask y/N on the terminal (`/dev/tty`, so piped output still asks); `yes`
/// skips the question. Without a terminal: an error that names `--yes`.
pub fn confirm(question: &str, yes: bool) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    let no_tty = |_| Error::Usage {
        message: "cannot ask for confirmation: no terminal".into(),
        hint: Some("pass --yes to apply without asking".into()),
    };
    let tty_in = std::fs::File::open("/dev/tty").map_err(no_tty)?;
    let mut tty_out = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/tty")
        .map_err(no_tty)?;
    write!(tty_out, "{question} [y/N] ").map_err(no_tty)?;
    tty_out.flush().map_err(no_tty)?;
    let mut line = String::new();
    std::io::BufReader::new(tty_in)
        .read_line(&mut line)
        .map_err(no_tty)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes" | "Yes"))
}
