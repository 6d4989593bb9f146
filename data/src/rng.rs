//! The generator's own pseudo-random numbers: SplitMix64 for seeding, xoshiro256** for streams.
//!
//! Hand-written rather than taken from the `rand` crate so that a dependency upgrade can never
//! change a generated catalogue: the same `(seed, dataset index)` must give the same bytes on
//! every machine and every build. Only integer arithmetic is used here; the few floating-point
//! helpers build their values from integers exactly (no `powf`/`exp`, whose last bits can
//! differ between platform maths libraries).

/// One step of SplitMix64: a strong 64-bit mixer, used to expand seeds and to hash indices.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Mixes several words into one seed, so that e.g. `(seed, i)` and `(seed, i + 1)` give
/// unrelated streams.
pub fn mix(words: &[u64]) -> u64 {
    let mut state = 0x6A09_E667_F3BC_C908_u64;
    let mut out = 0;
    for &w in words {
        state ^= w;
        out = splitmix64(&mut state);
    }
    out
}

/// Stable 64-bit hash of a string (FNV-1a folded through SplitMix64), for ids that must
/// depend only on a name, e.g. a tag's id is the same in every dataset that carries it.
pub fn hash_str(seed: u64, s: &str) -> u64 {
    let mut h = 0xCBF2_9CE4_8422_2325_u64 ^ seed;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01B3);
    }
    let mut state = h;
    splitmix64(&mut state)
}

/// xoshiro256** generator: fast, small state, good statistical quality.
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator whose stream is fully determined by `seed`.
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        Self { s }
    }

    /// A generator for one purpose (`domain`) and one item (`index`) of a catalogue seed, so
    /// any item can be regenerated on its own.
    pub fn derive(seed: u64, domain: u64, index: u64) -> Self {
        Self::new(mix(&[seed, domain, index]))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (`n > 0`), by Lemire's multiply-shift. The tiny bias for huge `n` is
    /// irrelevant here and keeps this branch-free and deterministic.
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform index into a slice of length `n`.
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform in the inclusive range `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)`, built from 53 random bits (exact, so platform-independent).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A uniformly chosen element (copied: the lists are of `&'static str` and such).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// A uniformly chosen element, by reference.
    pub fn pick_ref<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// An element chosen with probability proportional to its weight (copied, like
    /// [`Rng::pick`]).
    pub fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        self.weighted_by(items, |item| item.1).0
    }

    /// An element chosen with probability proportional to `weight(element)`, for tables whose
    /// weight lives inside the element.
    pub fn weighted_by<'a, T>(&mut self, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
        let total: u64 = items.iter().map(|x| u64::from(weight(x))).sum();
        let mut r = self.below(total.max(1));
        for item in items {
            let w = u64::from(weight(item));
            if r < w {
                return item;
            }
            r -= w;
        }
        &items[items.len() - 1]
    }

    /// An index into `weights` chosen with probability proportional to its weight.
    pub fn weighted_index(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut r = self.below(total.max(1));
        for (i, &w) in weights.iter().enumerate() {
            let w = u64::from(w);
            if r < w {
                return i;
            }
            r -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// Sixteen random bytes shaped as a version-4 UUID (what CKAN's `uuid4()` produces).
    pub fn uuid(&mut self) -> String {
        let hi = self.next_u64();
        let lo = self.next_u64();
        format_uuid(hi, lo)
    }
}

/// Formats 128 bits as a lowercase version-4, variant-1 UUID string.
pub fn format_uuid(hi: u64, lo: u64) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // Set the version nibble to 4 and the variant bits to 10xx, as uuid4 does.
    let hi = (hi & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let lo = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    let mut out = String::with_capacity(36);
    for (n, word) in [hi, lo].into_iter().enumerate() {
        for k in 0..16 {
            let pos = n * 16 + k;
            if matches!(pos, 8 | 12 | 16 | 20) {
                out.push('-');
            }
            let nibble = (word >> (60 - 4 * k)) & 0xF;
            out.push(HEX[nibble as usize] as char);
        }
    }
    out
}

/// A UUID that depends only on `(seed, name)`.
pub fn uuid_for(seed: u64, name: &str) -> String {
    let h = hash_str(seed, name);
    let mut state = h;
    format_uuid(h, splitmix64(&mut state))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_fixed() {
        // Pinned against an independent (Python) implementation of SplitMix64-seeded
        // xoshiro256**: if these change, every generated catalogue changes.
        let mut r = Rng::new(42);
        assert_eq!(r.next_u64(), 0x1578_0b2e_0c2e_c716);
        assert_eq!(r.next_u64(), 0x6104_d986_6d11_3a7e);
        assert_eq!(r.next_u64(), 0xae17_5332_39e4_99a1);
    }

    #[test]
    fn uuid_shape() {
        let mut r = Rng::new(1);
        for _ in 0..100 {
            let u = r.uuid();
            assert_eq!(u.len(), 36);
            assert_eq!(&u[14..15], "4");
            assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
            assert_eq!(u.matches('-').count(), 4);
        }
    }

    #[test]
    fn below_stays_in_range() {
        let mut r = Rng::new(7);
        for n in 1..200 {
            assert!(r.below(n) < n);
        }
    }
}
