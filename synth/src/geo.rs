//! Where stores are: how many per region, how touristy and coastal each region is, the 리
//! (villages) of each 읍/면 with approximate coordinates, lot-number addresses and
//! coordinate jitter.

use jeju_data::gazetteer::Region;

use crate::rng::{self, SynthRng};

/// A 리 of a 읍/면, with an approximate centre.
#[derive(Debug)]
pub(crate) struct Village {
    pub name: &'static str,
    pub lat: f64,
    pub lng: f64,
    /// On the shore (ocean views are possible).
    pub coastal: bool,
}

/// Generator-side facts about a region of the gazetteer.
#[derive(Debug)]
pub(crate) struct RegionProfile {
    pub name: &'static str,
    /// Relative number of stores.
    pub weight: f64,
    /// Share of visitors who are tourists, 0..1.
    pub tourist: f64,
    /// Has a swimming beach (summer peak).
    pub beach: bool,
    /// Touches the sea (ocean views are possible).
    pub coastal: bool,
    /// Short place words used in store names and reviews (애월, 곽지 ...).
    pub short: &'static [&'static str],
    /// The 리 of a 읍/면 (empty for a 동).
    pub villages: &'static [Village],
}

/// A village: name, centre, on the shore.
const fn v(name: &'static str, lat: f64, lng: f64, coastal: bool) -> Village {
    Village {
        name,
        lat,
        lng,
        coastal,
    }
}

/// Profiles of every gazetteer region. Weights follow the real merchant file roughly: the
/// 제주시 downtown 동 and the tourist 읍/면 carry most stores.
pub(crate) const REGION_PROFILES: &[RegionProfile] = &[
    // 제주시 읍/면
    RegionProfile {
        name: "한림읍",
        weight: 380.0,
        tourist: 0.80,
        beach: true,
        coastal: true,
        short: &["한림", "협재", "금능"],
        villages: &[
            v("한림리", 33.4120, 126.2680, true),
            v("협재리", 33.3940, 126.2430, true),
            v("금능리", 33.3900, 126.2360, true),
            v("옹포리", 33.4000, 126.2520, true),
            v("귀덕리", 33.4400, 126.2960, true),
            v("수원리", 33.4250, 126.2800, true),
            v("명월리", 33.3870, 126.2620, false),
            v("월령리", 33.3780, 126.2180, true),
            v("상명리", 33.3750, 126.2550, false),
        ],
    },
    RegionProfile {
        name: "애월읍",
        weight: 620.0,
        tourist: 0.85,
        beach: true,
        coastal: true,
        short: &["애월", "곽지", "한담"],
        villages: &[
            v("애월리", 33.4627, 126.3305, true),
            v("곽지리", 33.4500, 126.3050, true),
            v("하귀리", 33.4820, 126.4040, true),
            v("고내리", 33.4670, 126.3430, true),
            v("신엄리", 33.4750, 126.3600, true),
            v("구엄리", 33.4800, 126.3750, true),
            v("상가리", 33.4250, 126.3400, false),
            v("납읍리", 33.4350, 126.3300, false),
            v("봉성리", 33.4080, 126.3100, false),
            v("어음리", 33.4000, 126.3400, false),
            v("광령리", 33.4550, 126.4300, false),
            v("유수암리", 33.4300, 126.4000, false),
            v("장전리", 33.4400, 126.3900, false),
        ],
    },
    RegionProfile {
        name: "구좌읍",
        weight: 330.0,
        tourist: 0.80,
        beach: true,
        coastal: true,
        short: &["구좌", "세화", "월정", "김녕"],
        villages: &[
            v("세화리", 33.5230, 126.8580, true),
            v("월정리", 33.5560, 126.7950, true),
            v("김녕리", 33.5570, 126.7600, true),
            v("평대리", 33.5310, 126.8360, true),
            v("종달리", 33.4970, 126.8990, true),
            v("하도리", 33.5130, 126.8850, true),
            v("한동리", 33.5390, 126.8200, true),
            v("행원리", 33.5530, 126.8100, true),
            v("송당리", 33.4700, 126.7800, false),
        ],
    },
    RegionProfile {
        name: "조천읍",
        weight: 330.0,
        tourist: 0.70,
        beach: true,
        coastal: true,
        short: &["조천", "함덕"],
        villages: &[
            v("함덕리", 33.5430, 126.6690, true),
            v("조천리", 33.5380, 126.6350, true),
            v("선흘리", 33.5050, 126.7000, false),
            v("북촌리", 33.5500, 126.6930, true),
            v("신촌리", 33.5350, 126.6150, true),
            v("와흘리", 33.4900, 126.6500, false),
            v("교래리", 33.4350, 126.6700, false),
        ],
    },
    RegionProfile {
        name: "한경면",
        weight: 120.0,
        tourist: 0.50,
        beach: false,
        coastal: true,
        short: &["한경", "고산", "판포"],
        villages: &[
            v("고산리", 33.3000, 126.1800, true),
            v("판포리", 33.3650, 126.2050, true),
            v("신창리", 33.3450, 126.1800, true),
            v("조수리", 33.3400, 126.2200, false),
            v("저지리", 33.3350, 126.2550, false),
            v("용수리", 33.3200, 126.1700, true),
        ],
    },
    RegionProfile {
        name: "추자면",
        weight: 20.0,
        tourist: 0.30,
        beach: false,
        coastal: true,
        short: &["추자"],
        villages: &[
            v("대서리", 33.9620, 126.2980, true),
            v("영흥리", 33.9600, 126.3000, true),
            v("묵리", 33.9500, 126.3100, true),
            v("신양리", 33.9450, 126.3250, true),
        ],
    },
    RegionProfile {
        name: "우도면",
        weight: 90.0,
        tourist: 1.00,
        beach: true,
        coastal: true,
        short: &["우도"],
        villages: &[v("연평리", 33.5060, 126.9530, true)],
    },
    // 제주시 동
    RegionProfile {
        name: "일도일동",
        weight: 230.0,
        tourist: 0.45,
        beach: false,
        coastal: false,
        short: &["일도", "동문"],
        villages: &[],
    },
    RegionProfile {
        name: "일도이동",
        weight: 400.0,
        tourist: 0.15,
        beach: false,
        coastal: false,
        short: &["일도", "인화"],
        villages: &[],
    },
    RegionProfile {
        name: "이도일동",
        weight: 220.0,
        tourist: 0.25,
        beach: false,
        coastal: false,
        short: &["이도", "중앙"],
        villages: &[],
    },
    RegionProfile {
        name: "이도이동",
        weight: 520.0,
        tourist: 0.15,
        beach: false,
        coastal: false,
        short: &["이도", "제주"],
        villages: &[],
    },
    RegionProfile {
        name: "삼도일동",
        weight: 150.0,
        tourist: 0.25,
        beach: false,
        coastal: false,
        short: &["삼도"],
        villages: &[],
    },
    RegionProfile {
        name: "삼도이동",
        weight: 230.0,
        tourist: 0.35,
        beach: false,
        coastal: true,
        short: &["삼도", "탑동"],
        villages: &[],
    },
    RegionProfile {
        name: "용담일동",
        weight: 130.0,
        tourist: 0.30,
        beach: false,
        coastal: false,
        short: &["용담"],
        villages: &[],
    },
    RegionProfile {
        name: "용담이동",
        weight: 240.0,
        tourist: 0.45,
        beach: false,
        coastal: true,
        short: &["용담", "용두암"],
        villages: &[],
    },
    RegionProfile {
        name: "용담삼동",
        weight: 80.0,
        tourist: 0.50,
        beach: false,
        coastal: true,
        short: &["용담", "해안도로"],
        villages: &[],
    },
    RegionProfile {
        name: "건입동",
        weight: 160.0,
        tourist: 0.40,
        beach: false,
        coastal: true,
        short: &["건입", "산지"],
        villages: &[],
    },
    RegionProfile {
        name: "화북일동",
        weight: 150.0,
        tourist: 0.15,
        beach: false,
        coastal: true,
        short: &["화북"],
        villages: &[],
    },
    RegionProfile {
        name: "삼양일동",
        weight: 110.0,
        tourist: 0.30,
        beach: true,
        coastal: true,
        short: &["삼양"],
        villages: &[],
    },
    RegionProfile {
        name: "봉개동",
        weight: 40.0,
        tourist: 0.20,
        beach: false,
        coastal: false,
        short: &["봉개"],
        villages: &[],
    },
    RegionProfile {
        name: "아라일동",
        weight: 210.0,
        tourist: 0.10,
        beach: false,
        coastal: false,
        short: &["아라"],
        villages: &[],
    },
    RegionProfile {
        name: "오라이동",
        weight: 90.0,
        tourist: 0.15,
        beach: false,
        coastal: false,
        short: &["오라"],
        villages: &[],
    },
    RegionProfile {
        name: "연동",
        weight: 720.0,
        tourist: 0.35,
        beach: false,
        coastal: false,
        short: &["연동", "신제주"],
        villages: &[],
    },
    RegionProfile {
        name: "노형동",
        weight: 660.0,
        tourist: 0.30,
        beach: false,
        coastal: false,
        short: &["노형", "신제주"],
        villages: &[],
    },
    RegionProfile {
        name: "외도일동",
        weight: 150.0,
        tourist: 0.15,
        beach: false,
        coastal: true,
        short: &["외도"],
        villages: &[],
    },
    RegionProfile {
        name: "이호일동",
        weight: 60.0,
        tourist: 0.50,
        beach: true,
        coastal: true,
        short: &["이호"],
        villages: &[],
    },
    RegionProfile {
        name: "도두일동",
        weight: 70.0,
        tourist: 0.50,
        beach: false,
        coastal: true,
        short: &["도두"],
        villages: &[],
    },
    RegionProfile {
        name: "해안동",
        weight: 30.0,
        tourist: 0.20,
        beach: false,
        coastal: false,
        short: &["해안"],
        villages: &[],
    },
    RegionProfile {
        name: "도남동",
        weight: 90.0,
        tourist: 0.10,
        beach: false,
        coastal: false,
        short: &["도남"],
        villages: &[],
    },
    // 서귀포시 읍/면
    RegionProfile {
        name: "대정읍",
        weight: 260.0,
        tourist: 0.50,
        beach: true,
        coastal: true,
        short: &["대정", "모슬포"],
        villages: &[
            v("하모리", 33.2200, 126.2500, true),
            v("상모리", 33.2150, 126.2680, true),
            v("신평리", 33.2450, 126.2400, false),
            v("동일리", 33.2250, 126.2400, true),
            v("일과리", 33.2280, 126.2300, true),
            v("보성리", 33.2400, 126.2650, false),
            v("인성리", 33.2400, 126.2550, false),
        ],
    },
    RegionProfile {
        name: "남원읍",
        weight: 210.0,
        tourist: 0.45,
        beach: false,
        coastal: true,
        short: &["남원", "위미"],
        villages: &[
            v("남원리", 33.2770, 126.7200, true),
            v("위미리", 33.2730, 126.6650, true),
            v("태흥리", 33.2850, 126.7450, true),
            v("하례리", 33.2650, 126.6400, true),
            v("신례리", 33.2800, 126.6300, false),
            v("의귀리", 33.3000, 126.7050, false),
            v("수망리", 33.3150, 126.6900, false),
        ],
    },
    RegionProfile {
        name: "성산읍",
        weight: 360.0,
        tourist: 0.90,
        beach: true,
        coastal: true,
        short: &["성산", "일출", "섭지"],
        villages: &[
            v("성산리", 33.4600, 126.9330, true),
            v("고성리", 33.4480, 126.9150, true),
            v("온평리", 33.4100, 126.9050, true),
            v("신양리", 33.4400, 126.9250, true),
            v("오조리", 33.4620, 126.9200, true),
            v("시흥리", 33.4800, 126.9050, true),
            v("수산리", 33.4500, 126.8900, false),
            v("신산리", 33.3850, 126.8800, true),
            v("삼달리", 33.3700, 126.8500, false),
        ],
    },
    RegionProfile {
        name: "안덕면",
        weight: 270.0,
        tourist: 0.75,
        beach: true,
        coastal: true,
        short: &["안덕", "사계", "화순", "산방"],
        villages: &[
            v("사계리", 33.2320, 126.3050, true),
            v("화순리", 33.2430, 126.3350, true),
            v("덕수리", 33.2550, 126.2950, false),
            v("서광리", 33.3000, 126.2900, false),
            v("감산리", 33.2500, 126.3600, false),
            v("창천리", 33.2600, 126.3650, false),
            v("상창리", 33.2750, 126.3450, false),
            v("동광리", 33.3000, 126.3200, false),
        ],
    },
    RegionProfile {
        name: "표선면",
        weight: 190.0,
        tourist: 0.60,
        beach: true,
        coastal: true,
        short: &["표선"],
        villages: &[
            v("표선리", 33.3270, 126.8350, true),
            v("세화리", 33.3050, 126.8080, true),
            v("가시리", 33.3600, 126.7700, false),
            v("토산리", 33.3180, 126.7900, true),
            v("하천리", 33.3400, 126.8600, true),
            v("성읍리", 33.3850, 126.8000, false),
        ],
    },
    // 서귀포시 동
    RegionProfile {
        name: "서귀동",
        weight: 420.0,
        tourist: 0.60,
        beach: false,
        coastal: true,
        short: &["서귀포", "서귀", "올레"],
        villages: &[],
    },
    RegionProfile {
        name: "동홍동",
        weight: 300.0,
        tourist: 0.30,
        beach: false,
        coastal: false,
        short: &["동홍", "서귀포"],
        villages: &[],
    },
    RegionProfile {
        name: "서홍동",
        weight: 90.0,
        tourist: 0.20,
        beach: false,
        coastal: false,
        short: &["서홍"],
        villages: &[],
    },
    RegionProfile {
        name: "토평동",
        weight: 40.0,
        tourist: 0.15,
        beach: false,
        coastal: false,
        short: &["토평"],
        villages: &[],
    },
    RegionProfile {
        name: "보목동",
        weight: 25.0,
        tourist: 0.35,
        beach: false,
        coastal: true,
        short: &["보목"],
        villages: &[],
    },
    RegionProfile {
        name: "하효동",
        weight: 35.0,
        tourist: 0.40,
        beach: false,
        coastal: true,
        short: &["하효", "쇠소깍"],
        villages: &[],
    },
    RegionProfile {
        name: "신효동",
        weight: 30.0,
        tourist: 0.20,
        beach: false,
        coastal: false,
        short: &["신효"],
        villages: &[],
    },
    RegionProfile {
        name: "법환동",
        weight: 55.0,
        tourist: 0.40,
        beach: false,
        coastal: true,
        short: &["법환"],
        villages: &[],
    },
    RegionProfile {
        name: "강정동",
        weight: 130.0,
        tourist: 0.25,
        beach: false,
        coastal: true,
        short: &["강정"],
        villages: &[],
    },
    RegionProfile {
        name: "도순동",
        weight: 20.0,
        tourist: 0.20,
        beach: false,
        coastal: false,
        short: &["도순"],
        villages: &[],
    },
    RegionProfile {
        name: "대포동",
        weight: 55.0,
        tourist: 0.50,
        beach: false,
        coastal: true,
        short: &["대포"],
        villages: &[],
    },
    RegionProfile {
        name: "중문동",
        weight: 220.0,
        tourist: 0.90,
        beach: true,
        coastal: true,
        short: &["중문"],
        villages: &[],
    },
    RegionProfile {
        name: "색달동",
        weight: 85.0,
        tourist: 0.80,
        beach: true,
        coastal: true,
        short: &["색달", "중문"],
        villages: &[],
    },
    RegionProfile {
        name: "상예동",
        weight: 25.0,
        tourist: 0.40,
        beach: false,
        coastal: false,
        short: &["상예"],
        villages: &[],
    },
    RegionProfile {
        name: "호근동",
        weight: 30.0,
        tourist: 0.25,
        beach: false,
        coastal: false,
        short: &["호근"],
        villages: &[],
    },
];

/// Used for a gazetteer region that has no profile here (a later gazetteer addition).
const DEFAULT_PROFILE: RegionProfile = RegionProfile {
    name: "",
    weight: 30.0,
    tourist: 0.3,
    beach: false,
    coastal: false,
    short: &[],
    villages: &[],
};

/// Generic place words, usable anywhere on the island.
pub(crate) const ISLAND_WORDS: &[&str] = &["제주", "탐라", "한라", "올레", "섬", "돌섬"];

/// The profile of a gazetteer region.
pub(crate) fn profile(region: &Region) -> &'static RegionProfile {
    REGION_PROFILES
        .iter()
        .find(|p| p.name == region.name)
        .unwrap_or(&DEFAULT_PROFILE)
}

/// The short place word of a region when no profile names one (애월읍 -> 애월).
pub(crate) fn default_short(region: &Region) -> String {
    let base = region.name.trim_end_matches(['읍', '면']);
    let base = base
        .trim_end_matches("일동")
        .trim_end_matches("이동")
        .trim_end_matches("삼동");
    let base = if base.chars().count() >= 3 {
        base.trim_end_matches('동')
    } else {
        base
    };
    base.to_owned()
}

/// Black pork is everywhere in 애월, 한림 and downtown 제주시 (as in reality).
pub(crate) fn is_black_pork_hub(region: &Region) -> bool {
    region.name == "애월읍"
        || region.name == "한림읍"
        || (region.city == "제주시" && region.kind == "동")
}

/// The spot of one store: its village (읍/면 only), coordinates, and whether it sits on the
/// coast.
#[derive(Debug, Clone)]
pub(crate) struct Location {
    pub village: Option<&'static Village>,
    pub lat: f64,
    pub lng: f64,
    pub coastal: bool,
}

/// Places a store in a region: a village of a 읍/면 (then up to ~1.2 km around it), or up to
/// ~0.9 km around the centroid of a 동 (~2.5 km for a 읍/면 without villages).
pub(crate) fn locate(
    rng: &mut SynthRng,
    region: &Region,
    profile: &'static RegionProfile,
) -> Location {
    let village = rng::pick(rng, profile.villages);
    let (lat0, lng0, radius, coastal) = match village {
        Some(v) => (v.lat, v.lng, 1_200.0, v.coastal),
        None if region.kind == "동" => (
            region.lat,
            region.lng,
            900.0,
            profile.coastal && rng::chance(rng, 0.45),
        ),
        None => (
            region.lat,
            region.lng,
            2_500.0,
            profile.coastal && rng::chance(rng, 0.5),
        ),
    };
    let dist = radius * rng::unit(rng).sqrt().max(0.15);
    let angle = std::f64::consts::TAU * rng::unit(rng);
    let dlat = dist * angle.cos() / 111_320.0;
    let dlng = dist * angle.sin() / (111_320.0 * lat0.to_radians().cos());
    Location {
        village,
        lat: round6(lat0 + dlat),
        lng: round6(lng0 + dlng),
        coastal,
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// A lot-number address, e.g. `제주 제주시 애월읍 애월리 1234-5번지` or
/// `제주 제주시 연동 273-12번지 가게이름` (the real file often appends the store name).
pub(crate) fn address(
    rng: &mut SynthRng,
    region: &Region,
    location: &Location,
    store_name: &str,
) -> String {
    let main = if rng::chance(rng, 0.7) {
        rng::int(rng, 1, 2_999)
    } else {
        rng::int(rng, 3_000, 4_999)
    };
    let lot = if rng::chance(rng, 0.78) {
        let max_sub = if rng::chance(rng, 0.8) { 12 } else { 60 };
        format!("{main}-{}", rng::int(rng, 1, max_sub))
    } else {
        main.to_string()
    };
    let mut out = format!("제주 {} {}", region.city, region.name);
    if let Some(village) = location.village {
        out.push(' ');
        out.push_str(village.name);
    }
    out.push(' ');
    out.push_str(&lot);
    out.push_str("번지");
    let append_name = if region.kind == "동" { 0.35 } else { 0.15 };
    if rng::chance(rng, append_name) {
        out.push(' ');
        out.push_str(store_name);
    } else if rng::chance(rng, 0.06) {
        out.push_str(rng::pick_str(
            rng,
            &[" 1층", " 2층", " 지하1층", " 1층 101호"],
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jeju_data::gazetteer;

    #[test]
    fn every_gazetteer_region_has_a_profile() {
        for region in gazetteer::regions() {
            let p = profile(region);
            assert_eq!(p.name, region.name, "no profile for {}", region.name);
            assert!(!p.short.is_empty(), "{}", region.name);
            assert_eq!(
                region.kind != "동",
                !p.villages.is_empty(),
                "{}",
                region.name
            );
            for v in p.villages {
                assert!(v.name.ends_with('리'));
                let d = gazetteer::distance_m(region.lat, region.lng, v.lat, v.lng);
                assert!(
                    d < 16_000.0,
                    "{} {} is {d} m from the centroid",
                    region.name,
                    v.name
                );
            }
        }
        for p in REGION_PROFILES {
            assert!(
                gazetteer::region(p.name).is_some(),
                "{} not in the gazetteer",
                p.name
            );
        }
    }

    #[test]
    fn addresses_parse_back_to_their_region() {
        let mut rng = crate::rng::stream(3, crate::rng::Stage::Stores, 0);
        for region in gazetteer::regions() {
            let p = profile(region);
            for _ in 0..5 {
                let loc = locate(&mut rng, region, p);
                let d = gazetteer::distance_m(region.lat, region.lng, loc.lat, loc.lng);
                assert!(d < 18_000.0, "{} {d}", region.name);
                let a = address(&mut rng, region, &loc, "바다식당");
                let parts = jeju_data::address::parse_address(&a).unwrap();
                assert_eq!(parts.region, region.name, "{a}");
                assert_eq!(parts.city, region.city);
            }
        }
        assert_eq!(
            default_short(gazetteer::region("일도이동").unwrap()),
            "일도"
        );
        assert_eq!(default_short(gazetteer::region("애월읍").unwrap()), "애월");
        assert_eq!(default_short(gazetteer::region("연동").unwrap()), "연동");
    }
}
