//! One synthetic store: identity, location and menu, its hidden traits (the truth file), and
//! the latent quantities (popularity, customer mix, seasonality) from which the visible data
//! are drawn.

use std::collections::{BTreeMap, BTreeSet};

use jeju_data::catalog::{Attraction, Mood, Ratings, StoreProfile, StoreTruth, View, Wait};
use jeju_data::gazetteer::{self, Region};
use jeju_data::vocab::{AgeBand, Companion, TimeOfDay};

use crate::geo::{self, RegionProfile};
use crate::menus::{self, Menu, Theme};
use crate::names::{self, NameContext};
use crate::rng::{self, SynthRng};
use crate::types::{TypeProfile, TYPES};
use crate::SynthError;

/// Average age-band shares over all stores; a band is a store's focus when it is clearly
/// above this.
const REFERENCE_AGES: [f64; 5] = [0.27, 0.26, 0.21, 0.15, 0.11];

/// Multipliers of the age shares for each companion a store is good for.
const COMPANION_AGES: [[f64; 5]; 6] = [
    [0.9, 0.95, 1.0, 1.3, 1.8],   // parents
    [0.8, 1.35, 1.35, 0.9, 0.9],  // kids
    [1.35, 1.25, 0.9, 0.8, 0.75], // couple
    [1.3, 1.1, 0.95, 0.9, 0.8],   // friends
    [1.2, 1.05, 1.0, 0.95, 1.0],  // solo
    [0.9, 1.0, 1.2, 1.25, 1.05],  // group
];

/// Monthly demand of tourist places (spring, summer and October peaks).
const TOURIST_SEASON: [f64; 12] = [
    0.82, 0.88, 0.95, 1.05, 1.12, 1.0, 1.22, 1.32, 1.0, 1.1, 0.95, 0.9,
];
/// Monthly demand by a swimming beach.
const BEACH_SEASON: [f64; 12] = [
    0.75, 0.75, 0.8, 0.9, 1.0, 1.15, 1.5, 1.6, 1.05, 0.9, 0.8, 0.75,
];
/// Cold treats and juices peak in summer.
const SUMMER_TREATS: [f64; 12] = [
    0.7, 0.72, 0.85, 0.95, 1.05, 1.2, 1.4, 1.45, 1.15, 0.95, 0.8, 0.72,
];
/// Soups and hangover food do a little better in winter; pubs peak in December.
const WINTER_SOUPS: [f64; 12] = [
    1.12, 1.08, 1.02, 0.98, 0.95, 0.92, 0.9, 0.92, 0.97, 1.02, 1.06, 1.14,
];
const YEAR_END: [f64; 12] = [
    0.95, 0.92, 0.97, 0.98, 1.0, 0.98, 1.02, 1.03, 0.98, 1.0, 1.02, 1.2,
];

/// Share of stores that opened during 2023 (their rows start in the opening month).
const OPENED_2023_P: f64 = 0.22;
/// Share of older stores that closed during 2023 (their rows stop).
const CLOSED_2023_P: f64 = 0.13;

/// Inland 동 where a mountain (한라산, 오름) view is plausible.
const INLAND_DONG: &[&str] = &[
    "봉개동",
    "아라일동",
    "오라이동",
    "해안동",
    "상예동",
    "도순동",
    "호근동",
    "서홍동",
    "토평동",
];

/// What the planner decided for one store before it is drawn.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    /// Index into `gazetteer::regions()`.
    pub region: usize,
    /// Index into [`TYPES`].
    pub store_type: usize,
    /// A forced menu theme (coverage of the small scale), else drawn.
    pub theme: Option<&'static Theme>,
}

/// A store with everything the files need.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    pub id: String,
    pub name: String,
    pub store_type: usize,
    pub region_profile: &'static RegionProfile,
    pub theme: &'static Theme,
    /// May be empty (the real file has blank addresses).
    pub address: String,
    /// `YYYYMMDD`.
    pub opened: String,
    pub lat: f64,
    pub lng: f64,
    pub menu: Menu,
    pub ratings: Ratings,
    // Ground truth.
    pub good_for: Vec<Companion>,
    pub age_focus: Vec<AgeBand>,
    pub view: View,
    pub mood: Mood,
    /// 1 (cheap) ..= 4 (expensive) within the type; see [`assign_price_levels`].
    pub price_level: u8,
    pub wait: Wait,
    pub busy_times: Vec<TimeOfDay>,
    pub local_favorite: bool,
    pub quality: f64,
    // Latent quantities.
    /// 0..1, drives transaction counts, review counts and waiting.
    pub popularity: f64,
    pub local_share: f64,
    pub female_share: f64,
    pub ages: [f64; 5],
    pub weekday: [f64; 7],
    pub hours: [f64; 5],
    /// Typical amount per transaction, in won.
    pub ticket: f64,
    /// Typical spend per person (mean price of the signature dishes), in won.
    pub spend: f64,
    /// Demand multiplier per month (index 0 = January).
    pub season: [f64; 12],
    /// Months of 2023 (1..=12) with a row in the contest file, ascending.
    pub months: Vec<u32>,
    /// Day of 2023's first active month the store opened (1 when it opened earlier).
    pub open_day: u32,
    /// On the shore (reviews may mention the sea even without an ocean view).
    pub coastal: bool,
    /// The place word reviews use for a trip (애월, 제주, 서귀포 ...).
    pub travel_place: String,
    /// The nearest attraction within 8 km.
    pub nearby: Option<&'static Attraction>,
}

impl Store {
    pub fn profile(&self) -> &'static TypeProfile {
        &TYPES[self.store_type]
    }

    pub fn type_name(&self) -> &'static str {
        self.profile().name
    }

    /// The `stores.jsonl` record.
    pub fn store_profile(&self) -> StoreProfile {
        StoreProfile {
            id: self.id.clone(),
            name: self.name.clone(),
            store_type: self.type_name().to_owned(),
            address: self.address.clone(),
            opened: self.opened.clone(),
            lat: self.lat,
            lng: self.lng,
            menu: self.menu.items.clone(),
            ratings: self.ratings.clone(),
        }
    }

    /// The `truth.jsonl` record.
    pub fn truth(&self) -> StoreTruth {
        StoreTruth {
            store_id: self.id.clone(),
            good_for: self.good_for.clone(),
            age_focus: self.age_focus.clone(),
            signature_dishes: self.menu.signature.clone(),
            dish_tags: self.menu.tags.clone(),
            view: self.view,
            mood: self.mood,
            price_level: self.price_level,
            wait: self.wait,
            busy_times: self.busy_times.clone(),
            local_favorite: self.local_favorite,
            quality: (self.quality * 1000.0).round() as f32 / 1000.0,
        }
    }

    pub fn is_good_for(&self, c: Companion) -> bool {
        self.good_for.contains(&c)
    }
}

/// Keys already used, so that (name, address, opened, type) and the ids stay unique.
#[derive(Debug, Default)]
pub(crate) struct UsedKeys {
    keys: BTreeSet<(String, String, String, usize)>,
    ids: BTreeSet<String>,
}

fn normalize<const N: usize>(mut v: [f64; N]) -> [f64; N] {
    let total: f64 = v.iter().sum();
    if total > 0.0 && total.is_finite() {
        for x in &mut v {
            *x /= total;
        }
    } else {
        v = [1.0 / N as f64; N];
    }
    v
}

/// Type weights for a region: tourist places have more cafes and ice cream, fewer drivers'
/// diners and lunch-box shops.
pub(crate) fn type_weights(tourist: f64) -> Vec<f64> {
    TYPES
        .iter()
        .map(|t| {
            let bias = match t.name {
                "커피" => 0.6,
                "아이스크림/빙수" => 1.0,
                "주스" => 0.8,
                "베이커리" | "햄버거" | "기타세계요리" => 0.3,
                "양식" => 0.4,
                "기사식당" | "구내식당/푸드코트" => -0.9,
                "도시락" | "야식" => -0.6,
                "치킨" => -0.5,
                "분식" | "중식" => -0.3,
                "떡/한과" => -0.2,
                _ => 0.0,
            };
            t.weight * (bias * (tourist - 0.4) * 2.0).exp()
        })
        .collect()
}

fn theme_for(
    rng: &mut SynthRng,
    profile: &TypeProfile,
    region: &Region,
    coastal: bool,
) -> &'static Theme {
    let hub = geo::is_black_pork_hub(region);
    let weights: Vec<f64> = profile
        .themes
        .iter()
        .map(|(theme, w)| {
            let mut w = *w;
            if theme.pork {
                w *= if hub { 2.5 } else { 0.8 };
            }
            if theme.seafood && coastal {
                w *= 1.6;
            }
            w
        })
        .collect();
    let i = rng::weighted(rng, &weights).unwrap_or(0);
    profile
        .themes
        .get(i)
        .map(|(t, _)| *t)
        .unwrap_or(&menus::BAEKBAN)
}

fn draw_view(
    rng: &mut SynthRng,
    profile: &TypeProfile,
    region: &Region,
    rp: &RegionProfile,
    coastal: bool,
) -> View {
    let scenic = profile.scenic;
    let p_ocean = if coastal {
        scenic * (0.3 + 0.45 * rp.tourist)
    } else {
        0.0
    };
    let inland = !coastal && (region.kind != "동" || INLAND_DONG.contains(&region.name.as_str()));
    let p_mountain = if inland { scenic * 0.35 } else { scenic * 0.03 };
    let p_garden = scenic * if region.kind != "동" { 0.2 } else { 0.07 };
    let u = rng::unit(rng);
    if u < p_ocean {
        View::Ocean
    } else if u < p_ocean + p_mountain {
        View::Mountain
    } else if u < p_ocean + p_mountain + p_garden {
        View::Garden
    } else {
        View::None
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Draws one store. `index` is only used in error messages.
pub(crate) fn draw(
    rng: &mut SynthRng,
    index: usize,
    spec: Spec,
    used: &mut UsedKeys,
) -> Result<Store, SynthError> {
    let regions = gazetteer::regions();
    let region = regions.get(spec.region).ok_or_else(|| {
        SynthError::Invariant(format!(
            "store {index}: region {} out of range",
            spec.region
        ))
    })?;
    let rp = geo::profile(region);
    let tp = TYPES.get(spec.store_type).ok_or_else(|| {
        SynthError::Invariant(format!(
            "store {index}: type {} out of range",
            spec.store_type
        ))
    })?;
    let tourist = rp.tourist;

    let location = geo::locate(rng, region, rp);
    let theme = match spec.theme {
        Some(t) => t,
        None => theme_for(rng, tp, region, location.coastal),
    };
    let view = draw_view(rng, tp, region, rp, location.coastal);
    let lively_p = rng::clamp(
        tp.lively + theme.lively + if view == View::None { 0.0 } else { -0.1 } + 0.05 * tourist,
        0.02,
        0.98,
    );
    let mood = if rng::chance(rng, lively_p) {
        Mood::Lively
    } else {
        Mood::Quiet
    };
    let price_score = 0.9 * rng::normal(rng)
        + 0.6 * (tourist - 0.4)
        + if view == View::None { 0.0 } else { 0.5 }
        + if mood == Mood::Quiet { 0.15 } else { 0.0 };
    let price_tier: u8 = match price_score {
        s if s < -0.8 => 1,
        s if s < 0.1 => 2,
        s if s < 0.9 => 3,
        _ => 4,
    };
    let menu = menus::draw_menu(rng, theme, price_tier);
    let quality = rng::clamp(0.62 + 0.17 * rng::normal(rng), 0.05, 0.98);

    let good_for = draw_companions(rng, tp, theme, &menu, view, mood, price_tier, tourist);

    // Customer age mix, shaped by who the store is good for.
    let mut ages = tp.ages;
    for c in &good_for {
        let m = COMPANION_AGES[*c as usize];
        for (a, k) in ages.iter_mut().zip(m) {
            *a *= k;
        }
    }
    for a in &mut ages {
        *a *= rng::lognoise(rng, 0.18);
    }

    // Locals.
    let lf_p = rng::clamp(
        (0.12 + 0.55 * (1.0 - tourist) + tp.local + theme.local + 0.15 * (quality - 0.6)
            - if view == View::None { 0.0 } else { 0.1 })
            * 0.75,
        0.02,
        0.9,
    );
    let local_favorite = rng::chance(rng, lf_p);
    let local_share = if local_favorite {
        rng::clamp(0.68 + 0.1 * rng::normal(rng), 0.5, 0.95)
    } else {
        rng::clamp(
            0.12 + 0.45 * (1.0 - tourist) + 0.5 * tp.local + 0.08 * rng::normal(rng),
            0.03,
            0.6,
        )
    };
    if local_favorite {
        // Regulars skew older than visitors.
        ages[3] *= 1.12;
        ages[4] *= 1.15;
    }
    let ages = normalize(ages);
    let age_focus = age_focus(&ages);

    let mut female = tp.female + 0.04 * rng::normal(rng);
    for c in &good_for {
        female += match c {
            Companion::Kids => 0.05,
            Companion::Parents => 0.02,
            Companion::Group | Companion::Solo => -0.04,
            _ => 0.0,
        };
    }
    if view != View::None {
        female += 0.03;
    }
    if mood == Mood::Quiet {
        female += 0.02;
    }
    let female_share = rng::clamp(female, 0.1, 0.9);

    // Hours and busy times.
    let mut hours = theme.hours.unwrap_or(tp.hours);
    for h in &mut hours {
        *h *= rng::lognoise(rng, 0.25);
    }
    if mood == Mood::Lively && hours[4] > 0.05 {
        hours[4] *= 1.3;
    }
    let hours = normalize(hours);
    let mut busy_times: Vec<TimeOfDay> = TimeOfDay::ALL
        .iter()
        .zip(hours)
        .filter(|(_, share)| *share >= 0.2)
        .map(|(t, _)| *t)
        .collect();
    if busy_times.is_empty() {
        let top = hours
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, _)| i)
            .unwrap_or(1);
        busy_times.push(TimeOfDay::ALL[top.min(4)]);
    }

    // Weekdays.
    let office = region.kind == "동"
        && tourist < 0.35
        && (matches!(tp.name, "기사식당" | "구내식당/푸드코트" | "도시락") || theme.key == "백반");
    let pub_like = hours[3] + hours[4] > 0.7;
    let mut weekday = [1.0, 1.0, 1.0, 1.0, 1.1, 1.2, 1.1];
    weekday[4] *= 1.0 + 0.15 * tourist;
    weekday[5] *= 1.0 + 0.45 * tourist;
    weekday[6] *= 1.0 + 0.45 * tourist;
    if office {
        weekday[5] *= 0.65;
        weekday[6] *= 0.6;
    }
    if pub_like {
        weekday[4] *= 1.3;
        weekday[5] *= 1.35;
        weekday[6] *= 0.85;
    }
    for w in &mut weekday {
        *w *= rng::lognoise(rng, 0.08);
    }
    let weekday = normalize(weekday);

    let popularity = rng::clamp(
        0.12 + 0.55 * quality + 0.15 * tourist + 0.18 * rng::normal(rng),
        0.01,
        0.99,
    );
    let cafe_like = matches!(tp.name, "커피" | "차" | "베이커리" | "주스" | "도너츠");
    let wait_score =
        popularity + 0.1 * tourist + if theme.pork { 0.05 } else { 0.0 } + 0.08 * rng::normal(rng)
            - if cafe_like { 0.08 } else { 0.0 };
    let wait = if wait_score > 0.82 {
        Wait::Long
    } else if wait_score > 0.58 {
        Wait::Short
    } else {
        Wait::None
    };

    let base_price = {
        let sig: Vec<f64> = menu
            .items
            .iter()
            .filter(|i| menu.signature.contains(&i.name))
            .map(|i| f64::from(i.price))
            .collect();
        let all: Vec<f64> = menu.items.iter().map(|i| f64::from(i.price)).collect();
        let pick = if sig.is_empty() { all } else { sig };
        pick.iter().sum::<f64>() / pick.len().max(1) as f64
    };
    let party = tp.party
        * if good_for.contains(&Companion::Group) {
            1.2
        } else {
            1.0
        };
    let ticket = base_price * party * rng::lognoise(rng, 0.15);
    // Provisional: the tier the menu was priced at. `assign_price_levels` replaces it with the
    // store's rank within its type once all stores exist.
    let price_level = price_tier;

    let season = season(tp, theme, rp, location.coastal);

    // Opening date and active months.
    let (opened, first_month, open_day) = if rng::chance(rng, OPENED_2023_P) {
        let m = rng::int(rng, 2, 12);
        let d = rng::int(rng, 1, days_in_month(2023, m));
        (format!("2023{m:02}{d:02}"), m, d)
    } else {
        let years: Vec<f64> = (1990..=2022)
            .map(|y| ((f64::from(y) - 2022.0) / 5.5).exp())
            .collect();
        let y = 1990 + rng::weighted(rng, &years).unwrap_or(0) as u32;
        let m = rng::int(rng, 1, 12);
        let d = rng::int(rng, 1, days_in_month(y, m));
        (format!("{y}{m:02}{d:02}"), 1, 1)
    };
    let last_month = if first_month == 1 && rng::chance(rng, CLOSED_2023_P) {
        rng::int(rng, 3, 11)
    } else if first_month > 1 && first_month <= 9 && rng::chance(rng, 0.05) {
        rng::int(rng, first_month + 2, 11)
    } else {
        12
    };
    // Small shops ("sparse") miss many months (no card transactions worth a row); the rest
    // almost never do. This gives the real file's ~7.3 rows per merchant.
    let sparse = rng::chance(rng, rng::clamp(1.25 - 1.6 * popularity, 0.03, 0.95));
    let p_gap = if sparse {
        0.5 + 0.3 * (1.0 - popularity)
    } else {
        0.02
    };
    let mut months = Vec::with_capacity(12);
    for m in first_month..=last_month {
        if m == first_month || !rng::chance(rng, p_gap) {
            months.push(m);
        }
    }

    // Name, address and identity.
    let mut places: Vec<String> = if rp.short.is_empty() {
        vec![geo::default_short(region)]
    } else {
        rp.short.iter().map(|s| (*s).to_owned()).collect()
    };
    if let Some(v) = location.village {
        places.push(v.name.trim_end_matches('리').to_owned());
    }
    let place_en = region
        .romanized
        .split(['-', ' '])
        .next()
        .unwrap_or("Jeju")
        .to_owned();
    let ctx = NameContext {
        places,
        place_en,
        dish_words: theme.name_words,
        brands: theme.brands,
    };
    let blank_address = rng::chance(rng, 0.005);
    let mut name = names::store_name(rng, tp.names, &ctx);
    let mut attempt = 0;
    let (address, id) = loop {
        let address = if blank_address {
            String::new()
        } else {
            geo::address(rng, region, &location, &name)
        };
        let key = (
            name.clone(),
            address.clone(),
            opened.clone(),
            spec.store_type,
        );
        let id = jeju_data::store_id(&name, &address, &opened, tp.name);
        if !used.keys.contains(&key) && !used.ids.contains(&id) {
            used.keys.insert(key);
            used.ids.insert(id.clone());
            break (address, id);
        }
        attempt += 1;
        if attempt > 50 {
            return Err(SynthError::Invariant(format!(
                "store {index}: no unique (name, address, opened, type) after 50 attempts"
            )));
        }
        if blank_address || attempt > 10 {
            name = names::store_name(rng, tp.names, &ctx);
        }
    };

    let ratings = Ratings {
        kakao: rng::chance(rng, 0.75).then(|| rating(2.0 + 2.6 * quality + 0.3 * rng::normal(rng))),
        naver: rng::chance(rng, 0.6).then(|| rating(3.9 + 1.0 * quality + 0.12 * rng::normal(rng))),
        google: rng::chance(rng, 0.9).then(|| rating(3.0 + 1.8 * quality + 0.2 * rng::normal(rng))),
    };

    let travel_place = if region.kind != "동" || tourist >= 0.5 {
        ctx.places
            .first()
            .cloned()
            .unwrap_or_else(|| "제주".to_owned())
    } else if region.city == "서귀포시" {
        "서귀포".to_owned()
    } else {
        "제주".to_owned()
    };
    let nearby = gazetteer::attractions()
        .iter()
        .map(|a| {
            (
                a,
                gazetteer::distance_m(location.lat, location.lng, a.lat, a.lng),
            )
        })
        .filter(|(_, d)| *d < 8_000.0)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(a, _)| a);

    Ok(Store {
        id,
        name,
        store_type: spec.store_type,
        region_profile: rp,
        theme,
        address,
        opened,
        lat: location.lat,
        lng: location.lng,
        menu,
        ratings,
        good_for,
        age_focus,
        view,
        mood,
        price_level,
        wait,
        busy_times,
        local_favorite,
        quality,
        popularity,
        local_share,
        female_share,
        ages,
        weekday,
        hours,
        ticket,
        spend: base_price,
        coastal: location.coastal,
        season,
        months,
        open_day,
        travel_place,
        nearby,
    })
}

/// Sets every store's price level from its typical spend per person, as a quantile within
/// its type (15% level 1, 32% level 2, 31% level 3, 22% level 4), so that the truth agrees
/// with the per-transaction buckets of the contest file.
pub(crate) fn assign_price_levels(stores: &mut [Store]) {
    let mut by_type: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, s) in stores.iter().enumerate() {
        by_type.entry(s.store_type).or_default().push(i);
    }
    for members in by_type.values() {
        let mut sorted = members.clone();
        sorted.sort_by(|a, b| stores[*a].spend.total_cmp(&stores[*b].spend).then(a.cmp(b)));
        let n = sorted.len().max(1) as f64;
        for (rank, i) in sorted.iter().enumerate() {
            let q = (rank as f64 + 0.5) / n;
            stores[*i].price_level = match q {
                q if q < 0.15 => 1,
                q if q < 0.47 => 2,
                q if q < 0.78 => 3,
                _ => 4,
            };
        }
    }
}

/// A platform rating: 1.0..=5.0, one decimal.
fn rating(x: f64) -> f32 {
    ((rng::clamp(x, 1.0, 5.0) * 10.0).round() / 10.0) as f32
}

#[allow(clippy::too_many_arguments)]
fn draw_companions(
    rng: &mut SynthRng,
    tp: &TypeProfile,
    theme: &Theme,
    menu: &Menu,
    view: View,
    mood: Mood,
    price_level: u8,
    tourist: f64,
) -> Vec<Companion> {
    // parents, kids, couple, friends, solo, group
    let mut score = [0.0f64; 6];
    for (i, s) in score.iter_mut().enumerate() {
        *s = tp.companions[i] + theme.companions[i];
    }
    let mut add = |delta: [f64; 6]| {
        for (s, d) in score.iter_mut().zip(delta) {
            *s += d;
        }
    };
    match price_level {
        4 => add([0.05, -0.1, 0.1, 0.0, -0.2, -0.05]),
        1 => add([0.0, 0.0, -0.05, 0.05, 0.15, 0.0]),
        _ => {}
    }
    match mood {
        Mood::Quiet => add([0.08, 0.0, 0.1, -0.05, 0.05, -0.1]),
        Mood::Lively => add([-0.08, 0.0, -0.05, 0.12, -0.05, 0.1]),
    }
    if view != View::None {
        add([0.08, 0.0, 0.18, 0.05, 0.0, 0.0]);
    }
    add([
        0.0,
        0.0,
        0.05 * tourist,
        0.05 * tourist,
        0.08 * (1.0 - tourist),
        0.05 * (1.0 - tourist),
    ]);
    if menu.tags.iter().any(|t| t == "키즈메뉴") {
        add([0.0, 0.2, 0.0, 0.0, 0.0, 0.0]);
    }
    let mut ranked: Vec<(Companion, f64)> = Companion::ALL
        .iter()
        .zip(score)
        .map(|(c, s)| (*c, s + 0.15 * rng::normal(rng)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut good: Vec<Companion> = ranked
        .iter()
        .filter(|(_, s)| *s > 0.5)
        .take(4)
        .map(|(c, _)| *c)
        .collect();
    if good.is_empty() {
        if let Some((c, _)) = ranked.first() {
            good.push(*c);
        }
    }
    good.sort();
    good
}

fn age_focus(ages: &[f64; 5]) -> Vec<AgeBand> {
    let mut ratios: Vec<(AgeBand, f64)> = AgeBand::ALL
        .iter()
        .zip(ages.iter().zip(REFERENCE_AGES))
        .map(|(b, (a, r))| (*b, a / r))
        .collect();
    ratios.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut focus: Vec<AgeBand> = ratios
        .iter()
        .filter(|(_, r)| *r >= 1.25)
        .take(2)
        .map(|(b, _)| *b)
        .collect();
    if focus.is_empty() {
        if let Some((b, _)) = ratios.first() {
            focus.push(*b);
        }
    }
    focus.sort();
    focus
}

fn season(tp: &TypeProfile, theme: &Theme, rp: &RegionProfile, coastal: bool) -> [f64; 12] {
    let beach = if rp.beach {
        if coastal {
            1.0
        } else {
            0.4
        }
    } else {
        0.0
    };
    let treats = matches!(tp.name, "아이스크림/빙수" | "주스");
    let soups = matches!(theme.key, "해장국" | "국밥" | "제주향토" | "닭요리");
    let pubs = matches!(
        tp.name,
        "맥주/요리주점" | "포장마차" | "민속주점" | "꼬치구이"
    );
    let mut out = [1.0; 12];
    for (m, s) in out.iter_mut().enumerate() {
        *s = 1.0 + rp.tourist * (TOURIST_SEASON[m] - 1.0) + beach * (BEACH_SEASON[m] - 1.0);
        if treats {
            *s *= SUMMER_TREATS[m];
        }
        if soups {
            *s *= WINTER_SOUPS[m];
        }
        if pubs {
            *s *= YEAR_END[m];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_prefers_over_represented_bands() {
        let f = age_focus(&normalize([0.15, 0.2, 0.2, 0.2, 0.25]));
        assert!(f.contains(&AgeBand::SixtyPlus), "{f:?}");
        let f = age_focus(&REFERENCE_AGES);
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn dates_are_valid() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2023, 2), 28);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2023, 4), 30);
    }
}
