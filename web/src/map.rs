//! A small offline map of an answer: Jeju's coastline (Natural Earth 1:10m, `web/map/`), the
//! asked region, the circle of a "near …" question, attractions near the picks, and the picks
//! as numbered pins. Plain SVG from the answer's data: no tile server, no script.

use std::sync::OnceLock;

use jeju_api::{MapView, PickCard};
use leptos::prelude::*;
use serde::Deserialize;

/// The outline file: closed `[lng, lat]` rings, the island first.
#[derive(Deserialize)]
struct Outline {
    rings: Vec<Vec<[f64; 2]>>,
}

/// The drawing's width in SVG units (its height follows the island's shape).
const WIDTH: f64 = 600.0;
/// Space around the island's box, in degrees.
const MARGIN_DEG: f64 = 0.03;

/// The equirectangular projection of the island's box onto the drawing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    west: f64,
    north: f64,
    /// SVG units per degree of longitude; latitude is stretched by 1/cos(lat).
    scale: f64,
    lat_stretch: f64,
    pub height: f64,
}

impl Projection {
    pub fn point(&self, lat: f64, lng: f64) -> (f64, f64) {
        (
            (lng - self.west) * self.scale,
            (self.north - lat) * self.scale * self.lat_stretch,
        )
    }

    /// Metres as SVG units (at the island's latitude).
    pub fn metres(&self, m: f64) -> f64 {
        // One degree of latitude is about 111.2 km.
        m / 111_195.0 * self.scale * self.lat_stretch
    }
}

/// The coastline's rings in degrees.
fn outline() -> &'static [Vec<[f64; 2]>] {
    static OUTLINE: OnceLock<Vec<Vec<[f64; 2]>>> = OnceLock::new();
    OUTLINE.get_or_init(|| {
        serde_json::from_str::<Outline>(include_str!("../map/jeju_outline.json"))
            .map(|o| o.rings)
            .unwrap_or_default()
    })
}

/// The island's bounding box: (south, west, north, east) in degrees.
pub fn island_box() -> (f64, f64, f64, f64) {
    let points = outline().iter().flatten();
    let (mut s, mut w, mut n, mut e) = (90.0f64, 180.0f64, -90.0f64, -180.0f64);
    for [lng, lat] in points {
        s = s.min(*lat);
        n = n.max(*lat);
        w = w.min(*lng);
        e = e.max(*lng);
    }
    (s, w, n, e)
}

/// The projection of the island's box with its margin.
pub fn projection() -> Projection {
    let (s, w, n, e) = island_box();
    let (s, w, n, e) = (
        s - MARGIN_DEG,
        w - MARGIN_DEG,
        n + MARGIN_DEG,
        e + MARGIN_DEG,
    );
    let lat_stretch = 1.0 / ((s + n) / 2.0).to_radians().cos();
    let scale = WIDTH / (e - w);
    Projection {
        west: w,
        north: n,
        scale,
        lat_stretch,
        height: (n - s) * scale * lat_stretch,
    }
}

/// The coastline as an SVG path.
fn coast_path(p: &Projection) -> String {
    let mut d = String::new();
    for ring in outline() {
        for (i, [lng, lat]) in ring.iter().enumerate() {
            let (x, y) = p.point(*lat, *lng);
            d.push_str(&format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" }));
        }
        d.push('Z');
    }
    d
}

/// Is a point on the drawing (inside the island's box with its margin)?
pub fn on_map(lat: f64, lng: f64) -> bool {
    let (s, w, n, e) = island_box();
    (s - MARGIN_DEG..=n + MARGIN_DEG).contains(&lat)
        && (w - MARGIN_DEG..=e + MARGIN_DEG).contains(&lng)
}

/// The map of an answer; `None` when no pick has coordinates on the island.
pub fn answer_map(picks: &[PickCard], map: &MapView, title: &'static str) -> Option<AnyView> {
    let pins: Vec<(u32, String, f64, f64)> = picks
        .iter()
        .filter_map(|p| {
            let (lat, lng) = p.lat.zip(p.lng)?;
            on_map(lat, lng).then(|| (p.rank, p.name.clone(), lat, lng))
        })
        .collect();
    if pins.is_empty() || outline().is_empty() {
        return None;
    }
    let p = projection();
    let view_box = format!("0 0 {WIDTH:.0} {:.0}", p.height);
    let region = map.region.clone().filter(|r| on_map(r.lat, r.lng)).map(|r| {
        let (x, y) = p.point(r.lat, r.lng);
        view! {
            <g class="map-region">
                <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r=format!("{:.1}", p.metres(4_000.0)) />
                <text x=format!("{x:.1}") y=format!("{:.1}", y - p.metres(4_500.0))>{r.label}</text>
            </g>
        }
    });
    let near = map.near.clone().filter(|c| on_map(c.center.lat, c.center.lng)).map(|c| {
        let (x, y) = p.point(c.center.lat, c.center.lng);
        view! {
            <g class="map-near" data-radius-m=format!("{:.0}", c.radius_m)>
                <circle class="radius" cx=format!("{x:.1}") cy=format!("{y:.1}") r=format!("{:.1}", p.metres(c.radius_m)) />
                <circle class="center" cx=format!("{x:.1}") cy=format!("{y:.1}") r="3" />
                <text x=format!("{x:.1}") y=format!("{:.1}", y + p.metres(c.radius_m) + 14.0)>{c.center.label}</text>
            </g>
        }
    });
    let attractions = map
        .attractions
        .iter()
        .filter(|a| on_map(a.lat, a.lng))
        .map(|a| {
            let (x, y) = p.point(a.lat, a.lng);
            view! {
                <g class="map-attraction">
                    <path d=format!("M{x:.1},{:.1}l5,8h-10z", y - 5.0) />
                    <text x=format!("{:.1}", x + 8.0) y=format!("{:.1}", y + 4.0)>{a.label.clone()}</text>
                </g>
            }
        })
        .collect_view();
    let pins = pins
        .into_iter()
        .map(|(rank, name, lat, lng)| {
            let (x, y) = p.point(lat, lng);
            view! {
                <g class="pin" data-rank=rank.to_string() data-lat=format!("{lat:.5}") data-lng=format!("{lng:.5}")>
                    <title>{format!("{rank}. {name}")}</title>
                    <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="11" />
                    <text x=format!("{x:.1}") y=format!("{:.1}", y + 4.5)>{rank}</text>
                </g>
            }
        })
        .collect_view();
    Some(
        view! {
            <figure class="answer-map">
                <svg class="map" viewBox=view_box role="img" aria-label=title xmlns="http://www.w3.org/2000/svg">
                    <path class="coast" d=coast_path(&p) />
                    {region}
                    {near}
                    {attractions}
                    {pins}
                </svg>
            </figure>
        }
        .into_any(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outline_is_jeju_and_the_projection_keeps_it_on_the_drawing() {
        let (s, w, n, e) = island_box();
        assert!(outline()[0].len() >= 20, "the island's ring");
        assert!(
            (33.1..33.3).contains(&s) && (33.5..33.6).contains(&n),
            "{s} {n}"
        );
        assert!(
            (126.1..126.2).contains(&w) && (126.9..127.0).contains(&e),
            "{w} {e}"
        );
        let p = projection();
        // Jeju is about 73 km wide and 31 km tall: the drawing is wider than tall.
        assert!(p.height > 200.0 && p.height < WIDTH, "{}", p.height);
        let (x, y) = p.point(33.4996, 126.5312);
        assert!((0.0..WIDTH).contains(&x) && (0.0..p.height).contains(&y));
        // 10 km is about an eighth of the island's width.
        let ten_km = p.metres(10_000.0);
        assert!((60.0..100.0).contains(&ten_km), "{ten_km}");
        assert!(on_map(33.45, 126.33) && !on_map(35.1, 129.0));
    }
}
