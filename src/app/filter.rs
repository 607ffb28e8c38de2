//! Fuzzy filtering of the bookmark list with `nucleo-matcher`, over display
//! name, name, account and role.
//!
//! Filtering only scores (cheap); the matched positions for highlighting are
//! computed by [`Query::highlights`] for the rows actually drawn, so a
//! keystroke costs at most one scoring pass however long the list is, and
//! usually less: the picker keeps a [`FilterIndex`] (haystacks built once per
//! bookmark list, the matches of the filters typed on the way), so typing on
//! scores only the previous matches, deleting back is a lookup, and scores
//! are remembered by haystack shape (`Shapes`). Every path gives exactly
//! what one pass of nucleo over every bookmark gives (the tests check it).

use crate::config::bookmarks::Bookmark;
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One bookmark that passed the filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    /// Index into `App::bookmarks`.
    pub index: usize,
    /// nucleo score, higher is better; 0 on an empty filter.
    pub score: u32,
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

/// What filtering needs besides the bookmarks, kept in the picker's state so
/// a keystroke does no more than score:
///
/// - each bookmark's haystack (its searched fields joined, see `fields`),
///   built once per bookmark list ([`FilterIndex::new`], at start-up and
///   when the bookmarks change), not once per key;
/// - each bookmark's recency rank, computed again only when the recent
///   list changes;
/// - the matches of the shorter filters typed on the way to the current
///   one, so deleting back to one of them (Backspace, Ctrl-W) is a lookup.
///
/// The result never depends on any of this: [`FilterIndex::search`] returns
/// exactly what [`FilterIndex::full`] (one pass over every bookmark) would.
#[derive(Clone, Default)]
pub struct FilterIndex {
    /// The ASCII haystacks, back to back.
    ascii: Vec<u8>,
    /// The other haystacks, one `char` per entry (as `utf32` gives them).
    wide: Vec<char>,
    /// Per bookmark, where its haystack is.
    spans: Vec<Span>,
    /// Per bookmark, the ASCII letters and digits in its haystack (either
    /// case): a filter with a letter it lacks cannot match it.
    present: Vec<u64>,
    /// Per bookmark, the byte lengths of its name and display name (the
    /// exact-name bonus compares them first).
    lens: Vec<(u32, u32)>,
    /// Per bookmark, what `rank` says for `ranked_for`.
    ranks: Vec<u32>,
    /// The bookmarks whose rank is not `RANK_NONE`, by (rank, index).
    ranked: Vec<(u32, usize)>,
    /// The recent list `ranks` was computed for.
    ranked_for: Vec<String>,
    /// Earlier filters and their matches, oldest first: each is a prefix of
    /// the next, the last a prefix of the current filter.
    earlier: Vec<(String, Vec<Match>)>,
}

#[derive(Clone, Copy, Debug)]
struct Span {
    start: usize,
    len: u32,
    wide: bool,
}

/// At most this many earlier filters are kept (a filter is rarely longer).
const EARLIER_MAX: usize = 32;

impl std::fmt::Debug for FilterIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilterIndex")
            .field("bookmarks", &self.spans.len())
            .field("ranked_for", &self.ranked_for)
            .field(
                "earlier",
                &self.earlier.iter().map(|(q, _)| q).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl FilterIndex {
    /// The haystacks of `bookmarks` (no recent list yet: every rank is none).
    pub fn new(bookmarks: &[Bookmark]) -> FilterIndex {
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
                letters(&ascii[start..end])
            });
            spans.push(Span {
                start,
                len: u32::try_from(end - start).unwrap_or(u32::MAX),
                wide: is_wide,
            });
        }
        FilterIndex {
            ascii,
            wide,
            present,
            lens: bookmarks
                .iter()
                .map(|b| (len_u32(&b.name), len_u32(&b.display)))
                .collect(),
            ranks: vec![RANK_NONE as u32; spans.len()],
            spans,
            ranked: Vec::new(),
            ranked_for: Vec::new(),
            earlier: Vec::new(),
        }
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
            self.spans.len(),
            "index of other bookmarks"
        );
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

    /// The empty filter's list: the recent bookmarks by recency, then the
    /// rest in file order (a stable sort by rank, without sorting).
    fn unfiltered(&self) -> Vec<Match> {
        let none = RANK_NONE as u32;
        let split = self.ranked.partition_point(|(r, _)| *r < none);
        let m = |index| Match { index, score: 0 };
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
    fn scan(&self, bookmarks: &[Bookmark], filter: &str, among: Option<&[Match]>) -> Vec<Match> {
        let query = Query::new(filter);
        if query.is_empty() {
            return self.unfiltered();
        }
        let scan = Scan {
            index: self,
            bookmarks,
            query: &query,
            exact: filter.trim(),
            exact_len: len_u32(filter.trim()),
            shapes: Shapes::new(filter),
            needs: letters(filter.as_bytes()),
        };
        // The candidates in file order (then the sort keys come in file
        // order too): every bookmark, or the old matches as a bitset.
        let n = self.spans.len();
        let count = among.map_or(n, <[Match]>::len);
        let among = among.map(|among| {
            let mut bits = vec![0u64; n.div_ceil(64)];
            for m in among {
                if let Some(word) = bits.get_mut(m.index / 64) {
                    *word |= 1 << (m.index % 64);
                }
            }
            bits
        });
        let blocks = n.div_ceil(BLOCK);
        let workers = if count >= PARALLEL_FROM {
            crate::cores::available().min(blocks)
        } else {
            1
        };
        // Workers take blocks of the list in turn until none is left (so a
        // busy core does less), each with its own Matcher and memo, into
        // one buffer of sort keys: (keys, [(block, start, end)]).
        let next = AtomicUsize::new(0);
        let work = || {
            let mut memo = scan.shapes.as_ref().map(Memo::new);
            let mut keys = Vec::with_capacity(count.div_ceil(workers).min(n));
            let mut done = Vec::new();
            loop {
                let block = next.fetch_add(1, Ordering::Relaxed);
                if block >= blocks {
                    return (keys, done);
                }
                let start = keys.len();
                let ids = block * BLOCK..((block + 1) * BLOCK).min(n);
                match &among {
                    Some(bits) => scan.keys(set_bits(bits, ids), &mut memo, &mut keys),
                    None => scan.keys(ids, &mut memo, &mut keys),
                }
                done.push((block, start, keys.len()));
            }
        };
        let parts = if workers == 1 {
            vec![work()]
        } else {
            std::thread::scope(|s| {
                // A thread that cannot be had leaves its blocks to the others.
                let helpers: Vec<_> = (1..workers)
                    .filter_map(|_| std::thread::Builder::new().spawn_scoped(s, work).ok())
                    .collect();
                let mut parts = vec![work()];
                for h in helpers {
                    parts.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
                }
                parts
            })
        };
        // The blocks' keys back in candidate order.
        let mut runs: Vec<(usize, &[u64])> = parts
            .iter()
            .flat_map(|(keys, done)| done.iter().map(|&(b, from, to)| (b, &keys[from..to])))
            .collect();
        runs.sort_unstable_by_key(|(block, _)| *block);
        let runs: Vec<&[u64]> = runs.into_iter().map(|(_, r)| r).collect();
        // The result does not depend on the split: one sort of all keys.
        sorted(&runs)
    }
}

/// Bookmarks per block of work (a multiple of 64, for the bitsets).
const BLOCK: usize = 2048;

/// The positions in `range` (which starts at a multiple of 64) whose bit is
/// set in `bits`, in order.
fn set_bits(bits: &[u64], range: std::ops::Range<usize>) -> impl Iterator<Item = usize> + '_ {
    let words = bits
        .get(range.start / 64..range.end.div_ceil(64))
        .unwrap_or(&[]);
    words.iter().enumerate().flat_map(move |(i, &word)| {
        let base = range.start + i * 64;
        let mut word = word;
        std::iter::from_fn(move || {
            (word != 0).then(|| {
                let bit = word.trailing_zeros() as usize;
                word &= word - 1;
                base + bit
            })
        })
    })
}

fn to_match(k: u64) -> Match {
    Match {
        index: (k & INDEX_MASK) as usize,
        score: u32::MAX - (k >> 32) as u32,
    }
}

/// The matches of the sort keys in `runs`, sorted. The keys come in file
/// order, so a stable radix sort on the bits above the index (score and
/// rank, which take few values: often one pass from the runs straight into
/// the result) orders them fully.
fn sorted(runs: &[&[u64]]) -> Vec<Match> {
    let keys = || runs.iter().flat_map(|r| r.iter().copied());
    let total: usize = runs.iter().map(|r| r.len()).sum();
    let (or, and) = keys().fold((0u64, !0u64), |(or, and), k| (or | k, and & k));
    let varying = or ^ and;
    // The rank's four bits, then the (inverted) score a byte at a time.
    let digits: Vec<(u32, u64)> = [(28, 0xf), (32, 0xff), (40, 0xff), (48, 0xff), (56, 0xff)]
        .into_iter()
        .filter(|&(shift, mask)| (varying >> shift) & mask != 0)
        .collect();
    if total < 512 || digits.len() > 3 {
        let mut all: Vec<u64> = keys().collect();
        all.sort_unstable();
        return all.into_iter().map(to_match).collect();
    }
    let Some((&last, first)) = digits.split_last() else {
        return keys().map(to_match).collect();
    };
    let mut out = vec![Match { index: 0, score: 0 }; total];
    if first.is_empty() {
        scatter(keys(), last, &mut out, to_match);
        return out;
    }
    let mut buf = vec![0u64; total];
    scatter(keys(), first[0], &mut buf, |k| k);
    let mut other = vec![0u64; if first.len() > 1 { total } else { 0 }];
    for &digit in &first[1..] {
        scatter(buf.iter().copied(), digit, &mut other, |k| k);
        std::mem::swap(&mut buf, &mut other);
    }
    scatter(buf.iter().copied(), last, &mut out, to_match);
    out
}

/// One stable counting-sort pass on the digit `(shift, mask)` of `keys`
/// into `out`, as `f` makes them.
fn scatter<T>(
    keys: impl Iterator<Item = u64> + Clone,
    (shift, mask): (u32, u64),
    out: &mut [T],
    f: impl Fn(u64) -> T,
) {
    let digit = |k: u64| ((k >> shift) & mask) as usize;
    let mut at = [0usize; 256];
    for k in keys.clone() {
        at[digit(k)] += 1;
    }
    let mut sum = 0;
    for slot in &mut at {
        let n = *slot;
        *slot = sum;
        sum += n;
    }
    for k in keys {
        let slot = &mut at[digit(k)];
        if let Some(o) = out.get_mut(*slot) {
            *o = f(k);
        }
        *slot += 1;
    }
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
fn letters(text: &[u8]) -> u64 {
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
fn narrows(old: &str, new: &str) -> bool {
    new.starts_with(old) && !old.contains('\\') && new.is_ascii() && !Query::new(old).is_empty()
}

/// `new` is `old` plus spaces, and no space of it is escaped: the same words
/// and the same trimmed filter, so the same result.
fn only_spaces_added(old: &str, new: &str) -> bool {
    !old.contains('\\')
        && new
            .strip_prefix(old)
            .is_some_and(|rest| rest.bytes().all(|b| b == b' '))
}

/// From this many candidates, scoring is spread over the cores: a first
/// letter over 50,000 bookmarks takes ~1 ms on one core, and typing must
/// stay instant.
const PARALLEL_FROM: usize = 4096;

/// Everything scoring needs, shared read-only between threads.
struct Scan<'a> {
    index: &'a FilterIndex,
    bookmarks: &'a [Bookmark],
    query: &'a Query,
    /// The whole filter, for the exact-name bonus, and its length.
    exact: &'a str,
    exact_len: u32,
    /// How to reduce a haystack to its shape for this filter, when scores
    /// are worth remembering by shape.
    shapes: Option<Shapes>,
    /// The filter's letters and digits: a match has them all.
    needs: u64,
}

impl Scan<'_> {
    /// Append the sort keys of the bookmarks among `ids` that match to
    /// `out`, in `ids` order.
    fn keys(&self, ids: impl Iterator<Item = usize>, memo: &mut Option<Memo>, out: &mut Vec<u64>) {
        SCRATCH.with_borrow_mut(|s| {
            out.extend(ids.filter_map(|index| {
                let present = self.index.present.get(index)?;
                if present & self.needs != self.needs {
                    return None;
                }
                let hay = self.index.haystack(index)?;
                let mut score = match (&mut *memo, hay) {
                    (Some(memo), Utf32Str::Ascii(bytes)) if memo.on() => {
                        memo.score(bytes, |shape| {
                            self.query
                                .pattern
                                .score(Utf32Str::Ascii(shape), &mut s.matcher)
                        })
                    }
                    _ => self.query.pattern.score(hay, &mut s.matcher),
                }?;
                if self.is_exact(index) {
                    score += EXACT_BONUS;
                }
                let rank = self
                    .index
                    .ranks
                    .get(index)
                    .map_or(RANK_NONE, |&r| r as usize);
                Some(sort_key(score, rank, index))
            }))
        })
    }

    /// The filter is bookmark `index`'s name or display name (ignoring
    /// ASCII case); the lengths are compared first, from the index.
    #[inline]
    fn is_exact(&self, index: usize) -> bool {
        let n = self.exact_len;
        let Some(&(name, display)) = self.index.lens.get(index) else {
            return false;
        };
        (name == n || display == n)
            && self.bookmarks.get(index).is_some_and(|b| {
                b.name.eq_ignore_ascii_case(self.exact)
                    || b.display.eq_ignore_ascii_case(self.exact)
            })
    }
}

/// A haystack's *shape* for one filter: each ASCII byte that the filter
/// does not contain (in either case) replaced by a stand-in of the same
/// nucleo character class (lower, upper, digit, space, delimiter, other).
/// nucleo reads a haystack only through its length, each character's class
/// and whether it equals a character of the filter's words, so a haystack
/// scores what its shape scores. Shapes repeat a lot (account numbers,
/// generated names: `acct000123-prod` and `acct000456-prod` are one shape
/// for `prod`), and scoring a word of two letters or more costs ~0.4 µs, so
/// scores are remembered by shape (`Memo`).
struct Shapes {
    /// Per byte (256 entries: no bounds to check), what stands for it.
    stand_in: [u8; 256],
}

impl Shapes {
    /// Worth it when a word has two characters or more (a one-letter word
    /// costs nucleo less than a lookup); only for an ASCII filter (a
    /// non-ASCII word matches no ASCII haystack anyway).
    fn new(filter: &str) -> Option<Shapes> {
        if !filter.is_ascii() || filter.split(' ').all(|w| w.len() < 2) {
            return None;
        }
        let kept = |b: u8| filter.bytes().any(|f| f.eq_ignore_ascii_case(&b));
        // nucleo's classes of ASCII (`Config::DEFAULT.delimiter_chars` is
        // "/,:;|"); each byte maps to the first of its class not kept.
        const CLASSES: [&[u8]; 6] = [
            b"abcdefghijklmnopqrstuvwxyz",
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            b"0123456789",
            b" \t\n\x0c\r",
            b"/,:;|",
            b"-_.#@!~",
        ];
        let mut stand_in = [0u8; 256];
        for (b, to) in (0u8..=255).zip(stand_in.iter_mut()) {
            *to = b;
            if !b.is_ascii() || kept(b) {
                continue;
            }
            let class = CLASSES.iter().position(|c| c.contains(&b)).unwrap_or(5);
            if let Some(&s) = CLASSES[class].iter().find(|&&s| !kept(s)) {
                *to = s;
            }
        }
        Some(Shapes { stand_in })
    }
}

/// Scores remembered by shape, for one thread's part of one pass. It turns
/// itself off when shapes do not repeat (then it would only cost).
struct Memo<'a> {
    shapes: &'a Shapes,
    scores: HashMap<Box<[u8]>, Option<u32>, BuildHasherDefault<ShapeHasher>>,
    shape: Vec<u8>,
    lookups: u32,
    misses: u32,
}

impl<'a> Memo<'a> {
    fn new(shapes: &'a Shapes) -> Memo<'a> {
        Memo {
            shapes,
            scores: HashMap::default(),
            shape: Vec::new(),
            lookups: 0,
            misses: 0,
        }
    }

    /// Still worth asking: after 256 lookups, at least half must have hit.
    fn on(&self) -> bool {
        self.lookups < 256 || self.misses * 2 <= self.lookups
    }

    /// `hay`'s score: remembered for its shape, else `score` of the shape.
    fn score(&mut self, hay: &[u8], score: impl FnOnce(&[u8]) -> Option<u32>) -> Option<u32> {
        let stand_in = &self.shapes.stand_in;
        self.shape.resize(hay.len(), 0);
        for (to, &b) in self.shape.iter_mut().zip(hay) {
            *to = stand_in[usize::from(b)];
        }
        self.lookups += 1;
        if let Some(&s) = self.scores.get(self.shape.as_slice()) {
            return s;
        }
        self.misses += 1;
        let s = score(&self.shape);
        self.scores.insert(self.shape.as_slice().into(), s);
        s
    }
}

/// A fast hash for shapes (local data, no flooding to fear): FxHash's
/// multiply-rotate, on two lanes of 8 bytes (half the latency of one).
#[derive(Default)]
struct ShapeHasher(u64);

impl Hasher for ShapeHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mix = |h: u64, w: &[u8]| {
            let mut b = [0u8; 8];
            b[..w.len()].copy_from_slice(w);
            (h.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(K)
        };
        let (mut a, mut b) = (self.0, !self.0 ^ bytes.len() as u64);
        let mut pairs = bytes.chunks_exact(16);
        for pair in &mut pairs {
            let (x, y) = pair.split_at(8);
            a = mix(a, x);
            b = mix(b, y);
        }
        let rest = pairs.remainder();
        let (x, y) = rest.split_at(rest.len().min(8));
        a = mix(a, x);
        b = mix(b, y);
        self.0 = a ^ b.rotate_left(29);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::tests::bm;

    /// The straightforward scorer the index replaced, kept as the reference:
    /// each bookmark's haystack built afresh, every bookmark scored.
    struct Job<'a> {
        bookmarks: &'a [Bookmark],
        query: &'a Query,
        recent: &'a [String],
        exact: &'a str,
    }

    impl Job<'_> {
        /// Sort keys of the bookmarks among `ids` that match (unsorted).
        fn score(&self, ids: impl Iterator<Item = usize>) -> Vec<u64> {
            let mut matcher = Matcher::new(config());
            let (mut text, mut chars) = (String::new(), Vec::new());
            ids.filter_map(|index| {
                let b = self.bookmarks.get(index)?;
                haystack(b, &mut text);
                let mut score = self
                    .query
                    .pattern
                    .score(utf32(&text, &mut chars), &mut matcher)?;
                if b.name.eq_ignore_ascii_case(self.exact)
                    || b.display.eq_ignore_ascii_case(self.exact)
                {
                    score += EXACT_BONUS;
                }
                Some(sort_key(score, rank(self.recent, b), index))
            })
            .collect()
        }
    }

    /// What `filter` returned before the index: every bookmark scored with
    /// `Job`, sorted; the empty filter by a stable sort on the rank.
    pub(crate) fn reference(bs: &[Bookmark], filter: &str, recent: &[String]) -> Vec<Match> {
        let query = Query::new(filter);
        if query.is_empty() {
            let mut all: Vec<(usize, Match)> = bs
                .iter()
                .enumerate()
                .map(|(index, b)| (rank(recent, b), Match { index, score: 0 }))
                .collect();
            all.sort_by_key(|(r, _)| *r);
            return all.into_iter().map(|(_, m)| m).collect();
        }
        let job = Job {
            bookmarks: bs,
            query: &query,
            recent,
            exact: filter.trim(),
        };
        let mut keys = job.score(0..bs.len());
        keys.sort_unstable();
        keys.into_iter()
            .map(|k| Match {
                index: (k & INDEX_MASK) as usize,
                score: u32::MAX - (k >> 32) as u32,
            })
            .collect()
    }

    fn names(bs: &[Bookmark], ms: &[Match]) -> Vec<String> {
        ms.iter().map(|m| bs[m.index].name.to_string()).collect()
    }

    #[test]
    fn empty_filter_lists_recent_first_then_file_order() {
        let bs = vec![bm("a"), bm("b"), bm("c"), bm("d")];
        let recent = vec!["c".to_string(), "gone".to_string(), "a".to_string()];
        assert_eq!(names(&bs, &filter(&bs, "", &recent)), ["c", "a", "b", "d"]);
        assert_eq!(names(&bs, &filter(&bs, "   ", &[])), ["a", "b", "c", "d"]);
    }

    #[test]
    fn best_match_first_over_every_field() {
        let mut bs = vec![bm("staging"), bm("prod"), bm("dev")];
        bs[2].account = "999988887777".into();
        bs[0].role = "ProdReader".into();
        let ms = filter(&bs, "prod", &[]);
        assert_eq!(
            names(&bs, &ms),
            ["prod", "staging"],
            "exact name beats a role match"
        );
        assert!(ms[0].score > ms[1].score);
        assert_eq!(names(&bs, &filter(&bs, "9999", &[])), ["dev"]);
        assert_eq!(names(&bs, &filter(&bs, "xyz", &[])), Vec::<String>::new());
    }

    #[test]
    fn an_exact_name_wins_over_longer_names() {
        let bs = vec![bm("prod-reader"), bm("prod-old"), bm("prod")];
        assert_eq!(
            names(&bs, &filter(&bs, "prod", &[])),
            ["prod", "prod-reader", "prod-old"]
        );
        assert_eq!(
            names(&bs, &filter(&bs, "PROD", &[])),
            Vec::<String>::new(),
            "smart case"
        );
    }

    #[test]
    fn ties_go_to_the_recent_then_to_file_order() {
        let bs = vec![bm("app1"), bm("app2"), bm("app3")];
        let ms = filter(&bs, "app", &["app3".to_string()]);
        assert_eq!(names(&bs, &ms), ["app3", "app1", "app2"]);
    }

    #[test]
    fn words_must_all_match_and_case_is_smart() {
        let mut bs = vec![bm("prod-eu"), bm("prod-us"), bm("dev-eu")];
        bs[0].role = "Admin".into();
        bs[1].role = "Reader".into();
        bs[2].role = "Reader".into();
        assert_eq!(names(&bs, &filter(&bs, "prod eu", &[])), ["prod-eu"]);
        assert_eq!(names(&bs, &filter(&bs, "admin", &[])), ["prod-eu"]);
        assert!(
            filter(&bs, "ADMIN", &[]).is_empty(),
            "upper case is case-sensitive"
        );
    }

    #[test]
    fn refining_gives_the_same_result_as_filtering_afresh() {
        let mut bs: Vec<Bookmark> = ["prod", "prod eu", "pr\\od", "dev", "Prod-x", "ops"]
            .iter()
            .map(|n| bm(n))
            .collect();
        bs[3].role = "ProdReader".into();
        bs[5].display = "Operations prod".into();
        let recent = vec!["ops".to_string()];
        for (old, new) in [
            ("p", "pr"),
            ("pr", "prod"),
            ("prod", "prod "),
            ("prod ", "prod e"),
            ("pr", "pR"),
            ("pr\\", "pr\\ "),
            ("x", "xy"),
        ] {
            let old_matches = filter(&bs, old, &recent);
            let refined = refine(&bs, old, &old_matches, new, &recent);
            assert_eq!(refined, filter(&bs, new, &recent), "{old:?} -> {new:?}");
        }
        // Not an extension (backspace): everything is scanned again.
        let narrow = filter(&bs, "prod", &recent);
        assert_eq!(
            refine(&bs, "prod", &narrow, "pro", &recent),
            filter(&bs, "pro", &recent)
        );
    }

    #[test]
    fn large_lists_scored_in_parallel_rank_like_one_thread() {
        let bs: Vec<Bookmark> = (0..PARALLEL_FROM * 2 + 7)
            .map(|i| {
                let mut b = bm(&format!("b{i}"));
                b.role = ["Admin", "ReadOnly", "PowerUser"][i % 3].into();
                b
            })
            .collect();
        let recent = vec!["b9000".to_string(), "b15".to_string()];
        let got = filter(&bs, "b1 ad", &recent);
        let job = Job {
            bookmarks: &bs,
            query: &Query::new("b1 ad"),
            recent: &recent,
            exact: "b1 ad",
        };
        let mut keys = job.score(0..bs.len());
        keys.sort_unstable();
        let want: Vec<usize> = keys.iter().map(|k| (k & INDEX_MASK) as usize).collect();
        assert!(got.len() > 1000);
        assert_eq!(got.iter().map(|m| m.index).collect::<Vec<_>>(), want);
        let pos = got.iter().position(|m| bs[m.index].name == "b15").unwrap();
        assert!(
            got[..pos].iter().all(|m| m.score > got[pos].score),
            "a recent one wins ties"
        );
        assert_eq!(got[pos + 1].score, got[pos].score, "there was a tie to win");
    }

    #[test]
    fn highlights_land_in_the_right_fields() {
        let mut b = bm("prod");
        b.display = "Production".into();
        b.role = "Admin".into();
        let h = Query::new("produ adm").highlights(&b);
        assert_eq!(h.display, [0, 1, 2, 3, 4]);
        assert_eq!(h.role, [0, 1, 2]);
        assert!(h.account.is_empty() && h.name.is_empty());
        let h = Query::new("4321").highlights(&b);
        assert_eq!(h.account, [8, 9, 10, 11]);
        b.name = "alpha".into();
        assert_eq!(
            Query::new("alp").highlights(&b).name,
            [0, 1, 2],
            "the name is searched too"
        );
        // Non-ASCII text: indices are char indices.
        b.display = "Prüfung".into();
        let h = Query::new("fung").highlights(&b);
        assert_eq!(h.display, [3, 4, 5, 6]);
        assert!(Query::new("").highlights(&b).display.is_empty());
    }

    // ---- the index: the same results as scoring everything afresh ----

    /// Bookmarks with upper case, digits, backslashes and non-ASCII text
    /// (accents, a combining mark, a title-case letter, dotted İ) in their
    /// fields, plus plain ones to make ties.
    pub(crate) fn varied() -> Vec<Bookmark> {
        let mut bs: Vec<Bookmark> = [
            "prod", "prod-us", "Prod-EU", "produ", "dev", "ops", "pr\\od", "audit", "uber",
            "stage", "prodx", "p-r-o-d",
        ]
        .iter()
        .map(|n| bm(n))
        .collect();
        let displays = [
            "Production US",
            "",
            "Prüfung prod",
            "Ǆemal produ",
            "e\u{301}clair",
            "İstanbul ops",
            "pr od",
            "Über audit",
            "über",
            "Stage PRODUCTION",
            "prodU",
            "P R O D",
        ];
        let roles = ["ProdUser", "PowerUser", "ReadOnly", "Admin"];
        for (i, b) in bs.iter_mut().enumerate() {
            b.display = displays[i].into();
            b.role = roles[i % 4].into();
            b.account = format!("{:012}", 100_000_000_000u64 + i as u64 * 7919).into();
        }
        for i in 0..20 {
            let mut b = bm(&format!("app{i}-{}", ["prod", "dev", "eu", "us"][i % 4]));
            b.role = roles[i % 3].into();
            bs.push(b);
        }
        bs
    }

    /// Recent names, some gone, and more than the 15 ranks a sort key holds.
    fn many_recent() -> Vec<String> {
        let mut recent: Vec<String> = ["ops", "gone", "prodx", "app3-us"].map(String::from).into();
        recent.extend(
            (4..20)
                .rev()
                .map(|i| format!("app{i}-{}", ["prod", "dev", "eu", "us"][i % 4])),
        );
        recent
    }

    const QUERIES: [&str; 30] = [
        "",
        "   ",
        "p",
        "pr",
        "prod",
        "prodU",
        "produ",
        "PROD",
        "Prod",
        "prod ",
        "prod eu",
        "prod  eu ",
        " prod",
        "pr\\ od",
        "pr\\",
        "ü",
        "u",
        "über",
        "Über",
        "ǅ",
        "ǆ",
        "é",
        "e\u{301}",
        "e",
        "İ",
        "i",
        "app1",
        "app 1 eu",
        "1000",
        "zzz",
    ];

    #[test]
    fn the_index_filters_as_the_reference_does() {
        let bs = varied();
        for recent in [vec![], many_recent()] {
            for q in QUERIES {
                assert_eq!(filter(&bs, q, &recent), reference(&bs, q, &recent), "{q:?}");
            }
        }
    }

    /// One edit of the filter, as the picker's keys make them.
    #[derive(Clone, Debug)]
    enum Edit {
        Type(char),
        Backspace,
        DeleteWord,
        Clear,
        /// A switch moved this bookmark to the front of the recent list.
        Used(usize),
    }

    fn apply(filter: &mut String, recent: &mut Vec<String>, bs: &[Bookmark], edit: &Edit) {
        match edit {
            Edit::Type(c) => filter.push(*c),
            Edit::Backspace => drop(filter.pop()),
            Edit::DeleteWord => {
                let trimmed = filter.trim_end_matches(' ').len();
                filter.truncate(trimmed);
                let cut = filter.rfind(' ').map_or(0, |i| i + 1);
                filter.truncate(cut);
            }
            Edit::Clear => filter.clear(),
            Edit::Used(i) => {
                let name = &bs[i % bs.len()].name;
                recent.retain(|r| r != name);
                recent.insert(0, name.to_string());
                recent.truncate(5);
            }
        }
    }

    /// Runs `edits` through one index as the picker does, checking every
    /// step against the reference; returns the index.
    fn check_edits(bs: &[Bookmark], edits: &[Edit]) -> FilterIndex {
        let mut index = FilterIndex::new(bs);
        let (mut text, mut recent) = (String::new(), Vec::new());
        let mut matches = index.full(bs, &text, &recent);
        for (step, edit) in edits.iter().enumerate() {
            let old = text.clone();
            apply(&mut text, &mut recent, bs, edit);
            matches = index.search(bs, &old, matches, &text, &recent);
            assert_eq!(
                matches,
                reference(bs, &text, &recent),
                "step {step} {edit:?}: {old:?} -> {text:?}, recent {recent:?}"
            );
        }
        index
    }

    fn typing(text: &str) -> Vec<Edit> {
        text.chars().map(Edit::Type).collect()
    }

    #[test]
    fn narrowing_and_deleting_back_give_what_a_full_pass_gives() {
        let bs = varied();
        let mut edits = typing("prod");
        // Smart case: the upper-case letter makes the word case-sensitive,
        // and deleting it makes it case-insensitive again.
        edits.extend(typing("U"));
        edits.push(Edit::Backspace);
        // Words: a space, then a second word, typed and deleted.
        edits.extend(typing(" e"));
        edits.extend(typing("u"));
        edits.push(Edit::DeleteWord);
        edits.push(Edit::Backspace);
        edits.push(Edit::Backspace);
        edits.extend(typing("od us"));
        edits.push(Edit::Clear);
        // An escaped space joins two words into one.
        edits.extend(typing("pr\\ od"));
        edits.push(Edit::Clear);
        // Non-ASCII text (full passes) and back to ASCII.
        edits.extend(typing("üb"));
        edits.push(Edit::Backspace);
        edits.push(Edit::Backspace);
        edits.extend(typing("e\u{301}ǅ"));
        edits.push(Edit::Clear);
        // The recent list changes while a filter is typed.
        edits.extend(typing("app"));
        edits.push(Edit::Used(14));
        edits.push(Edit::Backspace);
        edits.extend(typing("p1"));
        edits.push(Edit::Used(20));
        edits.extend(typing(" "));
        edits.push(Edit::DeleteWord);
        check_edits(&bs, &edits);
    }

    #[test]
    fn deleting_back_finds_the_matches_kept_on_the_way() {
        let bs = varied();
        let mut index = FilterIndex::new(&bs);
        let mut matches = index.full(&bs, "", &[]);
        let mut text = String::new();
        for c in "prod e".chars() {
            let old = text.clone();
            text.push(c);
            matches = index.search(&bs, &old, matches, &text, &[]);
        }
        let earlier: Vec<&str> = index.earlier.iter().map(|(q, _)| q.as_str()).collect();
        assert_eq!(earlier, ["", "p", "pr", "pro", "prod", "prod "]);
        let kept = index.earlier[3].1.clone();
        let back = index.search(&bs, "prod e", matches, "pro", &[]);
        assert_eq!(back, kept, "the kept matches of \"pro\"");
        assert_eq!(back, reference(&bs, "pro", &[]));
        let earlier: Vec<&str> = index.earlier.iter().map(|(q, _)| q.as_str()).collect();
        assert_eq!(earlier, ["", "p", "pr"]);
        // Another filter altogether: nothing kept leads to it.
        let other = index.search(&bs, "pro", back, "dev", &[]);
        assert_eq!(other, reference(&bs, "dev", &[]));
        assert!(index.earlier.is_empty());
    }

    #[test]
    fn narrowing_needs_an_ascii_extension_without_backslashes() {
        assert!(narrows("prod", "prodU"));
        assert!(narrows("prod", "prod eu"));
        assert!(narrows("Prod", "Prod-x"));
        assert!(!narrows("", "p"), "nothing to narrow from: a plain pass");
        assert!(!narrows("   ", "   p"));
        assert!(!narrows("pro", "pr"));
        assert!(!narrows("pr\\", "pr\\ od"));
        assert!(!narrows("ub", "ubé"));
        assert!(!narrows("ü", "üb"));
        assert!(only_spaces_added("prod", "prod  "));
        assert!(!only_spaces_added("prod\\", "prod\\ "));
        assert!(!only_spaces_added("prod", "prod e"));
    }

    #[test]
    fn large_lists_narrow_in_parallel_like_a_full_pass() {
        let bs: Vec<Bookmark> = (0..PARALLEL_FROM * 2 + 7)
            .map(|i| {
                let mut b = bm(&format!("b{i}"));
                b.role = ["Admin", "ReadOnly", "PowerUser"][i % 3].into();
                if i % 5 == 0 {
                    b.display = format!("Équipe {i}").into();
                }
                b
            })
            .collect();
        let mut edits = typing("b1");
        edits.push(Edit::Used(1000));
        edits.extend(typing(" ad"));
        edits.push(Edit::Backspace);
        edits.extend(typing("D"));
        edits.push(Edit::DeleteWord);
        edits.extend(typing("é"));
        check_edits(&bs, &edits);
        // Full passes (sorted by radix on score and rank) with recent ones.
        let recent: Vec<String> = ["b77", "b5000", "b8", "b1234"].map(String::from).into();
        for q in ["b", "b1", "1", "ad", "b2 a", "b77", "Power"] {
            assert_eq!(filter(&bs, q, &recent), reference(&bs, q, &recent), "{q:?}");
        }
    }

    fn edit() -> impl Strategy<Value = Edit> {
        let chars = [
            'p', 'r', 'o', 'd', 'P', 'U', 'e', 'u', 'a', '1', ' ', ' ', '\\', 'ü', 'é', '\u{301}',
            'ǅ', 'İ',
        ];
        prop_oneof![
            8 => proptest::sample::select(chars.to_vec()).prop_map(Edit::Type),
            2 => Just(Edit::Backspace),
            1 => Just(Edit::DeleteWord),
            1 => Just(Edit::Clear),
            1 => (0..40usize).prop_map(Edit::Used),
        ]
    }

    use proptest::prelude::*;

    /// ASCII text weighted towards the filter's letters, with every class
    /// of character (and control characters, backslashes, quotes).
    fn ascii_text(len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
        let byte = prop_oneof![
            4 => proptest::sample::select(b"prodPRODeu".to_vec()),
            4 => 0u8..128,
            1 => proptest::sample::select(b" /,:;|-_.\\\t\"".to_vec()),
        ];
        proptest::collection::vec(byte, len).prop_map(|b| b.into_iter().map(char::from).collect())
    }

    #[test]
    fn every_ascii_stand_in_keeps_the_class_nucleo_sees() {
        let mut matcher = Matcher::new(config());
        for filter in ["ab", "Ab", "a1", "ab cd", "a-b", "a|b", "ab c"] {
            let shapes = Shapes::new(filter).expect("a word of two letters");
            let query = Query::new(filter);
            for b in 0u8..128 {
                let c = char::from(b);
                let hays = [
                    format!("{c}ab"),
                    format!("x{c}ab"),
                    format!("X{c}Ab"),
                    format!("a{c}b"),
                    format!("xa{c}bx"),
                    format!("ab{c}"),
                    format!("1{c}a1"),
                    format!("a{c}1"),
                    format!("xy{c}Ab cd{c}d"),
                ];
                for hay in hays {
                    let shape: Vec<u8> = hay
                        .bytes()
                        .map(|b| shapes.stand_in[usize::from(b)])
                        .collect();
                    assert_eq!(
                        query
                            .pattern
                            .score(Utf32Str::Ascii(hay.as_bytes()), &mut matcher),
                        query.pattern.score(Utf32Str::Ascii(&shape), &mut matcher),
                        "{filter:?} on {hay:?}, shape {:?}",
                        String::from_utf8_lossy(&shape)
                    );
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// What the memo rests on: a haystack scores what its shape scores.
        #[test]
        fn a_haystack_scores_what_its_shape_scores(
            hay in ascii_text(0..40),
            filter in ascii_text(1..8),
        ) {
            let Some(shapes) = Shapes::new(&filter) else { return Ok(()) };
            let query = Query::new(&filter);
            let mut matcher = Matcher::new(config());
            let shape: Vec<u8> = hay.bytes().map(|b| shapes.stand_in[usize::from(b)]).collect();
            let direct = query.pattern.score(Utf32Str::Ascii(hay.as_bytes()), &mut matcher);
            let by_shape = query.pattern.score(Utf32Str::Ascii(&shape), &mut matcher);
            prop_assert_eq!(direct, by_shape, "{:?} vs {:?}", hay, String::from_utf8_lossy(&shape));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn any_edits_give_what_a_full_pass_gives(
            edits in proptest::collection::vec(edit(), 1..40)
        ) {
            check_edits(&varied(), &edits);
        }
    }
}
