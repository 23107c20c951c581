//! Store names in the style of real Jeju merchants: place and nature words, family words,
//! the dish the place is known for, and a suffix (돌담흑돼지, 애월바다카페, 삼대국수,
//! 명진전복, 카페 오름, Cafe Haenyeo, 하루커피 노형점 ...). Everything is cp949-encodable.

use crate::rng::{self, SynthRng};

/// Which family of name templates a type uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameStyle {
    Diner,
    Cafe,
    Bakery,
    Dessert,
    Japanese,
    Chinese,
    Chicken,
    Snack,
    Burger,
    Western,
    Pub,
}

/// Nature and island words.
const NATURE: &[&str] = &[
    "바다",
    "바당",
    "오름",
    "돌담",
    "돌하르방",
    "해녀",
    "귤",
    "감귤",
    "동백",
    "수국",
    "유채",
    "노을",
    "파도",
    "바람",
    "숲",
    "곶자왈",
    "한라",
    "별",
    "달",
    "윤슬",
    "물결",
    "모래",
    "등대",
    "섬",
    "하늘",
    "구름",
    "소낭",
    "폭낭",
    "테우",
    "올레",
    "돌",
    "푸른",
    "초록",
    "비자",
    "억새",
    "현무암",
    "수평선",
    "해송",
    "청귤",
    "한라봉",
];

/// Family and heritage words.
const FAMILY: &[&str] = &[
    "삼대",
    "할망",
    "할머니",
    "이모네",
    "삼촌네",
    "엄마손",
    "아방",
    "어멍",
    "큰손",
    "형제",
    "부부",
    "원조",
    "옛날",
    "토박이",
    "김씨네",
    "박가네",
    "고씨네",
    "양씨네",
    "부씨네",
    "삼춘",
    "수눌음",
    "며느리",
    "외할망",
];

/// Person-like names (proper nouns of family restaurants).
const PERSON: &[&str] = &[
    "순희네",
    "은정이네",
    "영자네",
    "미숙이네",
    "옥순이네",
    "춘자네",
    "경자네",
    "우진",
    "명진",
    "덕성",
    "만덕",
    "한일",
    "대성",
    "동성",
    "성미",
    "미향",
    "해월",
    "소라",
    "진아",
    "다정",
    "복희네",
    "정원",
    "현숙이네",
    "금자네",
];

/// English words for cafes, bakeries and bistros.
const EN: &[&str] = &[
    "Moment", "Delight", "Slow", "Blue", "Island", "Ocean", "Bloom", "Breeze", "Tide", "Sunny",
    "Coast", "Wave", "Stone", "Green", "Mellow", "Haru", "Hello", "Maison", "Nook", "Stay", "Dear",
    "Little", "Salt", "Sand", "Mood", "Daily",
];

/// Romanized Jeju words (Cafe Haenyeo, Oreum Coffee ...).
const JEJU_EN: &[&str] = &[
    "Haenyeo",
    "Oreum",
    "Badang",
    "Halla",
    "Gyul",
    "Dongbaek",
    "Tamna",
    "Olle",
    "Jeju",
    "Hallabong",
    "Dol",
];

const JAPANESE: &[&str] = &[
    "하나",
    "유메",
    "소라",
    "코코로",
    "타마",
    "이치",
    "미나토",
    "하루",
    "카이",
    "츠키",
];
const CHINESE: &[&str] = &[
    "만리", "홍콩", "북경", "상해", "천진", "태화", "영빈", "동해", "용궁", "금룡", "취향", "신락",
    "도원", "진미", "홍복", "대보",
];

const DINER_SUFFIX: &[&str] = &[
    "식당", "정", "집", "가든", "본가", "명가", "상회", "회관", "밥상", "한상", "옥", "당",
];
const CAFE_SUFFIX: &[&str] = &[
    "카페",
    "커피",
    "다방",
    "상점",
    "살롱",
    "하우스",
    "당",
    "정원",
];
const BAKERY_SUFFIX: &[&str] = &["베이커리", "제과", "빵집", "빵공방", "당", "제빵소"];
const PUB_SUFFIX: &[&str] = &["포차", "술집", "주막", "식당", "상회", "집"];

/// What a store's name can draw on.
#[derive(Debug, Clone)]
pub(crate) struct NameContext {
    /// Place words of the store's location (region short names, its 리 without 리).
    pub places: Vec<String>,
    /// The romanized region base, e.g. `Aewol`.
    pub place_en: String,
    /// The dish words of the store's menu theme.
    pub dish_words: &'static [&'static str],
    /// Ready-made names of its menu theme.
    pub brands: &'static [&'static str],
}

fn templates(style: NameStyle) -> &'static [&'static str] {
    match style {
        NameStyle::Diner => &[
            "{place}{dish}",
            "{family}{dish}",
            "{nature}{dish}",
            "{person}{dish}",
            "{dish}{suffix}",
            "{place}{suffix}",
            "{nature}{suffix}",
            "{family}{suffix}",
            "{person}{suffix}",
            "{place} {dish}{suffix}",
            "{nature}{place}{dish}",
            "{family}{place}{dish}",
            "{brand}",
        ],
        NameStyle::Cafe => &[
            "카페 {nature}",
            "{place}{nature}카페",
            "{nature}{suffix}",
            "{en}",
            "{en} {en_place}",
            "카페 {en}",
            "Cafe {jeju_en}",
            "{place} 로스터스",
            "{nature}{dish}",
            "{place}{dish}",
            "{jeju_en} Coffee",
            "{en} Roasters",
            "카페{place}",
            "{brand} {branch}점",
            "{nature}다방",
        ],
        NameStyle::Bakery => &[
            "{nature}{suffix}",
            "{place}{suffix}",
            "{en} Bakery",
            "빵굽는{nature}",
            "{family}{dish}",
            "{place}{dish}",
            "{nature}{dish}",
            "{en} Bakehouse",
            "{person}{dish}",
            "{brand} {branch}점",
        ],
        NameStyle::Dessert => &[
            "{nature}{dish}",
            "{place}{dish}",
            "{en} Gelato",
            "{dish}{nature}",
            "{nature}가게",
            "{jeju_en} Scoop",
        ],
        NameStyle::Japanese => &[
            "{nature}{dish}",
            "{place}{dish}",
            "{dish} {jp}",
            "{jp}{dish}",
            "{dish}야 {jp}",
            "멘야 {jp}",
            "스시 {jp}",
            "{jp}테이",
            "{place}식당",
            "{nature}식당",
        ],
        NameStyle::Chinese => &[
            "{cn}반점",
            "{cn}각",
            "{cn}루",
            "{place}반점",
            "{place}{dish}",
            "{cn}성",
            "{family}{dish}",
            "{nature}{dish}",
        ],
        NameStyle::Chicken => &[
            "{nature}{dish}",
            "{family}{dish}",
            "{place}{dish}",
            "{brand} {branch}점",
            "{en} Chicken",
            "{person}{dish}",
            "{place}닭집",
        ],
        NameStyle::Snack => &[
            "{family}분식",
            "{place}분식",
            "{person}분식",
            "{nature}{dish}",
            "{place}{dish}",
            "{person}{dish}",
            "{dish}나라",
            "{family}{dish}",
        ],
        NameStyle::Burger => &[
            "{nature}{dish}",
            "{place}{dish}",
            "{en} {dish}",
            "{dish}{nature}",
            "{brand} {branch}점",
            "{en}{dish}",
        ],
        NameStyle::Western => &[
            "{en} Kitchen",
            "{nature}{dish}",
            "비스트로 {nature}",
            "{en} Bistro",
            "{place} 다이닝",
            "{nature}식탁",
            "{en} Table",
            "{dish}하우스",
            "{place}{dish}",
            "트라토리아 {en}",
        ],
        NameStyle::Pub => &[
            "{nature}{suffix}",
            "{place}{suffix}",
            "{family}{suffix}",
            "{nature}{dish}",
            "{place}{dish}",
            "{brand}",
            "{person}{dish}",
            "{place} {dish}",
            "{dish} {nature}",
        ],
    }
}

fn suffixes(style: NameStyle) -> &'static [&'static str] {
    match style {
        NameStyle::Diner | NameStyle::Snack | NameStyle::Chinese | NameStyle::Japanese => {
            DINER_SUFFIX
        }
        NameStyle::Cafe | NameStyle::Dessert => CAFE_SUFFIX,
        NameStyle::Bakery => BAKERY_SUFFIX,
        NameStyle::Pub | NameStyle::Chicken => PUB_SUFFIX,
        NameStyle::Burger | NameStyle::Western => &["키친", "하우스", "식탁"],
    }
}

/// Draws a store name.
pub(crate) fn store_name(rng: &mut SynthRng, style: NameStyle, ctx: &NameContext) -> String {
    let tpl = rng::pick_str(rng, templates(style));
    // A template that needs a brand but the theme has none falls back to the first template.
    let tpl = if tpl.contains("{brand}") && ctx.brands.is_empty() {
        templates(style)
            .first()
            .copied()
            .unwrap_or("{nature}{dish}")
    } else {
        tpl
    };
    let mut out = render(rng, tpl, style, ctx);
    // Branches and numbered shops now and then.
    if !tpl.contains('점') {
        let roll = rng::unit(rng);
        if roll < 0.04 {
            out.push_str(" 본점");
        } else if roll < 0.07 {
            out.push_str(&format!(" {}호점", rng::int(rng, 2, 3)));
        }
    }
    out.trim().to_owned()
}

fn render(rng: &mut SynthRng, tpl: &str, style: NameStyle, ctx: &NameContext) -> String {
    crate::text::render(tpl, &mut |key| match key {
        "place" => place_word(rng, ctx),
        "branch" => rng::pick(rng, &ctx.places)
            .cloned()
            .unwrap_or_else(|| "제주".to_owned()),
        "nature" => rng::pick_str(rng, NATURE).to_owned(),
        "family" => rng::pick_str(rng, FAMILY).to_owned(),
        "person" => rng::pick_str(rng, PERSON).to_owned(),
        "dish" => rng::pick_str(rng, ctx.dish_words).to_owned(),
        "suffix" => rng::pick_str(rng, suffixes(style)).to_owned(),
        "en" => rng::pick_str(rng, EN).to_owned(),
        "jeju_en" => rng::pick_str(rng, JEJU_EN).to_owned(),
        "en_place" if ctx.place_en.is_empty() => "Jeju".to_owned(),
        "en_place" => ctx.place_en.clone(),
        "brand" => rng::pick_str(rng, ctx.brands).to_owned(),
        "jp" => rng::pick_str(rng, JAPANESE).to_owned(),
        "cn" => rng::pick_str(rng, CHINESE).to_owned(),
        _ => String::new(),
    })
}

fn place_word(rng: &mut SynthRng, ctx: &NameContext) -> String {
    if ctx.places.is_empty() || rng::chance(rng, 0.15) {
        return rng::pick_str(rng, crate::geo::ISLAND_WORDS).to_owned();
    }
    rng::pick(rng, &ctx.places)
        .cloned()
        .unwrap_or_else(|| "제주".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn names_are_varied_and_encodable() {
        let mut rng = crate::rng::stream(11, crate::rng::Stage::Stores, 0);
        let ctx = NameContext {
            places: vec!["애월".into(), "곽지".into()],
            place_en: "Aewol".into(),
            dish_words: crate::menus::BLACK_PORK.name_words,
            brands: crate::menus::BLACK_PORK.brands,
        };
        let styles = [
            NameStyle::Diner,
            NameStyle::Cafe,
            NameStyle::Bakery,
            NameStyle::Dessert,
            NameStyle::Japanese,
            NameStyle::Chinese,
            NameStyle::Chicken,
            NameStyle::Snack,
            NameStyle::Burger,
            NameStyle::Western,
            NameStyle::Pub,
        ];
        let mut seen = BTreeSet::new();
        for style in styles {
            for _ in 0..200 {
                let name = store_name(&mut rng, style, &ctx);
                assert!(
                    !name.is_empty() && !name.contains('{') && !name.contains("  "),
                    "{name}"
                );
                let (_, _, bad) = encoding_rs::EUC_KR.encode(&name);
                assert!(!bad, "{name}");
                seen.insert(name);
            }
        }
        assert!(seen.len() > 1_000, "{}", seen.len());
        let pork = (0..300)
            .map(|_| store_name(&mut rng, NameStyle::Diner, &ctx))
            .filter(|n| {
                ["흑돼지", "흑돈", "도새기", "고기", "오겹", "돈"]
                    .iter()
                    .any(|w| n.contains(w))
            })
            .count();
        assert!(pork > 100, "{pork}");
    }
}
