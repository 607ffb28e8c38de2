//! MFA codes: validation before any call, and the terminal prompt.

pub mod source;

use crate::error::Error;
use std::io::{BufRead, BufReader, Write};

/// A well-formed one-time code (6 digits), checked before STS sees it.
pub fn validate_code(code: &str) -> Result<String, Error> {
    let code = code.trim();
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code.to_owned())
    } else {
        Err(Error::Mfa {
            message: format!(
                "an MFA code is 6 digits, got {} character{}{}",
                code.chars().count(),
                if code.chars().count() == 1 { "" } else { "s" },
                if code.bytes().all(|b| b.is_ascii_digit()) {
                    ""
                } else {
                    " (not all digits)"
                }
            ),
            hint: Some("type the current code shown by your authenticator app or device".into()),
        })
    }
}

/// How many codes a person may type for one switch, as in the picker: a
/// typo (or a code AWS refuses) asks again rather than ending the run.
pub const TRIES: usize = 3;

/// Ask for a code on the controlling terminal, so it works even when stdout
/// is captured (`eval "$(rolehop env prod)"`) or stdin is a pipe; `notes`
/// are printed above the question. A line that is not 6 digits is said and
/// asked again, [`TRIES`] times in all.
pub fn prompt_with_notes(bookmark: &str, serial: &str, notes: &[String]) -> Result<String, Error> {
    let no_tty = |_| Error::Mfa {
        message: format!(
            "bookmark \"{bookmark}\" needs an MFA code and there is no terminal to ask on"
        ),
        hint: Some("pass --mfa-code CODE".into()),
    };
    let tty_in = std::fs::File::open("/dev/tty").map_err(no_tty)?;
    let mut tty_out = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/tty")
        .map_err(no_tty)?;
    for note in notes {
        writeln!(tty_out, "({note})").map_err(no_tty)?;
    }
    let mut tty_in = BufReader::new(tty_in);
    for left in (0..TRIES).rev() {
        write!(tty_out, "MFA code for {bookmark} ({serial}): ").map_err(no_tty)?;
        tty_out.flush().map_err(no_tty)?;
        let mut line = String::new();
        tty_in.read_line(&mut line).map_err(no_tty)?;
        if line.is_empty() {
            return Err(Error::Mfa {
                message: "no MFA code was entered".into(),
                hint: None,
            });
        }
        match validate_code(&line) {
            Err(e) if left > 0 => {
                writeln!(tty_out, "({e}; {})", tries_left(left)).map_err(no_tty)?
            }
            done => return done,
        }
    }
    Err(Error::Mfa {
        message: "no MFA code was entered".into(),
        hint: None,
    })
}

/// "2 tries left", "1 try left".
pub fn tries_left(left: usize) -> String {
    format!("{left} {} left", if left == 1 { "try" } else { "tries" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_digits_only() {
        assert_eq!(validate_code(" 123456\n").unwrap(), "123456");
        let e = validate_code("12345").unwrap_err().to_string();
        assert_eq!(e, "an MFA code is 6 digits, got 5 characters");
        let e = validate_code("12a456").unwrap_err().to_string();
        assert!(e.ends_with("(not all digits)"), "{e}");
    }
}
