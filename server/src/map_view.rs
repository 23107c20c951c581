//! What an answer's map shows beside its picks: the asked region, the centre and radius of
//! a "near …" question, and well-known attractions near the picks, each labelled in the
//! answer's language from the gazetteer.

use jeju_api::{MapCircle, MapPoint, MapView};
use jeju_data::gazetteer;
use jeju_pipeline::english::place_in;
use jeju_pipeline::intent::{Intent, Lang};
use jeju_pipeline::recommend::Pick;
use jeju_pipeline::relax::NEAR_ATTRACTION_M;

/// Attractions within this distance of a pick are drawn.
const ATTRACTION_NEAR_PICK_M: f64 = 5_000.0;
/// At most this many attractions are drawn (the nearest to a pick first).
const MAX_ATTRACTIONS: usize = 4;

/// The centre of a region of the gazetteer.
fn region_point(name: &str, lang: Lang) -> Option<MapPoint> {
    gazetteer::region(name).map(|r| MapPoint {
        label: place_in(name, lang),
        lat: r.lat,
        lng: r.lng,
    })
}

/// The map of a recommendation (a data answer or a declined question has no map).
pub fn map_view(intent: &Intent, picks: &[Pick]) -> MapView {
    let c = &intent.constraints;
    let lang = intent.lang;
    // A region (읍/면/동) of the question; a city is too large to point at.
    let region = c
        .region
        .as_deref()
        .and_then(|name| region_point(name, lang));
    let asked_attraction = c
        .near_attraction
        .as_deref()
        .and_then(|name| gazetteer::attractions().iter().find(|a| a.name == name));
    let near = match (&c.near_point, asked_attraction) {
        (Some(p), _) => Some(MapCircle {
            center: MapPoint {
                label: p.label.clone(),
                lat: p.lat,
                lng: p.lng,
            },
            radius_m: p.radius_m,
        }),
        (None, Some(a)) => Some(MapCircle {
            center: MapPoint {
                label: place_in(&a.name, lang),
                lat: a.lat,
                lng: a.lng,
            },
            radius_m: NEAR_ATTRACTION_M,
        }),
        (None, None) => None,
    };
    let coords: Vec<(f64, f64)> = picks
        .iter()
        .filter_map(|p| p.card.lat.zip(p.card.lng))
        .collect();
    let mut nearby: Vec<(f64, &jeju_data::catalog::Attraction)> = gazetteer::attractions()
        .iter()
        .filter(|a| Some(a.name.as_str()) != c.near_attraction.as_deref())
        .filter_map(|a| {
            let d = coords
                .iter()
                .map(|(lat, lng)| gazetteer::distance_m(*lat, *lng, a.lat, a.lng))
                .min_by(f64::total_cmp)?;
            (d <= ATTRACTION_NEAR_PICK_M).then_some((d, a))
        })
        .collect();
    nearby.sort_by(|x, y| x.0.total_cmp(&y.0));
    let attractions = nearby
        .into_iter()
        .take(MAX_ATTRACTIONS)
        .map(|(_, a)| MapPoint {
            label: place_in(&a.name, lang),
            lat: a.lat,
            lng: a.lng,
        })
        .collect();
    MapView {
        region,
        near,
        attractions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jeju_pipeline::parse::parse;

    #[test]
    fn the_asked_region_and_attraction_are_on_the_map_in_the_answers_language() {
        let ko = map_view(&parse("애월읍 흑돼지 맛집 추천"), &[]);
        assert_eq!(ko.region.as_ref().map(|r| r.label.as_str()), Some("애월읍"));
        assert!(ko.near.is_none() && ko.attractions.is_empty());
        let en = map_view(&parse("Seafood near Seongsan Ilchulbong"), &[]);
        let near = en.near.expect("the attraction's circle");
        assert_eq!(near.center.label, "Seongsan Ilchulbong");
        assert_eq!(near.radius_m, NEAR_ATTRACTION_M);
        // A city is too large to point at.
        let city = map_view(&parse("Cheap noodles in Seogwipo-si"), &[]);
        assert_eq!(city.region, None);
    }
}
