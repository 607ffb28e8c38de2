//! A large file read in parts, one per core.

use super::*;

/// The file cut at bookmark headers into up to `parts` parts, read at the
/// same time: the first as usual, the others as bookmarks only, with the
/// `[defaults]` of the file's top (before its first bookmark). Anything
/// else (another table in a later part, `[defaults]` after a bookmark, one
/// name in two parts, an invalid line) is `None`: then `whole` reads the
/// file and, if it is not in the subset, the validator says why. The
/// result is the one `whole` gives (tests compare them).
pub(super) fn in_parts(text: &str, parts: usize) -> Option<Loaded> {
    let first = bookmark_header_at_or_after(text, 0)?;
    let cuts = cuts(text, first, parts);
    if cuts.len() < 3 {
        return None;
    }
    let Pass::Done(top) = pass(text, 0..first, None, false)? else {
        return None;
    };
    let defaults = top.defaults;
    let (head, tails) = std::thread::scope(|s| {
        let tails: Vec<_> = cuts[1..]
            .windows(2)
            .map(|w| {
                let (range, defaults) = (w[0]..w[1], defaults.clone());
                std::thread::Builder::new()
                    .spawn_scoped(s, move || pass(text, range, Some(defaults), true))
                    .ok()
            })
            .collect();
        let head = pass(text, 0..cuts[1], None, false);
        // A thread that could not be had: the whole file is read instead.
        let tails: Vec<_> = tails
            .into_iter()
            .map(|t| t.and_then(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))))
            .collect();
        (head, tails)
    });
    let Pass::Done(mut head) = head? else {
        return None;
    };
    let from = head.loaded.items.len();
    // Each part's names against the parts before it (sets kept apart:
    // merging them would hash every name again).
    let mut earlier = vec![std::mem::take(&mut head.names)];
    for tail in tails {
        let Pass::Done(tail) = tail? else {
            return None;
        };
        if tail
            .names
            .iter()
            .any(|n| earlier.iter().any(|e| e.contains(n)))
        {
            return None;
        }
        earlier.push(tail.names);
        head.loaded.items.extend(tail.loaded.items);
        head.loaded.extras.extend(tail.loaded.extras);
    }
    let loaded = &mut head.loaded;
    super::super::apply_colors(
        &mut loaded.items[from..],
        defaults.color.as_ref(),
        &loaded.settings.colors,
    );
    Some(head.loaded)
}

/// Where the parts start: 0, then up to `parts - 1` bookmark headers near
/// even shares of the bookmarks from `first`, then the end.
fn cuts(text: &str, first: usize, parts: usize) -> Vec<usize> {
    let mut cuts = vec![0];
    let share = (text.len() - first) / parts;
    for k in 1..parts {
        let from = (first + k * share).max(cuts[cuts.len() - 1] + 1);
        match bookmark_header_at_or_after(text, from) {
            Some(at) if at > first && at > cuts[cuts.len() - 1] => cuts.push(at),
            _ => break,
        }
    }
    cuts.push(text.len());
    cuts
}

/// The first line at or after `from` that starts with `[bookmarks.`.
fn bookmark_header_at_or_after(text: &str, from: usize) -> Option<usize> {
    const HEADER: &str = "[bookmarks.";
    if from == 0 && text.starts_with(HEADER) {
        return Some(0);
    }
    let from = from.saturating_sub(1);
    let rest = text.get(from..)?;
    rest.find("\n[bookmarks.").map(|i| from + i + 1)
}
