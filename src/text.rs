//! User text (bookmark names, display names) is drawn on terminals: escape
//! control characters so a stray ESC in a hand-edited file cannot repaint
//! the screen or hide a warning. And human durations, formatted in one place.

use std::time::Duration;

/// Replace control characters with visible escapes (`\u{1b}` → `\e`, others `\xNN`).
pub fn sanitize(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\u{1b}' => out.push_str("\\e"),
            '\t' => out.push(' '),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

// -- human durations: the one place they are formatted --------------------------

/// `59m`, `1h05m`, `42s`, `89d23h` (from two days): time left, at a glance
/// (messages, `sessions`, the prompt, an Identity Center session).
pub fn remaining(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..172_800 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// `59:12` above a minute (minutes may exceed 59: `119:59`), `42s` in the
/// last minute, `expired` at zero: the picker's live countdowns.
pub fn countdown(left: Duration) -> String {
    let s = left.as_secs();
    if s == 0 {
        "expired".into()
    } else if s < 60 {
        format!("{s}s")
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// `1h`, `1h30m`, `15m`, `45s`: a configured length, as the bookmarks file
/// accepts it.
pub fn duration(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

// -- names for files: stable, file-name-safe ------------------------------------

/// 16 hex digits of SHA-256 over the parts (NUL-separated): a stable,
/// file-name-safe name for inputs that may contain any character.
pub fn short_hash(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    hex(&h.finalize()[..8])
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(super::sanitize("plain"), "plain");
        assert_eq!(super::sanitize("a\u{1b}[2Jb\u{7}"), "a\\e[2Jb\\x07");
    }

    #[test]
    fn time_left_reads_at_a_glance_from_seconds_to_days() {
        let r = |s| super::remaining(std::time::Duration::from_secs(s));
        assert_eq!(r(42), "42s");
        assert_eq!(r(59 * 60), "59m");
        assert_eq!(r(3900), "1h05m");
        assert_eq!(r(47 * 3600 + 59 * 60), "47h59m");
        assert_eq!(r(90 * 86_400 - 3600), "89d23h");
    }
}
