//! Any text as a credentials file: writing `[p]` never panics, and when it
//! is not refused every other section stays byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// The text cut at header lines, without the sections named `p`.
fn others(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut keep = true;
    let mut pos = 0;
    for line in text.split_inclusive(['\n', '\r']) {
        if line.starts_with('[') {
            if keep {
                out.push(text[start..pos].trim_end_matches(['\r', '\n']));
            }
            start = pos;
            let name = line[1..].split(']').next().unwrap_or("").trim_matches(|c: char| c.is_ascii_whitespace());
            keep = name != "p";
        }
        pos += line.len();
    }
    if keep {
        out.push(text[start..].trim_end_matches(['\r', '\n']));
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(out) = rolehop_files::credentials::fuzz_edit(text) {
        assert_eq!(others(&out), others(text), "a section other than [p] changed");
        assert!(out.contains("aws_session_token = fuzzToken"));
    }
});
