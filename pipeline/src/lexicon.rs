//! Words people use, mapped to the graph's own values. Shared by the deterministic parser
//! and the checks on the LLM's constraints.

use jeju_data::vocab::{AgeBand, Companion, TimeOfDay};

/// Type words → contest types (`카페` is stored as `커피`).
pub const TYPE_WORDS: &[(&str, &[&str])] = &[
    ("카페", &["커피"]),
    ("커피", &["커피"]),
    ("cafe", &["커피"]),
    ("café", &["커피"]),
    ("coffee", &["커피"]),
    ("빵집", &["베이커리"]),
    ("베이커리", &["베이커리"]),
    ("bakery", &["베이커리"]),
    ("bakeries", &["베이커리"]),
    ("일식", &["일식"]),
    ("초밥", &["일식"]),
    ("스시", &["일식"]),
    ("라멘", &["일식"]),
    ("japanese", &["일식"]),
    ("sushi", &["일식"]),
    ("ramen", &["일식"]),
    ("중식", &["중식"]),
    ("중국집", &["중식"]),
    ("짜장면", &["중식"]),
    ("짬뽕", &["중식"]),
    ("chinese", &["중식"]),
    ("치킨", &["치킨"]),
    ("chicken", &["치킨"]),
    ("분식", &["분식"]),
    ("떡볶이", &["분식"]),
    ("햄버거", &["햄버거"]),
    ("버거", &["햄버거"]),
    ("burger", &["햄버거"]),
    ("양식", &["양식"]),
    ("파스타", &["양식"]),
    ("western", &["양식"]),
    ("pasta", &["양식"]),
    ("피자", &["피자"]),
    ("pizza", &["피자"]),
    ("술집", &["맥주/요리주점", "민속주점", "포장마차"]),
    ("주점", &["맥주/요리주점", "민속주점"]),
    ("맥주", &["맥주/요리주점"]),
    ("pub", &["맥주/요리주점", "민속주점"]),
    ("bar", &["맥주/요리주점", "포장마차"]),
    ("아이스크림", &["아이스크림/빙수"]),
    ("빙수", &["아이스크림/빙수"]),
    ("ice cream", &["아이스크림/빙수"]),
    ("gelato", &["아이스크림/빙수"]),
    ("샌드위치", &["샌드위치/토스트"]),
    ("토스트", &["샌드위치/토스트"]),
    ("sandwich", &["샌드위치/토스트"]),
    ("찻집", &["차"]),
    ("전통차", &["차"]),
    ("tea house", &["차"]),
    ("꼬치", &["꼬치구이"]),
    ("skewer", &["꼬치구이"]),
    ("떡집", &["떡/한과"]),
    ("한과", &["떡/한과"]),
    ("도시락", &["도시락"]),
    ("도넛", &["도너츠"]),
    ("도너츠", &["도너츠"]),
    ("donut", &["도너츠"]),
    ("doughnut", &["도너츠"]),
    ("주스", &["주스"]),
    ("juice", &["주스"]),
    ("쌀국수", &["동남아/인도음식"]),
    ("베트남", &["동남아/인도음식"]),
    ("태국", &["동남아/인도음식"]),
    ("인도", &["동남아/인도음식"]),
    ("커리", &["동남아/인도음식"]),
    ("thai", &["동남아/인도음식"]),
    ("vietnamese", &["동남아/인도음식"]),
    ("indian", &["동남아/인도음식"]),
    ("패밀리 레스토랑", &["패밀리 레스토랑"]),
    ("family restaurant", &["패밀리 레스토랑"]),
    ("기사식당", &["기사식당"]),
    ("야식", &["야식"]),
    ("스테이크", &["스테이크"]),
    ("steak", &["스테이크"]),
    ("포장마차", &["포장마차"]),
    ("뷔페", &["부페"]),
    ("부페", &["부페"]),
    ("buffet", &["부페"]),
    ("민속주점", &["민속주점"]),
    ("가정식", &["가정식"]),
    ("백반", &["가정식"]),
    ("한식", &["가정식", "단품요리 전문"]),
    ("korean food", &["가정식", "단품요리 전문"]),
];

/// A dish as people ask for it, and the menu-name fragments that serve it.
pub struct Dish {
    /// Canonical Korean name, e.g. 흑돼지.
    pub name: &'static str,
    pub english: &'static str,
    /// Words in a question that mean this dish.
    pub words: &'static [&'static str],
    /// Fragments of menu item names that satisfy it.
    pub menu_terms: &'static [&'static str],
}

pub const DISHES: &[Dish] = &[
    Dish {
        name: "흑돼지",
        english: "black pork",
        words: &["흑돼지", "흑돈", "black pork", "black-pork", "jeju pork"],
        menu_terms: &["흑돼지"],
    },
    Dish {
        name: "돼지고기",
        english: "pork",
        words: &["돼지고기", "삼겹살", "오겹살", "근고기", "pork", "bbq"],
        menu_terms: &["돼지", "삼겹", "오겹", "근고기", "목살"],
    },
    Dish {
        name: "해산물",
        english: "seafood",
        words: &["해산물", "해물", "seafood", "fish"],
        menu_terms: &[
            "해물",
            "갈치",
            "고등어",
            "옥돔",
            "전복",
            "회",
            "성게",
            "보말",
            "새우",
            "문어",
            "한치",
            "조개",
            "물회",
            "해산물",
        ],
    },
    Dish {
        name: "갈치",
        english: "hairtail",
        words: &["갈치", "hairtail", "cutlassfish"],
        menu_terms: &["갈치"],
    },
    Dish {
        name: "고등어",
        english: "mackerel",
        words: &["고등어", "mackerel"],
        menu_terms: &["고등어"],
    },
    Dish {
        name: "전복",
        english: "abalone",
        words: &["전복", "abalone"],
        menu_terms: &["전복"],
    },
    Dish {
        name: "회",
        english: "raw fish",
        words: &["횟집", "회 ", "물회", "raw fish", "sashimi"],
        menu_terms: &["회"],
    },
    Dish {
        name: "고기국수",
        english: "pork noodle soup",
        words: &["고기국수", "pork noodle"],
        menu_terms: &["고기국수"],
    },
    Dish {
        name: "국수",
        english: "noodles",
        words: &["국수", "noodle"],
        menu_terms: &["국수", "칼국수", "면"],
    },
    Dish {
        name: "해장국",
        english: "hangover soup",
        words: &["해장국", "hangover soup"],
        menu_terms: &["해장국"],
    },
    Dish {
        name: "보말",
        english: "sea snail",
        words: &["보말", "sea snail"],
        menu_terms: &["보말"],
    },
    Dish {
        name: "몸국",
        english: "seaweed pork soup",
        words: &["몸국"],
        menu_terms: &["몸국"],
    },
    Dish {
        name: "돈까스",
        english: "tonkatsu",
        words: &["돈까스", "돈가스", "tonkatsu", "pork cutlet"],
        menu_terms: &["돈까스", "돈카츠", "카츠"],
    },
    Dish {
        name: "초밥",
        english: "sushi",
        words: &["초밥", "스시", "sushi"],
        menu_terms: &["초밥", "스시"],
    },
    Dish {
        name: "라멘",
        english: "ramen",
        words: &["라멘", "ramen"],
        menu_terms: &["라멘"],
    },
    Dish {
        name: "짬뽕",
        english: "jjamppong",
        words: &["짬뽕", "jjamppong"],
        menu_terms: &["짬뽕"],
    },
    Dish {
        name: "빵",
        english: "bread",
        words: &["빵", "bread", "pastry"],
        menu_terms: &["빵", "크루아상", "바게트", "식빵", "스콘", "케이크"],
    },
    Dish {
        name: "디저트",
        english: "dessert",
        words: &["디저트", "dessert", "cake", "케이크"],
        menu_terms: &[
            "케이크",
            "크레이프",
            "까눌레",
            "마카롱",
            "타르트",
            "푸딩",
            "티라미수",
        ],
    },
    Dish {
        name: "커피",
        english: "coffee",
        words: &["아메리카노", "라떼", "latte", "americano"],
        menu_terms: &["아메리카노", "라떼", "커피", "에스프레소"],
    },
    Dish {
        name: "한라봉",
        english: "hallabong",
        words: &["한라봉", "hallabong"],
        menu_terms: &["한라봉"],
    },
    Dish {
        name: "치킨",
        english: "fried chicken",
        words: &["fried chicken"],
        menu_terms: &["치킨"],
    },
    Dish {
        name: "피자",
        english: "pizza",
        words: &[],
        menu_terms: &["피자"],
    },
    Dish {
        name: "파스타",
        english: "pasta",
        words: &[],
        menu_terms: &["파스타", "스파게티"],
    },
];

pub fn dish(name: &str) -> Option<&'static Dish> {
    dish_named(name)
}

fn dish_named(name: &str) -> Option<&'static Dish> {
    DISHES.iter().find(|d| d.name == name)
}

/// The menu-name fragments a dish key stands for: a lexicon dish's terms, a menu-judged kind
/// of place's fragments (`data/words/places.toml`), or the key itself (a fragment).
pub fn menu_terms(dish: &str) -> Vec<String> {
    if let Some(d) = dish_named(dish) {
        return d.menu_terms.iter().map(|t| (*t).to_owned()).collect();
    }
    if let Some(p) = crate::words::Words::builtin()
        .places
        .iter()
        .find(|p| !p.menu.is_empty() && p.words.first().is_some_and(|w| w == dish))
    {
        return p.menu.clone();
    }
    vec![dish.to_owned()]
}

pub const COMPANION_WORDS: &[(&str, Companion)] = &[
    ("부모님", Companion::Parents),
    ("어머니", Companion::Parents),
    ("아버지", Companion::Parents),
    ("엄마", Companion::Parents),
    ("아빠", Companion::Parents),
    ("효도", Companion::Parents),
    ("parents", Companion::Parents),
    ("mom", Companion::Parents),
    ("dad", Companion::Parents),
    ("mother", Companion::Parents),
    ("father", Companion::Parents),
    ("아이", Companion::Kids),
    ("아기", Companion::Kids),
    ("애들", Companion::Kids),
    ("자녀", Companion::Kids),
    ("어린이", Companion::Kids),
    ("kid", Companion::Kids),
    ("kids", Companion::Kids),
    ("children", Companion::Kids),
    ("child", Companion::Kids),
    ("toddler", Companion::Kids),
    ("연인", Companion::Couple),
    ("여자친구", Companion::Couple),
    ("남자친구", Companion::Couple),
    ("여친", Companion::Couple),
    ("남친", Companion::Couple),
    ("애인", Companion::Couple),
    ("데이트", Companion::Couple),
    ("커플", Companion::Couple),
    ("아내", Companion::Couple),
    ("남편", Companion::Couple),
    ("와이프", Companion::Couple),
    ("couple", Companion::Couple),
    ("date", Companion::Couple),
    ("girlfriend", Companion::Couple),
    ("boyfriend", Companion::Couple),
    ("partner", Companion::Couple),
    ("wife", Companion::Couple),
    ("husband", Companion::Couple),
    ("honeymoon", Companion::Couple),
    ("친구", Companion::Friends),
    ("friends", Companion::Friends),
    ("friend", Companion::Friends),
    ("혼자", Companion::Solo),
    ("혼밥", Companion::Solo),
    ("solo", Companion::Solo),
    ("alone", Companion::Solo),
    ("by myself", Companion::Solo),
    ("단체", Companion::Group),
    ("회식", Companion::Group),
    ("모임", Companion::Group),
    ("group", Companion::Group),
    ("team", Companion::Group),
    ("colleagues", Companion::Group),
];

pub const AGE_WORDS: &[(&str, AgeBand)] = &[
    ("10대", AgeBand::Under20s),
    ("20대", AgeBand::Under20s),
    ("30대", AgeBand::Thirties),
    ("40대", AgeBand::Forties),
    ("50대", AgeBand::Fifties),
    ("60대", AgeBand::SixtyPlus),
    ("70대", AgeBand::SixtyPlus),
    ("어르신", AgeBand::SixtyPlus),
    ("teens", AgeBand::Under20s),
    ("20s", AgeBand::Under20s),
    ("twenties", AgeBand::Under20s),
    ("20 or younger", AgeBand::Under20s),
    ("20 or under", AgeBand::Under20s),
    ("under 20", AgeBand::Under20s),
    ("30s", AgeBand::Thirties),
    ("thirties", AgeBand::Thirties),
    ("40s", AgeBand::Forties),
    ("forties", AgeBand::Forties),
    ("50s", AgeBand::Fifties),
    ("fifties", AgeBand::Fifties),
    ("60s", AgeBand::SixtyPlus),
    ("sixties", AgeBand::SixtyPlus),
    ("70s", AgeBand::SixtyPlus),
    ("seniors", AgeBand::SixtyPlus),
    ("elderly", AgeBand::SixtyPlus),
];

pub const TIME_WORDS: &[(&str, TimeOfDay)] = &[
    ("아침", TimeOfDay::Morning),
    ("브런치", TimeOfDay::Morning),
    ("조식", TimeOfDay::Morning),
    ("morning", TimeOfDay::Morning),
    ("breakfast", TimeOfDay::Morning),
    ("before noon", TimeOfDay::Morning),
    ("brunch", TimeOfDay::Morning),
    ("점심", TimeOfDay::Lunch),
    ("lunch", TimeOfDay::Lunch),
    ("오후", TimeOfDay::Afternoon),
    ("afternoon", TimeOfDay::Afternoon),
    ("저녁", TimeOfDay::Dinner),
    ("dinner", TimeOfDay::Dinner),
    ("evening", TimeOfDay::Dinner),
    ("tonight", TimeOfDay::Dinner),
    ("야식", TimeOfDay::Late),
    ("심야", TimeOfDay::Late),
    ("새벽", TimeOfDay::Late),
    ("밤늦게", TimeOfDay::Late),
    ("밤 늦게", TimeOfDay::Late),
    ("늦은 밤", TimeOfDay::Late),
    ("late night", TimeOfDay::Late),
    ("밤 11시", TimeOfDay::Late),
    ("after 11pm", TimeOfDay::Late),
    ("after 11 pm", TimeOfDay::Late),
    ("late-night", TimeOfDay::Late),
    ("midnight", TimeOfDay::Late),
];

/// Korean and English names of things, for rendering answers.
pub fn companion_label(c: Companion, ko: bool) -> &'static str {
    match (c, ko) {
        (Companion::Parents, true) => "부모님과",
        (Companion::Kids, true) => "아이와",
        (Companion::Couple, true) => "연인·배우자와",
        (Companion::Friends, true) => "친구와",
        (Companion::Solo, true) => "혼자",
        (Companion::Group, true) => "단체로",
        (Companion::Parents, false) => "with parents",
        (Companion::Kids, false) => "with kids",
        (Companion::Couple, false) => "as a couple",
        (Companion::Friends, false) => "with friends",
        (Companion::Solo, false) => "solo",
        (Companion::Group, false) => "as a group",
    }
}

pub fn age_label(a: AgeBand, ko: bool) -> &'static str {
    match (a, ko) {
        (AgeBand::Under20s, true) => "20대 이하",
        (AgeBand::Thirties, true) => "30대",
        (AgeBand::Forties, true) => "40대",
        (AgeBand::Fifties, true) => "50대",
        (AgeBand::SixtyPlus, true) => "60대 이상",
        (AgeBand::Under20s, false) => "under-30",
        (AgeBand::Thirties, false) => "30s",
        (AgeBand::Forties, false) => "40s",
        (AgeBand::Fifties, false) => "50s",
        (AgeBand::SixtyPlus, false) => "60+",
    }
}

pub fn time_label(t: TimeOfDay, ko: bool) -> &'static str {
    match (t, ko) {
        (TimeOfDay::Morning, true) => "아침(5–11시)",
        (TimeOfDay::Lunch, true) => "점심(12–13시)",
        (TimeOfDay::Afternoon, true) => "오후(14–17시)",
        (TimeOfDay::Dinner, true) => "저녁(18–22시)",
        (TimeOfDay::Late, true) => "심야(23–4시)",
        (TimeOfDay::Morning, false) => "morning (5–11h)",
        (TimeOfDay::Lunch, false) => "lunch (12–13h)",
        (TimeOfDay::Afternoon, false) => "afternoon (14–17h)",
        (TimeOfDay::Dinner, false) => "dinner (18–22h)",
        (TimeOfDay::Late, false) => "late night (23–4h)",
    }
}

/// A human label for an orderable store property.
pub fn measure_label(property: &str, ko: bool) -> String {
    if let Some(a) = AgeBand::ALL.iter().find(|a| a.property() == property) {
        let l = age_label(*a, ko);
        return if ko {
            format!("{l} 손님 비중")
        } else {
            format!("share of {l} customers")
        };
    }
    if let Some(t) = TimeOfDay::ALL.iter().find(|t| t.property() == property) {
        let l = time_label(*t, ko);
        return if ko {
            format!("{l} 이용 비중")
        } else {
            format!("share of {l} visits")
        };
    }
    let (k, e) = match property {
        "local_ratio" => ("현지인 비중", "share of locals"),
        "male_ratio" => ("남성 손님 비중", "share of male customers"),
        "female_ratio" => ("여성 손님 비중", "share of female customers"),
        "review_count" => ("리뷰 수", "reviews"),
        "rating" => ("평점", "rating"),
        "opened" => ("개업일", "opening date"),
        "price_per_person" => ("1인 가격(원)", "price per person (won)"),
        "distance_m" => ("거리(m)", "distance (m)"),
        "mon_ratio" => ("월요일 이용 비중", "Monday share"),
        "tue_ratio" => ("화요일 이용 비중", "Tuesday share"),
        "wed_ratio" => ("수요일 이용 비중", "Wednesday share"),
        "thu_ratio" => ("목요일 이용 비중", "Thursday share"),
        "fri_ratio" => ("금요일 이용 비중", "Friday share"),
        "sat_ratio" => ("토요일 이용 비중", "Saturday share"),
        "sun_ratio" => ("일요일 이용 비중", "Sunday share"),
        other => (other, other),
    };
    (if ko { k } else { e }).to_owned()
}
