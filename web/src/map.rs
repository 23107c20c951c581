//! A small offline map of an answer: the area of the picks on Jeju's coastline (Natural
//! Earth 1:10m, `web/map/`), the asked region, the circle of a "near …" question, attractions
//! near the picks, the picks as numbered pins, and a locator of the whole island with the
//! shown area marked. Plain SVG from the answer's data: no tile server, no script.

use std::sync::OnceLock;

use jeju_api::{MapView, PickCard};
use leptos::prelude::*;
use serde::Deserialize;

/// The outline file: closed `[lng, lat]` rings, the island first.
#[derive(Deserialize)]
struct Outline {
    rings: Vec<Vec<[f64; 2]>>,
}

/// The drawing's size in SVG units (5:3).
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 360.0;
/// The shown area is at least this wide (about 14 km), so that a cluster of picks still shows
/// its coast and neighbourhood.
const MIN_SPAN_LNG: f64 = 0.15;
/// Space around what must be shown, as a share of its size.
const PAD: f64 = 0.3;
/// The locator (the whole island) in the drawing's corner.
const LOCATOR_WIDTH: f64 = 130.0;
const PIN_RADIUS: f64 = 11.0;

/// A box in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub south: f64,
    pub west: f64,
    pub north: f64,
    pub east: f64,
}

impl Area {
    fn around(points: &[(f64, f64)]) -> Option<Area> {
        let (first, rest) = points.split_first()?;
        let mut a = Area {
            south: first.0,
            north: first.0,
            west: first.1,
            east: first.1,
        };
        for (lat, lng) in rest {
            a.south = a.south.min(*lat);
            a.north = a.north.max(*lat);
            a.west = a.west.min(*lng);
            a.east = a.east.max(*lng);
        }
        Some(a)
    }

    fn contains(&self, lat: f64, lng: f64) -> bool {
        (self.south..=self.north).contains(&lat) && (self.west..=self.east).contains(&lng)
    }

    /// How many times taller than degrees of longitude a degree of latitude is drawn.
    fn lat_stretch(&self) -> f64 {
        1.0 / ((self.south + self.north) / 2.0).to_radians().cos()
    }
}

/// An equirectangular projection of an area onto a `width` × `height` box at (`x0`, `y0`),
/// centred, one scale for both axes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    west: f64,
    north: f64,
    scale: f64,
    lat_stretch: f64,
    x0: f64,
    y0: f64,
}

impl Projection {
    fn fit(area: Area, x0: f64, y0: f64, width: f64, height: f64) -> Projection {
        let lat_stretch = area.lat_stretch();
        let w = area.east - area.west;
        let h = (area.north - area.south) * lat_stretch;
        let scale = (width / w).min(height / h);
        // Centre the area in the box.
        let x0 = x0 + (width - w * scale) / 2.0;
        let y0 = y0 + (height - h * scale) / 2.0;
        Projection {
            west: area.west,
            north: area.north,
            scale,
            lat_stretch,
            x0,
            y0,
        }
    }

    pub fn point(&self, lat: f64, lng: f64) -> (f64, f64) {
        (
            self.x0 + (lng - self.west) * self.scale,
            self.y0 + (self.north - lat) * self.scale * self.lat_stretch,
        )
    }

    /// Metres as SVG units (at the area's latitude).
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

/// The island's bounding box.
pub fn island() -> Area {
    let points: Vec<(f64, f64)> = outline()
        .iter()
        .flatten()
        .map(|[lng, lat]| (*lat, *lng))
        .collect();
    Area::around(&points).unwrap_or(Area {
        south: 33.1,
        west: 126.1,
        north: 33.6,
        east: 127.0,
    })
}

/// The island's bounding box as (south, west, north, east).
pub fn island_box() -> (f64, f64, f64, f64) {
    let a = island();
    (a.south, a.west, a.north, a.east)
}

/// Is a point on the island's box (with a little sea around it)?
pub fn on_map(lat: f64, lng: f64) -> bool {
    let a = island();
    const SEA: f64 = 0.03;
    (a.south - SEA..=a.north + SEA).contains(&lat) && (a.west - SEA..=a.east + SEA).contains(&lng)
}

/// The area to show: everything in `points`, padded, at least [`MIN_SPAN_LNG`] wide, in the
/// drawing's proportions.
pub fn shown_area(points: &[(f64, f64)]) -> Option<Area> {
    let a = Area::around(points)?;
    let stretch = a.lat_stretch();
    let (cx, cy) = ((a.west + a.east) / 2.0, (a.south + a.north) / 2.0);
    let mut w = ((a.east - a.west) * (1.0 + PAD)).max(MIN_SPAN_LNG);
    let mut h = (a.north - a.south) * stretch * (1.0 + PAD);
    // The drawing's proportions: widen or heighten the smaller side.
    if w / h < WIDTH / HEIGHT {
        w = h * WIDTH / HEIGHT;
    } else {
        h = w * HEIGHT / WIDTH;
    }
    let h = h / stretch;
    Some(Area {
        south: cy - h / 2.0,
        north: cy + h / 2.0,
        west: cx - w / 2.0,
        east: cx + w / 2.0,
    })
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

/// A label's box (x, y of its left baseline; approximate width from its characters).
#[derive(Debug, Clone, Copy)]
struct LabelBox {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl LabelBox {
    fn of_text(text: &str, x: f64, y: f64, size: f64) -> LabelBox {
        let width: f64 = text
            .chars()
            .map(|ch| if ch.is_ascii() { 0.6 } else { 1.0 })
            .sum::<f64>()
            * size;
        LabelBox {
            left: x,
            top: y - size,
            right: x + width,
            bottom: y + size * 0.3,
        }
    }

    fn of_pin(x: f64, y: f64) -> LabelBox {
        LabelBox {
            left: x - PIN_RADIUS,
            top: y - PIN_RADIUS,
            right: x + PIN_RADIUS,
            bottom: y + PIN_RADIUS,
        }
    }

    /// The first of four places around a marker at (`x`, `y`) (right, left, below, above)
    /// where `text` covers nothing `taken`; `None` when every place does.
    fn place(text: &str, x: f64, y: f64, size: f64, taken: &[LabelBox]) -> Option<LabelBox> {
        let width = LabelBox::of_text(text, 0.0, 0.0, size).right;
        let gap = 8.0;
        [
            (x + gap, y + size * 0.35),
            (x - gap - width, y + size * 0.35),
            (x - width / 2.0, y + gap + size),
            (x - width / 2.0, y - gap),
        ]
        .into_iter()
        .map(|(lx, ly)| LabelBox::of_text(text, lx, ly, size))
        .find(|b| {
            b.left >= 0.0
                && b.right <= WIDTH
                && b.top >= 0.0
                && b.bottom <= HEIGHT
                && !taken.iter().any(|t| t.overlaps(b))
        })
    }

    fn overlaps(&self, other: &LabelBox) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }
}

/// A label's text at its box.
fn text_at(b: LabelBox, text: String) -> impl IntoView {
    let size = (b.bottom - b.top) / 1.3;
    view! {
        <text x=format!("{:.1}", b.left) y=format!("{:.1}", b.bottom - size * 0.3)>
            {text}
        </text>
    }
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
    // What must be seen: the pins and the centre of a near question.
    let mut must: Vec<(f64, f64)> = pins.iter().map(|p| (p.2, p.3)).collect();
    if let Some(c) = map
        .near
        .as_ref()
        .filter(|c| on_map(c.center.lat, c.center.lng))
    {
        must.push((c.center.lat, c.center.lng));
    }
    let area = shown_area(&must)?;
    let p = Projection::fit(area, 0.0, 0.0, WIDTH, HEIGHT);
    let mut taken: Vec<LabelBox> = pins
        .iter()
        .map(|(_, _, lat, lng)| {
            let (x, y) = p.point(*lat, *lng);
            LabelBox::of_pin(x, y)
        })
        .collect();
    let region = map
        .region
        .clone()
        .filter(|r| area.contains(r.lat, r.lng))
        .map(|r| {
            let (x, y) = p.point(r.lat, r.lng);
            let label = LabelBox::place(&r.label, x, y, 15.0, &taken);
            taken.extend(label);
            view! {
                <g class="map-region">
                    <title>{r.label.clone()}</title>
                    <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="5" />
                    {label.map(|b| text_at(b, r.label.clone()))}
                </g>
            }
        });
    let near = map
        .near
        .clone()
        .filter(|c| area.contains(c.center.lat, c.center.lng))
        .map(|c| {
            let (x, y) = p.point(c.center.lat, c.center.lng);
            let r = p.metres(c.radius_m);
            let label = LabelBox::place(&c.center.label, x, y, 13.0, &taken);
            taken.extend(label);
            view! {
                <g class="map-near" data-radius-m=format!("{:.0}", c.radius_m)>
                    <title>{c.center.label.clone()}</title>
                    <circle class="radius" cx=format!("{x:.1}") cy=format!("{y:.1}") r=format!("{r:.1}") />
                    <circle class="center" cx=format!("{x:.1}") cy=format!("{y:.1}") r="4" />
                    {label.map(|b| text_at(b, c.center.label.clone()))}
                </g>
            }
        });
    let attractions = map
        .attractions
        .iter()
        .filter(|a| area.contains(a.lat, a.lng))
        .map(|a| {
            let (x, y) = p.point(a.lat, a.lng);
            let label = LabelBox::place(&a.label, x, y, 12.0, &taken);
            taken.extend(label);
            view! {
                <g class="map-attraction">
                    <title>{a.label.clone()}</title>
                    <path d=format!("M{x:.1},{:.1}l5,8h-10z", y - 5.0) />
                    {label.map(|b| text_at(b, a.label.clone()))}
                </g>
            }
        })
        .collect_view();
    let pin_views = pins
        .into_iter()
        .map(|(rank, name, lat, lng)| {
            let (x, y) = p.point(lat, lng);
            view! {
                <g class="pin" data-rank=rank.to_string() data-lat=format!("{lat:.5}") data-lng=format!("{lng:.5}")>
                    <title>{format!("{rank}. {name}")}</title>
                    <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r=PIN_RADIUS.to_string() />
                    <text x=format!("{x:.1}") y=format!("{:.1}", y + 4.5)>{rank}</text>
                </g>
            }
        })
        .collect_view();
    // The locator: the whole island in the lower right corner, the shown area marked.
    let whole = island();
    let locator_height = LOCATOR_WIDTH / (whole.east - whole.west)
        * (whole.north - whole.south)
        * whole.lat_stretch();
    let (lx, ly) = (WIDTH - LOCATOR_WIDTH - 8.0, HEIGHT - locator_height - 8.0);
    let lp = Projection::fit(whole, lx, ly, LOCATOR_WIDTH, locator_height);
    let (ax, ay) = lp.point(area.north.min(whole.north), area.west.max(whole.west));
    let (bx, by) = lp.point(area.south.max(whole.south), area.east.min(whole.east));
    let view_box = format!("0 0 {WIDTH:.0} {HEIGHT:.0}");
    Some(
        view! {
            <figure class="answer-map">
                <svg class="map" viewBox=view_box role="img" aria-label=title xmlns="http://www.w3.org/2000/svg">
                    <path class="coast" d=coast_path(&p) />
                    {region}
                    {near}
                    {attractions}
                    {pin_views}
                    <g class="locator" aria-hidden="true">
                        <rect class="locator-frame" x=format!("{:.1}", lx - 4.0) y=format!("{:.1}", ly - 4.0) width=format!("{:.1}", LOCATOR_WIDTH + 8.0) height=format!("{:.1}", locator_height + 8.0) rx="6" />
                        <path class="coast" d=coast_path(&lp) />
                        <rect class="locator-area" x=format!("{ax:.1}") y=format!("{ay:.1}") width=format!("{:.1}", (bx - ax).max(3.0)) height=format!("{:.1}", (by - ay).max(3.0)) />
                    </g>
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
    fn the_outline_is_jeju() {
        let a = island();
        assert!(outline()[0].len() >= 20, "the island's ring");
        assert!(
            (33.1..33.3).contains(&a.south) && (33.5..33.6).contains(&a.north),
            "{a:?}"
        );
        assert!(
            (126.1..126.2).contains(&a.west) && (126.9..127.0).contains(&a.east),
            "{a:?}"
        );
        assert!(on_map(33.45, 126.33) && !on_map(35.1, 129.0));
    }

    #[test]
    fn the_shown_area_holds_the_points_in_the_drawings_proportions() {
        // Three picks within a kilometre in Aewol: at least the minimum span is shown.
        let points = [(33.462, 126.31), (33.466, 126.315), (33.459, 126.318)];
        let area = shown_area(&points).unwrap();
        assert!(points.iter().all(|(lat, lng)| area.contains(*lat, *lng)));
        assert!(
            (area.east - area.west - MIN_SPAN_LNG).abs() < 1e-9,
            "{area:?}"
        );
        let p = Projection::fit(area, 0.0, 0.0, WIDTH, HEIGHT);
        let (x0, y0) = p.point(area.north, area.west);
        let (x1, y1) = p.point(area.south, area.east);
        assert!(x0.abs() < 1e-6 && y0.abs() < 1e-6, "{x0} {y0}");
        assert!(
            (x1 - WIDTH).abs() < 1e-6 && (y1 - HEIGHT).abs() < 1e-6,
            "{x1} {y1}"
        );
        // Picks across the island: the area grows to hold them all.
        let far = [(33.46, 126.31), (33.25, 126.56), (33.45, 126.92)];
        let wide = shown_area(&far).unwrap();
        assert!(far.iter().all(|(lat, lng)| wide.contains(*lat, *lng)));
        // 1.5 km at this scale is a visible circle.
        let near = Projection::fit(area, 0.0, 0.0, WIDTH, HEIGHT).metres(1_500.0);
        assert!((30.0..120.0).contains(&near), "{near}");
    }

    #[test]
    fn labels_go_where_they_cover_nothing_or_are_left_to_the_tooltip() {
        let pin = LabelBox::of_pin(100.0, 100.0);
        assert!(LabelBox::of_text("한담해안산책로", 95.0, 104.0, 12.0).overlaps(&pin));
        assert!(!LabelBox::of_text("Udo", 300.0, 300.0, 12.0).overlaps(&pin));
        // A marker just below a pin: the label goes beside it, not over the pin.
        let placed = LabelBox::place("애월읍", 100.0, 118.0, 15.0, &[pin]).unwrap();
        assert!(!placed.overlaps(&pin), "{placed:?}");
        // Boxed in on every side: no label.
        let walls = [LabelBox {
            left: 0.0,
            top: 0.0,
            right: WIDTH,
            bottom: HEIGHT,
        }];
        assert!(LabelBox::place("애월읍", 100.0, 118.0, 15.0, &walls).is_none());
    }
}
