//! A first letter by lookup: a one-letter filter's score of each bookmark
//! read from a table built once, instead of asking nucleo 50,000 times.

use super::index::{BLOCK, PARALLEL_FROM, letter_bit};
use super::*;

/// nucleo scores a one-letter filter as the best, over the letter's places
/// in the haystack, of a value set by two classes: the letter's own (lower,
/// upper, digit) and the character's before it (or "at the start"). Where
/// in the haystack plays no part (`config` sets `prefer_prefix`, which
/// nucleo applies on its other paths, not this one; a haystack of one
/// character is its exact-match path, and left to it). So a haystack's score for every letter at
/// once is told by which letters occur with which value, and that is what
/// this keeps: per bookmark, per value above the lowest, a mask of the
/// letters (either case) that occur with it.
///
/// The values are nucleo's own, asked of it for two-character haystacks
/// when the table is built (`values`); the tests compare every one-letter
/// filter with nucleo's score on generated haystacks.
#[derive(Clone, Debug)]
pub(super) struct OneLetterTable {
    /// The values above the lowest, best first: a *level* is an index here.
    scores: Vec<u32>,
    /// The lowest value: a letter that occurs at no level occurs with this.
    floor: u32,
    /// Per bookmark, one mask per level (as `letter_bit`), back to back;
    /// zeros for a haystack that is not ASCII (scored by nucleo).
    masks: Vec<u64>,
}

/// Classes as `CLASSES` numbers them, and "at the start".
const START: usize = CLASSES.len();
/// The classes a letter or digit can have: lower, upper, digit.
const LETTER_CLASSES: usize = 3;
/// No level: the value is the floor, or the character no letter.
const NONE: u8 = u8::MAX;
/// More levels than this and the table would cost more than it saves.
const MAX_LEVELS: usize = 4;

/// The levels: per (class before, letter class), the level or `NONE`.
struct Levels {
    scores: Vec<u32>,
    floor: u32,
    of: [[u8; LETTER_CLASSES]; START + 1],
}

/// nucleo's value for each (class before, letter class): the score of a
/// one-letter filter on a haystack of a character of the first class and
/// the letter (or the letter and another character, for the start).
fn values() -> Option<[[u32; LETTER_CLASSES]; START + 1]> {
    let mut matcher = Matcher::new(config());
    // A letter of each class, with the filter that finds it; none of them
    // is the first character of a class, which stands for the class before.
    let letters = [(b'q', "q"), (b'Q', "q"), (b'7', "7")];
    let mut values = [[0; LETTER_CLASSES]; START + 1];
    for (before, row) in values.iter_mut().enumerate() {
        for ((letter, filter), value) in letters.into_iter().zip(row.iter_mut()) {
            let hay = match CLASSES.get(before) {
                Some(class) => [*class.first()?, letter],
                None => [letter, b'~'],
            };
            *value = Query::new(filter)
                .pattern
                .score(Utf32Str::Ascii(&hay), &mut matcher)?;
        }
    }
    Some(values)
}

impl Levels {
    fn new() -> Option<Levels> {
        let values = values()?;
        let mut distinct: Vec<u32> = values.iter().flatten().copied().collect();
        distinct.sort_unstable_by(|a, b| b.cmp(a));
        distinct.dedup();
        let floor = distinct.pop()?;
        if distinct.len() > MAX_LEVELS {
            return None;
        }
        let mut of = [[NONE; LETTER_CLASSES]; START + 1];
        for (row, values) in of.iter_mut().zip(values) {
            for (level, value) in row.iter_mut().zip(values) {
                if let Some(i) = distinct.iter().position(|&d| d == value) {
                    *level = i as u8;
                }
            }
        }
        Some(Levels {
            scores: distinct,
            floor,
            of,
        })
    }
}

impl OneLetterTable {
    /// The table for `count` haystacks, `haystack(i)` the i-th; None if
    /// nucleo's values do not fit it (then nucleo scores every letter).
    pub(super) fn new<'a>(
        count: usize,
        haystack: impl Fn(usize) -> Option<Utf32Str<'a>> + Sync,
    ) -> Option<OneLetterTable> {
        let levels = Levels::new()?;
        let stride = levels.scores.len().max(1);
        let mut masks = vec![0u64; count * levels.scores.len()];
        // Blocks of the list spread over the cores (from PARALLEL_FROM).
        let workers = if count >= PARALLEL_FROM {
            crate::cores::available().min(count.div_ceil(BLOCK))
        } else {
            1
        };
        let blocks = masks.chunks_mut(BLOCK * stride).enumerate();
        crate::cores::spread(
            workers,
            blocks,
            || (),
            |_, (block, masks)| {
                for (i, out) in masks.chunks_exact_mut(stride).enumerate() {
                    if let Some(Utf32Str::Ascii(hay)) = haystack(block * BLOCK + i) {
                        mark(hay, &levels, out);
                    }
                }
            },
        );
        Some(OneLetterTable {
            scores: levels.scores,
            floor: levels.floor,
            masks,
        })
    }

    /// Bookmark `index`'s score for the one-letter filter whose letter has
    /// the bit `letter`, if its haystack `hay` holds it; None when the table
    /// cannot tell (nucleo must be asked): a haystack not ASCII, or of one
    /// character (nucleo scores that as an exact match).
    #[inline]
    pub(super) fn score(&self, index: usize, letter: u64, hay: Utf32Str<'_>) -> Option<u32> {
        let Utf32Str::Ascii(bytes) = hay else {
            return None;
        };
        if bytes.len() < 2 {
            return None;
        }
        let stride = self.scores.len();
        let masks = self.masks.get(index * stride..(index + 1) * stride)?;
        let level = masks.iter().position(|m| m & letter != 0);
        Some(level.map_or(self.floor, |l| self.scores[l]))
    }
}

/// Set, in `out` (a mask per level), each letter of `hay` that occurs at a
/// level.
fn mark(hay: &[u8], levels: &Levels, out: &mut [u64]) {
    let mut before = START;
    for &b in hay {
        let class = usize::from(CLASS_OF[usize::from(b)]);
        if let Some(&level) = levels.of[before].get(class)
            && let Some(mask) = out.get_mut(usize::from(level))
        {
            *mask |= letter_bit(b);
        }
        before = class;
    }
}

/// The bit of a one-letter filter that the table answers: a lower-case
/// ASCII letter or a digit, alone but for spaces (an upper-case letter is
/// matched case-sensitively, which the masks do not tell apart).
pub(super) fn one_letter(filter: &str) -> Option<u64> {
    let mut letters = filter.bytes().filter(|&b| b != b' ');
    match (letters.next(), letters.next()) {
        (Some(b @ (b'a'..=b'z' | b'0'..=b'9')), None) => Some(letter_bit(b)),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
