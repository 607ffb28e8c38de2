//! The credentials file's text as lines and sections, and the edit that
//! rewrites one profile keeping every other byte.

use super::*;

/// The parser's notion of whitespace, so our trimming matches its own.
pub(super) fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii_whitespace())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind<'a> {
    /// A line starting with `[`; `None` when it is malformed (it still ends
    /// the previous section, as it does for the SDKs).
    Header(Option<&'a str>),
    /// A top-level property; `val` is `None` when the line has no `=`.
    Property {
        key: &'a str,
        val: Option<&'a str>,
    },
    /// An indented line: a child of the previous property, never a key.
    Nested,
    Comment,
    Blank,
}

/// One line of the file: `text` and `eol` are slices of the original, so
/// writing them back reproduces it byte for byte.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line<'a> {
    pub(super) text: &'a str,
    /// `\n`, `\r\n`, `\r`, or empty for a last line without a newline.
    pub(super) eol: &'a str,
    pub(super) kind: Kind<'a>,
}

/// Split `doc` into lines. `None` if the pieces would not add up to `doc`
/// exactly: better to refuse than to write back something else.
pub(super) fn parse(doc: &str) -> Option<Vec<Line<'_>>> {
    let mut lines = Vec::new();
    let mut pos = 0;
    for item in Parser::new(doc) {
        let (raw, kind) = match item {
            Item::SectionEnd => continue,
            Item::Section { raw, .. } | Item::Error(raw) => (raw, Kind::Header(header_name(raw))),
            Item::Comment { raw } => (raw, Kind::Comment),
            Item::Blank { raw } => (raw, Kind::Blank),
            Item::Property { raw, .. } if raw.starts_with([' ', '\t']) => (raw, Kind::Nested),
            Item::Property { key, val, raw } => (raw, Kind::Property { key, val }),
        };
        let text_end = pos + raw.len();
        if doc.get(pos..text_end)? != raw {
            return None;
        }
        let rest = doc.get(text_end..)?;
        let eol_len = if rest.starts_with("\r\n") {
            2
        } else if rest.starts_with(['\r', '\n']) {
            1
        } else {
            0
        };
        let end = text_end + eol_len;
        lines.push(Line {
            text: raw,
            eol: doc.get(text_end..end)?,
            kind,
        });
        pos = end;
    }
    (pos == doc.len()).then_some(lines)
}

/// `[ name ]`, optionally followed by a comment, gives `name`; the SDKs
/// accept the same forms.
pub(super) fn header_name(raw: &str) -> Option<&str> {
    let inner = raw.strip_prefix('[')?;
    let close = inner.find(']')?;
    let after = trim(&inner[close + 1..]);
    (after.is_empty() || after.starts_with(['#', ';'])).then_some(trim(&inner[..close]))
}

/// Line ranges of every `[name]` section: header through the line before the
/// next header (or the end of the file).
pub(super) fn sections(lines: &[Line<'_>], name: &str) -> Vec<Range<usize>> {
    sections_where(lines, |line| line.kind == Kind::Header(Some(name)))
}

/// The sections a write edits: headers written exactly `[name]` (spaces
/// after `]` and a comment allowed). The SDKs disagree on `[ name ]`: the
/// Rust SDK trims it to `name`, botocore reads a profile " name ". So such a
/// section is left alone and `[name]` is written after it: botocore then
/// reads our `[name]`, and the Rust SDK, merging both, reads our values last.
pub(super) fn sections_to_write(lines: &[Line<'_>], name: &str) -> Vec<Range<usize>> {
    sections_where(lines, |line| {
        line.kind == Kind::Header(Some(name))
            && line
                .text
                .strip_prefix('[')
                .and_then(|r| r.split(']').next())
                == Some(name)
    })
}

pub(super) fn sections_where(
    lines: &[Line<'_>],
    is_it: impl Fn(&Line<'_>) -> bool,
) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        if is_it(line) {
            let end = lines[start + 1..]
                .iter()
                .position(|l| matches!(l.kind, Kind::Header(_)))
                .map_or(lines.len(), |n| start + 1 + n);
            ranges.push(start..end);
        }
    }
    ranges
}

/// The file's own newline (the first one in it), so added lines match.
pub(super) fn newline_of<'a>(lines: &[Line<'a>]) -> &'a str {
    lines
        .iter()
        .map(|l| l.eol)
        .find(|eol| !eol.is_empty())
        .unwrap_or("\n")
}

pub(super) fn new_section(profile: &str, set: &[(&str, &str)], nl: &str) -> String {
    let mut text = format!("[{profile}]{nl}");
    for (key, value) in set {
        text.push_str(&format!("{key} = {value}{nl}"));
    }
    text
}

pub(super) enum Refusal {
    LongTermKeys,
    /// The profile gets its credentials from this key, not from keys.
    OtherSource(&'static str),
    Unparsable,
}

/// A line of the edited section. `anchor` marks property lines and their
/// children: new keys go after the last anchor, so they never land between a
/// nested block's parent and its children, nor among the blank lines and
/// comments that lead into the next section.
pub(super) struct OutLine<'a> {
    pub(super) text: Cow<'a, str>,
    pub(super) eol: &'a str,
    pub(super) anchor: bool,
}

/// The edit of a session into `[p]`, on text, for the fuzz target (`fuzz/`):
/// the new text, or None when the file is refused.
#[doc(hidden)]
pub fn fuzz_edit(doc: &str) -> Option<String> {
    let set = [
        ("aws_access_key_id", "ASIAFUZZ"),
        ("aws_secret_access_key", "fuzzSecret"),
        ("aws_session_token", "fuzzToken"),
    ];
    edit(doc, "p", &set, &["aws_security_token"], true)
        .ok()
        .map(|(text, _)| text)
}

/// The edit behind [`write_profile`], on text: `set` has unique keys and
/// `drop` none of them.
///
/// Keys match as the SDKs match them, ignoring ASCII case (botocore
/// lowercases them), and keep the user's spelling when updated. A profile
/// written twice (`[p]` ... `[p]`) is one profile to the SDKs, the later value
/// of a key winning: every copy gets the new values, and keys that no copy
/// has go into the last one, so what the SDKs read is what was written.
///
/// The SDKs disagree on `[ p ]`: the Rust SDK trims it to `p`, botocore reads
/// a profile " p ". Such a copy is updated like any other, and when no copy
/// is written exactly `[p]`, a `[p]` with every key is appended for botocore.
pub(super) fn edit(
    doc: &str,
    profile: &str,
    set: &[(&str, &str)],
    drop: &[&str],
    force: bool,
) -> Result<(String, WriteOutcome), Refusal> {
    let lines = parse(doc).ok_or(Refusal::Unparsable)?;
    let nl = newline_of(&lines);
    let ranges = sections(&lines, profile);
    let exact = sections_to_write(&lines, profile);
    let copies: Vec<&[Line<'_>]> = ranges.iter().map(|r| &lines[r.clone()]).collect();
    if !force && holds_long_term_keys(&copies) {
        return Err(Refusal::LongTermKeys);
    }
    // Access keys written next to a role_arn, credential_process, SSO
    // settings... would be ignored: refused, forced or not.
    if set
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case(ACCESS_KEY_ID))
    {
        let except: Vec<&str> = set
            .iter()
            .map(|(k, _)| *k)
            .chain(drop.iter().copied())
            .collect();
        if let Some(key) = other_source(&copies, &except) {
            return Err(Refusal::OtherSource(key));
        }
    }
    // Keys no copy has go into the last exact copy, or into a new section.
    let last_exact = exact.last().cloned();
    let missing: Vec<(&str, &str)> = set
        .iter()
        .copied()
        .filter(|(k, _)| !copies.iter().any(|c| has_key(c, k)))
        .collect();

    let mut text = String::with_capacity(doc.len() + 64 * set.len());
    let push = |text: &mut String, t: &str, eol: &str| {
        text.push_str(t);
        text.push_str(eol);
    };
    let mut from = 0;
    for range in &ranges {
        for line in &lines[from..range.start] {
            push(&mut text, line.text, line.eol);
        }
        let add: &[(&str, &str)] = if Some(range) == last_exact.as_ref() {
            &missing
        } else {
            &[]
        };
        for line in rewrite(&lines[range.clone()], set, drop, add, nl) {
            push(&mut text, &line.text, line.eol);
        }
        from = range.end;
    }
    for line in &lines[from..] {
        push(&mut text, line.text, line.eol);
    }
    if last_exact.is_none() {
        if !text.is_empty() {
            if !text.ends_with(['\n', '\r']) {
                text.push_str(nl);
            }
            if lines.last().is_some_and(|l| l.kind != Kind::Blank) {
                text.push_str(nl);
            }
        }
        text.push_str(&new_section(profile, set, nl));
    }
    let outcome = match (ranges.len(), last_exact.is_some()) {
        (0, _) => WriteOutcome::Added,
        (1, true) => WriteOutcome::Updated,
        (n, _) => WriteOutcome::UpdatedCopies(n + usize::from(last_exact.is_none())),
    };
    Ok((text, outcome))
}

/// Whether a section has top-level key `name` (any case).
pub(super) fn has_key(section: &[Line<'_>], name: &str) -> bool {
    section
        .iter()
        .any(|l| matches!(l.kind, Kind::Property { key, .. } if key.eq_ignore_ascii_case(name)))
}

/// One copy of the section with `set` applied, `drop` removed and `add`
/// appended after its last property.
pub(super) fn rewrite<'a>(
    section: &[Line<'a>],
    set: &[(&str, &str)],
    drop: &[&str],
    add: &[(&str, &str)],
    nl: &'a str,
) -> Vec<OutLine<'a>> {
    let mut body: Vec<OutLine<'_>> = Vec::with_capacity(section.len() + add.len());
    let mut written: Vec<&str> = Vec::new();
    // Whether indented lines belong to a property we rewrote or deleted.
    let mut dropping = false;
    for (i, line) in section.iter().enumerate() {
        let keep = OutLine {
            text: Cow::Borrowed(line.text),
            eol: line.eol,
            anchor: i > 0 && matches!(line.kind, Kind::Property { .. } | Kind::Nested),
        };
        match line.kind {
            Kind::Property { key, .. } => {
                dropping = true;
                if let Some(&(name, value)) = set.iter().find(|(k, _)| k.eq_ignore_ascii_case(key))
                {
                    // The first spelling is updated; repeats of a key (in
                    // any case) go, or the SDKs might read a stale one.
                    if !written.contains(&name) {
                        written.push(name);
                        body.push(OutLine {
                            text: Cow::Owned(format!("{key} = {value}")),
                            ..keep
                        });
                    }
                } else if !drop.iter().any(|d| d.eq_ignore_ascii_case(key)) {
                    dropping = false;
                    body.push(keep);
                }
            }
            Kind::Nested if dropping => {}
            _ => body.push(keep),
        }
    }
    if !add.is_empty() {
        // Index 0 is the header: an empty section gets its keys right below it.
        let at = body.iter().rposition(|l| l.anchor).unwrap_or(0);
        // Only the file's last line lacks a newline; keep it that way.
        let at_eof = body[at].eol.is_empty();
        if at_eof {
            body[at].eol = nl;
        }
        let count = add.len();
        let added = add.iter().enumerate().map(|(n, (key, value))| OutLine {
            text: Cow::Owned(format!("{key} = {value}")),
            eol: if at_eof && n + 1 == count { "" } else { nl },
            anchor: true,
        });
        body.splice(at + 1..at + 1, added);
    }
    body
}
