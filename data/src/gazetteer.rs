//! The Jeju gazetteer: real 읍/면/동 of 제주시 and 서귀포시 with approximate centroids, real
//! tourist spots, and the 30 merchant types of the contest file. Shipped inside the binary
//! (`data/gazetteer/*.tsv`).

use std::sync::OnceLock;

use crate::catalog::Attraction;

const REGIONS_TSV: &str = include_str!("../gazetteer/jeju_regions.tsv");
const ATTRACTIONS_TSV: &str = include_str!("../gazetteer/jeju_attractions.tsv");

/// A region (읍, 면 or 법정동).
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub city: String,
    /// As written in lot-number addresses, e.g. 애월읍, 용담이동.
    pub name: String,
    /// 읍, 면 or 동.
    pub kind: String,
    pub romanized: String,
    pub lat: f64,
    pub lng: f64,
}

impl Region {
    /// Short forms people type: 애월 for 애월읍, aewol for Aewol-eup.
    pub fn aliases(&self) -> Vec<String> {
        let mut out = vec![self.name.clone()];
        if self.kind != "동" {
            out.push(self.name.trim_end_matches(&self.kind).to_owned());
        } else if let Some(base) = self.name.strip_suffix("동") {
            // 중문동 -> 중문, but never a one-syllable alias such as 연 for 연동, nor one that
            // begins a city name (서귀 for 서귀동 would match every 서귀포).
            let city_prefix = ["서귀포시", "제주시"].iter().any(|c| c.starts_with(base));
            if base.chars().count() >= 2 && !city_prefix {
                out.push(base.to_owned());
            }
        }
        let roman = self.romanized.to_lowercase();
        out.push(roman.clone());
        if let Some((base, _)) = roman.split_once('-') {
            out.push(base.to_owned());
        }
        out.sort();
        out.dedup();
        out
    }
}

/// The 30 merchant types of the contest file, each with an English label.
pub const STORE_TYPES: [(&str, &str); 30] = [
    ("가정식", "Korean home cooking"),
    ("단품요리 전문", "single-dish specialty"),
    ("커피", "cafe"),
    ("베이커리", "bakery"),
    ("일식", "Japanese"),
    ("치킨", "fried chicken"),
    ("중식", "Chinese"),
    ("분식", "Korean snacks"),
    ("햄버거", "burgers"),
    ("양식", "Western"),
    ("맥주/요리주점", "pub"),
    ("아이스크림/빙수", "ice cream and bingsu"),
    ("피자", "pizza"),
    ("샌드위치/토스트", "sandwiches and toast"),
    ("차", "tea house"),
    ("꼬치구이", "skewers"),
    ("기타세계요리", "world cuisine"),
    ("구내식당/푸드코트", "food court"),
    ("떡/한과", "rice cakes and sweets"),
    ("도시락", "lunch boxes"),
    ("도너츠", "doughnuts"),
    ("주스", "juice bar"),
    ("동남아/인도음식", "Southeast Asian and Indian"),
    ("패밀리 레스토랑", "family restaurant"),
    ("기사식당", "drivers' diner"),
    ("야식", "late-night food"),
    ("스테이크", "steak"),
    ("포장마차", "street bar"),
    ("부페", "buffet"),
    ("민속주점", "traditional pub"),
];

/// Is this one of the 30 contest types?
pub fn is_store_type(name: &str) -> bool {
    STORE_TYPES.iter().any(|(t, _)| *t == name)
}

fn parse_tsv(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// All regions of the gazetteer.
pub fn regions() -> &'static [Region] {
    static REGIONS: OnceLock<Vec<Region>> = OnceLock::new();
    REGIONS.get_or_init(|| {
        parse_tsv(REGIONS_TSV)
            .filter_map(|f| {
                Some(Region {
                    city: f.first()?.to_string(),
                    name: f.get(1)?.to_string(),
                    kind: f.get(2)?.to_string(),
                    romanized: f.get(3)?.to_string(),
                    lat: f.get(4)?.parse().ok()?,
                    lng: f.get(5)?.parse().ok()?,
                })
            })
            .collect()
    })
}

/// All attractions of the gazetteer.
pub fn attractions() -> &'static [Attraction] {
    static ATTRACTIONS: OnceLock<Vec<Attraction>> = OnceLock::new();
    ATTRACTIONS.get_or_init(|| {
        parse_tsv(ATTRACTIONS_TSV)
            .filter_map(|f| {
                Some(Attraction {
                    name: f.first()?.to_string(),
                    romanized: f.get(1)?.to_string(),
                    region: f.get(2)?.to_string(),
                    lat: f.get(3)?.parse().ok()?,
                    lng: f.get(4)?.parse().ok()?,
                })
            })
            .collect()
    })
}

/// A region by its exact name.
pub fn region(name: &str) -> Option<&'static Region> {
    regions().iter().find(|r| r.name == name)
}

/// Resolves what a user typed (애월, 애월읍, Aewol, aewol-eup) to a region.
pub fn resolve_region(text: &str) -> Option<&'static Region> {
    let needle = text.trim().to_lowercase();
    if needle.is_empty() {
        return None;
    }
    regions().iter().find(|r| r.aliases().contains(&needle))
}

/// Great-circle distance in metres (haversine).
pub fn distance_m(lat1: f64, lng1: f64, lat2: f64, lng2: f64) -> f64 {
    const EARTH_RADIUS_M: f64 = 6_371_008.8;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lng2 - lng1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_both_cities_and_attractions() {
        let rs = regions();
        assert!(rs.len() >= 40, "{}", rs.len());
        assert!(rs.iter().any(|r| r.city == "제주시"));
        assert!(rs.iter().any(|r| r.city == "서귀포시"));
        for r in rs {
            assert!(
                (33.1..=34.0).contains(&r.lat) && (126.1..=127.0).contains(&r.lng),
                "{r:?}"
            );
        }
        let a = attractions();
        assert!(a.len() >= 25);
        for x in a {
            assert!(
                region(&x.region).is_some(),
                "attraction {} in unknown region {}",
                x.name,
                x.region
            );
        }
    }

    #[test]
    fn resolves_short_and_english_forms() {
        assert_eq!(resolve_region("애월").unwrap().name, "애월읍");
        assert_eq!(resolve_region("Aewol").unwrap().name, "애월읍");
        assert_eq!(resolve_region("중문").unwrap().name, "중문동");
        assert_eq!(resolve_region("연동").unwrap().name, "연동");
        assert_eq!(resolve_region("연"), None);
        assert_eq!(resolve_region("서귀"), None);
        assert_eq!(resolve_region("서귀동").unwrap().city, "서귀포시");
        assert_eq!(resolve_region(""), None);
    }

    #[test]
    fn thirty_types_and_distances() {
        assert_eq!(STORE_TYPES.len(), 30);
        assert!(is_store_type("커피") && !is_store_type("카페"));
        let d = distance_m(33.4580, 126.9425, 33.4240, 126.9310);
        assert!((3_500.0..4_200.0).contains(&d), "{d}");
    }
}
