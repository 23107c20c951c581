//! Monthly usage rows of the contest CSV, drawn from a store's latent traits with noise:
//! shares by weekday, hour band, residence, gender and age, and the three percentile buckets,
//! which are ranks within (month, type) exactly as in the real file.

use std::collections::BTreeMap;

use jeju_data::contest::{Bucket, MonthlyRecord, RATIO_COUNT};

use crate::rng::{self, SynthRng};
use crate::traits::Store;

/// Probability that a row leaves one group of ratio columns blank (about 1% of ratio fields).
const BLANK_GROUP_P: f64 = 0.055;

/// A month of one store before the buckets are known.
#[derive(Debug, Clone)]
pub(crate) struct MonthDraft {
    pub store: usize,
    pub ym: u32,
    /// Transactions (relative).
    pub count: f64,
    /// Sales amount (relative).
    pub amount: f64,
    /// Amount per transaction (won).
    pub ticket: f64,
    pub ratios: [Option<f64>; RATIO_COUNT],
}

/// Rounds shares to 4 decimals so that they sum to exactly 1 (largest remainder).
pub(crate) fn round_shares<const N: usize>(shares: [f64; N]) -> [f64; N] {
    let total: f64 = shares.iter().map(|x| x.max(0.0)).sum();
    if !(total > 0.0 && total.is_finite()) {
        return [0.0; N];
    }
    let scaled: Vec<f64> = shares
        .iter()
        .map(|x| x.max(0.0) / total * 10_000.0)
        .collect();
    let mut units: Vec<i64> = scaled.iter().map(|x| x.floor() as i64).collect();
    let mut missing = 10_000 - units.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..N).collect();
    order.sort_by(|a, b| {
        let ra = scaled[*a] - scaled[*a].floor();
        let rb = scaled[*b] - scaled[*b].floor();
        rb.total_cmp(&ra).then(a.cmp(b))
    });
    for i in order.iter().cycle().take(N * 2) {
        if missing <= 0 {
            break;
        }
        units[*i] += 1;
        missing -= 1;
    }
    let mut out = [0.0; N];
    for (o, u) in out.iter_mut().zip(units) {
        *o = u as f64 / 10_000.0;
    }
    out
}

fn round4(x: f64) -> f64 {
    (rng::clamp(x, 0.0, 1.0) * 10_000.0).round() / 10_000.0
}

/// Multiplies each share by log-normal noise and renormalizes.
fn jitter<const N: usize>(rng: &mut SynthRng, base: &[f64; N], sd: f64) -> [f64; N] {
    let mut v = *base;
    for x in &mut v {
        *x *= rng::lognoise(rng, sd);
    }
    v
}

/// Drafts the monthly rows of one store.
pub(crate) fn draft(rng: &mut SynthRng, index: usize, store: &Store) -> Vec<MonthDraft> {
    // Small shops have noisier shares.
    let noise = 1.0 + 0.8 * (1.0 - store.popularity);
    let base_count = (2.6 * store.popularity + 0.3 * rng::normal(rng)).exp();
    // The 12-month customer mix drifts slowly (AR(1) in log space).
    let mut age_walk = [0.0f64; 5];
    let mut gender_walk = 0.0f64;
    let tourist = store.region_profile.tourist;
    let mut out = Vec::with_capacity(store.months.len());
    for &m in &store.months {
        let mi = (m as usize).saturating_sub(1).min(11);
        let season = store.season[mi];
        let mut open_fraction = 1.0;
        if m == store.months.first().copied().unwrap_or(1) && store.open_day > 1 {
            open_fraction = (31.0 - f64::from(store.open_day) + 1.0).max(1.0) / 31.0;
        }
        let count = base_count * season * open_fraction * rng::lognoise(rng, 0.12 * noise);
        let ticket = store.ticket * rng::lognoise(rng, 0.06);
        let amount = count * ticket * rng::lognoise(rng, 0.05);

        let weekday = round_shares(jitter(rng, &store.weekday, 0.07 * noise));
        let hours = round_shares(jitter(rng, &store.hours, 0.08 * noise));
        let local = round4(
            store.local_share * (1.0 - 0.25 * tourist * (season - 1.0))
                + 0.035 * noise * rng::normal(rng),
        );
        gender_walk = 0.7 * gender_walk + 0.03 * rng::normal(rng);
        let female = round4(store.female_share * gender_walk.exp());
        let male = round4(1.0 - female);
        let mut ages = store.ages;
        for (a, w) in ages.iter_mut().zip(age_walk.iter_mut()) {
            *w = 0.7 * *w + 0.04 * rng::normal(rng);
            *a *= w.exp();
        }
        let ages = round_shares(ages);

        let mut ratios = [None; RATIO_COUNT];
        for (slot, v) in ratios.iter_mut().zip(weekday.iter().chain(hours.iter())) {
            *slot = Some(*v);
        }
        ratios[12] = Some(local);
        ratios[13] = Some(male);
        ratios[14] = Some(female);
        for (j, v) in ages.iter().enumerate() {
            ratios[15 + j] = Some(*v);
        }
        if rng::chance(rng, BLANK_GROUP_P) {
            // weekday (7), hour bands (5), local (1), gender (2), age (5)
            let group = rng::weighted(rng, &[1.0, 1.0, 2.0, 1.5, 1.5]).unwrap_or(2);
            let range = match group {
                0 => 0..7,
                1 => 7..12,
                2 => 12..13,
                3 => 13..15,
                _ => 15..20,
            };
            for r in &mut ratios[range] {
                *r = None;
            }
        }
        out.push(MonthDraft {
            store: index,
            ym: 202300 + m,
            count,
            amount,
            ticket,
            ratios,
        });
    }
    out
}

fn bucket_of(rank: usize, n: usize) -> Bucket {
    let q = (rank as f64 + 0.5) / n.max(1) as f64;
    match q {
        q if q <= 0.10 => Bucket::Top10,
        q if q <= 0.25 => Bucket::Top10To25,
        q if q <= 0.50 => Bucket::Top25To50,
        q if q <= 0.75 => Bucket::Top50To75,
        q if q <= 0.90 => Bucket::Top75To90,
        _ => Bucket::Bottom10,
    }
}

/// Ranks each value within its group (descending; ties by position) and returns buckets.
fn ranks(groups: &BTreeMap<(u32, usize), Vec<usize>>, values: &[f64]) -> Vec<Bucket> {
    let mut out = vec![Bucket::Top25To50; values.len()];
    for members in groups.values() {
        let mut sorted = members.clone();
        sorted.sort_by(|a, b| values[*b].total_cmp(&values[*a]).then(a.cmp(b)));
        for (rank, i) in sorted.iter().enumerate() {
            out[*i] = bucket_of(rank, sorted.len());
        }
    }
    out
}

/// Turns drafts into contest records: buckets are percentile ranks within (month, type);
/// rows are ordered by month, then store.
pub(crate) fn finish(mut drafts: Vec<MonthDraft>, stores: &[Store]) -> Vec<MonthlyRecord> {
    drafts.sort_by(|a, b| a.ym.cmp(&b.ym).then(a.store.cmp(&b.store)));
    let mut groups: BTreeMap<(u32, usize), Vec<usize>> = BTreeMap::new();
    for (i, d) in drafts.iter().enumerate() {
        let store_type = stores.get(d.store).map(|s| s.store_type).unwrap_or(0);
        groups.entry((d.ym, store_type)).or_default().push(i);
    }
    let counts: Vec<f64> = drafts.iter().map(|d| d.count).collect();
    let amounts: Vec<f64> = drafts.iter().map(|d| d.amount).collect();
    let tickets: Vec<f64> = drafts.iter().map(|d| d.ticket).collect();
    let count_b = ranks(&groups, &counts);
    let amount_b = ranks(&groups, &amounts);
    let ticket_b = ranks(&groups, &tickets);
    drafts
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let store = stores.get(d.store)?;
            Some(MonthlyRecord {
                ym: d.ym,
                name: store.name.clone(),
                opened: store.opened.clone(),
                store_type: store.type_name().to_owned(),
                address: store.address.clone(),
                count_bucket: count_b[i],
                amount_bucket: amount_b[i],
                per_transaction_bucket: ticket_b[i],
                ratios: d.ratios,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_to_exactly_one() {
        for shares in [
            [0.3333, 0.3333, 0.3334],
            [1.0, 1.0, 1.0],
            [0.0, 0.0, 5.0],
            [0.12345, 0.5, 0.37655],
        ] {
            let r = round_shares(shares);
            let units: i64 = r.iter().map(|x| (x * 10_000.0).round() as i64).sum();
            assert_eq!(units, 10_000, "{r:?}");
        }
        assert_eq!(round_shares([0.0, 0.0]), [0.0, 0.0]);
    }

    #[test]
    fn percentile_buckets() {
        let n = 20;
        let b: Vec<u8> = (0..n).map(|r| bucket_of(r, n).rank()).collect();
        assert_eq!(
            b,
            vec![1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 5, 5, 5, 6, 6]
        );
        assert_eq!(bucket_of(0, 1), Bucket::Top25To50);
    }
}
