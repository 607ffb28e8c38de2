//! User text (bookmark names, display names) is drawn on terminals: escape
//! control characters so a stray ESC in a hand-edited file cannot repaint
//! the screen or hide a warning.

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

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(super::sanitize("plain"), "plain");
        assert_eq!(super::sanitize("a\u{1b}[2Jb\u{7}"), "a\\e[2Jb\\x07");
    }
}
