//! Scores remembered by haystack shape.

use super::*;

/// A haystack's *shape* for one filter: each ASCII byte that the filter
/// does not contain (in either case) replaced by a stand-in of the same
/// nucleo character class (lower, upper, digit, space, delimiter, other).
/// nucleo reads a haystack only through its length, each character's class
/// and whether it equals a character of the filter's words, so a haystack
/// scores what its shape scores. Shapes repeat a lot (account numbers,
/// generated names: `acct000123-prod` and `acct000456-prod` are one shape
/// for `prod`), and scoring a word of two letters or more costs ~0.4 µs, so
/// scores are remembered by shape (`Memo`).
pub(super) struct Shapes {
    /// Per byte (256 entries: no bounds to check), what stands for it.
    pub(super) stand_in: [u8; 256],
}

impl Shapes {
    /// Worth it when a word has two characters or more (a one-letter word
    /// costs nucleo less than a lookup); only for an ASCII filter (a
    /// non-ASCII word matches no ASCII haystack anyway).
    pub(super) fn new(filter: &str) -> Option<Shapes> {
        if !filter.is_ascii() || filter.split(' ').all(|w| w.len() < 2) {
            return None;
        }
        let kept = |b: u8| filter.bytes().any(|f| f.eq_ignore_ascii_case(&b));
        // Each byte maps to the first of its class not kept.
        let mut stand_in = [0u8; 256];
        for (b, to) in (0u8..=255).zip(stand_in.iter_mut()) {
            *to = b;
            if !b.is_ascii() || kept(b) {
                continue;
            }
            let class = usize::from(CLASS_OF[usize::from(b)]);
            if let Some(&s) = CLASSES[class].iter().find(|&&s| !kept(s)) {
                *to = s;
            }
        }
        Some(Shapes { stand_in })
    }
}

/// nucleo's classes of ASCII: lower, upper, digit, space, delimiter
/// (`Config::DEFAULT.delimiter_chars` is "/,:;|"), and the rest, of which
/// these are a few (any byte in no list is of the last class).
pub(super) const CLASSES: [&[u8]; 6] = [
    b"abcdefghijklmnopqrstuvwxyz",
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    b"0123456789",
    b" \t\n\x0c\r",
    b"/,:;|",
    b"-_.#@!~",
];

/// Per byte, its class (a number into `CLASSES`).
pub(super) const CLASS_OF: [u8; 256] = {
    let mut of = [(CLASSES.len() - 1) as u8; 256];
    let mut class = 0;
    while class < CLASSES.len() {
        let mut i = 0;
        while i < CLASSES[class].len() {
            of[CLASSES[class][i] as usize] = class as u8;
            i += 1;
        }
        class += 1;
    }
    of
};

/// Scores remembered by shape, for one thread's part of one pass. It turns
/// itself off when shapes do not repeat (then it would only cost).
pub(super) struct Memo<'a> {
    shapes: &'a Shapes,
    scores: HashMap<Box<[u8]>, Option<u32>, BuildHasherDefault<ShapeHasher>>,
    shape: Vec<u8>,
    lookups: u32,
    misses: u32,
}

impl<'a> Memo<'a> {
    pub(super) fn new(shapes: &'a Shapes) -> Memo<'a> {
        Memo {
            shapes,
            scores: HashMap::default(),
            shape: Vec::new(),
            lookups: 0,
            misses: 0,
        }
    }

    /// Still worth asking: after 256 lookups, at least half must have hit.
    pub(super) fn on(&self) -> bool {
        self.lookups < 256 || self.misses * 2 <= self.lookups
    }

    /// `hay`'s score: remembered for its shape, else `score` of the shape.
    pub(super) fn score(
        &mut self,
        hay: &[u8],
        score: impl FnOnce(&[u8]) -> Option<u32>,
    ) -> Option<u32> {
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
pub(super) struct ShapeHasher(u64);

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
