//! File formats of jeju-rec.
//!
//! This crate knows files and nothing else: the contest CSV (`JEJU_MCT_DATA_v2.csv` and the
//! synthetic files in the same format), the JSONL side files (stores, reviews, attractions and
//! the evaluation-only truth file), and the Jeju gazetteer that the generator and the question
//! parser share. It never talks to a server.

pub mod address;
pub mod catalog;
pub mod contest;
pub mod dataset;
pub mod error;
pub mod gazetteer;
pub mod jsonl;
pub mod vocab;

pub use error::{DataError, RowError};

/// File names inside a data directory, as written by `jeju data generate` and read by
/// `jeju ingest`.
pub mod files {
    /// The contest-format monthly CSV.
    pub const CONTEST_CSV: &str = "JEJU_MCT_DATA.csv";
    /// One [`crate::catalog::StoreProfile`] per line.
    pub const STORES: &str = "stores.jsonl";
    /// One [`crate::catalog::Review`] per line.
    pub const REVIEWS: &str = "reviews.jsonl";
    /// One [`crate::catalog::Attraction`] per line.
    pub const ATTRACTIONS: &str = "attractions.jsonl";
    /// One [`crate::catalog::StoreTruth`] per line; read only by the evaluation harness.
    pub const TRUTH: &str = "truth.jsonl";
    /// Generator parameters and counts.
    pub const MANIFEST: &str = "manifest.json";
}

/// The stable id of a merchant.
///
/// The contest file has no merchant id: one merchant is one (name, address, opening date,
/// type) tuple across its monthly rows. The id is a hash of that tuple, so the CSV loader and
/// the side files agree on it without a lookup table.
pub fn store_id(name: &str, address: &str, opened: &str, store_type: &str) -> String {
    let key = format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}",
        name.trim(),
        address.trim(),
        opened.trim(),
        store_type.trim()
    );
    format!("S{:016x}", xxhash_rust::xxh3::xxh3_64(key.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_id_is_stable_and_trims() {
        let a = store_id(
            "통큰돼지",
            "제주 제주시 용담이동 2682-9번지",
            "20110701",
            "가정식",
        );
        let b = store_id(
            " 통큰돼지",
            "제주 제주시 용담이동 2682-9번지 ",
            "20110701",
            "가정식",
        );
        assert_eq!(a, b);
        assert_eq!(a.len(), 17);
        assert!(a.starts_with('S'));
        assert_ne!(
            a,
            store_id(
                "통큰돼지",
                "제주 제주시 용담이동 2682-9번지",
                "20110702",
                "가정식"
            )
        );
    }
}
