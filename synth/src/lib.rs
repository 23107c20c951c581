//! The seeded synthetic-Jeju generator.
//!
//! [`generate`] writes a data directory in the formats of `jeju-data`: the contest-format
//! monthly CSV, `stores.jsonl`, `reviews.jsonl`, `attractions.jsonl`, the evaluation-only
//! `truth.jsonl`, and `manifest.json`. Every store has hidden traits (who it is good for,
//! signature dishes, view, mood, price level, wait, busy times, local favourite, quality); the
//! visible data (usage shares, buckets, menus, ratings, reviews and visit keywords) are drawn
//! from those traits with noise, so a good recommender can recover them and a bad one cannot.
//!
//! The output is a pure function of (scale, seed, encoding): the same inputs give
//! byte-identical files.

mod geo;
mod menus;
mod names;
mod phrases;
mod reviews;
mod rng;
mod text;
mod traits;
mod types;
mod usage;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use jeju_data::contest::{self, TextEncoding};
use jeju_data::{files, gazetteer, jsonl, DataError};
use serde::Serialize;

use crate::rng::Stage;
use crate::traits::{Spec, Store, UsedKeys};
use crate::types::TYPES;

/// Version of the generator's algorithm, recorded in the manifest. Bump it whenever the
/// output for a given seed changes.
pub const GENERATOR_VERSION: &str =
    concat!("jeju-synth ", env!("CARGO_PKG_VERSION"), " (algorithm 1)");

/// How much data to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scale {
    /// About 300 stores and 3,000 reviews: fast enough for integration tests against a real
    /// graph server, and still covering every city and region, every type, 한림읍 cafes and
    /// 애월읍 black-pork restaurants.
    Small,
    /// The size of the real contest file: 9,250 stores, about 68,000 monthly rows and over
    /// 100,000 reviews.
    Full,
}

impl Scale {
    /// Number of stores generated at this scale.
    pub fn store_count(self) -> usize {
        match self {
            Scale::Small => 300,
            Scale::Full => 9_250,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Small => "small",
            Scale::Full => "full",
        }
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A scale name that is neither `small` nor `full`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scale {0:?} (expected \"small\" or \"full\")")]
pub struct ParseScaleError(pub String);

impl FromStr for Scale {
    type Err = ParseScaleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "small" => Ok(Scale::Small),
            "full" => Ok(Scale::Full),
            _ => Err(ParseScaleError(s.to_owned())),
        }
    }
}

/// Parameters of one generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateOptions {
    pub scale: Scale,
    pub seed: u64,
    /// Encoding of the contest CSV (the original is cp949). The JSON files are always UTF-8.
    pub encoding: TextEncoding,
}

impl GenerateOptions {
    /// Options with the original file's encoding (cp949).
    pub fn new(scale: Scale, seed: u64) -> Self {
        GenerateOptions {
            scale,
            seed,
            encoding: TextEncoding::Cp949,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GenerateSummary {
    pub stores: usize,
    pub monthly_rows: usize,
    pub reviews: usize,
    pub attractions: usize,
}

/// Why a generation failed.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("cannot create output directory {}: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: cannot serialize: {source}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error(transparent)]
    Data(#[from] DataError),
    /// A generator invariant did not hold (a bug, never expected).
    #[error("synthetic data generator: {0}")]
    Invariant(String),
}

/// The manifest file's content.
#[derive(Debug, Serialize)]
struct Manifest<'a> {
    generator: &'a str,
    scale: &'a str,
    seed: u64,
    /// Encoding of the contest CSV: `cp949` or `utf-8`.
    encoding: &'a str,
    counts: GenerateSummary,
    files: ManifestFiles<'a>,
}

#[derive(Debug, Serialize)]
struct ManifestFiles<'a> {
    contest_csv: &'a str,
    stores: &'a str,
    reviews: &'a str,
    attractions: &'a str,
    truth: &'a str,
}

/// The CLI spelling of an encoding.
fn encoding_name(encoding: TextEncoding) -> &'static str {
    match encoding {
        TextEncoding::Cp949 => "cp949",
        TextEncoding::Utf8 => "utf-8",
    }
}

/// Decides the (region, type) of every store. Coverage comes first (every region, every
/// type, several 한림읍 cafes and 애월읍 black-pork restaurants), then draws weighted like the
/// real file; the order is shuffled.
fn plan(scale: Scale, seed: u64) -> Vec<Spec> {
    let mut rng = rng::stream(seed, Stage::Plan, 0);
    let regions = gazetteer::regions();
    let region_weights: Vec<f64> = regions.iter().map(|r| geo::profile(r).weight).collect();
    let draw_type = |rng: &mut rng::SynthRng, region: usize| -> usize {
        let tourist = regions
            .get(region)
            .map(|r| geo::profile(r).tourist)
            .unwrap_or(0.3);
        rng::weighted(rng, &traits::type_weights(tourist)).unwrap_or(0)
    };
    let n = scale.store_count();
    let mut specs: Vec<Spec> = Vec::with_capacity(n);
    for region in 0..regions.len() {
        let store_type = draw_type(&mut rng, region);
        specs.push(Spec {
            region,
            store_type,
            theme: None,
        });
    }
    for store_type in 0..TYPES.len() {
        let region = rng::weighted(&mut rng, &region_weights).unwrap_or(0);
        specs.push(Spec {
            region,
            store_type,
            theme: None,
        });
    }
    let position = |name: &str| regions.iter().position(|r| r.name == name);
    if let (Some(hallim), Some(cafe)) = (position("한림읍"), types::type_index("커피")) {
        for _ in 0..6 {
            specs.push(Spec {
                region: hallim,
                store_type: cafe,
                theme: None,
            });
        }
    }
    if let (Some(aewol), Some(home), Some(single)) = (
        position("애월읍"),
        types::type_index("가정식"),
        types::type_index("단품요리 전문"),
    ) {
        for i in 0..6 {
            specs.push(Spec {
                region: aewol,
                store_type: if i % 2 == 0 { home } else { single },
                theme: Some(&menus::BLACK_PORK),
            });
        }
    }
    while specs.len() < n {
        let region = rng::weighted(&mut rng, &region_weights).unwrap_or(0);
        let store_type = draw_type(&mut rng, region);
        specs.push(Spec {
            region,
            store_type,
            theme: None,
        });
    }
    rng::shuffle(&mut rng, &mut specs);
    specs
}

/// Generates all stores of a plan.
fn draw_stores(specs: &[Spec], seed: u64) -> Result<Vec<Store>, SynthError> {
    let mut rng = rng::stream(seed, Stage::Stores, 0);
    let mut used = UsedKeys::default();
    specs
        .iter()
        .enumerate()
        .map(|(i, spec)| traits::draw(&mut rng, i, *spec, &mut used))
        .collect()
}

/// Generates a synthetic Jeju data set into `out_dir` (created if missing). Existing files of
/// the same names are overwritten.
/// The menu catalogue: every menu item name a store's menu is drawn from (the vocabularies of
/// `data/words/` and `eval/vocab.toml` are checked against it).
pub fn menu_item_names() -> Vec<&'static str> {
    menus::item_names()
}

pub fn generate(out_dir: &Path, opts: &GenerateOptions) -> Result<GenerateSummary, SynthError> {
    std::fs::create_dir_all(out_dir).map_err(|e| SynthError::CreateDir {
        path: out_dir.to_path_buf(),
        source: e,
    })?;
    let specs = plan(opts.scale, opts.seed);
    let mut stores = draw_stores(&specs, opts.seed)?;
    traits::assign_price_levels(&mut stores);

    let mut drafts = Vec::with_capacity(stores.len() * 8);
    for (i, store) in stores.iter().enumerate() {
        let mut rng = rng::stream(opts.seed, Stage::Monthly, i as u64);
        drafts.extend(usage::draft(&mut rng, i, store));
    }
    let records = usage::finish(drafts, &stores);

    let mut all_reviews = Vec::with_capacity(stores.len() * 12);
    let mut next_id = 0u64;
    for (i, store) in stores.iter().enumerate() {
        let mut rng = rng::stream(opts.seed, Stage::Reviews, i as u64);
        all_reviews.extend(reviews::store_reviews(&mut rng, store, &mut next_id));
    }

    contest::write_contest_csv(&out_dir.join(files::CONTEST_CSV), &records, opts.encoding)?;
    let profiles: Vec<_> = stores.iter().map(Store::store_profile).collect();
    jsonl::write_jsonl(&out_dir.join(files::STORES), &profiles)?;
    jsonl::write_jsonl(&out_dir.join(files::REVIEWS), &all_reviews)?;
    let attractions = gazetteer::attractions();
    jsonl::write_jsonl(&out_dir.join(files::ATTRACTIONS), attractions)?;
    let truth: Vec<_> = stores.iter().map(Store::truth).collect();
    jsonl::write_jsonl(&out_dir.join(files::TRUTH), &truth)?;

    let summary = GenerateSummary {
        stores: stores.len(),
        monthly_rows: records.len(),
        reviews: all_reviews.len(),
        attractions: attractions.len(),
    };
    let manifest = Manifest {
        generator: GENERATOR_VERSION,
        scale: opts.scale.as_str(),
        seed: opts.seed,
        encoding: encoding_name(opts.encoding),
        counts: summary,
        files: ManifestFiles {
            contest_csv: files::CONTEST_CSV,
            stores: files::STORES,
            reviews: files::REVIEWS,
            attractions: files::ATTRACTIONS,
            truth: files::TRUTH,
        },
    };
    let path = out_dir.join(files::MANIFEST);
    let mut bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| SynthError::Json {
        path: path.clone(),
        source: e,
    })?;
    bytes.push(b'\n');
    std::fs::write(&path, bytes).map_err(|e| SynthError::Write { path, source: e })?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalogue is what the full data holds: every item drawn is in it, and the full
    /// data (seed 42) draws every item, so checks against it are as strict as checks
    /// against the data.
    #[test]
    fn the_menu_catalogue_is_what_the_full_data_draws() {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), &GenerateOptions::new(Scale::Full, 42)).unwrap();
        let stores = std::fs::read_to_string(dir.path().join(jeju_data::files::STORES)).unwrap();
        let mut drawn = std::collections::BTreeSet::new();
        for line in stores.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            for m in v["menu"].as_array().unwrap() {
                drawn.insert(m["name"].as_str().unwrap().to_owned());
            }
        }
        let catalogue: std::collections::BTreeSet<String> =
            menu_item_names().into_iter().map(str::to_owned).collect();
        assert_eq!(drawn, catalogue);
    }

    #[test]
    fn scale_parses_and_displays() {
        assert_eq!("small".parse::<Scale>(), Ok(Scale::Small));
        assert_eq!(" FULL ".parse::<Scale>(), Ok(Scale::Full));
        assert!("medium"
            .parse::<Scale>()
            .unwrap_err()
            .to_string()
            .contains("medium"));
        assert_eq!(Scale::Full.to_string(), "full");
        assert_eq!(Scale::Small.to_string().parse::<Scale>(), Ok(Scale::Small));
    }

    #[test]
    fn plan_covers_regions_and_types() {
        let specs = plan(Scale::Small, 1);
        assert_eq!(specs.len(), 300);
        for r in 0..gazetteer::regions().len() {
            assert!(specs.iter().any(|s| s.region == r));
        }
        for t in 0..TYPES.len() {
            assert!(specs.iter().any(|s| s.store_type == t));
        }
    }

    #[test]
    fn unwritable_output_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let err = generate(&file.join("sub"), &GenerateOptions::new(Scale::Small, 1)).unwrap_err();
        assert!(matches!(err, SynthError::CreateDir { .. }), "{err}");
        assert!(err.to_string().contains("not-a-dir"));
    }
}
