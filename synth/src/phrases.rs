//! Review phrase tables. Korean sentences are written in the polite -어요 register without
//! final punctuation; [`crate::text`] rewrites endings and adds punctuation and noise.
//! Placeholders: `{item}`, `{item2}` (menu items of the store, as spoken), `{price}` (price of
//! `{item}`), `{place}`, `{attr}` (a nearby attraction), `{tag}` (a dish tag), and particles
//! such as `{이/가}`.

/// How the food of one dish tag is praised.
pub(crate) fn food_praise(tag: &str) -> &'static [&'static str] {
    match tag {
        "흑돼지" => &[
            "육즙이 팡팡 터져요",
            "두툼한데 하나도 안 질기고 쫄깃해요",
            "잡내 없이 고소해요",
            "멜젓에 찍어 먹으니 진짜 맛있어요",
            "직원분이 직접 구워주셔서 편하게 먹었어요",
            "비계까지 쫀득하고 맛있어요",
            "숯불향이 제대로 배어 있어요",
            "고기 질이 정말 좋아요",
            "두께가 장난 아니에요",
            "흑돼지는 역시 제주에서 먹어야 해요",
        ],
        "갈치" => &[
            "갈치가 통통하고 살이 많아요",
            "갈치 살이 부드럽고 가시도 발라주셨어요",
            "양념이 짭조름하니 밥도둑이에요",
            "갈치 크기가 어마어마해요",
        ],
        "고등어" => &[
            "고등어가 기름지고 고소해요",
            "비린내 하나 없어요",
            "겉바속촉으로 잘 구워졌어요",
        ],
        "전복" => &[
            "전복이 큼직하게 들어 있어요",
            "전복이 쫄깃쫄깃해요",
            "내장까지 넣어서 고소해요",
        ],
        "고기국수" => &[
            "국물이 진하고 고기가 듬뿍 들어 있어요",
            "면이 쫄깃하고 국물이 깔끔해요",
            "돔베고기 고명이 푸짐해요",
            "국물이 뽀얗고 진해요",
        ],
        "국수" | "밀면" | "냉면" => &["면발이 탱탱해요", "양이 푸짐해요", "육수가 시원해요"],
        "해장국" | "국밥" => &[
            "속이 확 풀려요",
            "선지랑 내장이 듬뿍 들어 있어요",
            "국물이 얼큰하고 시원해요",
            "해장하기 딱 좋아요",
            "국물이 진국이에요",
        ],
        "칼국수" | "보말" => &[
            "국물이 진하고 면이 쫄깃해요",
            "보말이 아낌없이 들어가 있어요",
            "초록빛 국물이 신기하고 맛있어요",
        ],
        "회" | "물회" => &[
            "회가 두툼하고 싱싱해요",
            "숙성이 잘 돼서 식감이 좋아요",
            "밑반찬도 푸짐하게 나와요",
            "시원하고 새콤해요",
        ],
        "해산물" => &[
            "해산물이 엄청 신선해요",
            "바다향이 가득해요",
            "재료가 싱싱해요",
        ],
        "초밥" => &[
            "밥알이 적당하고 네타가 두툼해요",
            "초밥이 입에서 살살 녹아요",
            "생선이 신선해요",
        ],
        "라멘" => &[
            "국물이 진하고 차슈가 부드러워요",
            "면 익힘이 딱 좋아요",
            "국물이 꾸덕하고 진해요",
        ],
        "돈까스" => &[
            "튀김옷이 바삭하고 고기가 두툼해요",
            "육즙이 살아 있어요",
            "소스가 달지 않고 맛있어요",
        ],
        "짬뽕" | "짜장면" => &[
            "국물이 칼칼하고 해물이 가득해요",
            "불맛이 제대로 나요",
            "면이 쫄깃해요",
            "짜장 소스가 달지 않고 고소해요",
        ],
        "탕수육" => &["바삭바삭해요", "소스가 새콤달콤해요"],
        "마라탕" => &[
            "얼얼하고 중독성 있어요",
            "재료를 골라 담을 수 있어서 좋아요",
        ],
        "치킨" => &[
            "겉바속촉 그 자체예요",
            "튀김옷이 얇고 바삭해요",
            "양념이 맛있어요",
            "닭이 커요",
        ],
        "떡볶이" => &["떡볶이가 달달하고 매콤해요", "옛날 맛 나요"],
        "김밥" => &["속이 꽉 차 있어요", "전복김밥은 처음인데 맛있네요"],
        "버거" => &[
            "패티가 두툼하고 육즙이 많아요",
            "번이 촉촉해요",
            "크기가 커서 배불러요",
        ],
        "피자" => &[
            "도우가 쫄깃해요",
            "치즈가 듬뿍 올라가 있어요",
            "화덕 향이 좋아요",
        ],
        "파스타" | "리조또" => &[
            "면 삶기가 딱 좋아요",
            "소스가 꾸덕해요",
            "딱새우가 통째로 올라가 있어요",
        ],
        "스테이크" => &["굽기가 완벽해요", "육즙이 가득해요", "고기가 입에서 녹아요"],
        "커피" => &[
            "원두가 고소하고 산미도 적당해요",
            "커피가 진하고 맛있어요",
            "라떼가 부드러워요",
            "핸드드립이 깔끔해요",
        ],
        "디저트" | "케이크" => &[
            "디저트가 너무 달지 않아서 좋아요",
            "케이크가 촉촉해요",
            "비주얼이 예뻐서 사진 찍기 좋아요",
        ],
        "빵" => &[
            "빵이 갓 나와서 따끈해요",
            "겉은 바삭하고 속은 촉촉해요",
            "버터 향이 진해요",
            "빵 종류가 많아요",
        ],
        "아이스크림" | "빙수" => &[
            "진짜 과일 맛이 나요",
            "한라봉 향이 상큼해요",
            "우도땅콩이 고소해요",
            "얼음이 곱게 갈려서 부드러워요",
        ],
        "차" => &[
            "차 향이 은은해요",
            "차가 깔끔하고 좋아요",
            "다과도 같이 나와서 좋아요",
        ],
        "맥주" => &[
            "맥주가 시원하고 신선해요",
            "수제맥주 종류가 다양해요",
            "안주가 맥주랑 잘 어울려요",
        ],
        "주스" => &["과일을 바로 갈아서 신선해요", "달고 진해요", "상큼해요"],
        "떡" => &[
            "떡이 쫀득쫀득해요",
            "팥이 달지 않고 맛있어요",
            "선물용으로 좋아요",
        ],
        "도넛" => &["도넛이 폭신해요", "땅콩 크림이 고소해요"],
        "쌀국수" | "커리" | "팟타이" => {
            &["국물이 깔끔해요", "향신료 향이 적당해요", "현지 맛이 나요"]
        }
        "족발" | "보쌈" => &["족발이 쫄깃하고 잡내가 없어요", "보쌈이 야들야들해요"],
        "꼬치" => &["불향이 가득해요", "하나하나 정성껏 구워주세요"],
        "막걸리" | "전" => &[
            "전이 바삭하고 막걸리랑 찰떡이에요",
            "파전에 해물이 가득해요",
        ],
        "몸국" | "육개장" | "뼈국" | "향토음식" => &[
            "모자반이 듬뿍 들어가서 국물이 진해요",
            "고사리가 듬뿍 들어가 걸쭉해요",
            "뼈에 살이 많이 붙어 있어요",
            "제주 향토음식 제대로 맛봤어요",
        ],
        "백반" | "제육" | "한식" => &[
            "반찬이 정갈하고 많아요",
            "집밥 느낌이에요",
            "제육이 불맛 나고 맛있어요",
            "밥이 무한리필이에요",
        ],
        "뷔페" => &["음식 종류가 많아요", "회 종류도 있어요"],
        _ => GENERIC_PRAISE,
    }
}

/// How the food of one dish tag is criticised.
pub(crate) fn food_complaint(tag: &str) -> &'static [&'static str] {
    match tag {
        "흑돼지" | "고기" => &[
            "고기가 질겼어요",
            "비계가 너무 많았어요",
            "고기 양이 적어요",
        ],
        "커피" => &["커피가 너무 써요", "커피가 밍밍해요"],
        "회" | "초밥" => &["회가 좀 비렸어요", "생선이 신선하지 않았어요"],
        "갈치" => &["갈치가 생각보다 작았어요", "양념이 너무 달아요"],
        "빵" | "디저트" => &["빵이 딱딱했어요", "너무 달아요"],
        "국수" | "고기국수" | "칼국수" => &["면이 불어서 나왔어요", "국물이 밍밍해요"],
        _ => GENERIC_COMPLAINT,
    }
}

pub(crate) const GENERIC_PRAISE: &[&str] = &[
    "간이 딱 좋아요",
    "양이 푸짐해요",
    "재료가 신선해요",
    "비주얼도 좋고 맛도 좋아요",
    "자극적이지 않아요",
    "밑반찬도 맛있어요",
    "하나도 안 남기고 다 먹었어요",
];
pub(crate) const GENERIC_NEUTRAL: &[&str] = &[
    "맛은 무난해요",
    "평범한 맛이에요",
    "기대보다는 평범했어요",
    "그럭저럭 먹을 만해요",
];
pub(crate) const GENERIC_COMPLAINT: &[&str] = &[
    "간이 너무 짜요",
    "재료가 신선하지 않았어요",
    "음식이 식어서 나왔어요",
    "양이 너무 적어요",
    "맛이 밍밍해요",
    "기름져서 느끼했어요",
];

/// Food sentences, positive. `{desc}` is a praise phrase for the item's tag.
pub(crate) const FOOD_POS: &[&str] = &[
    "{item}{이/가} 진짜 맛있어요",
    "{item} 먹었는데 {desc}",
    "{item}{은/는} {desc}",
    "{item}{이랑/랑} {item2} 시켰는데 둘 다 맛있었어요",
    "{item} 시켰어요. {desc}",
    "여기 {item}{은/는} 꼭 드셔 보세요",
    "{item}{이/가} 제일 맛있었어요",
    "{item2}도 괜찮았는데 {item}{이/가} 최고예요",
    "메뉴는 {item}{이랑/랑} {item2} 추천해요",
    "{item} {price}인데 {desc}",
    "{item}{이/가} {price}{이에요/예요}. 가격 생각하면 만족해요",
    "{desc}",
    "{tag} 맛집 인정이에요",
    "인생 {item} 만났어요",
    "{item} 먹으러 일부러 찾아왔어요",
    "{item}{을/를} 먹었는데 기대 이상이었어요",
    "{item} 완전 추천해요",
    "{item}{은/는} 말이 필요 없어요",
    "무엇보다 {item}{이/가} 정말 맛있어요",
    "{item} 한 입 먹고 감탄했어요",
    "{item}{과/와} {item2} 조합이 최고예요",
    "처음 먹어본 {item}인데 {desc}",
];

/// Food sentences, lukewarm.
pub(crate) const FOOD_MIXED: &[&str] = &[
    "{item}{은/는} 무난했어요",
    "{item}{은/는} 맛있었는데 {item2}{은/는} 그냥 그랬어요",
    "{item} 맛은 괜찮은데 {neg}",
    "{neutral}",
    "{item}{이/가} 생각보다 평범해요",
    "{item} {price}{은/는} 좀 비싼 느낌이에요",
    "{item}{은/는} 유명한 만큼은 아니었어요",
];

/// Food sentences, negative.
pub(crate) const FOOD_NEG: &[&str] = &[
    "{item} 시켰는데 {neg}",
    "{item}{은/는} 다시는 안 시킬 것 같아요",
    "{item} {price} 받기엔 아쉬운 맛이에요",
    "기대했던 {item}{은/는} 그냥 그랬어요",
    "{neg}",
    "{item}{이/가} 너무 실망스러웠어요",
];

pub(crate) const OPENING: &[&str] = &[
    "{place} 여행 중에 들렀어요",
    "제주 여행 첫날 방문했어요",
    "제주 여행 마지막 날 갔어요",
    "{attr} 구경하고 가는 길에 들렀어요",
    "{attr} 근처라 가봤어요",
    "근처 숙소라 걸어서 갔어요",
    "점심 먹으러 갔어요",
    "저녁 먹으러 방문했어요",
    "친구 추천으로 가봤어요",
    "검색해서 찾아갔어요",
    "지나가다 우연히 들렀어요",
    "비 오는 날 방문했어요",
    "{place} 쪽에서 유명하다길래 가봤어요",
    "오픈 시간 맞춰 갔어요",
    "드라이브하다가 들렀어요",
    "올레길 걷다가 들렀어요",
    "인스타 보고 찾아갔어요",
    "{store} 드디어 가봤어요",
    "공항 가기 전에 들렀어요",
    "렌트카 반납 전에 들렀어요",
];

/// Openings of regulars: only in positive reviews.
pub(crate) const OPENING_REGULAR: &[&str] = &[
    "두 번째 방문이에요",
    "제주 올 때마다 가는 곳이에요",
    "벌써 세 번째 방문이에요",
    "작년에 너무 좋아서 또 왔어요",
];

pub(crate) const SERVICE_POS: &[&str] = &[
    "사장님이 너무 친절하세요",
    "직원분들이 다들 친절해요",
    "서비스로 음료수 주셨어요",
    "메뉴 설명을 친절하게 해주셨어요",
    "응대가 빠르고 친절해요",
    "사장님이 유쾌하세요",
    "반찬 리필도 바로바로 해주세요",
    "매장이 깨끗하게 관리돼 있어요",
];
pub(crate) const SERVICE_NEUTRAL: &[&str] = &[
    "서비스는 평범해요",
    "직원분들이 바빠 보였어요",
    "주문은 키오스크로 해요",
];
pub(crate) const SERVICE_NEG: &[&str] = &[
    "직원이 불친절했어요",
    "주문이 누락돼서 한참 기다렸어요",
    "불러도 잘 안 오세요",
    "응대가 너무 무성의해요",
    "테이블 정리가 안 돼 있었어요",
];

pub(crate) const VIEW_OCEAN: &[&str] = &[
    "창밖으로 바다가 보여서 너무 예뻐요",
    "오션뷰 최고예요",
    "노을 질 때 가면 진짜 예술이에요",
    "바다 보면서 먹으니까 더 맛있어요",
    "통창 너머로 바다가 쫙 펼쳐져요",
    "바다 뷰 명당이에요",
    "테라스에서 바다 보며 쉬기 좋아요",
];
/// Near the sea, but no view from the tables.
pub(crate) const NEAR_SEA: &[&str] = &[
    "식사하고 바닷가 산책하기 좋아요",
    "바다까지 걸어서 5분이에요",
    "바다는 안 보이지만 해변이 가까워요",
    "바닷가 근처라 드라이브 코스로 좋아요",
];
pub(crate) const VIEW_MOUNTAIN: &[&str] = &[
    "한라산이 보이는 뷰가 멋져요",
    "창밖으로 오름이 보여요",
    "숲 뷰라 힐링 돼요",
    "산 풍경이 예뻐요",
];
pub(crate) const VIEW_GARDEN: &[&str] = &[
    "정원이 예쁘게 꾸며져 있어요",
    "귤밭 뷰라 너무 제주스러워요",
    "마당이 넓고 예뻐요",
    "돌담 정원이 분위기 있어요",
];
pub(crate) const MOOD_QUIET: &[&str] = &[
    "조용해서 대화하기 좋아요",
    "분위기가 아늑해요",
    "인테리어가 깔끔하고 차분해요",
    "음악도 좋고 조용해요",
    "여유롭게 있기 좋아요",
];
pub(crate) const MOOD_LIVELY: &[&str] = &[
    "왁자지껄한 분위기예요",
    "시끌벅적해서 술 한잔하기 좋아요",
    "활기찬 분위기예요",
    "사람이 많아서 좀 시끄러워요",
    "노포 감성이에요",
];

pub(crate) const WAIT_LONG: &[&str] = &[
    "웨이팅이 1시간 넘게 있었어요",
    "오픈 전부터 줄 서 있어요",
    "원격 줄서기 하고 가세요",
    "웨이팅이 길지만 기다릴 만해요",
    "주말엔 웨이팅 각오하세요",
    "번호표 받고 40분 기다렸어요",
];
pub(crate) const WAIT_LONG_NEG: &[&str] = &[
    "웨이팅이 너무 길어요",
    "기다리다 지쳤어요",
    "웨이팅 관리가 엉망이에요",
];
pub(crate) const WAIT_SHORT: &[&str] = &[
    "10분 정도 기다렸어요",
    "점심시간엔 조금 기다려야 해요",
    "잠깐 기다리니 자리가 났어요",
];
pub(crate) const WAIT_NONE: &[&str] = &[
    "웨이팅 없이 바로 들어갔어요",
    "자리가 넉넉해요",
    "기다림 없이 먹었어요",
];

pub(crate) const PARKING: &[&str] = &[
    "주차장이 넓어서 편해요",
    "전용 주차장 있어요",
    "주차는 근처 공영주차장에 하면 돼요",
    "주차가 좀 불편해요",
    "골목이라 주차가 힘들어요",
    "가게 앞에 주차 가능해요",
];

/// Companion sentences that fit (index: parents, kids, couple, friends, solo, group).
pub(crate) const COMPANION_FIT: [&[&str]; 6] = [
    &[
        "부모님 모시고 갔는데 너무 좋아하셨어요",
        "엄마 아빠가 맛있다고 하셨어요",
        "어른들 모시고 가기 좋아요",
        "부모님이 또 가자고 하세요",
        "부모님이랑 가족 여행으로 갔어요",
        "부모님 입맛에도 딱이에요",
    ],
    &[
        "아이랑 가기 좋아요",
        "아기의자도 있어서 편했어요",
        "아이들이 너무 잘 먹었어요",
        "아이 메뉴가 있어서 좋아요",
        "애들이랑 가기 편한 곳이에요",
        "아이들이 좋아하는 메뉴가 많아요",
    ],
    &[
        "여자친구랑 데이트하기 좋아요",
        "남편이랑 둘이 갔어요",
        "연인이랑 가기 딱이에요",
        "분위기가 좋아서 데이트 코스로 추천해요",
        "신혼여행 중에 들렀어요",
        "와이프가 너무 좋아했어요",
    ],
    &[
        "친구들이랑 갔는데 다들 만족했어요",
        "친구랑 수다 떨기 좋아요",
        "친구들이랑 한잔하기 딱이에요",
        "친구들과 여행 와서 들렀어요",
    ],
    &[
        "혼밥하기 편해요",
        "혼자 가도 눈치 안 보여요",
        "바 좌석이 있어서 혼자 가기 좋아요",
        "혼자 여행 중에 들렀는데 만족해요",
    ],
    &[
        "단체석이 있어서 모임하기 좋아요",
        "회사 동료들이랑 회식으로 갔어요",
        "룸이 있어서 단체로 가기 좋아요",
        "동호회 모임으로 갔어요",
        "여럿이 가도 자리가 넉넉해요",
    ],
];

/// Companion sentences that do not fit.
pub(crate) const COMPANION_MISFIT: [&[&str]; 6] = [
    &[
        "부모님이랑 가기엔 좀 시끄러웠어요",
        "어른들 입맛에는 안 맞았어요",
        "부모님 모시고 가기엔 좀 불편해요",
    ],
    &[
        "아이랑 가기엔 좀 불편했어요",
        "아기의자가 없어요",
        "아이들 먹을 메뉴가 없어요",
    ],
    &[
        "데이트하기엔 분위기가 좀 아쉬워요",
        "연인이랑 가기엔 너무 정신없어요",
    ],
    &[
        "친구들이랑 떠들기엔 너무 조용해요",
        "여럿이 앉을 자리가 부족해요",
    ],
    &[
        "혼자 가기엔 좀 눈치 보여요",
        "2인분부터 주문 가능해서 혼밥은 어려워요",
    ],
    &["단체로 가기엔 자리가 좁아요", "단체 예약이 안 돼요"],
];

/// Price sentences by price level 1..=4 (index 0..=3).
pub(crate) const PRICE: [&[&str]; 4] = [
    &[
        "가성비 최고예요",
        "가격이 착해요",
        "이 가격에 이 맛이면 대박이에요",
        "저렴한데 양도 많아요",
    ],
    &[
        "가격도 적당해요",
        "가격 대비 괜찮아요",
        "가격이 부담 없어요",
    ],
    &[
        "가격이 조금 있는 편이에요",
        "관광지 물가지만 맛있어서 괜찮아요",
    ],
    &[
        "가격이 좀 비싸지만 그만한 가치가 있어요",
        "비싸도 특별한 날 가기 좋아요",
        "가격대는 있지만 재료가 좋아요",
    ],
];
pub(crate) const PRICE_NEG: &[&str] = &[
    "가격 대비 별로예요",
    "너무 비싸요",
    "관광지 가격이에요",
    "양에 비해 비싸요",
];

pub(crate) const LOCAL: &[&str] = &[
    "현지인 맛집이에요",
    "도민들이 많이 오는 곳이에요",
    "제주 사는 친구가 데려간 곳이에요",
    "동네 사람들이 줄 서서 먹어요",
    "현지인 추천으로 갔어요",
];
pub(crate) const TOURIST: &[&str] = &["관광객이 정말 많아요", "여행객들 필수 코스인 것 같아요"];

pub(crate) const TIME_MORNING: &[&str] = &[
    "아침 일찍 열어서 좋아요",
    "아침 식사로 딱이에요",
    "아침 8시에 갔는데 벌써 사람이 많았어요",
];
pub(crate) const TIME_LATE: &[&str] = &[
    "늦게까지 영업해서 좋아요",
    "새벽까지 해서 2차로 가기 좋아요",
    "야식으로 최고예요",
];
pub(crate) const TIME_LUNCH: &[&str] = &["점심시간엔 직장인들로 붐벼요", "점심 특선이 있어요"];
pub(crate) const TIME_AFTERNOON: &[&str] = &["오후에 여유롭게 쉬다 가기 좋아요"];

pub(crate) const CLOSING_POS: &[&str] = &[
    "재방문 의사 있어요",
    "또 올게요",
    "강추합니다",
    "다음에 또 올게요",
    "제주 오면 꼭 다시 들를 거예요",
    "여기는 찐이에요",
    "무조건 추천해요",
    "단골 될 것 같아요",
    "{place} 가시면 꼭 가보세요",
    "만족스러운 식사였어요",
    "다음 제주 여행 때도 꼭 올 거예요",
];
pub(crate) const CLOSING_MIXED: &[&str] = &[
    "한 번쯤은 가볼 만해요",
    "나쁘지 않았어요",
    "재방문은 글쎄요",
    "무난해요",
    "기대를 너무 했나 봐요",
];
pub(crate) const CLOSING_NEG: &[&str] = &[
    "재방문 의사 없어요",
    "비추합니다",
    "다시는 안 갈 것 같아요",
    "실망했어요",
    "돈이 아까워요",
];

pub(crate) const ONE_LINER_POS: &[&str] = &[
    "맛있어요",
    "굿굿",
    "최고예요",
    "{item} 맛집",
    "또 가고 싶어요",
    "{item} 존맛",
    "진짜 맛있어요",
    "강추",
    "완전 만족",
    "맛있게 잘 먹었습니다",
    "{item} 최고",
    "{tag} 맛집 인정",
    "너무 좋았어요",
    "분위기 맛집",
    "{item} 꼭 드세요",
    "여기 {item} 미쳤어요",
    "인생 맛집",
];
pub(crate) const ONE_LINER_MIXED: &[&str] = &[
    "그냥 그래요",
    "무난해요",
    "평범해요",
    "쏘쏘",
    "{item}{은/는} 그럭저럭",
];
pub(crate) const ONE_LINER_NEG: &[&str] =
    &["별로예요", "비추", "실망", "다신 안 가요", "{item} 별로"];

/// Emoji by mood of the review or topic.
pub(crate) const EMOJI_POS: &[&str] = &["😋", "👍", "🥰", "❤️", "😍", "⭐", "👏", "🙌", "💯"];
pub(crate) const EMOJI_NEG: &[&str] = &["😢", "😤", "👎", "😑", "🥲"];

/// Emoji for a dish tag or a view.
pub(crate) fn topic_emoji(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "흑돼지" | "고기" | "돔베고기" => "🐷",
        "해산물" | "갈치" | "고등어" | "회" | "초밥" | "옥돔" => "🐟",
        "커피" => "☕",
        "디저트" | "케이크" => "🍰",
        "빵" => "🥐",
        "고기국수" | "국수" | "라멘" | "칼국수" | "짬뽕" | "쌀국수" => "🍜",
        "치킨" => "🍗",
        "피자" => "🍕",
        "버거" => "🍔",
        "맥주" => "🍺",
        "아이스크림" | "빙수" => "🍦",
        "한라봉" | "감귤" => "🍊",
        "ocean" => "🌊",
        _ => return None,
    })
}

/// English names of dish tags.
pub(crate) fn english_dish(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "흑돼지" => "black pork",
        "해산물" => "seafood",
        "갈치" => "hairtail",
        "고등어" => "mackerel",
        "전복" => "abalone",
        "고기국수" => "pork noodle soup",
        "해장국" => "hangover soup",
        "회" => "raw fish",
        "커피" => "coffee",
        "디저트" => "dessert",
        "빵" => "bread",
        "돈까스" => "pork cutlet",
        "라멘" => "ramen",
        "초밥" => "sushi",
        "짜장면" => "jajangmyeon",
        "짬뽕" => "jjamppong",
        "치킨" => "fried chicken",
        "피자" => "pizza",
        "파스타" => "pasta",
        "버거" => "burger",
        "떡볶이" => "tteokbokki",
        "아이스크림" => "ice cream",
        "빙수" => "bingsu",
        "차" => "tea",
        "맥주" => "beer",
        "칼국수" => "noodle soup",
        "스테이크" => "steak",
        "쌀국수" => "pho",
        "커리" => "curry",
        "도넛" => "donuts",
        "주스" => "juice",
        "떡" => "rice cakes",
        "족발" => "jokbal",
        "꼬치" => "skewers",
        "막걸리" => "makgeolli",
        "김밥" => "gimbap",
        "샌드위치" => "sandwich",
        "토스트" => "toast",
        "타코" => "tacos",
        "몸국" => "momguk",
        "밀면" => "cold wheat noodles",
        "국밥" => "gukbap",
        "브런치" => "brunch",
        _ => return None,
    })
}

pub(crate) const EN_OPENING: &[&str] = &[
    "Stopped by after visiting {attr_en}.",
    "Came here on our Jeju trip.",
    "Found this place on the map and gave it a try.",
    "Walked in for a late lunch.",
    "A local friend took us here.",
    "Popped in on a rainy day.",
];
pub(crate) const EN_FOOD_POS: &[&str] = &[
    "Amazing {dish_en}!",
    "Must try the {dish_en}!",
    "Really good {dish_en}, fresh and flavorful.",
    "Loved the {dish_en} ({item}).",
    "Best {dish_en} we had in Jeju.",
    "We ordered the {item} and it was delicious.",
    "Tried the {item}, absolutely worth it.",
];
pub(crate) const EN_FOOD_MIXED: &[&str] = &[
    "Okay {dish_en}, nothing special.",
    "Decent {dish_en}, but not worth the drive.",
    "The {item} was fine.",
];
pub(crate) const EN_FOOD_NEG: &[&str] = &[
    "Bland {dish_en} and overpriced.",
    "Disappointing {dish_en}.",
    "The {item} was not good at all.",
];
pub(crate) const EN_SERVICE_POS: &[&str] = &[
    "Staff were super friendly.",
    "Friendly owner, quick service.",
];
pub(crate) const EN_SERVICE_NEG: &[&str] = &["Service was slow and rude.", "Staff seemed annoyed."];
pub(crate) const EN_VIEW_OCEAN: &[&str] =
    &["Beautiful ocean view.", "Amazing sunset view over the sea."];
pub(crate) const EN_VIEW_MOUNTAIN: &[&str] = &["Nice view of the mountains."];
pub(crate) const EN_VIEW_GARDEN: &[&str] = &["Lovely garden with tangerine trees."];
pub(crate) const EN_WAIT_LONG: &[&str] = &[
    "Expect a long queue at peak times.",
    "We waited about an hour but it was worth it.",
];
pub(crate) const EN_WAIT_NONE: &[&str] = &["No wait when we went."];
pub(crate) const EN_COMPANION: [&[&str]; 6] = [
    &["Took my parents and they loved it."],
    &["Great place to bring kids."],
    &["Perfect for a date."],
    &["Fun spot to hang out with friends."],
    &["Easy to eat alone here."],
    &["Good for groups, plenty of seats."],
];
pub(crate) const EN_PRICE_CHEAP: &[&str] = &["Great value for money."];
pub(crate) const EN_PRICE_DEAR: &[&str] = &["A bit pricey but worth it."];
pub(crate) const EN_PRICE_NEG: &[&str] = &["Overpriced."];
pub(crate) const EN_CLOSING_POS: &[&str] = &[
    "Would come back!",
    "Highly recommend.",
    "Will definitely return.",
];
pub(crate) const EN_CLOSING_MIXED: &[&str] = &["It's fine.", "Okay for a quick meal."];
pub(crate) const EN_CLOSING_NEG: &[&str] = &["Not worth the hype.", "Would not recommend."];
