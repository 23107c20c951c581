//! Seeded randomness: independent ChaCha8 streams per generation stage and per store, plus
//! the few distributions the generator needs (none of which can panic).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The generator's random number generator.
pub(crate) type SynthRng = ChaCha8Rng;

/// Generation stages; each gets its own stream so that changing one stage does not reshuffle
/// the others.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stage {
    /// Which (region, type) pairs exist, and in which order.
    Plan = 1,
    /// Store identity, location, traits and menu (one sequential stream).
    Stores = 2,
    /// Monthly usage rows of one store.
    Monthly = 3,
    /// Reviews of one store.
    Reviews = 4,
}

/// SplitMix64 finaliser: a cheap, well-mixing bijection on `u64`.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stream for `(seed, stage, index)`.
pub(crate) fn stream(seed: u64, stage: Stage, index: u64) -> SynthRng {
    let key = splitmix64(seed ^ splitmix64((stage as u64) << 48 ^ splitmix64(index)));
    ChaCha8Rng::seed_from_u64(key)
}

/// A uniform draw in `[0, 1)`.
pub(crate) fn unit(rng: &mut SynthRng) -> f64 {
    rng.random::<f64>()
}

/// `true` with probability `p` (clamped to `[0, 1]`; NaN counts as 0).
pub(crate) fn chance(rng: &mut SynthRng, p: f64) -> bool {
    unit(rng) < p
}

/// A uniform integer in `lo..=hi`; `lo` when `hi < lo`.
pub(crate) fn int(rng: &mut SynthRng, lo: u32, hi: u32) -> u32 {
    if hi > lo {
        rng.random_range(lo..=hi)
    } else {
        lo
    }
}

/// A uniform index below `len`; `None` for an empty collection.
pub(crate) fn index(rng: &mut SynthRng, len: usize) -> Option<usize> {
    (len > 0).then(|| rng.random_range(0..len))
}

/// A standard normal draw (Box–Muller).
pub(crate) fn normal(rng: &mut SynthRng) -> f64 {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    let u1 = 1.0 - unit(rng);
    let u2 = unit(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// `exp(N(0, sd))`: multiplicative noise around 1.
pub(crate) fn lognoise(rng: &mut SynthRng, sd: f64) -> f64 {
    (sd * normal(rng)).exp()
}

/// An index drawn proportionally to non-negative weights; `None` when all are zero.
pub(crate) fn weighted(rng: &mut SynthRng, weights: &[f64]) -> Option<usize> {
    let total: f64 = weights.iter().filter(|w| w.is_finite() && **w > 0.0).sum();
    if total <= 0.0 {
        return None;
    }
    let mut x = unit(rng) * total;
    let mut last = None;
    for (i, w) in weights.iter().enumerate() {
        if !(w.is_finite() && *w > 0.0) {
            continue;
        }
        last = Some(i);
        if x < *w {
            return Some(i);
        }
        x -= w;
    }
    last
}

/// A uniformly chosen element.
pub(crate) fn pick<'a, T>(rng: &mut SynthRng, items: &'a [T]) -> Option<&'a T> {
    index(rng, items.len()).and_then(|i| items.get(i))
}

/// A uniformly chosen string; `""` for an empty table.
pub(crate) fn pick_str(rng: &mut SynthRng, items: &[&'static str]) -> &'static str {
    pick(rng, items).copied().unwrap_or("")
}

/// Fisher–Yates shuffle (own implementation so the order is pinned to this crate).
pub(crate) fn shuffle<T>(rng: &mut SynthRng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}

/// Clamps to `[lo, hi]`, mapping NaN to `lo`.
pub(crate) fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    if x.is_nan() {
        lo
    } else {
        x.max(lo).min(hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map(|_| stream(7, Stage::Reviews, 3).random())
            .collect();
        let mut r = stream(7, Stage::Reviews, 3);
        let first: u64 = r.random();
        assert_eq!(a[0], first);
        let mut other = stream(7, Stage::Reviews, 4);
        assert_ne!(first, other.random::<u64>());
        let mut other = stream(8, Stage::Reviews, 3);
        assert_ne!(first, other.random::<u64>());
    }

    #[test]
    fn distributions_are_total() {
        let mut r = stream(1, Stage::Plan, 0);
        assert_eq!(weighted(&mut r, &[]), None);
        assert_eq!(weighted(&mut r, &[0.0, f64::NAN]), None);
        assert_eq!(weighted(&mut r, &[0.0, 2.0]), Some(1));
        assert_eq!(int(&mut r, 5, 3), 5);
        assert_eq!(pick_str(&mut r, &[]), "");
        assert_eq!(clamp(f64::NAN, 0.0, 1.0), 0.0);
        let mean: f64 = (0..20_000).map(|_| normal(&mut r)).sum::<f64>() / 20_000.0;
        assert!(mean.abs() < 0.05, "{mean}");
        let mut v: Vec<u32> = (0..10).collect();
        shuffle(&mut r, &mut v);
        v.sort_unstable();
        assert_eq!(v, (0..10).collect::<Vec<_>>());
    }
}
