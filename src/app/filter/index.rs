//! The picker's filter index: haystacks built once, earlier filters'
//! matches kept.

use super::{EXACT_BONUS, Match, Query, RANK_NONE, SCRATCH, haystack, rank, sort_key, to_match};
use nucleo_matcher::Utf32Str;
use rolehop_files::bookmarks::Bookmark;
use std::ops::Range;

/// What filtering needs besides the bookmarks, kept in the picker's state so
/// a keystroke does no more than score:
///
/// - each bookmark's haystack (its searched fields joined, see `haystack`),
///   built once per bookmark list, not once per key: by
///   [`FilterIndex::prepare`] (the picker runs it after drawing the first
///   frame, which needs no haystack), else by the first filter;
/// - each bookmark's recency rank, computed again only when the recent
///   list changes;
/// - the matches of the shorter filters typed on the way to the current
///   one, so deleting back to one of them (Backspace, Ctrl-W) is a lookup.
///
/// The result never depends on any of this: [`FilterIndex::search`] returns
/// exactly what [`FilterIndex::full`] (one pass over every bookmark) would.
#[derive(Clone, Default)]
pub struct FilterIndex {
    /// The haystacks, built on first need (`prepare`, after the first frame,
    /// or the first filter): the empty filter's list needs none of them.
    hay: Option<Haystacks>,
    /// Per bookmark, what `rank` says for `ranked_for`.
    ranks: Vec<u32>,
    /// The recent list `ranks` was computed for.
    ranked_for: Vec<String>,
    /// Earlier filters and their matches, oldest first: each is a prefix of
    /// the next, the last a prefix of the current filter.
    pub(super) earlier: Vec<(String, Vec<Match>)>,
}

/// Every bookmark's haystack (as `haystack` writes it), back to back.
#[derive(Clone, Default)]
struct Haystacks {
    /// The ASCII haystacks.
    ascii: Vec<u8>,
    /// The other haystacks, one `char` per entry (as `utf32` gives them).
    wide: Vec<char>,
    /// Per bookmark, where its haystack is: a range of `ascii`, or of `wide`.
    spans: Vec<(Range<usize>, bool)>,
}

impl Haystacks {
    fn new(bookmarks: &[Bookmark]) -> Haystacks {
        let mut hay = Haystacks {
            ascii: Vec::with_capacity(bookmarks.len() * 64),
            wide: Vec::new(),
            spans: Vec::with_capacity(bookmarks.len()),
        };
        let mut text = String::new();
        for b in bookmarks {
            haystack(b, &mut text);
            let span = if text.is_ascii() {
                let start = hay.ascii.len();
                hay.ascii.extend_from_slice(text.as_bytes());
                (start..hay.ascii.len(), false)
            } else {
                let start = hay.wide.len();
                hay.wide.extend(text.chars());
                (start..hay.wide.len(), true)
            };
            hay.spans.push(span);
        }
        hay
    }

    /// Bookmark `index`'s haystack.
    fn haystack(&self, index: usize) -> Option<Utf32Str<'_>> {
        let (range, wide) = self.spans.get(index)?;
        Some(if *wide {
            Utf32Str::Unicode(self.wide.get(range.clone())?)
        } else {
            Utf32Str::Ascii(self.ascii.get(range.clone())?)
        })
    }
}

/// At most this many earlier filters are kept (a filter is rarely longer).
const EARLIER_MAX: usize = 32;

impl std::fmt::Debug for FilterIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilterIndex")
            .field("bookmarks", &self.ranks.len())
            .field("ranked_for", &self.ranked_for)
            .field(
                "earlier",
                &self.earlier.iter().map(|(q, _)| q).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl FilterIndex {
    /// The index of `bookmarks`, with no recent list yet (every rank is
    /// none) and its haystacks not yet built.
    pub fn new(bookmarks: &[Bookmark]) -> FilterIndex {
        FilterIndex {
            hay: None,
            ranks: vec![RANK_NONE as u32; bookmarks.len()],
            ranked_for: Vec::new(),
            earlier: Vec::new(),
        }
    }

    /// Build the haystacks, so the first keystroke does not wait for them.
    /// The picker's runtime calls it after drawing the first frame; without
    /// it the first filter builds them, with the same result.
    pub fn prepare(&mut self, bookmarks: &[Bookmark]) {
        self.hay.get_or_insert_with(|| Haystacks::new(bookmarks));
    }

    /// Every bookmark passing `filter`, as [`filter`] says, from a pass over
    /// all of them. Forgets the earlier filters: use it when the bookmarks
    /// (with a new index) or the recent list changed.
    pub fn full(&mut self, bookmarks: &[Bookmark], filter: &str, recent: &[String]) -> Vec<Match> {
        self.earlier.clear();
        self.sync_recent(bookmarks, recent);
        self.scan(bookmarks, filter, None)
    }

    /// The bookmarks passing `new` (as [`filter`] says) when the filter was
    /// `old` with the matches `old_matches`, for the same bookmarks and
    /// recent list:
    ///
    /// - `new` typed on from `old`: only the old matches are scored when that
    ///   cannot lose a match (see `narrows`), else everything is; the old
    ///   matches are kept for deleting back;
    /// - `new` deleted back to an earlier filter: its kept matches;
    /// - anything else: a full pass.
    pub fn search(
        &mut self,
        bookmarks: &[Bookmark],
        old: &str,
        old_matches: Vec<Match>,
        new: &str,
        recent: &[String],
    ) -> Vec<Match> {
        if !self.sync_recent(bookmarks, recent) {
            // Ranked for another list: neither the old matches nor the kept
            // ones are in today's order.
            return self.full(bookmarks, new, recent);
        }
        if new == old {
            return old_matches;
        }
        if new.starts_with(old) {
            let matches = if only_spaces_added(old, new) {
                // Same words, same whole filter once trimmed: same result.
                old_matches.clone()
            } else if narrows(old, new) {
                self.scan(bookmarks, new, Some(&old_matches))
            } else {
                self.scan(bookmarks, new, None)
            };
            self.remember(old, old_matches);
            return matches;
        }
        if !old.starts_with(new) {
            self.earlier.clear();
            return self.scan(bookmarks, new, None);
        }
        // Deleted back: the kept filters longer than `new` go (they no longer
        // lead to the current one); `new` itself may be among them.
        while let Some((q, m)) = self.earlier.pop() {
            if q == new {
                return m;
            }
            if q.len() < new.len() {
                self.earlier.push((q, m));
                break;
            }
        }
        match self.earlier.pop() {
            Some((q, m)) if narrows(&q, new) => {
                let matches = self.scan(bookmarks, new, Some(&m));
                self.earlier.push((q, m));
                matches
            }
            Some(kept) => {
                self.earlier.push(kept);
                self.scan(bookmarks, new, None)
            }
            None => self.scan(bookmarks, new, None),
        }
    }

    /// Keep `filter`'s matches, to be the last earlier filter.
    fn remember(&mut self, filter: &str, matches: Vec<Match>) {
        if self
            .earlier
            .last()
            .is_some_and(|(q, _)| !filter.starts_with(q.as_str()))
        {
            self.earlier.clear();
        }
        if self.earlier.len() == EARLIER_MAX {
            self.earlier.remove(0);
        }
        self.earlier.push((filter.to_owned(), matches));
    }

    /// Rank the bookmarks by `recent`, unless they already are. False when
    /// they were ranked for another list (the earlier filters are dropped).
    fn sync_recent(&mut self, bookmarks: &[Bookmark], recent: &[String]) -> bool {
        debug_assert_eq!(
            bookmarks.len(),
            self.ranks.len(),
            "index of other bookmarks"
        );
        if self.ranked_for == recent && self.ranks.len() == bookmarks.len() {
            return true;
        }
        self.earlier.clear();
        self.ranked_for = recent.to_vec();
        self.ranks = bookmarks.iter().map(|b| rank(recent, b) as u32).collect();
        false
    }

    /// The empty filter's list: the recent bookmarks by recency, then the
    /// rest in file order (a stable sort by rank).
    fn unfiltered(&self) -> Vec<Match> {
        let mut all: Vec<Match> = (0..self.ranks.len() as u32)
            .map(|index| Match { index, score: 0 })
            .collect();
        all.sort_by_key(|m| self.ranks[m.at()]);
        all
    }

    /// Score `filter` against `among` (every bookmark when None), best first.
    fn scan(
        &mut self,
        bookmarks: &[Bookmark],
        filter: &str,
        among: Option<&[Match]>,
    ) -> Vec<Match> {
        let query = Query::new(filter);
        if query.is_empty() {
            return self.unfiltered();
        }
        let hay = self.hay.get_or_insert_with(|| Haystacks::new(bookmarks));
        let ranks = &self.ranks;
        let exact = filter.trim();
        let mut keys: Vec<u64> = SCRATCH.with_borrow_mut(|s| {
            let mut key = |index: usize| {
                let mut score = query.pattern.score(hay.haystack(index)?, &mut s.matcher)?;
                let b = bookmarks.get(index)?;
                if b.name.eq_ignore_ascii_case(exact) || b.display.eq_ignore_ascii_case(exact) {
                    score += EXACT_BONUS;
                }
                let rank = ranks.get(index).map_or(RANK_NONE, |&r| r as usize);
                Some(sort_key(score, rank, index))
            };
            match among {
                Some(among) => among.iter().filter_map(|m| key(m.at())).collect(),
                None => (0..ranks.len()).filter_map(key).collect(),
            }
        });
        // A key holds the whole order (score, rank, index): any sort will do.
        keys.sort_unstable();
        keys.into_iter().map(to_match).collect()
    }
}

/// Whether every match of `new` is a match of `old`, which it extends, so
/// scoring only `old`'s matches loses none. Filters are words (split at
/// spaces) that must all match, each fuzzily: a word's letters in order.
/// Extending `old` extends its last word or adds words, and a longer word
/// matches less, so that holds, with two exceptions that fall back to a
/// full pass:
///
/// - a backslash: `\ ` escapes the space, so text after one can turn two
///   words into one (`a\` then `a\ b`);
/// - non-ASCII text: nucleo matches it by graphemes, with case folding and
///   normalization chosen from the whole word, which is not worth proving
///   monotonic. An ASCII word is matched byte by byte; its case is smart
///   (an upper-case letter makes it case-sensitive) and that only ever
///   narrows: `prodU` matches a subset of what `prod` does.
pub(super) fn narrows(old: &str, new: &str) -> bool {
    new.starts_with(old) && !old.contains('\\') && new.is_ascii() && !Query::new(old).is_empty()
}

/// `new` is `old` plus spaces, and no space of it is escaped: the same words
/// and the same trimmed filter, so the same result.
pub(super) fn only_spaces_added(old: &str, new: &str) -> bool {
    !old.contains('\\')
        && new
            .strip_prefix(old)
            .is_some_and(|rest| rest.bytes().all(|b| b == b' '))
}
