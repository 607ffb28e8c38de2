//! The picker's filter index: haystacks built once, earlier filters'
//! matches kept.

use super::*;

/// What filtering needs besides the bookmarks, kept in the picker's state so
/// a keystroke does no more than score:
///
/// - each bookmark's haystack (its searched fields joined, see `fields`),
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
    /// Per bookmark, the byte lengths of its name and display name (the
    /// exact-name bonus compares them first).
    lens: Vec<(u32, u32)>,
    /// The lengths in `lens`, as bits (63 for any from 63 on): a filter
    /// of a length no name has skips the exact-name check.
    lengths: u64,
    /// Per bookmark, what `rank` says for `ranked_for`.
    ranks: Vec<u32>,
    /// The bookmarks whose rank is not `RANK_NONE`, by (rank, index).
    ranked: Vec<(u32, usize)>,
    /// The recent list `ranks` was computed for.
    ranked_for: Vec<String>,
    /// Earlier filters and their matches, oldest first: each is a prefix of
    /// the next, the last a prefix of the current filter.
    pub(super) earlier: Vec<(String, Vec<Match>)>,
    /// Room for every bookmark's sort key, block by block, reused by each
    /// pass: a keystroke writes its keys into memory already mapped (fresh
    /// buffers cost a page fault per 4 KiB, a fifth of a first letter).
    /// Built with the haystacks.
    key_buf: Vec<u64>,
}

/// Every bookmark's haystack (its searched fields joined, see `fields`).
#[derive(Clone, Default)]
struct Haystacks {
    /// The ASCII haystacks, back to back.
    ascii: Vec<u8>,
    /// The other haystacks, one `char` per entry (as `utf32` gives them).
    wide: Vec<char>,
    /// Per bookmark, where its haystack is.
    spans: Vec<Span>,
    /// Per bookmark, the ASCII letters and digits in its haystack (either
    /// case): a filter with a letter it lacks cannot match it.
    present: Vec<u64>,
}

#[derive(Clone, Copy, Debug)]
struct Span {
    start: usize,
    len: u32,
    wide: bool,
}

impl Haystacks {
    fn new(bookmarks: &[Bookmark]) -> Haystacks {
        let mut ascii = Vec::with_capacity(bookmarks.len() * 64);
        let mut wide = Vec::new();
        let mut spans = Vec::with_capacity(bookmarks.len());
        let mut present = Vec::with_capacity(bookmarks.len());
        for b in bookmarks {
            let fields = fields(b);
            let is_wide = !fields.iter().all(|f| f.is_ascii());
            let start = if is_wide { wide.len() } else { ascii.len() };
            for (i, field) in fields.into_iter().enumerate() {
                let sep = i > 0 && !field.is_empty();
                if is_wide {
                    if sep {
                        wide.push(' ');
                    }
                    wide.extend(field.chars());
                } else {
                    if sep {
                        ascii.push(b' ');
                    }
                    ascii.extend_from_slice(field.as_bytes());
                }
            }
            let end = if is_wide { wide.len() } else { ascii.len() };
            // A non-ASCII haystack can match a letter it lacks (`é` for
            // `e`): it has them all, as far as the mask goes.
            present.push(if is_wide {
                u64::MAX
            } else {
                presence(&ascii[start..end])
            });
            spans.push(Span {
                start,
                len: u32::try_from(end - start).unwrap_or(u32::MAX),
                wide: is_wide,
            });
        }
        Haystacks {
            ascii,
            wide,
            spans,
            present,
        }
    }

    /// Bookmark `index`'s haystack.
    fn haystack(&self, index: usize) -> Option<Utf32Str<'_>> {
        let s = self.spans.get(index)?;
        let range = s.start..s.start + s.len as usize;
        Some(if s.wide {
            Utf32Str::Unicode(self.wide.get(range)?)
        } else {
            Utf32Str::Ascii(self.ascii.get(range)?)
        })
    }
}

/// At most this many earlier filters are kept (a filter is rarely longer).
const EARLIER_MAX: usize = 32;

impl std::fmt::Debug for FilterIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilterIndex")
            .field("bookmarks", &self.lens.len())
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
        let lens: Vec<(u32, u32)> = bookmarks
            .iter()
            .map(|b| (len_u32(&b.name), len_u32(&b.display)))
            .collect();
        FilterIndex {
            lengths: lens.iter().fold(0, |bits, &(name, display)| {
                bits | length_bit(name) | length_bit(display)
            }),
            ranks: vec![RANK_NONE as u32; lens.len()],
            lens,
            hay: None,
            ranked: Vec::new(),
            ranked_for: Vec::new(),
            earlier: Vec::new(),
            key_buf: Vec::new(),
        }
    }

    /// Build the haystacks, so the first keystroke does not wait for them.
    /// The picker's runtime calls it after drawing the first frame; without
    /// it the first filter builds them, with the same result.
    pub fn prepare(&mut self, bookmarks: &[Bookmark]) {
        built(&mut self.hay, &mut self.key_buf, bookmarks);
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
        debug_assert_eq!(bookmarks.len(), self.lens.len(), "index of other bookmarks");
        if self.ranked_for == recent && self.ranks.len() == bookmarks.len() {
            return true;
        }
        self.earlier.clear();
        self.ranked_for = recent.to_vec();
        self.ranks.clear();
        self.ranks.resize(bookmarks.len(), RANK_NONE as u32);
        self.ranked.clear();
        // Only a name as long as a recent one can be it: the lengths are
        // at hand, the names are not.
        let lens: Vec<u32> = recent.iter().map(|r| len_u32(r)).collect();
        for (index, &(name_len, _)) in self.lens.iter().enumerate() {
            if !lens.contains(&name_len) {
                continue;
            }
            let r = bookmarks.get(index).map_or(RANK_NONE, |b| rank(recent, b));
            if r != RANK_NONE {
                self.ranked.push((r as u32, index));
                self.ranks[index] = r as u32;
            }
        }
        self.ranked.sort_unstable();
        false
    }

    /// The empty filter's list: the recent bookmarks by recency, then the
    /// rest in file order (a stable sort by rank, without sorting).
    fn unfiltered(&self) -> Vec<Match> {
        let none = RANK_NONE as u32;
        let split = self.ranked.partition_point(|(r, _)| *r < none);
        let m = |index: usize| Match {
            index: index as u32,
            score: 0,
        };
        let mut all = Vec::with_capacity(self.ranks.len());
        all.extend(self.ranked[..split].iter().map(|&(_, i)| m(i)));
        // The rest in file order: the runs between the ranked ones.
        let mut skip: Vec<usize> = self.ranked.iter().map(|&(_, i)| i).collect();
        skip.sort_unstable();
        let mut from = 0;
        for i in skip {
            all.extend((from..i).map(m));
            from = i + 1;
        }
        all.extend((from..self.ranks.len()).map(m));
        all.extend(self.ranked[split..].iter().map(|&(_, i)| m(i)));
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
        let n = self.lens.len();
        let hay = built(&mut self.hay, &mut self.key_buf, bookmarks);
        let mut buffer = std::mem::take(&mut self.key_buf);
        buffer.resize(n, u64::MAX);
        let scan = Scan {
            hay,
            lens: &self.lens,
            ranks: &self.ranks,
            bookmarks,
            query: &query,
            exact: filter.trim(),
            exact_len: Some(len_u32(filter.trim()))
                .filter(|&len| self.lengths & length_bit(len) != 0),
            needs: presence(filter.as_bytes()),
        };
        let written = match among {
            Some(among) => scan.keys(among.iter().map(|m| m.at()), &mut buffer),
            None => scan.keys(0..n, &mut buffer),
        };
        // A key holds the whole order (score, rank, index): any sort will do.
        let keys = &mut buffer[..written];
        keys.sort_unstable();
        let matches = keys.iter().map(|&k| to_match(k)).collect();
        self.key_buf = buffer;
        matches
    }
}

/// The haystacks in `hay`, built if they are not yet (with the key buffer,
/// written now, not left zeros the allocator may hand out as untouched
/// pages, so the first keystroke finds it mapped).
fn built<'a>(
    hay: &'a mut Option<Haystacks>,
    key_buf: &mut Vec<u64>,
    bookmarks: &[Bookmark],
) -> &'a Haystacks {
    hay.get_or_insert_with(|| {
        *key_buf = vec![u64::MAX; bookmarks.len()];
        Haystacks::new(bookmarks)
    })
}

/// A length's bit in `FilterIndex::lengths`.
fn length_bit(len: u32) -> u64 {
    1 << len.min(63)
}

/// A length as kept in the index (saturated: two saturated lengths only
/// send the comparison on to the strings).
fn len_u32(s: &str) -> u32 {
    u32::try_from(s.len()).unwrap_or(u32::MAX)
}

/// The bit of an ASCII letter (either case) or digit in a presence mask.
const fn letter_bit(b: u8) -> u64 {
    match b {
        b'a'..=b'z' => 1 << (b - b'a'),
        b'A'..=b'Z' => 1 << (b - b'A'),
        b'0'..=b'9' => 1 << (26 + b - b'0'),
        _ => 0,
    }
}

const LETTER_BITS: [u64; 256] = {
    let mut bits = [0; 256];
    let mut b = 0;
    while b < 256 {
        bits[b] = letter_bit(b as u8);
        b += 1;
    }
    bits
};

/// The letters and digits in `text`, either case.
pub(super) fn presence(text: &[u8]) -> u64 {
    text.iter().fold(0, |m, &b| m | LETTER_BITS[usize::from(b)])
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

/// Everything scoring needs, for one pass.
struct Scan<'a> {
    hay: &'a Haystacks,
    /// `FilterIndex::lens` and `ranks`.
    lens: &'a [(u32, u32)],
    ranks: &'a [u32],
    bookmarks: &'a [Bookmark],
    query: &'a Query,
    /// The whole filter, for the exact-name bonus, and its length; None
    /// when no name or display name is that long.
    exact: &'a str,
    exact_len: Option<u32>,
    /// The filter's letters and digits: a match has them all.
    needs: u64,
}

impl Scan<'_> {
    /// Write the sort keys of the bookmarks among `ids` that match to the
    /// start of `out` (as long as `ids`), in `ids` order; how many.
    fn keys(&self, ids: impl Iterator<Item = usize>, out: &mut [u64]) -> usize {
        SCRATCH.with_borrow_mut(|s| {
            let keys = ids.filter_map(|index| {
                let present = self.hay.present.get(index)?;
                if present & self.needs != self.needs {
                    return None;
                }
                let hay = self.hay.haystack(index)?;
                let mut score = self.query.pattern.score(hay, &mut s.matcher)?;
                if self.is_exact(index) {
                    score += EXACT_BONUS;
                }
                let rank = self.ranks.get(index).map_or(RANK_NONE, |&r| r as usize);
                Some(sort_key(score, rank, index))
            });
            out.iter_mut()
                .zip(keys)
                .map(|(slot, key)| *slot = key)
                .count()
        })
    }

    /// The filter is bookmark `index`'s name or display name (ignoring
    /// ASCII case); the lengths are compared first, from the index.
    #[inline]
    fn is_exact(&self, index: usize) -> bool {
        let Some(n) = self.exact_len else {
            return false;
        };
        let Some(&(name, display)) = self.lens.get(index) else {
            return false;
        };
        (name == n || display == n)
            && self.bookmarks.get(index).is_some_and(|b| {
                b.name.eq_ignore_ascii_case(self.exact)
                    || b.display.eq_ignore_ascii_case(self.exact)
            })
    }
}
