//! Menus: themed dish tables (a 흑돼지 grill, a 고기국수 house, a seaside cafe ...), each dish
//! with a won price range across price levels and the search words (dish tags) it stands for.

use jeju_data::catalog::MenuItem;

use crate::rng::{self, SynthRng};

/// One dish of a theme.
#[derive(Debug)]
pub(crate) struct Dish {
    /// Menu name, e.g. `흑돼지 오겹살 (200g)`.
    pub name: &'static str,
    /// Price at the cheapest price level, in won.
    pub low: u32,
    /// Price at the most expensive price level, in won.
    pub high: u32,
    /// Can be a signature dish.
    pub signature: bool,
    /// Search words this dish answers to (흑돼지, 해산물, 커피 ...).
    pub tags: &'static [&'static str],
}

/// A kind of menu, shared by the store types that serve it.
#[derive(Debug)]
pub(crate) struct Theme {
    pub key: &'static str,
    /// More common in the black-pork hubs (애월, 한림, downtown 제주시).
    pub pork: bool,
    /// More common on the coast.
    pub seafood: bool,
    /// Hour-band profile overriding the type's (morning, lunch, afternoon, dinner, late).
    pub hours: Option<[f64; 5]>,
    /// Added to the type's probability of a lively mood.
    pub lively: f64,
    /// Added to the local share.
    pub local: f64,
    /// Added to the type's companion affinities (parents, kids, couple, friends, solo, group).
    pub companions: [f64; 6],
    /// Words for store names (흑돼지, 흑돈, 도새기 ...).
    pub name_words: &'static [&'static str],
    /// Ready-made brand-like names (숙성공간, 고기굽는섬 ...), used now and then.
    pub brands: &'static [&'static str],
    pub dishes: &'static [Dish],
}

const fn d(
    name: &'static str,
    low: u32,
    high: u32,
    signature: bool,
    tags: &'static [&'static str],
) -> Dish {
    Dish {
        name,
        low,
        high,
        signature,
        tags,
    }
}

const NO_DELTA: [f64; 6] = [0.0; 6];

const fn theme(
    key: &'static str,
    name_words: &'static [&'static str],
    dishes: &'static [Dish],
) -> Theme {
    Theme {
        key,
        pork: false,
        seafood: false,
        hours: None,
        lively: 0.0,
        local: 0.0,
        companions: NO_DELTA,
        name_words,
        brands: &[],
        dishes,
    }
}

pub(crate) const BLACK_PORK: Theme = Theme {
    pork: true,
    hours: Some([0.02, 0.17, 0.13, 0.55, 0.13]),
    lively: 0.25,
    local: -0.05,
    companions: [0.12, 0.05, 0.0, 0.1, -0.25, 0.22],
    brands: &[
        "숙성공간",
        "고기굽는섬",
        "돈향",
        "흑돈명가",
        "도새기집",
        "근고기마을",
        "돗통시",
        "흑돈담",
        "돈이랑",
        "불타는섬",
    ],
    ..theme(
        "흑돼지구이",
        &["흑돼지", "흑돈", "도새기", "고기", "근고기", "오겹", "돈"],
        &[
            d(
                "흑돼지 오겹살 (200g)",
                18_000,
                25_000,
                true,
                &["흑돼지", "고기"],
            ),
            d(
                "흑돼지 목살 (200g)",
                17_000,
                24_000,
                true,
                &["흑돼지", "고기"],
            ),
            d(
                "흑돼지 근고기 (600g)",
                54_000,
                72_000,
                true,
                &["흑돼지", "고기"],
            ),
            d(
                "흑돼지 항정살 (150g)",
                19_000,
                26_000,
                false,
                &["흑돼지", "고기"],
            ),
            d(
                "흑돼지 가브리살 (150g)",
                19_000,
                25_000,
                false,
                &["흑돼지", "고기"],
            ),
            d("백돼지 삼겹살 (200g)", 14_000, 18_000, false, &["고기"]),
            d("김치찌개", 7_000, 9_000, false, &["찌개"]),
            d("된장찌개", 7_000, 9_000, false, &["찌개"]),
            d("멜젓 볶음밥", 3_000, 5_000, false, &["볶음밥"]),
            d("물냉면", 7_000, 9_000, false, &["냉면"]),
            d("공기밥", 1_000, 1_000, false, &[]),
        ],
    )
};

pub(crate) const SEAFOOD: Theme = Theme {
    seafood: true,
    hours: Some([0.06, 0.36, 0.14, 0.40, 0.04]),
    local: -0.1,
    companions: [0.18, 0.05, 0.05, 0.0, -0.15, 0.08],
    brands: &["갈치명가", "바당갈치", "해녀의부엌", "어부의집"],
    ..theme(
        "갈치해산물",
        &["갈치", "바당", "해물", "어부", "해녀", "수산"],
        &[
            d("갈치조림 (2인)", 45_000, 70_000, true, &["갈치", "해산물"]),
            d("통갈치구이", 50_000, 80_000, true, &["갈치", "해산물"]),
            d("고등어구이", 12_000, 16_000, false, &["고등어", "해산물"]),
            d("옥돔구이", 20_000, 30_000, true, &["옥돔", "해산물"]),
            d("전복뚝배기", 15_000, 18_000, true, &["전복", "해산물"]),
            d("해물뚝배기", 13_000, 16_000, false, &["해산물"]),
            d("성게미역국", 15_000, 18_000, false, &["성게", "해산물"]),
            d("자리물회", 12_000, 15_000, false, &["물회", "해산물"]),
            d("한치물회", 14_000, 17_000, false, &["물회", "해산물"]),
            d("갈치국", 15_000, 18_000, false, &["갈치", "해산물"]),
        ],
    )
};

pub(crate) const MACKEREL: Theme = Theme {
    seafood: true,
    hours: Some([0.08, 0.38, 0.14, 0.36, 0.04]),
    companions: [0.12, 0.0, 0.0, 0.05, 0.0, 0.05],
    ..theme(
        "고등어",
        &["고등어", "바당", "어부", "쌈밥"],
        &[
            d("고등어쌈밥", 13_000, 16_000, true, &["고등어", "해산물"]),
            d(
                "고등어조림 (2인)",
                25_000,
                35_000,
                true,
                &["고등어", "해산물"],
            ),
            d(
                "고등어구이 정식",
                12_000,
                15_000,
                true,
                &["고등어", "해산물"],
            ),
            d("갈치구이", 15_000, 22_000, false, &["갈치", "해산물"]),
            d("제육볶음", 9_000, 11_000, false, &["제육"]),
            d("된장찌개", 7_000, 9_000, false, &["찌개"]),
            d("공기밥", 1_000, 1_000, false, &[]),
        ],
    )
};

pub(crate) const HYANGTO: Theme = Theme {
    hours: Some([0.22, 0.36, 0.14, 0.24, 0.04]),
    local: 0.12,
    companions: [0.18, 0.0, -0.05, 0.0, 0.1, 0.0],
    brands: &["제주향토", "어멍손맛", "몸국명가"],
    ..theme(
        "제주향토",
        &["몸국", "국", "향토", "손맛", "밥상", "돔베"],
        &[
            d("몸국", 9_000, 11_000, true, &["몸국", "향토음식"]),
            d("고사리육개장", 9_000, 11_000, true, &["육개장", "향토음식"]),
            d("접짝뼈국", 11_000, 13_000, true, &["뼈국", "향토음식"]),
            d("돔베고기 (소)", 25_000, 35_000, true, &["돔베고기", "고기"]),
            d("빙떡", 5_000, 7_000, false, &["빙떡", "향토음식"]),
            d(
                "성게비빔밥",
                15_000,
                18_000,
                false,
                &["성게", "해산물", "비빔밥"],
            ),
            d("고기국수", 9_000, 10_000, false, &["고기국수", "국수"]),
        ],
    )
};

pub(crate) const BAEKBAN: Theme = Theme {
    hours: Some([0.14, 0.44, 0.10, 0.28, 0.04]),
    local: 0.2,
    companions: [0.05, 0.0, -0.15, 0.0, 0.2, 0.05],
    ..theme(
        "백반",
        &["밥상", "한상", "백반", "집밥", "식당"],
        &[
            d("백반정식", 9_000, 12_000, true, &["백반", "한식"]),
            d("제육볶음", 9_000, 11_000, true, &["제육", "한식"]),
            d("돼지불백", 10_000, 12_000, true, &["제육", "한식"]),
            d("김치찌개", 8_000, 10_000, false, &["찌개", "한식"]),
            d("된장찌개", 8_000, 10_000, false, &["찌개", "한식"]),
            d(
                "고등어구이 정식",
                12_000,
                14_000,
                false,
                &["고등어", "해산물"],
            ),
            d("순두부찌개", 8_000, 10_000, false, &["찌개", "한식"]),
        ],
    )
};

pub(crate) const ABALONE: Theme = Theme {
    seafood: true,
    hours: Some([0.18, 0.38, 0.16, 0.26, 0.02]),
    companions: [0.2, 0.05, 0.08, 0.0, 0.0, 0.0],
    brands: &["전복명가", "해녀전복", "전복이야기"],
    ..theme(
        "전복",
        &["전복", "해녀", "바당"],
        &[
            d("전복돌솥밥", 17_000, 22_000, true, &["전복", "해산물"]),
            d("전복죽", 13_000, 16_000, true, &["전복", "해산물", "죽"]),
            d("전복뚝배기", 15_000, 18_000, true, &["전복", "해산물"]),
            d("전복구이", 25_000, 40_000, false, &["전복", "해산물"]),
            d(
                "전복물회",
                17_000,
                20_000,
                false,
                &["전복", "물회", "해산물"],
            ),
            d("전복김밥", 6_000, 8_000, false, &["전복", "김밥"]),
        ],
    )
};

pub(crate) const RAW_FISH: Theme = Theme {
    seafood: true,
    hours: Some([0.01, 0.18, 0.12, 0.57, 0.12]),
    lively: 0.1,
    companions: [0.12, -0.1, 0.05, 0.12, -0.2, 0.15],
    brands: &["바다횟집", "어부횟집", "수산식당"],
    ..theme(
        "횟집",
        &["횟집", "수산", "어부", "바당", "회센터"],
        &[
            d("모둠회 (중)", 60_000, 90_000, true, &["회", "해산물"]),
            d(
                "고등어회",
                30_000,
                45_000,
                true,
                &["고등어", "회", "해산물"],
            ),
            d("방어회", 40_000, 60_000, true, &["방어", "회", "해산물"]),
            d("딱새우회", 25_000, 35_000, false, &["새우", "회", "해산물"]),
            d("자리돔회", 25_000, 35_000, false, &["회", "해산물"]),
            d("매운탕", 10_000, 15_000, false, &["매운탕", "해산물"]),
            d("한치물회", 14_000, 17_000, false, &["물회", "해산물"]),
        ],
    )
};

pub(crate) const HAEJANG: Theme = Theme {
    hours: Some([0.38, 0.28, 0.10, 0.14, 0.10]),
    local: 0.22,
    companions: [0.0, -0.1, -0.15, 0.05, 0.2, 0.0],
    brands: &["은정이네해장국", "덕성해장국", "새벽해장국"],
    ..theme(
        "해장국",
        &["해장국", "해장", "국밥", "뚝배기"],
        &[
            d("해장국", 9_000, 11_000, true, &["해장국"]),
            d("내장탕", 10_000, 12_000, true, &["해장국", "내장탕"]),
            d("선지해장국", 9_000, 11_000, false, &["해장국"]),
            d("모둠수육", 25_000, 32_000, false, &["수육", "고기"]),
            d("뼈해장국", 10_000, 12_000, false, &["해장국"]),
        ],
    )
};

pub(crate) const GOGI_GUKSU: Theme = Theme {
    hours: Some([0.18, 0.42, 0.16, 0.20, 0.04]),
    local: 0.05,
    companions: [0.05, 0.05, 0.0, 0.05, 0.18, -0.1],
    brands: &["국수마당", "삼대국수", "올레국수"],
    ..theme(
        "고기국수",
        &["국수", "고기국수", "면"],
        &[
            d("고기국수", 9_000, 11_000, true, &["고기국수", "국수"]),
            d("비빔국수", 9_000, 10_000, true, &["국수"]),
            d("멸치국수", 7_000, 8_000, false, &["국수"]),
            d(
                "돔베고기 (소)",
                15_000,
                20_000,
                false,
                &["돔베고기", "고기"],
            ),
            d("김치만두", 6_000, 7_000, false, &["만두"]),
            d("몸국", 9_000, 10_000, false, &["몸국", "향토음식"]),
        ],
    )
};

pub(crate) const BOMAL: Theme = Theme {
    seafood: true,
    hours: Some([0.12, 0.42, 0.20, 0.22, 0.04]),
    companions: [0.12, 0.05, 0.05, 0.05, 0.05, -0.05],
    ..theme(
        "보말칼국수",
        &["칼국수", "보말", "바당", "해녀"],
        &[
            d(
                "보말칼국수",
                10_000,
                13_000,
                true,
                &["칼국수", "보말", "해산물"],
            ),
            d("해물칼국수", 11_000, 13_000, true, &["칼국수", "해산물"]),
            d(
                "전복칼국수",
                13_000,
                16_000,
                false,
                &["칼국수", "전복", "해산물"],
            ),
            d("보말죽", 12_000, 14_000, false, &["보말", "해산물", "죽"]),
            d("보말전", 12_000, 15_000, false, &["보말", "해산물"]),
            d("김치만두", 6_000, 7_000, false, &["만두"]),
        ],
    )
};

pub(crate) const MILMYEON: Theme = Theme {
    hours: Some([0.08, 0.45, 0.22, 0.22, 0.03]),
    companions: [0.05, 0.05, 0.0, 0.05, 0.12, 0.0],
    ..theme(
        "밀면",
        &["밀면", "냉면", "면옥"],
        &[
            d("물밀면", 8_000, 10_000, true, &["밀면", "냉면"]),
            d("비빔밀면", 8_000, 10_000, true, &["밀면", "냉면"]),
            d("물냉면", 9_000, 11_000, false, &["냉면"]),
            d("고기만두", 6_000, 7_000, false, &["만두"]),
            d("수육 (소)", 15_000, 20_000, false, &["수육", "고기"]),
        ],
    )
};

pub(crate) const RAMYEON: Theme = Theme {
    seafood: true,
    hours: Some([0.20, 0.36, 0.24, 0.17, 0.03]),
    companions: [0.0, 0.1, 0.05, 0.1, 0.15, -0.1],
    ..theme(
        "해물라면",
        &["라면", "해물라면", "바당"],
        &[
            d("해물라면", 8_000, 12_000, true, &["라면", "해산물"]),
            d(
                "전복라면",
                10_000,
                14_000,
                true,
                &["라면", "전복", "해산물"],
            ),
            d(
                "보말라면",
                9_000,
                12_000,
                false,
                &["라면", "보말", "해산물"],
            ),
            d("김밥", 3_500, 5_000, false, &["김밥"]),
            d("한치라면", 9_000, 12_000, false, &["라면", "해산물"]),
        ],
    )
};

pub(crate) const GUKBAP: Theme = Theme {
    hours: Some([0.20, 0.38, 0.12, 0.24, 0.06]),
    local: 0.15,
    companions: [0.05, 0.0, -0.1, 0.05, 0.2, 0.05],
    ..theme(
        "국밥",
        &["국밥", "순대", "돼지국밥"],
        &[
            d("순대국밥", 9_000, 11_000, true, &["국밥", "순대"]),
            d("돼지국밥", 9_000, 11_000, true, &["국밥"]),
            d("모둠순대", 14_000, 18_000, false, &["순대"]),
            d("수육 (소)", 18_000, 24_000, false, &["수육", "고기"]),
            d("순대볶음", 15_000, 20_000, false, &["순대"]),
        ],
    )
};

pub(crate) const CHICKEN_SOUP: Theme = Theme {
    hours: Some([0.06, 0.42, 0.16, 0.32, 0.04]),
    companions: [0.18, 0.08, 0.0, 0.0, -0.05, 0.1],
    ..theme(
        "닭요리",
        &["닭", "백숙", "토종닭"],
        &[
            d("한방백숙", 55_000, 70_000, true, &["백숙", "닭"]),
            d("닭칼국수", 9_000, 11_000, true, &["칼국수", "닭"]),
            d("닭볶음탕", 45_000, 60_000, true, &["닭볶음탕", "닭"]),
            d("닭죽", 8_000, 10_000, false, &["닭", "죽"]),
            d("메밀전", 8_000, 10_000, false, &["전"]),
        ],
    )
};

pub(crate) const FOOD_COURT: Theme = Theme {
    local: 0.1,
    ..theme(
        "푸드코트",
        &["푸드코트", "식당", "밥집"],
        &[
            d("돈까스", 8_000, 10_000, true, &["돈까스"]),
            d("비빔밥", 8_000, 10_000, true, &["비빔밥", "한식"]),
            d("김치찌개", 8_000, 9_000, false, &["찌개", "한식"]),
            d("우동", 6_000, 7_500, false, &["우동"]),
            d("라면", 4_500, 6_000, false, &["라면"]),
            d("김밥", 3_500, 4_500, false, &["김밥"]),
        ],
    )
};

pub(crate) const DOSIRAK: Theme = theme(
    "도시락",
    &["도시락", "김밥", "밥"],
    &[
        d("제육 도시락", 7_000, 9_000, true, &["도시락", "제육"]),
        d("돈까스 도시락", 7_500, 9_500, true, &["도시락", "돈까스"]),
        d("흑돼지 도시락", 10_000, 13_000, true, &["도시락", "흑돼지"]),
        d("전복김밥", 6_000, 8_000, false, &["김밥", "전복"]),
        d("참치김밥", 4_000, 5_000, false, &["김밥"]),
        d("유부초밥", 4_000, 5_000, false, &["초밥"]),
    ],
);

pub(crate) const BUFFET: Theme = Theme {
    hours: Some([0.04, 0.46, 0.08, 0.42, 0.0]),
    ..theme(
        "뷔페",
        &["뷔페", "한식뷔페", "씨푸드"],
        &[
            d("점심 뷔페", 9_000, 25_000, true, &["뷔페"]),
            d(
                "저녁 뷔페 (해산물)",
                35_000,
                65_000,
                true,
                &["뷔페", "해산물"],
            ),
            d("주말 뷔페", 40_000, 70_000, false, &["뷔페"]),
            d("어린이 뷔페", 8_000, 20_000, false, &["뷔페"]),
        ],
    )
};

pub(crate) const CAFE: Theme = Theme {
    brands: &["하루커피", "오름커피", "커피나루", "메이플커피", "바다커피"],
    ..theme(
        "카페",
        &["카페", "커피"],
        &[
            d("아메리카노", 4_500, 6_500, true, &["커피"]),
            d("카페라떼", 5_000, 7_000, false, &["커피"]),
            d("아인슈페너", 6_000, 7_500, true, &["커피"]),
            d("우도땅콩라떼", 6_500, 8_000, true, &["커피", "땅콩"]),
            d("한라봉에이드", 6_500, 8_000, true, &["에이드", "한라봉"]),
            d("제주 말차라떼", 6_000, 7_500, false, &["차", "녹차"]),
            d("감귤주스", 6_000, 7_500, false, &["주스", "감귤"]),
            d("당근케이크", 6_500, 8_500, false, &["디저트", "케이크"]),
            d("크로플", 6_000, 9_000, false, &["디저트"]),
            d("티라미수", 7_000, 9_000, false, &["디저트", "케이크"]),
            d("녹차 스콘", 4_000, 5_500, false, &["디저트", "빵"]),
        ],
    )
};

pub(crate) const DESSERT_CAFE: Theme = Theme {
    ..theme(
        "디저트카페",
        &["디저트", "케이크", "카페"],
        &[
            d(
                "한라봉 생크림케이크",
                7_500,
                9_500,
                true,
                &["디저트", "케이크", "한라봉"],
            ),
            d(
                "말차 크레이프",
                7_500,
                9_000,
                true,
                &["디저트", "케이크", "녹차"],
            ),
            d("까눌레", 3_500, 4_500, true, &["디저트"]),
            d("마카롱", 3_000, 4_000, false, &["디저트"]),
            d("아메리카노", 4_500, 6_000, false, &["커피"]),
            d("카페라떼", 5_000, 6_500, false, &["커피"]),
            d("밀크티", 6_000, 7_000, false, &["차"]),
        ],
    )
};

pub(crate) const ROASTERY: Theme = Theme {
    companions: [-0.05, -0.1, 0.05, 0.0, 0.15, -0.05],
    brands: &["오름로스터스", "바당로스터리", "섬커피로스터스"],
    ..theme(
        "로스터리",
        &["로스터스", "커피", "로스터리", "브루잉"],
        &[
            d("핸드드립 (싱글오리진)", 7_000, 9_500, true, &["커피"]),
            d("에스프레소", 4_000, 5_500, false, &["커피"]),
            d("플랫화이트", 5_500, 7_000, true, &["커피"]),
            d("콜드브루", 5_500, 7_000, false, &["커피"]),
            d(
                "바스크 치즈케이크",
                7_000,
                8_500,
                false,
                &["디저트", "케이크"],
            ),
            d("휘낭시에", 3_000, 4_000, false, &["디저트"]),
        ],
    )
};

pub(crate) const BAKERY: Theme = Theme {
    hours: Some([0.30, 0.22, 0.33, 0.14, 0.01]),
    brands: &["빵드림", "베이크하우스", "보리빵집"],
    ..theme(
        "베이커리",
        &["베이커리", "빵", "빵집", "제과"],
        &[
            d("소금빵", 3_000, 4_000, true, &["빵"]),
            d("크루아상", 3_500, 5_000, true, &["빵"]),
            d("우도땅콩빵", 3_000, 4_500, true, &["빵", "땅콩"]),
            d("한라봉 타르트", 4_500, 6_500, false, &["디저트", "한라봉"]),
            d("보리빵", 2_000, 3_000, true, &["빵"]),
            d("마늘바게트", 5_000, 7_000, false, &["빵"]),
            d("우유식빵", 4_500, 6_500, false, &["빵"]),
            d("감귤 휘낭시에", 2_500, 3_500, false, &["디저트", "감귤"]),
            d("아메리카노", 4_000, 5_500, false, &["커피"]),
        ],
    )
};

pub(crate) const DONUT: Theme = theme(
    "도넛",
    &["도넛", "도나스"],
    &[
        d("우도땅콩 도넛", 3_000, 4_500, true, &["도넛", "땅콩"]),
        d("글레이즈드 도넛", 2_000, 3_000, false, &["도넛"]),
        d("한라봉 크림도넛", 3_500, 4_500, true, &["도넛", "한라봉"]),
        d("꽈배기", 1_500, 2_500, false, &["도넛"]),
        d("아메리카노", 3_500, 4_500, false, &["커피"]),
    ],
);

pub(crate) const RICE_CAKE: Theme = theme(
    "떡",
    &["떡집", "떡방", "오메기떡"],
    &[
        d("오메기떡 (10개)", 10_000, 15_000, true, &["떡", "디저트"]),
        d("쑥떡", 5_000, 7_000, false, &["떡"]),
        d("인절미", 5_000, 7_000, false, &["떡"]),
        d("기름떡", 6_000, 8_000, true, &["떡"]),
        d("약과 세트", 8_000, 15_000, false, &["한과", "디저트"]),
    ],
);

pub(crate) const JUICE: Theme = theme(
    "주스",
    &["주스", "착즙", "과일"],
    &[
        d("한라봉주스", 5_500, 7_500, true, &["주스", "한라봉"]),
        d("감귤주스", 5_000, 7_000, true, &["주스", "감귤"]),
        d("구좌 당근주스", 5_500, 7_500, true, &["주스", "당근"]),
        d("청귤에이드", 5_500, 7_000, false, &["에이드"]),
        d("비트주스", 5_500, 7_000, false, &["주스"]),
    ],
);

pub(crate) const TEA: Theme = Theme {
    companions: [0.1, -0.05, 0.05, 0.0, 0.05, 0.0],
    ..theme(
        "찻집",
        &["다원", "찻집", "차", "다방"],
        &[
            d("제주 녹차", 6_000, 8_000, true, &["차", "녹차"]),
            d("한라봉차", 6_000, 7_500, true, &["차", "한라봉"]),
            d("감귤차", 6_000, 7_500, false, &["차", "감귤"]),
            d("쑥차", 6_000, 7_000, false, &["차"]),
            d("오메기떡", 4_000, 6_000, false, &["떡", "디저트"]),
            d("녹차 롤케이크", 6_000, 7_500, false, &["디저트", "케이크"]),
        ],
    )
};

pub(crate) const GELATO: Theme = theme(
    "젤라또",
    &["젤라또", "아이스크림", "빙수"],
    &[
        d(
            "한라봉 젤라또",
            4_500,
            6_000,
            true,
            &["아이스크림", "한라봉"],
        ),
        d(
            "우도땅콩 아이스크림",
            4_500,
            6_000,
            true,
            &["아이스크림", "땅콩"],
        ),
        d(
            "녹차 아이스크림",
            4_500,
            6_000,
            false,
            &["아이스크림", "녹차"],
        ),
        d("한라봉빙수", 11_000, 15_000, true, &["빙수", "한라봉"]),
        d("팥빙수", 9_000, 12_000, false, &["빙수"]),
        d("망고빙수", 13_000, 18_000, false, &["빙수"]),
    ],
);

pub(crate) const SUSHI: Theme = Theme {
    seafood: true,
    ..theme(
        "초밥",
        &["스시", "초밥"],
        &[
            d("모둠초밥 (12p)", 15_000, 30_000, true, &["초밥", "해산물"]),
            d(
                "고등어봉초밥",
                18_000,
                25_000,
                true,
                &["초밥", "고등어", "해산물"],
            ),
            d("연어초밥", 13_000, 20_000, false, &["초밥", "해산물"]),
            d("참치초밥", 16_000, 28_000, false, &["초밥", "해산물"]),
            d("오마카세 런치", 50_000, 90_000, true, &["초밥", "오마카세"]),
            d("미니우동", 3_000, 4_000, false, &["우동"]),
        ],
    )
};

pub(crate) const RAMEN: Theme = Theme {
    companions: [-0.1, 0.0, 0.05, 0.05, 0.2, -0.1],
    ..theme(
        "라멘",
        &["라멘", "멘야", "라멘집"],
        &[
            d("돈코츠라멘", 10_000, 12_000, true, &["라멘"]),
            d("흑돼지 라멘", 11_000, 13_000, true, &["라멘", "흑돼지"]),
            d("마제소바", 11_000, 13_000, false, &["라멘"]),
            d("차슈덮밥", 8_000, 10_000, false, &["덮밥"]),
            d("교자 (6p)", 5_000, 6_500, false, &["만두"]),
        ],
    )
};

pub(crate) const TONKATSU: Theme = Theme {
    companions: [0.0, 0.1, 0.05, 0.05, 0.1, -0.05],
    ..theme(
        "돈까스",
        &["카츠", "돈까스", "돈카츠"],
        &[
            d("흑돼지 돈까스", 13_000, 17_000, true, &["돈까스", "흑돼지"]),
            d("등심 돈까스", 11_000, 14_000, true, &["돈까스"]),
            d("치즈 돈까스", 12_000, 15_000, false, &["돈까스"]),
            d("안심 돈까스", 13_000, 16_000, false, &["돈까스"]),
            d("카레우동", 9_000, 11_000, false, &["우동", "카레"]),
        ],
    )
};

pub(crate) const DONBURI: Theme = Theme {
    seafood: true,
    ..theme(
        "덮밥",
        &["덮밥", "돈부리", "식당"],
        &[
            d("사케동", 14_000, 18_000, true, &["덮밥", "해산물"]),
            d("가이센동", 18_000, 26_000, true, &["덮밥", "해산물"]),
            d("규동", 10_000, 13_000, false, &["덮밥"]),
            d("우니동", 35_000, 50_000, false, &["덮밥", "성게", "해산물"]),
            d("냉우동", 9_000, 11_000, false, &["우동"]),
        ],
    )
};

pub(crate) const CHINESE: Theme = theme(
    "중식",
    &["반점", "짬뽕", "중화"],
    &[
        d("짜장면", 6_000, 8_000, false, &["짜장면"]),
        d("짬뽕", 8_000, 10_000, true, &["짬뽕"]),
        d(
            "보말짬뽕",
            11_000,
            14_000,
            true,
            &["짬뽕", "보말", "해산물"],
        ),
        d(
            "전복짬뽕",
            12_000,
            16_000,
            true,
            &["짬뽕", "전복", "해산물"],
        ),
        d("탕수육 (소)", 16_000, 22_000, true, &["탕수육"]),
        d("볶음밥", 8_000, 9_000, false, &["볶음밥"]),
        d("깐풍기", 22_000, 30_000, false, &["깐풍기"]),
        d("고추잡채", 18_000, 25_000, false, &["잡채"]),
    ],
);

pub(crate) const MALA: Theme = Theme {
    companions: [-0.15, -0.1, 0.1, 0.15, 0.1, -0.05],
    ..theme(
        "마라",
        &["마라", "마라탕"],
        &[
            d("마라탕", 9_000, 13_000, true, &["마라탕"]),
            d("마라샹궈", 18_000, 25_000, true, &["마라탕"]),
            d("꿔바로우", 13_000, 17_000, false, &["탕수육"]),
            d("토마토 달걀볶음", 9_000, 12_000, false, &["중식"]),
        ],
    )
};

pub(crate) const CHICKEN: Theme = Theme {
    brands: &["바삭통닭", "꼬꼬치킨", "치킨명가"],
    ..theme(
        "치킨",
        &["치킨", "통닭", "닭집"],
        &[
            d("후라이드치킨", 18_000, 22_000, true, &["치킨"]),
            d("양념치킨", 19_000, 23_000, true, &["치킨"]),
            d("간장치킨", 19_000, 23_000, false, &["치킨"]),
            d("반반치킨", 19_000, 23_000, false, &["치킨"]),
            d("닭강정", 17_000, 21_000, true, &["치킨", "닭강정"]),
            d("생맥주", 4_000, 5_000, false, &["맥주"]),
            d("감자튀김", 4_000, 6_000, false, &[]),
        ],
    )
};

pub(crate) const JOKBAL: Theme = Theme {
    hours: Some([0.0, 0.04, 0.08, 0.46, 0.42]),
    ..theme(
        "족발",
        &["족발", "보쌈", "족발보쌈"],
        &[
            d("족발 (중)", 30_000, 38_000, true, &["족발"]),
            d(
                "흑돼지 족발 (중)",
                35_000,
                42_000,
                true,
                &["족발", "흑돼지"],
            ),
            d("보쌈 (중)", 30_000, 36_000, true, &["보쌈"]),
            d("막국수", 8_000, 10_000, false, &["막국수"]),
            d("불닭발", 15_000, 19_000, false, &["닭발"]),
        ],
    )
};

pub(crate) const SNACK: Theme = theme(
    "분식",
    &["분식", "떡볶이", "김밥"],
    &[
        d("떡볶이", 4_000, 6_000, true, &["떡볶이"]),
        d("김밥", 3_000, 4_500, true, &["김밥"]),
        d("전복김밥", 6_000, 8_000, true, &["김밥", "전복"]),
        d("순대", 4_500, 6_000, false, &["순대"]),
        d("모둠튀김", 4_000, 6_000, false, &["튀김"]),
        d("해물라면", 6_000, 9_000, false, &["라면", "해산물"]),
        d("어묵", 1_000, 2_000, false, &["어묵"]),
        d("쫄면", 6_000, 7_500, false, &["쫄면"]),
    ],
);

pub(crate) const BURGER: Theme = Theme {
    brands: &["버거하우스", "수제버거공방"],
    ..theme(
        "버거",
        &["버거", "수제버거"],
        &[
            d("흑돼지버거", 8_000, 13_000, true, &["버거", "흑돼지"]),
            d("한우버거", 10_000, 15_000, true, &["버거"]),
            d("치즈버거", 7_000, 11_000, false, &["버거"]),
            d("새우버거", 7_000, 10_000, false, &["버거", "새우"]),
            d("감자튀김", 3_000, 5_000, false, &[]),
            d("밀크쉐이크", 4_500, 6_500, false, &["디저트"]),
        ],
    )
};

pub(crate) const PIZZA: Theme = Theme {
    brands: &["섬피자", "피자하우스", "화덕공방"],
    ..theme(
        "피자",
        &["피자", "화덕피자"],
        &[
            d("마르게리타 피자", 16_000, 24_000, true, &["피자"]),
            d("흑돼지 피자", 20_000, 28_000, true, &["피자", "흑돼지"]),
            d("페퍼로니 피자", 17_000, 25_000, false, &["피자"]),
            d("고르곤졸라 피자", 17_000, 24_000, true, &["피자"]),
            d("감자 피자", 18_000, 25_000, false, &["피자"]),
            d("콜라", 2_000, 3_000, false, &[]),
        ],
    )
};

pub(crate) const SANDWICH: Theme = theme(
    "샌드위치",
    &["토스트", "샌드위치", "샌드"],
    &[
        d("햄치즈 토스트", 3_500, 5_500, true, &["토스트"]),
        d("에그마요 샌드위치", 5_000, 7_500, true, &["샌드위치"]),
        d(
            "흑돼지 샌드위치",
            7_500,
            10_000,
            true,
            &["샌드위치", "흑돼지"],
        ),
        d("감귤 요거트", 4_500, 6_000, false, &["디저트", "감귤"]),
        d("아메리카노", 2_500, 4_500, false, &["커피"]),
    ],
);

pub(crate) const PASTA: Theme = Theme {
    companions: [0.0, 0.0, 0.1, 0.05, 0.0, 0.0],
    ..theme(
        "파스타",
        &["키친", "파스타", "식탁", "비스트로"],
        &[
            d(
                "딱새우 로제파스타",
                17_000,
                23_000,
                true,
                &["파스타", "새우"],
            ),
            d(
                "한치 오일파스타",
                16_000,
                22_000,
                true,
                &["파스타", "해산물"],
            ),
            d("봉골레 파스타", 15_000, 20_000, false, &["파스타"]),
            d("전복 리조또", 19_000, 26_000, true, &["리조또", "전복"]),
            d(
                "흑돼지 스테이크",
                25_000,
                35_000,
                false,
                &["스테이크", "흑돼지"],
            ),
            d("부라타 샐러드", 15_000, 19_000, false, &["샐러드"]),
        ],
    )
};

pub(crate) const BRUNCH: Theme = Theme {
    hours: Some([0.30, 0.34, 0.26, 0.09, 0.01]),
    companions: [0.0, 0.05, 0.1, 0.1, 0.05, -0.1],
    ..theme(
        "브런치",
        &["브런치", "키친", "식탁"],
        &[
            d("에그베네딕트", 14_000, 18_000, true, &["브런치"]),
            d("프렌치토스트", 12_000, 16_000, true, &["브런치", "디저트"]),
            d(
                "리코타 팬케이크",
                13_000,
                17_000,
                false,
                &["브런치", "디저트"],
            ),
            d(
                "한라봉 샐러드",
                12_000,
                15_000,
                false,
                &["샐러드", "한라봉"],
            ),
            d("아메리카노", 4_500, 6_000, false, &["커피"]),
        ],
    )
};

pub(crate) const STEAK: Theme = Theme {
    companions: [0.05, 0.0, 0.1, -0.05, -0.1, 0.0],
    ..theme(
        "스테이크",
        &["스테이크", "그릴", "스테이크하우스"],
        &[
            d("한우 채끝 스테이크", 45_000, 75_000, true, &["스테이크"]),
            d(
                "흑돼지 토마호크",
                38_000,
                55_000,
                true,
                &["스테이크", "흑돼지"],
            ),
            d("등심 스테이크", 35_000, 55_000, false, &["스테이크"]),
            d("트러플 감자튀김", 9_000, 12_000, false, &[]),
            d("하우스 와인 (글라스)", 9_000, 15_000, false, &["와인"]),
        ],
    )
};

pub(crate) const FAMILY: Theme = theme(
    "패밀리레스토랑",
    &["레스토랑", "패밀리", "키친"],
    &[
        d("립 스테이크", 30_000, 45_000, true, &["스테이크"]),
        d("까르보나라", 17_000, 22_000, false, &["파스타"]),
        d("샐러드바", 25_000, 40_000, true, &["뷔페", "샐러드"]),
        d("어린이 세트", 12_000, 16_000, false, &["키즈메뉴"]),
        d("치킨 샐러드", 15_000, 19_000, false, &["샐러드"]),
    ],
);

pub(crate) const WORLD: Theme = theme(
    "세계요리",
    &["타코", "케밥", "키친"],
    &[
        d(
            "흑돼지 타코 (3p)",
            12_000,
            16_000,
            true,
            &["타코", "흑돼지"],
        ),
        d("부리또", 10_000, 14_000, true, &["타코"]),
        d("나초", 8_000, 11_000, false, &["타코"]),
        d("치킨 케밥", 9_000, 12_000, true, &["케밥"]),
        d("후무스 플레이트", 11_000, 14_000, false, &["샐러드"]),
    ],
);

pub(crate) const ASIAN: Theme = theme(
    "동남아",
    &["쌀국수", "포", "타이", "커리"],
    &[
        d("소고기 쌀국수", 10_000, 13_000, true, &["쌀국수"]),
        d("팟타이", 11_000, 14_000, true, &["팟타이"]),
        d("분짜", 12_000, 15_000, false, &["쌀국수"]),
        d("똠얌꿍", 15_000, 19_000, false, &["똠얌꿍"]),
        d("버터치킨 커리", 13_000, 17_000, true, &["커리"]),
        d("갈릭 난", 3_000, 4_500, false, &["커리"]),
    ],
);

pub(crate) const CRAFT_BEER: Theme = Theme {
    brands: &["제주비어랩", "섬맥주공방", "바당브루잉"],
    ..theme(
        "수제맥주",
        &["맥주", "브루잉", "펍", "비어"],
        &[
            d("제주 위트에일", 7_000, 9_000, true, &["맥주"]),
            d("수제맥주 샘플러", 14_000, 19_000, true, &["맥주"]),
            d("피쉬앤칩스", 16_000, 21_000, false, &["안주"]),
            d("감바스", 17_000, 22_000, false, &["안주", "새우"]),
            d("한치튀김", 15_000, 19_000, true, &["안주", "해산물"]),
            d("흑돼지 소시지", 15_000, 19_000, false, &["안주", "흑돼지"]),
        ],
    )
};

pub(crate) const IZAKAYA: Theme = Theme {
    seafood: true,
    ..theme(
        "이자카야",
        &["이자카야", "술집", "주점"],
        &[
            d("모둠사시미", 35_000, 55_000, true, &["회", "해산물"]),
            d("하이볼", 7_000, 10_000, false, &["하이볼"]),
            d("꼬치 모둠", 18_000, 25_000, true, &["꼬치"]),
            d("오코노미야키", 15_000, 19_000, false, &["안주"]),
            d("고등어 초절임", 18_000, 24_000, true, &["고등어", "해산물"]),
            d("생맥주", 5_000, 6_500, false, &["맥주"]),
        ],
    )
};

pub(crate) const SKEWER: Theme = theme(
    "꼬치",
    &["꼬치", "야키토리", "꼬치집"],
    &[
        d("모둠꼬치 (10p)", 18_000, 26_000, true, &["꼬치"]),
        d("흑돼지꼬치", 3_000, 4_500, true, &["꼬치", "흑돼지"]),
        d("닭껍질꼬치", 2_000, 3_000, false, &["꼬치"]),
        d("염통꼬치", 2_000, 3_000, false, &["꼬치"]),
        d("생맥주", 4_500, 6_000, false, &["맥주"]),
        d("하이볼", 7_000, 9_000, false, &["하이볼"]),
    ],
);

pub(crate) const POCHA: Theme = Theme {
    seafood: true,
    ..theme(
        "포차",
        &["포차", "실내포차", "포장마차"],
        &[
            d("어묵탕", 14_000, 18_000, true, &["어묵", "안주"]),
            d("한치숙회", 18_000, 25_000, true, &["해산물", "안주"]),
            d("해물파전", 14_000, 18_000, false, &["전", "해산물"]),
            d("닭똥집 볶음", 13_000, 16_000, false, &["안주"]),
            d("소주", 5_000, 6_000, false, &["술"]),
        ],
    )
};

pub(crate) const MAKGEOLLI: Theme = theme(
    "민속주점",
    &["주막", "막걸리", "전집"],
    &[
        d("제주 생막걸리", 5_000, 6_000, true, &["막걸리"]),
        d("해물파전", 14_000, 18_000, true, &["전", "해산물"]),
        d("김치전", 10_000, 13_000, false, &["전"]),
        d("두부김치", 13_000, 16_000, false, &["안주"]),
        d("빙떡", 5_000, 7_000, false, &["빙떡", "향토음식"]),
        d("도토리묵", 11_000, 14_000, false, &["안주"]),
    ],
);

/// A store's menu: 3–8 items with won prices, its signature dishes and its dish tags.
#[derive(Debug, Clone)]
pub(crate) struct Menu {
    pub items: Vec<MenuItem>,
    pub signature: Vec<String>,
    pub tags: Vec<String>,
}

/// Rounds a won price: to 500 below 10,000, to 1,000 above.
fn round_price(p: f64) -> u32 {
    let step = if p < 10_000.0 { 500.0 } else { 1_000.0 };
    let v = (p / step).round() * step;
    v.clamp(500.0, 1_000_000.0) as u32
}

/// The price of a dish at a price level (1..=4), with some store-to-store spread.
pub(crate) fn price(rng: &mut SynthRng, dish: &Dish, price_level: u8) -> u32 {
    let level = f64::from(price_level.clamp(1, 4)) - 1.0;
    let t = rng::clamp((level + rng::unit(rng)) / 4.0, 0.0, 1.0);
    round_price(f64::from(dish.low) + f64::from(dish.high.saturating_sub(dish.low)) * t)
}

/// Draws a menu from a theme: 1–3 signature candidates first, then other dishes.
pub(crate) fn draw_menu(rng: &mut SynthRng, theme: &Theme, price_level: u8) -> Menu {
    let mut signature_pool: Vec<&Dish> = theme.dishes.iter().filter(|d| d.signature).collect();
    let mut others: Vec<&Dish> = theme.dishes.iter().filter(|d| !d.signature).collect();
    rng::shuffle(rng, &mut signature_pool);
    rng::shuffle(rng, &mut others);
    let total = (rng::int(rng, 3, 8) as usize).min(theme.dishes.len());
    let n_sig = (rng::int(rng, 1, 3) as usize)
        .min(signature_pool.len())
        .min(total);
    let mut chosen: Vec<&Dish> = signature_pool[..n_sig].to_vec();
    // Fill with the rest: plain dishes first, then leftover signature candidates.
    let mut rest: Vec<&Dish> = others;
    rest.extend_from_slice(&signature_pool[n_sig..]);
    for dish in rest {
        if chosen.len() >= total {
            break;
        }
        chosen.push(dish);
    }
    let items: Vec<MenuItem> = chosen
        .iter()
        .map(|dish| MenuItem {
            name: dish.name.to_owned(),
            price: price(rng, dish, price_level),
        })
        .collect();
    let n_signature = if n_sig >= 2 && rng::chance(rng, 0.55) {
        2
    } else {
        1
    };
    let signature: Vec<String> = chosen
        .iter()
        .filter(|d| d.signature)
        .take(n_signature)
        .map(|d| d.name.to_owned())
        .collect();
    let mut tags: Vec<String> = Vec::new();
    for dish in &chosen {
        for tag in dish.tags {
            if !tags.iter().any(|t| t == tag) {
                tags.push((*tag).to_owned());
            }
        }
    }
    Menu {
        items,
        signature,
        tags,
    }
}

/// A dish name as people say it: `갈치조림 (2인)` -> `갈치조림`.
pub(crate) fn spoken_name(name: &str) -> &str {
    match name.find(" (") {
        Some(i) => &name[..i],
        None => name,
    }
}

/// Every theme: the table checks and the menu catalogue ([`item_names`]).
pub(crate) const ALL_THEMES: &[&Theme] = &[
    &BLACK_PORK,
    &SEAFOOD,
    &MACKEREL,
    &HYANGTO,
    &BAEKBAN,
    &ABALONE,
    &RAW_FISH,
    &HAEJANG,
    &GOGI_GUKSU,
    &BOMAL,
    &MILMYEON,
    &RAMYEON,
    &GUKBAP,
    &CHICKEN_SOUP,
    &FOOD_COURT,
    &DOSIRAK,
    &BUFFET,
    &CAFE,
    &DESSERT_CAFE,
    &ROASTERY,
    &BAKERY,
    &DONUT,
    &RICE_CAKE,
    &JUICE,
    &TEA,
    &GELATO,
    &SUSHI,
    &RAMEN,
    &TONKATSU,
    &DONBURI,
    &CHINESE,
    &MALA,
    &CHICKEN,
    &JOKBAL,
    &SNACK,
    &BURGER,
    &PIZZA,
    &SANDWICH,
    &PASTA,
    &BRUNCH,
    &STEAK,
    &FAMILY,
    &WORLD,
    &ASIAN,
    &CRAFT_BEER,
    &IZAKAYA,
    &SKEWER,
    &POCHA,
    &MAKGEOLLI,
];

/// Every menu item name a menu can be drawn from, sorted and once each.
pub fn item_names() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = ALL_THEMES
        .iter()
        .flat_map(|t| t.dishes.iter().map(|d| d.name))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_are_well_formed() {
        for t in ALL_THEMES {
            assert!(t.dishes.len() >= 4, "{}", t.key);
            assert!(t.dishes.iter().any(|d| d.signature), "{}", t.key);
            assert!(!t.name_words.is_empty(), "{}", t.key);
            for d in t.dishes {
                assert!(d.low > 0 && d.low <= d.high, "{}", d.name);
                assert!(!spoken_name(d.name).is_empty());
            }
            if let Some(h) = t.hours {
                assert!((h.iter().sum::<f64>() - 1.0).abs() < 0.02, "{}", t.key);
            }
        }
    }

    #[test]
    fn menus_have_three_to_eight_items_and_real_prices() {
        let mut rng = crate::rng::stream(5, crate::rng::Stage::Stores, 1);
        for t in ALL_THEMES {
            for level in 1..=4u8 {
                let m = draw_menu(&mut rng, t, level);
                assert!(
                    (3..=8).contains(&m.items.len()),
                    "{} {}",
                    t.key,
                    m.items.len()
                );
                assert!(!m.signature.is_empty() && m.signature.len() <= 2);
                for s in &m.signature {
                    assert!(m.items.iter().any(|i| &i.name == s));
                }
                let mut names: Vec<&str> = m.items.iter().map(|i| i.name.as_str()).collect();
                names.sort_unstable();
                names.dedup();
                assert_eq!(names.len(), m.items.len());
            }
        }
        let americano = &CAFE.dishes[0];
        for level in 1..=4 {
            let p = price(&mut rng, americano, level);
            assert!((4_500..=6_500).contains(&p), "{p}");
        }
        assert_eq!(spoken_name("갈치조림 (2인)"), "갈치조림");
        assert_eq!(round_price(18_400.0), 18_000);
        assert_eq!(round_price(4_760.0), 5_000);
    }
}
