//! A data directory as `jeju ingest` reads it: the contest CSV plus the optional side files,
//! validated row by row and across files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::catalog::{Attraction, Review, StoreProfile};
use crate::contest::{read_contest_csv, ContestFile};
use crate::error::{DataError, RowError};
use crate::jsonl::{read_jsonl, JsonlFile};
use crate::{files, gazetteer, vocab};

/// Latitude/longitude box that holds Jeju island, 추자도 and 우도.
pub const JEJU_BOUNDS: ((f64, f64), (f64, f64)) = ((33.05, 34.05), (126.05, 127.05));

/// Where the attractions came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttractionSource {
    File(PathBuf),
    /// No `attractions.jsonl`: the built-in gazetteer is used.
    Gazetteer,
}

/// Everything in a data directory, with every rejected row.
#[derive(Debug)]
pub struct DataSet {
    pub contest_path: PathBuf,
    pub contest: ContestFile,
    pub stores_path: Option<PathBuf>,
    pub stores: Vec<StoreProfile>,
    pub reviews_path: Option<PathBuf>,
    pub reviews: Vec<Review>,
    pub attractions: Vec<Attraction>,
    pub attraction_source: AttractionSource,
    /// Rejected rows of every file: parse errors and failed checks, sorted by file and line.
    pub errors: Vec<RowError>,
}

impl DataSet {
    /// Loads `path`: either a data directory (as `jeju data generate` writes it) or a single
    /// contest CSV such as the original `JEJU_MCT_DATA_v2.csv`.
    pub fn load(path: &Path) -> Result<DataSet, DataError> {
        let meta = std::fs::metadata(path).map_err(|e| DataError::io(path, e))?;
        let (dir, contest_path) = if meta.is_file() {
            (None, path.to_path_buf())
        } else {
            (Some(path), find_contest_csv(path)?)
        };
        let contest = read_contest_csv(&contest_path)?;
        let mut errors = contest.errors.clone();
        let known: HashSet<String> = contest.records.iter().map(|r| r.store_id()).collect();

        let side = |name: &str| dir.map(|d| d.join(name)).filter(|p| p.is_file());
        let stores_path = side(files::STORES);
        let stores = match &stores_path {
            Some(p) => keep_valid(read_jsonl(p)?, p, &mut errors, |s: &StoreProfile| {
                check_store(s, &known)
            }),
            None => Vec::new(),
        };
        let reviews_path = side(files::REVIEWS);
        let reviews = match &reviews_path {
            Some(p) => {
                let mut seen = HashSet::new();
                keep_valid(read_jsonl(p)?, p, &mut errors, |r: &Review| {
                    check_review(r, &known, &mut seen)
                })
            }
            None => Vec::new(),
        };
        let (attractions, attraction_source) = match side(files::ATTRACTIONS) {
            Some(p) => (
                keep_valid(read_jsonl(&p)?, &p, &mut errors, |a: &Attraction| {
                    check_point(a.lat, a.lng)
                }),
                AttractionSource::File(p),
            ),
            None => (
                gazetteer::attractions().to_vec(),
                AttractionSource::Gazetteer,
            ),
        };
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Ok(DataSet {
            contest_path,
            contest,
            stores_path,
            stores,
            reviews_path,
            reviews,
            attractions,
            attraction_source,
            errors,
        })
    }
}

/// `JEJU_MCT_DATA.csv` if present, else the one `*.csv` in the directory.
fn find_contest_csv(dir: &Path) -> Result<PathBuf, DataError> {
    let preferred = dir.join(files::CONTEST_CSV);
    if preferred.is_file() {
        return Ok(preferred);
    }
    let entries = std::fs::read_dir(dir).map_err(|e| DataError::io(dir, e))?;
    let mut csvs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
        .collect();
    csvs.sort();
    match csvs.len() {
        1 => Ok(csvs.remove(0)),
        0 => Err(DataError::NotContestCsv {
            path: dir.to_path_buf(),
            reason: format!(
                "no {} and no other .csv file in the directory",
                files::CONTEST_CSV
            ),
        }),
        _ => Err(DataError::NotContestCsv {
            path: dir.to_path_buf(),
            reason: format!(
                "several .csv files and no {}: point at one of them",
                files::CONTEST_CSV
            ),
        }),
    }
}

fn keep_valid<T>(
    file: JsonlFile<T>,
    path: &Path,
    errors: &mut Vec<RowError>,
    mut check: impl FnMut(&T) -> Result<(), String>,
) -> Vec<T> {
    errors.extend(file.errors);
    let mut kept = Vec::with_capacity(file.items.len());
    for (item, line) in file.items.into_iter().zip(file.lines) {
        match check(&item) {
            Ok(()) => kept.push(item),
            Err(message) => errors.push(RowError {
                file: path.to_path_buf(),
                line,
                message,
            }),
        }
    }
    kept
}

fn check_point(lat: f64, lng: f64) -> Result<(), String> {
    let ((lat0, lat1), (lng0, lng1)) = JEJU_BOUNDS;
    if (lat0..=lat1).contains(&lat) && (lng0..=lng1).contains(&lng) {
        Ok(())
    } else {
        Err(format!("coordinates ({lat}, {lng}) are outside Jeju"))
    }
}

fn check_store(s: &StoreProfile, known: &HashSet<String>) -> Result<(), String> {
    let expected = crate::store_id(&s.name, &s.address, &s.opened, &s.store_type);
    if s.id != expected {
        return Err(format!(
            "store id {} does not match its name/address/opened/type (expected {expected})",
            s.id
        ));
    }
    if !known.contains(&s.id) {
        return Err(format!(
            "store {} ({}) has no rows in the contest CSV",
            s.id, s.name
        ));
    }
    check_point(s.lat, s.lng)?;
    if let Some(m) = s
        .menu
        .iter()
        .find(|m| m.name.trim().is_empty() || m.price == 0 || m.price > 2_000_000)
    {
        return Err(format!(
            "menu item {:?} at {} won is not plausible",
            m.name, m.price
        ));
    }
    Ok(())
}

fn check_review(
    r: &Review,
    known: &HashSet<String>,
    seen: &mut HashSet<String>,
) -> Result<(), String> {
    if r.id.trim().is_empty() {
        return Err("review id is empty".into());
    }
    if !seen.insert(r.id.clone()) {
        return Err(format!("duplicate review id {}", r.id));
    }
    if !known.contains(&r.store_id) {
        return Err(format!(
            "review {} is for unknown store {}",
            r.id, r.store_id
        ));
    }
    if r.text.trim().is_empty() {
        return Err(format!("review {} has no text", r.id));
    }
    if let Some(rating) = r.rating.filter(|x| !(1..=5).contains(x)) {
        return Err(format!("review {} has rating {rating}, not 1..=5", r.id));
    }
    if let Some(k) = r
        .keywords
        .iter()
        .find(|k| vocab::visit_keyword(k).is_none())
    {
        return Err(format!("review {} has unknown visit keyword {k:?}", r.id));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{MenuItem, Ratings, ReviewSource};
    use crate::contest::{write_contest_csv, Bucket, MonthlyRecord, TextEncoding, RATIO_COUNT};
    use crate::jsonl::write_jsonl;

    fn record(name: &str) -> MonthlyRecord {
        MonthlyRecord {
            ym: 202301,
            name: name.into(),
            opened: "20200101".into(),
            store_type: "커피".into(),
            address: "제주 제주시 한림읍 협재리 1".into(),
            count_bucket: Bucket::Top10,
            amount_bucket: Bucket::Top10,
            per_transaction_bucket: Bucket::Top10,
            ratios: [Some(0.2); RATIO_COUNT],
        }
    }

    #[test]
    fn cross_file_checks_report_lines() {
        let dir = tempfile::tempdir().unwrap();
        let rec = record("바다카페");
        write_contest_csv(
            &dir.path().join(files::CONTEST_CSV),
            std::slice::from_ref(&rec),
            TextEncoding::Cp949,
        )
        .unwrap();
        let good = StoreProfile {
            id: rec.store_id(),
            name: rec.name.clone(),
            store_type: rec.store_type.clone(),
            address: rec.address.clone(),
            opened: rec.opened.clone(),
            lat: 33.39,
            lng: 126.24,
            menu: vec![MenuItem {
                name: "아메리카노".into(),
                price: 5000,
            }],
            ratings: Ratings::default(),
        };
        let mut far = good.clone();
        far.lat = 37.5;
        let mut wrong_id = good.clone();
        wrong_id.id = "S0000000000000000".into();
        write_jsonl(
            &dir.path().join(files::STORES),
            &[good.clone(), far, wrong_id],
        )
        .unwrap();
        let review = |id: &str, store: &str, kw: &str| Review {
            id: id.into(),
            store_id: store.into(),
            source: ReviewSource::Naver,
            rating: None,
            text: "바다 보면서 커피 마시기 좋아요".into(),
            keywords: vec![kw.into()],
            visited: None,
        };
        write_jsonl(
            &dir.path().join(files::REVIEWS),
            &[
                review("R1", &good.id, "연인·배우자와"),
                review("R1", &good.id, "데이트"),
                review("R2", "Snope", "데이트"),
                review("R3", &good.id, "고양이와"),
            ],
        )
        .unwrap();
        let ds = DataSet::load(dir.path()).unwrap();
        assert_eq!(ds.contest.records.len(), 1);
        assert_eq!(ds.stores.len(), 1);
        assert_eq!(ds.reviews.len(), 1);
        assert_eq!(ds.attraction_source, AttractionSource::Gazetteer);
        let got: Vec<(String, u64)> = ds
            .errors
            .iter()
            .map(|e| {
                (
                    e.file.file_name().unwrap().to_string_lossy().into_owned(),
                    e.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("reviews.jsonl".into(), 2),
                ("reviews.jsonl".into(), 3),
                ("reviews.jsonl".into(), 4),
                ("stores.jsonl".into(), 2),
                ("stores.jsonl".into(), 3),
            ]
        );
        assert!(ds.errors[0].message.contains("duplicate"));
        assert!(ds.errors[3].message.contains("outside Jeju"));
    }

    #[test]
    fn a_single_csv_file_is_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("JEJU_MCT_DATA_v2.csv");
        write_contest_csv(&path, &[record("가게")], TextEncoding::Utf8).unwrap();
        let ds = DataSet::load(&path).unwrap();
        assert_eq!(ds.contest.records.len(), 1);
        assert!(ds.stores.is_empty() && ds.reviews.is_empty());
        let ds = DataSet::load(dir.path()).unwrap();
        assert_eq!(ds.contest_path, path);
        let err = DataSet::load(&dir.path().join("missing")).unwrap_err();
        assert!(err.to_string().contains("missing"));
    }
}
