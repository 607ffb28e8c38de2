//! Fuzzy filtering of the bookmark list with `nucleo-matcher`, over display
//! name, name, account and role.
//!
//! Filtering only scores; the matched positions for highlighting are
//! computed by [`Query::highlights`] for the rows actually drawn, so a
//! keystroke costs at most one nucleo pass over the list, and usually less:
//! the picker keeps a [`FilterIndex`] (haystacks built once per bookmark
//! list, the matches of the filters typed on the way), so typing on scores
//! only the previous matches and deleting back is a lookup. Every path gives
//! exactly what one pass of nucleo over every bookmark gives (the tests
//! check it).

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use rolehop_files::bookmarks::Bookmark;
use std::cell::RefCell;

/// One bookmark that passed the filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    /// Index into `App::bookmarks` (see [`Match::at`]). Eight bytes a match
    /// rather than sixteen: a first letter writes ~40,000 of them.
    pub index: u32,
    /// nucleo score, higher is better; 0 on an empty filter.
    pub score: u32,
}

impl Match {
    /// The bookmark's index into `App::bookmarks`.
    pub fn at(self) -> usize {
        self.index as usize
    }
}

/// Matched character positions per field (char indices into the field's text).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Highlights {
    pub display: Vec<usize>,
    pub name: Vec<usize>,
    pub account: Vec<usize>,
    pub role: Vec<usize>,
}

thread_local! {
    // A Matcher holds ~135 KB of scratch memory: reuse one per thread rather
    // than allocating per keystroke or per frame. It carries no state between
    // calls that could change a result.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch {
        matcher: Matcher::new(config()),
        text: String::new(),
        chars: Vec::new(),
    });
}

/// nucleo's defaults plus a small bonus for matches near the start, so a hit
/// in the display name or name (first in the haystack) outranks one in the role.
fn config() -> Config {
    let mut c = Config::DEFAULT;
    c.prefer_prefix = true;
    c
}

/// Added to the score when the filter is exactly a bookmark's name or display
/// name (ignoring case): typing `prod` then Enter picks `prod`, not `prod-old`.
const EXACT_BONUS: u32 = 1_000;

struct Scratch {
    matcher: Matcher,
    text: String,
    chars: Vec<char>,
}

/// A parsed filter. Words separated by spaces must all match (in any field);
/// smart case: an upper-case letter makes the match case-sensitive.
pub struct Query {
    pattern: Pattern,
}

impl Query {
    pub fn new(filter: &str) -> Query {
        // `Pattern::new` (not `parse`): no `!`/`^`/`$` operators, so what the
        // user types is what is matched.
        Query {
            pattern: Pattern::new(
                filter,
                CaseMatching::Smart,
                Normalization::Smart,
                AtomKind::Fuzzy,
            ),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.pattern.atoms.is_empty()
    }

    /// Where the filter matched in `b` (empty sets on an empty filter or no match).
    pub fn highlights(&self, b: &Bookmark) -> Highlights {
        let mut out = Highlights::default();
        if self.is_empty() {
            return out;
        }
        SCRATCH.with_borrow_mut(|s| {
            let bounds = haystack(b, &mut s.text);
            let hay = utf32(&s.text, &mut s.chars);
            let mut idx = Vec::new();
            if self
                .pattern
                .indices(hay, &mut s.matcher, &mut idx)
                .is_none()
            {
                return;
            }
            idx.sort_unstable();
            idx.dedup();
            for i in idx {
                let i = i as usize;
                for (field, (start, len)) in bounds.iter().enumerate() {
                    if (*start..start + len).contains(&i) {
                        let v = match field {
                            0 => &mut out.display,
                            1 => &mut out.name,
                            2 => &mut out.account,
                            _ => &mut out.role,
                        };
                        v.push(i - start);
                    }
                }
            }
        });
        out
    }
}

/// The bookmarks passing `filter`, best first. Equal scores are ordered by
/// recency (`recent`, most recent first), then file order. An empty filter
/// lists the recent bookmarks first (most recent first), then the rest in
/// file order.
///
/// A one-off: it builds a [`FilterIndex`] for this call. The picker keeps one
/// in its state and types through [`FilterIndex::search`].
pub fn filter(bookmarks: &[Bookmark], filter: &str, recent: &[String]) -> Vec<Match> {
    FilterIndex::new(bookmarks).full(bookmarks, filter, recent)
}

/// Like [`filter`], for a filter typed on from `old` (whose result is
/// `old_matches`): when `new` only adds to `old`, nothing outside the old
/// matches can match, so only those are scored. A one-off, as [`filter`].
pub fn refine(
    bookmarks: &[Bookmark],
    old: &str,
    old_matches: &[Match],
    new: &str,
    recent: &[String],
) -> Vec<Match> {
    FilterIndex::new(bookmarks).search(bookmarks, old, old_matches.to_vec(), new, recent)
}

fn rank(recent: &[String], b: &Bookmark) -> usize {
    recent
        .iter()
        .position(|r| *r == b.name)
        .unwrap_or(RANK_NONE)
}

const RANK_NONE: usize = 15;
const INDEX_BITS: u32 = 28;
const INDEX_MASK: u64 = (1 << INDEX_BITS) - 1;

/// Best score first, then the most recent, then file order, packed so a
/// plain integer sort orders them: [inverted score:32][rank:4][index:28].
fn sort_key(score: u32, rank: usize, index: usize) -> u64 {
    let rank = rank.min(RANK_NONE) as u64;
    (u64::from(u32::MAX - score) << 32) | (rank << INDEX_BITS) | (index as u64 & INDEX_MASK)
}

/// The match a sort key stands for.
fn to_match(key: u64) -> Match {
    Match {
        index: (key & INDEX_MASK) as u32,
        score: u32::MAX - (key >> 32) as u32,
    }
}

/// The searched fields of `b`: display name, name (only when it differs from
/// the display name), account, role.
fn fields(b: &Bookmark) -> [&str; 4] {
    let display = if b.display.is_empty() {
        &b.name
    } else {
        &b.display
    };
    let name = if *display == b.name {
        ""
    } else {
        b.name.as_str()
    };
    [display, name, &b.account, &b.role]
}

/// Write the haystack of `b` into `out`: its fields separated by a space
/// (each field start then earns nucleo's word-boundary bonus). Returns each
/// field's (start, length) in chars, to map match indices back to fields.
fn haystack(b: &Bookmark, out: &mut String) -> [(usize, usize); 4] {
    out.clear();
    let mut bounds = [(0, 0); 4];
    let mut pos = 0;
    for (i, field) in fields(b).into_iter().enumerate() {
        if i > 0 && !field.is_empty() {
            out.push(' ');
            pos += 1;
        }
        let len = field.chars().count();
        bounds[i] = (pos, len);
        out.push_str(field);
        pos += len;
    }
    bounds
}

/// The haystack as nucleo wants it, one entry per `char` (not per grapheme as
/// `Utf32Str::new` does) so match indices are char indices into our text.
fn utf32<'a>(text: &'a str, buf: &'a mut Vec<char>) -> Utf32Str<'a> {
    if text.is_ascii() {
        Utf32Str::Ascii(text.as_bytes())
    } else {
        buf.clear();
        buf.extend(text.chars());
        Utf32Str::Unicode(buf)
    }
}

mod index;
#[cfg(test)]
mod tests;

pub use index::FilterIndex;
