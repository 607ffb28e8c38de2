//! Fuzzy filtering of the bookmark list with `nucleo-matcher`, over display
//! name, name, account and role.
//!
//! Filtering only scores (cheap); the matched positions for highlighting are
//! computed by [`Query::highlights`] for the rows actually drawn, so a
//! keystroke costs one scoring pass however long the list is.

use crate::config::bookmarks::Bookmark;
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::cell::RefCell;
use std::sync::OnceLock;

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
pub fn filter(bookmarks: &[Bookmark], filter: &str, recent: &[String]) -> Vec<Match> {
    filter_among(bookmarks, filter, recent, None)
}

/// Like [`filter`], for a filter typed on from `old` (whose result is
/// `old_matches`): when `new` only adds to `old`, nothing outside the old
/// matches can match, so only those are scored (typing gets cheaper as the
/// list narrows).
pub fn refine(
    bookmarks: &[Bookmark],
    old: &str,
    old_matches: &[Match],
    new: &str,
    recent: &[String],
) -> Vec<Match> {
    // A backslash escapes the space after it ("a\ b" is one word), so text
    // after one can loosen the pattern: rescan everything then.
    if !old.is_empty() && new.starts_with(old) && !old.contains('\\') {
        let among: Vec<usize> = old_matches.iter().map(|m| m.index).collect();
        filter_among(bookmarks, new, recent, Some(&among))
    } else {
        filter(bookmarks, new, recent)
    }
}

fn filter_among(
    bookmarks: &[Bookmark],
    filter: &str,
    recent: &[String],
    among: Option<&[usize]>,
) -> Vec<Match> {
    let query = Query::new(filter);
    if query.is_empty() {
        let mut all: Vec<(usize, Match)> = bookmarks
            .iter()
            .enumerate()
            .map(|(index, b)| (rank(recent, b), Match { index, score: 0 }))
            .collect();
        // Stable: recent ones by rank, the rest keep file order.
        all.sort_by_key(|(r, _)| *r);
        return all.into_iter().map(|(_, m)| m).collect();
    }
    let job = Job {
        bookmarks,
        query: &query,
        recent,
        exact: filter.trim(),
    };
    let count = among.map_or(bookmarks.len(), <[usize]>::len);
    let threads = if count >= PARALLEL_FROM { threads() } else { 1 };
    let chunk = count.div_ceil(threads).max(1);
    let ids = |from: usize| -> Box<dyn Iterator<Item = usize> + Send + '_> {
        let to = (from + chunk).min(count);
        match among {
            Some(among) => Box::new(among[from..to].iter().copied()),
            None => Box::new(from..to),
        }
    };
    let mut keys = if threads == 1 {
        job.score(ids(0))
    } else {
        // Large lists: score chunks on all cores (each thread has its own
        // Matcher); the result does not depend on how the work was split.
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..count)
                .step_by(chunk)
                .map(|from| {
                    let part = ids(from);
                    let job = &job;
                    std::thread::Builder::new()
                        .spawn_scoped(s, move || job.score(part))
                        .map_err(|_| from)
                })
                .collect();
            let mut keys = Vec::with_capacity(count);
            for h in handles {
                match h {
                    Ok(h) => keys.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
                    // No thread to be had: do that chunk here.
                    Err(from) => keys.extend(job.score(ids(from))),
                }
            }
            keys
        })
    };
    // One u64 per match sorts much faster than tuples (50,000 bookmarks).
    keys.sort_unstable();
    keys.into_iter()
        .map(|k| Match {
            index: (k & INDEX_MASK) as usize,
            score: u32::MAX - (k >> 32) as u32,
        })
        .collect()
}

/// From this many candidates, scoring is spread over the cores: 50,000
/// bookmarks take ~6 ms on one core, and typing must stay instant.
const PARALLEL_FROM: usize = 4096;

fn threads() -> usize {
    // Asked once: on Linux the answer reads cgroup files.
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(8)))
}

/// Everything scoring needs, shared read-only between threads.
struct Job<'a> {
    bookmarks: &'a [Bookmark],
    query: &'a Query,
    recent: &'a [String],
    /// The whole filter, for the exact-name bonus.
    exact: &'a str,
}

impl Job<'_> {
    /// Sort keys of the bookmarks among `ids` that match.
    fn score(&self, ids: impl Iterator<Item = usize>) -> Vec<u64> {
        SCRATCH.with_borrow_mut(|s| {
            let Scratch {
                matcher,
                text,
                chars,
            } = s;
            ids.filter_map(|index| {
                let b = self.bookmarks.get(index)?;
                text.clear();
                for (i, field) in fields(b).into_iter().enumerate() {
                    if i > 0 && !field.is_empty() {
                        text.push(' ');
                    }
                    text.push_str(field);
                }
                let mut score = self.query.pattern.score(utf32(text, chars), matcher)?;
                if b.name.eq_ignore_ascii_case(self.exact)
                    || b.display.eq_ignore_ascii_case(self.exact)
                {
                    score += EXACT_BONUS;
                }
                Some(sort_key(score, rank(self.recent, b), index))
            })
            .collect()
        })
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
    let name = if display == &b.name {
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

    fn names(bs: &[Bookmark], ms: &[Match]) -> Vec<String> {
        ms.iter().map(|m| bs[m.index].name.clone()).collect()
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
}
