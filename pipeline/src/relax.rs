//! Honest relaxation: when fewer than [`PICKS`](crate::recommend::PICKS) stores in the graph
//! meet every hard constraint, the backfill stage widens the request one step at a time, in
//! a stated order, and every store found that way says exactly which asked constraint it
//! does not meet ([`Relaxation`]).
//!
//! The order ([`steps`]): the time of day alone, then the price alone, then both; then the
//! place widened, first keeping time and price, then without them: an attraction first to
//! the rest of its region ("성산일출봉 근처": the rest of 성산읍 before 우도면 across the
//! water), then every place to the stores within [`WIDEN_M`] of it (its centre: a region's
//! centroid, an attraction, an earlier pick). The dish, the kind of place and the excluded
//! earlier picks are never relaxed: a store without the asked dish is not an answer to the
//! question. One exception is stated,
//! not chosen: a dish asked more narrowly than any menu has it ("광어회" where menus have
//! only other 회) is read as the broader dish, and every pick says so
//! ([`Relaxation::Dish`]).

use jeju_data::gazetteer;
use jeju_data::vocab::TimeOfDay;
use serde::Serialize;

use crate::compose::MIN_TIME_SHARE;
use crate::intent::{Constraints, NearPoint};
use crate::recommend::Card;

/// How far from the asked place a widened request looks, in metres, by the kind of place:
/// a region is several kilometres across, an attraction's stores are those within 3 km.
pub const WIDEN_M: [f64; 2] = [10_000.0, 20_000.0];

/// A store is near an attraction within this distance (as the ingest's `NEAR` relation).
pub const NEAR_ATTRACTION_M: f64 = 3_000.0;

/// One asked constraint a store does not meet, found by a relaxed request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Relaxation {
    /// The store does less than [`MIN_TIME_SHARE`] of its business at the asked time.
    Time { asked: TimeOfDay },
    /// It costs more per person than asked (or its price is unknown).
    Price { asked_max: u32, price: Option<i64> },
    /// It lies outside the asked place: its region and its distance from the place.
    Place {
        asked: String,
        region: Option<String>,
        distance_m: Option<i64>,
    },
    /// No menu has the dish as asked ([`Constraints::dish_asked`], "광어회"): the store
    /// serves the broader dish the question was read as (`served`, 회).
    Dish { asked: String, served: String },
}

/// The asked place a widened request is centred on.
#[derive(Debug, Clone, PartialEq)]
pub struct AskedPlace {
    /// As the user sees it: the region, attraction or earlier pick's name.
    pub label: String,
    pub lat: f64,
    pub lng: f64,
    kind: PlaceKind,
}

#[derive(Debug, Clone, PartialEq)]
enum PlaceKind {
    Region(String),
    Attraction,
    Point { radius_m: f64 },
}

impl AskedPlace {
    /// The place of the constraints, when it has a centre (a city has none worth widening).
    pub fn of(c: &Constraints) -> Option<AskedPlace> {
        if let Some(p) = &c.near_point {
            return Some(AskedPlace {
                label: p.label.clone(),
                lat: p.lat,
                lng: p.lng,
                kind: PlaceKind::Point {
                    radius_m: p.radius_m,
                },
            });
        }
        if let Some(name) = &c.near_attraction {
            let a = gazetteer::attractions().iter().find(|a| &a.name == name)?;
            return Some(AskedPlace {
                label: a.name.clone(),
                lat: a.lat,
                lng: a.lng,
                kind: PlaceKind::Attraction,
            });
        }
        let r = gazetteer::region(c.region.as_deref()?)?;
        Some(AskedPlace {
            label: r.name.clone(),
            lat: r.lat,
            lng: r.lng,
            kind: PlaceKind::Region(r.name.clone()),
        })
    }

    /// Whether a store at this region and position is in the asked place.
    fn contains(&self, region: Option<&str>, distance_m: Option<f64>) -> bool {
        match &self.kind {
            PlaceKind::Region(name) => region == Some(name.as_str()),
            PlaceKind::Attraction => distance_m.is_some_and(|d| d <= NEAR_ATTRACTION_M),
            PlaceKind::Point { radius_m } => distance_m.is_some_and(|d| d <= *radius_m),
        }
    }

    /// The radius of a widening step: the step's for a region or an attraction; for "near an
    /// earlier pick", the pick's radius doubled for the first step and tripled for the second
    /// (10 km from a pick is not near it).
    fn widened_m(&self, step_m: u32) -> f64 {
        match &self.kind {
            PlaceKind::Point { radius_m } if step_m == WIDEN_M[0] as u32 => radius_m * 2.0,
            PlaceKind::Point { radius_m } => radius_m * 3.0,
            _ => f64::from(step_m),
        }
    }

    fn distance_m(&self, lat: Option<f64>, lng: Option<f64>) -> Option<f64> {
        Some(gazetteer::distance_m(self.lat, self.lng, lat?, lng?))
    }
}

/// One widening of the request: which asked constraints it gives up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub drop_time: bool,
    pub drop_price: bool,
    /// Look beyond the asked place.
    pub widen: Option<Widen>,
}

/// How a step widens the asked place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Widen {
    /// An asked attraction's whole region (the one the question named, else the one the
    /// attraction lies in) instead of the stores within [`NEAR_ATTRACTION_M`] of it.
    Region,
    /// Within this many metres of the asked place instead of inside it.
    Radius(u32),
}

/// The widenings of these constraints, in the order they are tried: only those that give up
/// something the request asked for. A price this turn asked for as a follow-up ("더 저렴한
/// 곳은?") is kept: giving it up would answer the opposite. Nothing widens a request narrowed
/// to the earlier picks ("그중 …").
pub fn steps(c: &Constraints, keep_price: bool) -> Vec<Step> {
    if !c.within_ids.is_empty() {
        return Vec::new();
    }
    let time = c.time.is_some();
    let price = c.price_max_per_person.is_some() && !keep_price;
    let place = AskedPlace::of(c);
    let attraction_region = c.region.is_some()
        && place
            .as_ref()
            .is_some_and(|p| p.kind == PlaceKind::Attraction);
    let mut out = Vec::new();
    let mut push = |drop_time: bool, drop_price: bool, widen: Option<Widen>| {
        let step = Step {
            drop_time: drop_time && time,
            drop_price: drop_price && price,
            widen: widen.filter(|_| place.is_some()),
        };
        let gives_up = step.drop_time || step.drop_price || step.widen.is_some();
        if gives_up && !out.contains(&step) {
            out.push(step);
        }
    };
    push(true, false, None);
    push(false, true, None);
    push(true, true, None);
    let radii = WIDEN_M.map(|w| Widen::Radius(w as u32));
    for w in attraction_region
        .then_some(Widen::Region)
        .into_iter()
        .chain(radii)
    {
        push(false, false, Some(w));
        push(true, true, Some(w));
    }
    out
}

/// The constraints of a step: the same request without what the step gives up; an
/// attraction widened to its region becomes that region; a place widened by a radius becomes
/// a point with that radius around the asked place.
pub fn relaxed(c: &Constraints, step: Step) -> Constraints {
    let mut r = c.clone();
    if step.drop_time {
        r.time = None;
    }
    if step.drop_price {
        r.price_max_per_person = None;
    }
    match (step.widen, AskedPlace::of(c)) {
        (Some(Widen::Region), Some(_)) => r.near_attraction = None,
        (Some(Widen::Radius(w)), Some(place)) => {
            r.region = None;
            r.city = None;
            r.near_attraction = None;
            r.near_point = Some(NearPoint {
                lat: place.lat,
                lng: place.lng,
                radius_m: place.widened_m(w),
                label: place.label,
            });
        }
        _ => {}
    }
    r
}

/// The widest request of these constraints: every step's give-ups at once (what a graph
/// backfill neighbour must still meet: the dish, the kind of place, the widest place).
pub fn widest(c: &Constraints, keep_price: bool) -> Constraints {
    relaxed(
        c,
        Step {
            drop_time: true,
            drop_price: !keep_price,
            widen: AskedPlace::of(c).map(|_| Widen::Radius(WIDEN_M[WIDEN_M.len() - 1] as u32)),
        },
    )
}

/// A step as the trace says it ("time dropped, within 10 km").
pub fn describe(step: Step) -> String {
    let mut parts = Vec::new();
    if step.drop_time {
        parts.push("time dropped".to_owned());
    }
    if step.drop_price {
        parts.push("price dropped".to_owned());
    }
    match step.widen {
        Some(Widen::Region) => parts.push("anywhere in the attraction's region".to_owned()),
        Some(Widen::Radius(w)) => parts.push(format!("within {} km of the place", w / 1000)),
        None => {}
    }
    parts.join(", ")
}

/// What a store found by a relaxed request does not meet of the asked constraints, from its
/// card and its share of business at the asked time: empty when it meets them all.
pub fn unmet(c: &Constraints, card: &Card, time_share: Option<f64>) -> Vec<Relaxation> {
    let mut out = Vec::new();
    if let Some(place) = AskedPlace::of(c) {
        let d = place.distance_m(card.lat, card.lng);
        if !place.contains(card.region.as_deref(), d) {
            out.push(Relaxation::Place {
                asked: place.label,
                region: card.region.clone(),
                distance_m: d.map(|d| d.round() as i64),
            });
        }
    } else if let Some(city) = &c.city {
        if card.city.as_deref() != Some(city.as_str()) {
            out.push(Relaxation::Place {
                asked: city.clone(),
                region: card.region.clone(),
                distance_m: None,
            });
        }
    }
    if let Some(t) = c.time {
        if time_share.unwrap_or(0.0) < MIN_TIME_SHARE {
            out.push(Relaxation::Time { asked: t });
        }
    }
    if let Some(max) = c.price_max_per_person {
        if card.price_per_person.is_none_or(|p| p > i64::from(max)) {
            out.push(Relaxation::Price {
                asked_max: max,
                price: card.price_per_person,
            });
        }
    }
    if let Some(r) = unkept_dish(c) {
        out.push(r);
    }
    out
}

/// What every store misses when the dish was asked more narrowly than any menu has it
/// ([`Constraints::dish_asked`]); `None` when it was not, or when the dish has changed since
/// (a follow-up's other dish).
pub fn unkept_dish(c: &Constraints) -> Option<Relaxation> {
    let (asked, served) = (c.dish_asked.as_deref()?, c.dish.as_deref()?);
    (asked != served && asked.ends_with(served)).then(|| Relaxation::Dish {
        asked: asked.to_owned(),
        served: served.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn time_and_price_are_given_up_before_the_place() {
        let c = parse("노형동 1인 2만원 이하 저녁 맛집 추천").constraints;
        let s = steps(&c, false);
        assert_eq!(
            s[..3],
            [
                Step {
                    drop_time: true,
                    drop_price: false,
                    widen: None
                },
                Step {
                    drop_time: false,
                    drop_price: true,
                    widen: None
                },
                Step {
                    drop_time: true,
                    drop_price: true,
                    widen: None
                },
            ]
        );
        assert_eq!(s[3].widen, Some(Widen::Radius(10_000)));
        assert!(!s[3].drop_time && !s[3].drop_price);
        assert_eq!(s.len(), 7);
    }

    #[test]
    fn only_what_was_asked_is_given_up_and_a_city_is_not_widened() {
        let c = parse("애월읍 흑돼지 맛집").constraints;
        assert_eq!(
            steps(&c, false).iter().map(|s| s.widen).collect::<Vec<_>>(),
            [Some(Widen::Radius(10_000)), Some(Widen::Radius(20_000))]
        );
        assert!(steps(&parse("제주시 흑돼지 맛집").constraints, false).is_empty());
        let widened = relaxed(&c, steps(&c, false)[0]);
        assert_eq!(widened.region, None);
        assert_eq!(widened.dish, c.dish, "the dish is never given up");
        let p = widened.near_point.unwrap();
        assert_eq!((p.label.as_str(), p.radius_m), ("애월읍", 10_000.0));
    }

    #[test]
    fn an_attraction_widens_to_its_region_before_any_radius() {
        let c = parse("성산일출봉근처갈치조림").constraints;
        assert_eq!(c.near_attraction.as_deref(), Some("성산일출봉"));
        let widenings: Vec<_> = steps(&c, false).iter().map(|s| s.widen).collect();
        assert_eq!(
            widenings,
            [
                Some(Widen::Region),
                Some(Widen::Radius(10_000)),
                Some(Widen::Radius(20_000))
            ]
        );
        let in_region = relaxed(&c, steps(&c, false)[0]);
        assert_eq!(in_region.near_attraction, None);
        assert_eq!(in_region.near_point, None);
        assert_eq!(in_region.region.as_deref(), Some("성산읍"));
        assert_eq!(in_region.dish, c.dish);
        // A store of the region 5 km from the attraction says how far it is.
        let mut card = crate::recommend::tests::card("x", false);
        card.region = Some("성산읍".into());
        card.lat = Some(33.458 - 0.045);
        card.lng = Some(126.9425);
        assert!(matches!(
            unmet(&c, &card, None).as_slice(),
            [Relaxation::Place { asked, region: Some(r), distance_m: Some(d) }]
                if asked == "성산일출봉" && r == "성산읍" && *d > 3_000
        ));
        // A region asked without an attraction widens by radius only.
        let c = parse("성산읍 갈치조림").constraints;
        assert!(steps(&c, false)
            .iter()
            .all(|s| s.widen != Some(Widen::Region)));
    }

    #[test]
    fn a_price_asked_by_a_follow_up_is_kept() {
        let c = parse("노형동 1인 2만원 이하 맛집").constraints;
        assert!(steps(&c, true).iter().all(|s| !s.drop_price));
        assert!(steps(&c, false).iter().any(|s| s.drop_price));
    }

    #[test]
    fn a_dish_asked_more_narrowly_than_any_menu_is_unmet_until_the_dish_changes() {
        let mut c = parse("회 맛집 추천").constraints;
        assert_eq!(c.dish.as_deref(), Some("회"));
        assert_eq!(unkept_dish(&c), None);
        c.dish_asked = Some("광어회".into());
        let card = crate::recommend::tests::card("x", false);
        assert_eq!(
            unmet(&c, &card, None),
            [Relaxation::Dish {
                asked: "광어회".into(),
                served: "회".into()
            }]
        );
        // A follow-up's other dish: the old word no longer applies.
        c.dish = Some("흑돼지".into());
        assert!(unmet(&c, &card, None).is_empty());
    }

    #[test]
    fn a_card_says_what_it_does_not_meet() {
        let c = parse("애월읍 1인 2만원 이하 저녁 흑돼지").constraints;
        let aewol = gazetteer::region("애월읍").unwrap();
        let hallim = gazetteer::region("한림읍").unwrap();
        let mut card = crate::recommend::tests::card("x", false);
        card.region = Some("한림읍".into());
        card.lat = Some(hallim.lat);
        card.lng = Some(hallim.lng);
        card.price_per_person = Some(25_000);
        let unmet = unmet(&c, &card, Some(0.01));
        let d = gazetteer::distance_m(aewol.lat, aewol.lng, hallim.lat, hallim.lng).round() as i64;
        assert_eq!(
            unmet,
            [
                Relaxation::Place {
                    asked: "애월읍".into(),
                    region: Some("한림읍".into()),
                    distance_m: Some(d)
                },
                Relaxation::Time {
                    asked: TimeOfDay::Dinner
                },
                Relaxation::Price {
                    asked_max: 20_000,
                    price: Some(25_000)
                },
            ]
        );
        card.region = Some("애월읍".into());
        card.price_per_person = Some(18_000);
        assert!(super::unmet(&c, &card, Some(0.2)).is_empty());
    }
}
