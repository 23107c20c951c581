//! The JSONL side files: store profiles, reviews, attractions, and the truth file.

use serde::{Deserialize, Serialize};

use crate::vocab::{AgeBand, Companion, TimeOfDay};

/// A menu item with its price in won.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuItem {
    pub name: String,
    pub price: u32,
}

/// Platform ratings (0–5), where the store is listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ratings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kakao: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naver: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google: Option<f32>,
}

/// What the contest CSV does not carry about a store: coordinates, menu, ratings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreProfile {
    /// [`crate::store_id`] of (name, address, opened, type) as in the CSV.
    pub id: String,
    pub name: String,
    pub store_type: String,
    pub address: String,
    pub opened: String,
    pub lat: f64,
    pub lng: f64,
    #[serde(default)]
    pub menu: Vec<MenuItem>,
    #[serde(default)]
    pub ratings: Ratings,
}

/// Where a review was collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewSource {
    Kakao,
    Naver,
    Google,
}

impl ReviewSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewSource::Kakao => "kakao",
            ReviewSource::Naver => "naver",
            ReviewSource::Google => "google",
        }
    }
}

/// One review of one store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub id: String,
    pub store_id: String,
    pub source: ReviewSource,
    /// 1–5 stars where the platform has them (Naver does not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    pub text: String,
    /// Visit keywords (Naver only), names from [`crate::vocab::VISIT_KEYWORDS`].
    #[serde(default)]
    pub keywords: Vec<String>,
    /// `YYYY-MM` of the visit, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visited: Option<String>,
}

/// A tourist spot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attraction {
    pub name: String,
    pub romanized: String,
    /// The region (읍/면/동) it lies in.
    pub region: String,
    pub lat: f64,
    pub lng: f64,
}

/// Ambience of a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mood {
    Quiet,
    Lively,
}

/// What can be seen from the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum View {
    Ocean,
    Mountain,
    Garden,
    None,
}

/// Typical wait at busy times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Wait {
    None,
    Short,
    Long,
}

/// The hidden ground truth of a synthetic store, from which its visible data were drawn
/// with noise. Only the evaluation harness reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreTruth {
    pub store_id: String,
    /// Companions the store is genuinely good for.
    pub good_for: Vec<Companion>,
    /// The age bands it mostly serves.
    pub age_focus: Vec<AgeBand>,
    /// Dishes it is known for (menu item names).
    pub signature_dishes: Vec<String>,
    /// Dish categories it serves, e.g. 흑돼지, 해산물, 커피 (the words people search for).
    pub dish_tags: Vec<String>,
    pub view: View,
    pub mood: Mood,
    /// 1 (cheap) ..= 4 (expensive) within its type.
    pub price_level: u8,
    pub wait: Wait,
    /// Times of day it is open and busy.
    pub busy_times: Vec<TimeOfDay>,
    /// A place locals go to (high local share).
    pub local_favorite: bool,
    /// Intrinsic quality 0..1; drives ratings and review tone.
    pub quality: f32,
}
