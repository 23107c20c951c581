//! End-to-end checks of the generator: determinism, formats, coverage, and that the visible
//! data carry the hidden traits.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use jeju_data::address::parse_address;
use jeju_data::catalog::{Attraction, Review, ReviewSource, StoreProfile, StoreTruth, View};
use jeju_data::contest::{read_contest_csv, MonthlyRecord, TextEncoding};
use jeju_data::vocab::{self, Companion, KeywordKind, TimeOfDay};
use jeju_data::{files, gazetteer, jsonl};
use jeju_synth::{generate, GenerateOptions, GenerateSummary, Scale, GENERATOR_VERSION};

const ALL_FILES: [&str; 6] = [
    files::CONTEST_CSV,
    files::STORES,
    files::REVIEWS,
    files::ATTRACTIONS,
    files::TRUTH,
    files::MANIFEST,
];

/// A generated data set, read back with the `jeju-data` readers.
struct Data {
    _dir: tempfile::TempDir,
    summary: GenerateSummary,
    records: Vec<MonthlyRecord>,
    stores: Vec<StoreProfile>,
    reviews: Vec<Review>,
    truth: BTreeMap<String, StoreTruth>,
    attractions: Vec<Attraction>,
}

impl Data {
    fn store(&self, id: &str) -> &StoreProfile {
        self.stores
            .iter()
            .find(|s| s.id == id)
            .expect("known store")
    }
}

fn read<T: serde::de::DeserializeOwned>(dir: &Path, name: &str) -> Vec<T> {
    let file = jsonl::read_jsonl::<T>(&dir.join(name)).unwrap();
    assert!(file.errors.is_empty(), "{name}: {:?}", file.errors.first());
    file.items
}

fn load(scale: Scale, seed: u64, encoding: TextEncoding) -> Data {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(
        dir.path(),
        &GenerateOptions {
            scale,
            seed,
            encoding,
        },
    )
    .unwrap();
    let csv = read_contest_csv(&dir.path().join(files::CONTEST_CSV)).unwrap();
    assert_eq!(csv.encoding, encoding);
    assert!(csv.errors.is_empty(), "{:?}", csv.errors.first());
    let truth: Vec<StoreTruth> = read(dir.path(), files::TRUTH);
    Data {
        summary,
        records: csv.records,
        stores: read(dir.path(), files::STORES),
        reviews: read(dir.path(), files::REVIEWS),
        truth: truth.into_iter().map(|t| (t.store_id.clone(), t)).collect(),
        attractions: read(dir.path(), files::ATTRACTIONS),
        _dir: dir,
    }
}

fn small(seed: u64) -> Data {
    load(Scale::Small, seed, TextEncoding::Cp949)
}

fn mean(xs: impl IntoIterator<Item = f64>) -> f64 {
    let (sum, n) = xs
        .into_iter()
        .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    assert!(n > 0, "mean of nothing");
    sum / n as f64
}

/// Per-store means of a ratio property over its monthly rows (blanks skipped).
fn store_means(data: &Data, property: &str) -> BTreeMap<String, f64> {
    let mut acc: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for r in &data.records {
        if let Some(v) = r.ratio(property) {
            let e = acc.entry(r.store_id()).or_default();
            e.0 += v;
            e.1 += 1;
        }
    }
    acc.into_iter()
        .map(|(k, (s, n))| (k, s / n as f64))
        .collect()
}

/// Mean of a per-store value for stores with / without a truth predicate.
fn split_means(
    data: &Data,
    values: &BTreeMap<String, f64>,
    pred: impl Fn(&StoreTruth) -> bool,
) -> (f64, f64) {
    let with = values
        .iter()
        .filter(|(id, _)| pred(&data.truth[*id]))
        .map(|(_, v)| *v);
    let without = values
        .iter()
        .filter(|(id, _)| !pred(&data.truth[*id]))
        .map(|(_, v)| *v);
    (mean(with), mean(without))
}

/// The values of stores of some types only.
fn of_types(data: &Data, values: &BTreeMap<String, f64>, types: &[&str]) -> BTreeMap<String, f64> {
    values
        .iter()
        .filter(|(id, _)| types.contains(&data.store(id).store_type.as_str()))
        .map(|(k, v)| (k.clone(), *v))
        .collect()
}

#[test]
fn same_seed_gives_identical_bytes_and_another_seed_differs() {
    let opts = GenerateOptions::new(Scale::Small, 7);
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    let sa = generate(a.path(), &opts).unwrap();
    let sb = generate(b.path(), &opts).unwrap();
    generate(c.path(), &GenerateOptions::new(Scale::Small, 8)).unwrap();
    assert_eq!(sa, sb);
    for name in ALL_FILES {
        let x = std::fs::read(a.path().join(name)).unwrap();
        let y = std::fs::read(b.path().join(name)).unwrap();
        assert!(!x.is_empty(), "{name} is empty");
        assert!(x == y, "{name} differs between two runs with the same seed");
    }
    for name in [
        files::CONTEST_CSV,
        files::STORES,
        files::REVIEWS,
        files::TRUTH,
        files::MANIFEST,
    ] {
        let x = std::fs::read(a.path().join(name)).unwrap();
        let z = std::fs::read(c.path().join(name)).unwrap();
        assert!(x != z, "{name} is the same for seeds 7 and 8");
    }
    // Regenerating into a used directory overwrites cleanly.
    generate(a.path(), &opts).unwrap();
    for name in ALL_FILES {
        assert!(
            std::fs::read(a.path().join(name)).unwrap()
                == std::fs::read(b.path().join(name)).unwrap()
        );
    }
}

#[test]
fn manifest_records_parameters_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nested").join("out");
    let summary = generate(
        &out,
        &GenerateOptions {
            scale: Scale::Small,
            seed: 3,
            encoding: TextEncoding::Utf8,
        },
    )
    .unwrap();
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(files::MANIFEST)).unwrap()).unwrap();
    assert_eq!(m["generator"], GENERATOR_VERSION);
    assert_eq!(m["scale"], "small");
    assert_eq!(m["seed"], 3);
    assert_eq!(m["encoding"], "utf-8");
    assert_eq!(m["counts"]["stores"], summary.stores);
    assert_eq!(m["counts"]["monthly_rows"], summary.monthly_rows);
    assert_eq!(m["counts"]["reviews"], summary.reviews);
    assert_eq!(m["counts"]["attractions"], summary.attractions);
    assert_eq!(m["files"]["contest_csv"], files::CONTEST_CSV);
}

#[test]
fn both_encodings_carry_the_same_records() {
    let cp = small(11);
    let utf = load(Scale::Small, 11, TextEncoding::Utf8);
    assert_eq!(cp.records, utf.records);
    assert_eq!(cp.stores, utf.stores);
}

#[test]
fn several_seeds_are_cp949_clean() {
    for seed in 100..106 {
        let dir = tempfile::tempdir().unwrap();
        // write_contest_csv fails on any character cp949 cannot encode.
        generate(dir.path(), &GenerateOptions::new(Scale::Small, seed)).unwrap();
        let stores: Vec<StoreProfile> = read(dir.path(), files::STORES);
        for s in &stores {
            for text in [&s.name, &s.address, &s.store_type] {
                let (_, _, bad) = encoding_rs::EUC_KR.encode(text);
                assert!(!bad, "not cp949: {text}");
            }
        }
    }
}

#[test]
fn the_ingest_loader_accepts_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(dir.path(), &GenerateOptions::new(Scale::Small, 13)).unwrap();
    let ds = jeju_data::dataset::DataSet::load(dir.path()).unwrap();
    assert!(ds.errors.is_empty(), "{:?}", ds.errors.first());
    assert_eq!(ds.contest.records.len(), summary.monthly_rows);
    assert_eq!(ds.stores.len(), summary.stores);
    assert_eq!(ds.reviews.len(), summary.reviews);
    assert_eq!(ds.attractions.len(), summary.attractions);
}

#[test]
fn small_scale_has_the_promised_size_and_coverage() {
    let d = small(42);
    assert_eq!(d.summary.stores, 300);
    assert_eq!(d.stores.len(), 300);
    assert_eq!(d.truth.len(), 300);
    assert_eq!(d.records.len(), d.summary.monthly_rows);
    assert_eq!(d.reviews.len(), d.summary.reviews);
    assert!(
        (2_000..=5_000).contains(&d.reviews.len()),
        "{}",
        d.reviews.len()
    );
    assert_eq!(d.attractions.len(), gazetteer::attractions().len());
    assert_eq!(d.summary.attractions, d.attractions.len());

    let parts: Vec<_> = d
        .stores
        .iter()
        .map(|s| (s, parse_address(&s.address)))
        .collect();
    let regions: BTreeSet<&str> = parts
        .iter()
        .filter_map(|(_, p)| p.as_ref())
        .map(|p| p.region.as_str())
        .collect();
    let missing: Vec<&str> = gazetteer::regions()
        .iter()
        .map(|r| r.name.as_str())
        .filter(|r| !regions.contains(r))
        .collect();
    // A blank address may hide a region's only store; allow at most one such gap.
    assert!(missing.len() <= 1, "regions without a store: {missing:?}");
    let cities: BTreeSet<&str> = parts
        .iter()
        .filter_map(|(_, p)| p.as_ref())
        .map(|p| p.city.as_str())
        .collect();
    assert_eq!(cities, BTreeSet::from(["서귀포시", "제주시"]));
    let types: BTreeSet<&str> = d.stores.iter().map(|s| s.store_type.as_str()).collect();
    assert_eq!(types.len(), 30);
    for t in &types {
        assert!(gazetteer::is_store_type(t), "{t}");
    }

    let in_region = |s: &StoreProfile, region: &str| s.address.contains(&format!(" {region} "));
    let hallim_cafes = d
        .stores
        .iter()
        .filter(|s| s.store_type == "커피" && in_region(s, "한림읍"))
        .count();
    assert!(hallim_cafes >= 5, "한림읍 커피: {hallim_cafes}");
    let aewol_pork: Vec<&StoreProfile> = d
        .stores
        .iter()
        .filter(|s| {
            in_region(s, "애월읍")
                && (s.store_type == "가정식" || s.store_type == "단품요리 전문")
                && d.truth[&s.id].dish_tags.iter().any(|t| t == "흑돼지")
        })
        .collect();
    assert!(aewol_pork.len() >= 5, "애월읍 흑돼지: {}", aewol_pork.len());
    for s in aewol_pork {
        assert!(s.menu.iter().any(|m| m.name.contains("흑돼지")), "{s:?}");
    }
}

#[test]
fn monthly_rows_are_consistent_with_the_stores() {
    let d = small(5);
    let ids: BTreeSet<&str> = d.stores.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), d.stores.len(), "duplicate store ids");
    let keys: BTreeSet<(&str, &str, &str, &str)> = d
        .stores
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                s.address.as_str(),
                s.opened.as_str(),
                s.store_type.as_str(),
            )
        })
        .collect();
    assert_eq!(
        keys.len(),
        d.stores.len(),
        "duplicate (name, address, opened, type)"
    );
    for s in &d.stores {
        assert_eq!(
            s.id,
            jeju_data::store_id(&s.name, &s.address, &s.opened, &s.store_type)
        );
    }

    let mut months: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for r in &d.records {
        let id = r.store_id();
        assert!(ids.contains(id.as_str()), "row of unknown store {}", r.name);
        assert!((202301..=202312).contains(&r.ym));
        months.entry(id).or_default().push(r.ym);
    }
    assert_eq!(
        months.len(),
        d.stores.len(),
        "every store has at least one row"
    );
    let mut opened_2023 = 0;
    let mut full_year = 0;
    for s in &d.stores {
        let ms = &months[&s.id];
        let unique: BTreeSet<u32> = ms.iter().copied().collect();
        assert_eq!(unique.len(), ms.len(), "duplicate month for {}", s.name);
        assert_eq!(s.opened.len(), 8);
        let opened_ym: u32 = s.opened[..6].parse().unwrap();
        assert!(opened_ym <= 202312);
        if opened_ym >= 202301 {
            opened_2023 += 1;
            assert!(
                ms.iter().all(|ym| *ym >= opened_ym),
                "{} has rows before opening {}",
                s.name,
                s.opened
            );
            assert_eq!(
                ms.iter().min(),
                Some(&opened_ym),
                "{}: first row is the opening month",
                s.name
            );
        }
        if ms.len() == 12 {
            full_year += 1;
        }
    }
    assert!(opened_2023 > 20, "{opened_2023}");
    assert!(full_year > 60, "{full_year}");

    // Shares: within [0, 1], at most 4 decimals, groups sum to 1.
    let groups = [0..7, 7..12, 13..15, 15..20];
    let mut blanks = 0usize;
    let mut fields = 0usize;
    for r in &d.records {
        for v in r.ratios.iter() {
            fields += 1;
            match v {
                None => blanks += 1,
                Some(x) => {
                    assert!((0.0..=1.0).contains(x), "{x}");
                    assert!(
                        ((x * 10_000.0).round() - x * 10_000.0).abs() < 1e-6,
                        "{x} has more than 4 decimals"
                    );
                }
            }
        }
        for g in groups.clone() {
            let vals: Vec<f64> = r.ratios[g.clone()].iter().flatten().copied().collect();
            if vals.len() == g.len() {
                let sum: f64 = vals.iter().sum();
                assert!(
                    (sum - 1.0).abs() < 0.0015,
                    "group {g:?} sums to {sum} in {r:?}"
                );
            } else {
                assert!(vals.is_empty(), "a group is blank as a whole or not at all");
            }
        }
    }
    let blank_share = blanks as f64 / fields as f64;
    assert!(
        (0.002..0.025).contains(&blank_share),
        "blank ratio share {blank_share}"
    );

    // Buckets are percentile ranks within (month, type): the busiest bucket is ~10%.
    let top = d
        .records
        .iter()
        .filter(|r| r.count_bucket.rank() == 1)
        .count() as f64
        / d.records.len() as f64;
    assert!((0.05..0.16).contains(&top), "{top}");
}

#[test]
fn stores_have_plausible_menus_places_and_ratings() {
    let d = small(9);
    let mut blank_addresses = 0;
    for s in &d.stores {
        assert!(
            (3..=8).contains(&s.menu.len()),
            "{}: {} menu items",
            s.name,
            s.menu.len()
        );
        for m in &s.menu {
            assert!((500..=200_000).contains(&m.price), "{m:?}");
            let expected = match m.name.as_str() {
                "흑돼지 오겹살 (200g)" => Some(18_000..=25_000),
                "고기국수" => Some(9_000..=11_000),
                "갈치조림 (2인)" => Some(45_000..=70_000),
                "전복뚝배기" => Some(15_000..=18_000),
                "아메리카노" => Some(2_500..=6_500),
                _ => None,
            };
            if let Some(range) = expected {
                assert!(range.contains(&m.price), "{} costs {}", m.name, m.price);
            }
        }
        assert!(
            (33.1..=34.0).contains(&s.lat) && (126.1..=127.0).contains(&s.lng),
            "{s:?}"
        );
        for r in [s.ratings.kakao, s.ratings.naver, s.ratings.google]
            .into_iter()
            .flatten()
        {
            assert!((1.0..=5.0).contains(&r));
            assert!(((r * 10.0).round() - r * 10.0).abs() < 1e-4, "{r}");
        }
        let t = &d.truth[&s.id];
        assert!(
            !t.signature_dishes.is_empty() && !t.dish_tags.is_empty() && !t.good_for.is_empty()
        );
        assert!(!t.age_focus.is_empty() && !t.busy_times.is_empty());
        assert!((1..=4).contains(&t.price_level) && (0.0..=1.0).contains(&t.quality));
        for dish in &t.signature_dishes {
            assert!(
                s.menu.iter().any(|m| &m.name == dish),
                "{dish} not on the menu of {}",
                s.name
            );
        }
        if s.address.is_empty() {
            blank_addresses += 1;
            continue;
        }
        let parts = parse_address(&s.address).unwrap_or_else(|| panic!("unparsable {}", s.address));
        let region = gazetteer::region(&parts.region).unwrap();
        assert_eq!(region.city, parts.city);
        let dist = gazetteer::distance_m(region.lat, region.lng, s.lat, s.lng);
        assert!(
            dist < 15_000.0,
            "{} is {dist} m from {}",
            s.name,
            region.name
        );
        assert!(
            s.address.starts_with("제주 ") && s.address.contains("번지"),
            "{}",
            s.address
        );
        if region.kind != "동" {
            let village = s.address.split_whitespace().nth(3).unwrap();
            assert!(village.ends_with('리'), "{}", s.address);
        }
    }
    assert!(blank_addresses <= 6, "{blank_addresses}");
    let names: BTreeSet<&str> = d.stores.iter().map(|s| s.name.as_str()).collect();
    assert!(names.len() > 250, "only {} distinct names", names.len());
}

/// Menu item names as people write them, without spaces (reviews sometimes drop spaces).
fn spoken_items(store: &StoreProfile) -> Vec<String> {
    store
        .menu
        .iter()
        .map(|m| {
            m.name
                .split(" (")
                .next()
                .unwrap_or(&m.name)
                .replace(' ', "")
        })
        .collect()
}

#[test]
fn reviews_are_well_formed_varied_and_about_their_store() {
    let d = small(21);
    for (i, r) in d.reviews.iter().enumerate() {
        assert_eq!(r.id, format!("R{:06}", i + 1));
        assert!(!r.text.trim().is_empty(), "{r:?}");
        assert!(!r.text.contains(['\n', '\r', '\t']), "{r:?}");
        assert!(r.text.chars().count() <= 400, "{r:?}");
        let store = d.store(&r.store_id);
        match r.source {
            ReviewSource::Naver => {
                assert_eq!(r.rating, None);
                assert!((1..=3).contains(&r.keywords.len()), "{r:?}");
                let kinds: Vec<KeywordKind> = r
                    .keywords
                    .iter()
                    .map(|k| vocab::visit_keyword(k).expect("known keyword").kind)
                    .collect();
                assert_eq!(
                    kinds
                        .iter()
                        .filter(|k| **k == KeywordKind::Companion)
                        .count(),
                    1,
                    "{r:?}"
                );
                assert_eq!(kinds[0], KeywordKind::Companion);
            }
            _ => {
                assert!(matches!(r.rating, Some(1..=5)), "{r:?}");
                assert!(r.keywords.is_empty());
            }
        }
        if let Some(v) = &r.visited {
            assert!(v.len() == 7 && v.starts_with("2023-"), "{v}");
            let ym: u32 = v.replace('-', "").parse().unwrap();
            let opened: u32 = store.opened[..6].parse().unwrap();
            assert!(
                ym >= opened.max(202301),
                "visited {v} before opening {}",
                store.opened
            );
        }
    }

    let count = |s: ReviewSource| d.reviews.iter().filter(|r| r.source == s).count();
    let (google, naver, kakao) = (
        count(ReviewSource::Google),
        count(ReviewSource::Naver),
        count(ReviewSource::Kakao),
    );
    assert!(
        google > naver && naver > kakao && kakao > 0,
        "{google} {naver} {kakao}"
    );
    // English reviews may quote a Korean dish name, so compare letter counts.
    let is_english = |text: &str| {
        let latin = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
        let hangul = text.chars().filter(|c| ('가'..='힣').contains(c)).count();
        latin > 2 * hangul
    };
    let english = d
        .reviews
        .iter()
        .filter(|r| r.source == ReviewSource::Google && is_english(&r.text))
        .count() as f64
        / google as f64;
    assert!(
        d.reviews
            .iter()
            .filter(|r| is_english(&r.text))
            .all(|r| r.source == ReviewSource::Google),
        "English reviews come from Google only"
    );
    assert!(
        (0.04..0.2).contains(&english),
        "English share of Google reviews {english}"
    );
    let with_emoji = d
        .reviews
        .iter()
        .filter(|r| r.text.chars().any(|c| c as u32 >= 0x1F300))
        .count();
    assert!(
        with_emoji * 25 > d.reviews.len(),
        "{with_emoji} reviews with emoji"
    );
    let laughing = d
        .reviews
        .iter()
        .filter(|r| r.text.contains("ㅋㅋ") || r.text.contains("ㅎㅎ"))
        .count();
    assert!(laughing * 20 > d.reviews.len(), "{laughing}");

    let first_1000 = &d.reviews[..1_000.min(d.reviews.len())];
    let openings: BTreeSet<String> = first_1000
        .iter()
        .map(|r| r.text.chars().take(10).collect())
        .collect();
    assert!(
        openings.len() > 300,
        "only {} distinct openings",
        openings.len()
    );
    let texts: BTreeSet<&str> = d.reviews.iter().map(|r| r.text.as_str()).collect();
    assert!(
        texts.len() * 10 > d.reviews.len() * 8,
        "{} distinct texts",
        texts.len()
    );
    let lengths: Vec<usize> = d.reviews.iter().map(|r| r.text.chars().count()).collect();
    assert!(
        lengths.iter().any(|l| *l < 15) && lengths.iter().any(|l| *l > 120),
        "lengths do not vary"
    );

    // Reviews talk about their own store's menu.
    let mentions = d
        .reviews
        .iter()
        .filter(|r| {
            let text = r.text.replace(' ', "");
            spoken_items(d.store(&r.store_id))
                .iter()
                .any(|m| text.contains(m.as_str()))
        })
        .count() as f64
        / d.reviews.len() as f64;
    assert!(
        mentions > 0.6,
        "only {mentions} of reviews name a dish of their store"
    );

    // Low-quality stores collect the bad reviews.
    let quality_of = |r: &Review| f64::from(d.truth[&r.store_id].quality);
    let bad = mean(
        d.reviews
            .iter()
            .filter(|r| matches!(r.rating, Some(1 | 2)))
            .map(quality_of),
    );
    let good = mean(
        d.reviews
            .iter()
            .filter(|r| r.rating == Some(5))
            .map(quality_of),
    );
    assert!(
        good > bad + 0.1,
        "quality of 5-star {good} vs 1–2-star {bad}"
    );
}

#[test]
fn visible_data_reflect_the_hidden_traits() {
    let d = small(42);
    let has = |c: Companion| move |t: &StoreTruth| t.good_for.contains(&c);

    // Compared overall and within one kind of store, so that the effect is not just "types
    // differ".
    let old = store_means(&d, "age_60_over_ratio");
    let (with, without) = split_means(&d, &old, has(Companion::Parents));
    assert!(
        with > without + 0.08,
        "60+ share: parents {with} vs others {without}"
    );
    let korean = of_types(&d, &old, &["가정식", "단품요리 전문"]);
    let (with, without) = split_means(&d, &korean, has(Companion::Parents));
    assert!(
        with > without + 0.04,
        "60+ share of Korean restaurants: parents {with} vs others {without}"
    );

    let young = store_means(&d, "age_20_under_ratio");
    let (with, without) = split_means(&d, &young, has(Companion::Couple));
    assert!(
        with > without + 0.06,
        "20- share: couple {with} vs others {without}"
    );
    let korean = of_types(&d, &young, &["가정식", "단품요리 전문"]);
    let (with, without) = split_means(&d, &korean, has(Companion::Couple));
    assert!(
        with > without + 0.03,
        "20- share of Korean restaurants: couple {with} vs others {without}"
    );

    let local = store_means(&d, "local_ratio");
    let (with, without) = split_means(&d, &local, |t| t.local_favorite);
    assert!(
        with > without + 0.15,
        "local share: favourites {with} vs others {without}"
    );

    let late = store_means(&d, "hr_23_4_ratio");
    let (with, without) = split_means(&d, &late, |t| t.busy_times.contains(&TimeOfDay::Late));
    assert!(with > without + 0.1, "late share {with} vs {without}");

    // Per-transaction bucket rank 1 is the most expensive.
    let mut ranks: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for r in &d.records {
        let e = ranks.entry(r.store_id()).or_default();
        e.0 += f64::from(r.per_transaction_bucket.rank());
        e.1 += 1;
    }
    let ranks: BTreeMap<String, f64> = ranks
        .into_iter()
        .map(|(k, (s, n))| (k, s / n as f64))
        .collect();
    let dear = mean(
        ranks
            .iter()
            .filter(|(id, _)| d.truth[*id].price_level == 4)
            .map(|(_, v)| *v),
    );
    let cheap = mean(
        ranks
            .iter()
            .filter(|(id, _)| d.truth[*id].price_level == 1)
            .map(|(_, v)| *v),
    );
    assert!(
        cheap > dear + 1.5,
        "per-transaction rank: level 1 {cheap} vs level 4 {dear}"
    );

    // Naver keywords follow the companions a store is good for.
    let naver: Vec<&Review> = d
        .reviews
        .iter()
        .filter(|r| r.source == ReviewSource::Naver)
        .collect();
    for (c, keyword) in [
        (Companion::Parents, "부모님과"),
        (Companion::Kids, "아이와"),
        (Companion::Couple, "연인·배우자와"),
    ] {
        let rate = |good: bool| {
            let rs: Vec<&&Review> = naver
                .iter()
                .filter(|r| d.truth[&r.store_id].good_for.contains(&c) == good)
                .collect();
            rs.iter()
                .filter(|r| r.keywords.iter().any(|k| k == keyword))
                .count() as f64
                / rs.len().max(1) as f64
        };
        let (with, without) = (rate(true), rate(false));
        assert!(
            with > 3.0 * without && with > 0.15,
            "{keyword}: {with} vs {without}"
        );
    }

    // Ocean views show in the reviews.
    let sea_rate = |ocean: bool| {
        let rs: Vec<&Review> = d
            .reviews
            .iter()
            .filter(|r| (d.truth[&r.store_id].view == View::Ocean) == ocean)
            .collect();
        rs.iter()
            .filter(|r| {
                r.text.contains("바다") || r.text.contains("오션") || r.text.contains("ocean")
            })
            .count() as f64
            / rs.len().max(1) as f64
    };
    assert!(
        sea_rate(true) > 4.0 * sea_rate(false),
        "{} vs {}",
        sea_rate(true),
        sea_rate(false)
    );

    // Stars follow quality.
    let mut by_store: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for r in &d.reviews {
        if let Some(s) = r.rating {
            by_store
                .entry(r.store_id.as_str())
                .or_default()
                .push(f64::from(s));
        }
    }
    let stars: BTreeMap<String, f64> = by_store
        .into_iter()
        .map(|(k, v)| (k.to_owned(), mean(v)))
        .collect();
    let (hi, lo) = split_means(&d, &stars, |t| t.quality >= 0.7);
    assert!(hi > lo + 0.4, "stars: quality >= 0.7 {hi} vs {lo}");
}

#[test]
fn full_scale_has_the_size_of_the_real_file() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(dir.path(), &GenerateOptions::new(Scale::Full, 2024)).unwrap();
    assert_eq!(summary.stores, 9_250);
    assert!(
        (64_000..=72_000).contains(&summary.monthly_rows),
        "{}",
        summary.monthly_rows
    );
    assert!(summary.reviews >= 100_000, "{}", summary.reviews);
    let csv = read_contest_csv(&dir.path().join(files::CONTEST_CSV)).unwrap();
    assert!(csv.errors.is_empty());
    assert_eq!(csv.records.len(), summary.monthly_rows);
    let ids: BTreeSet<String> = csv.records.iter().map(|r| r.store_id()).collect();
    assert_eq!(ids.len(), 9_250);
}

/// `cargo test -p jeju-synth --release -- --ignored --nocapture` prints timings and samples.
#[test]
#[ignore]
fn full_scale_timing_and_samples() {
    let dir = tempfile::tempdir().unwrap();
    let start = std::time::Instant::now();
    let summary = generate(dir.path(), &GenerateOptions::new(Scale::Full, 42)).unwrap();
    let elapsed = start.elapsed();
    println!("full scale, seed 42: {summary:?} in {elapsed:.2?}");
    let small_dir = tempfile::tempdir().unwrap();
    let start = std::time::Instant::now();
    let small = generate(small_dir.path(), &GenerateOptions::new(Scale::Small, 42)).unwrap();
    println!("small scale, seed 42: {small:?} in {:.2?}", start.elapsed());

    let reviews: Vec<Review> = read(dir.path(), files::REVIEWS);
    let stores: Vec<StoreProfile> = read(dir.path(), files::STORES);
    println!("\nsample reviews:");
    for r in reviews.iter().step_by(reviews.len() / 5).take(5) {
        let store = stores.iter().find(|s| s.id == r.store_id).unwrap();
        println!("{}", serde_json::to_string(r).unwrap());
        println!(
            "    ({} / {} / {})",
            store.name, store.store_type, store.address
        );
    }
    let csv_bytes = std::fs::read(dir.path().join(files::CONTEST_CSV)).unwrap();
    let (text, _, _) = encoding_rs::EUC_KR.decode(&csv_bytes);
    println!("\nsample CSV rows (decoded from cp949):");
    let lines: Vec<&str> = text.lines().collect();
    println!("{}", lines[0]);
    for line in lines.iter().skip(1).step_by(lines.len() / 3).take(3) {
        println!("{line}");
    }
    assert!(elapsed.as_secs() < 60);
}
