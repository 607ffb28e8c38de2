//! The radix sort of a pass's sort keys into the picker's list.

use super::*;

fn to_match(k: u64) -> Match {
    Match {
        index: (k & INDEX_MASK) as u32,
        score: u32::MAX - (k >> 32) as u32,
    }
}

/// The matches of the sort keys in `runs`, sorted. The keys come in file
/// order, so a stable radix sort on the bits above the index (score and
/// rank, which take few values: often one pass from the runs straight into
/// the result) orders them fully.
pub(super) fn sorted(runs: &[&[u64]]) -> Vec<Match> {
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
