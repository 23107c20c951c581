//! Sample statistics shared by `jeju bench`, the evaluation report and the load test.

/// The `p` quantile (0–1) of a sample sorted in ascending order, by nearest rank: the element
/// at index `(n−1)·p` rounded (`docs/eval-format.md`); a `p` above 1 gives the largest
/// element. `None` for an empty sample. The sample is not sorted here: callers sort it once
/// for several quantiles.
pub fn percentile<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
    let last = sorted.len().checked_sub(1)?;
    let i = (last as f64 * p).round() as usize;
    Some(sorted[i.min(last)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn percentiles_use_the_rounded_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        // Index round(99 × 0.5) = 50 (0-based), i.e. the 51st smallest.
        assert_eq!(percentile(&v, 0.5), Some(51.0));
        assert_eq!(percentile(&v, 0.95), Some(95.0));
        assert_eq!(percentile(&v, 0.0), Some(1.0));
        assert_eq!(percentile(&v, 1.0), Some(100.0));
        // Round half away from zero: 9 × 0.5 = 4.5 → index 5.
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&ten, 0.5), Some(6.0));
    }

    #[test]
    fn small_samples_and_out_of_range_quantiles() {
        assert_eq!(percentile::<f64>(&[], 0.5), None);
        assert_eq!(percentile(&[3.0], 0.95), Some(3.0));
        assert_eq!(percentile(&[1.0, 2.0], 1.5), Some(2.0));
        assert_eq!(percentile(&[1.0, 2.0], -1.0), Some(1.0));
    }

    #[test]
    fn any_copy_sample_works() {
        let d: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&d, 0.5), Some(Duration::from_millis(51)));
        assert_eq!(percentile(&d, 0.95), Some(Duration::from_millis(95)));
    }
}
