//! Every UI string of the page, in Korean and English.
//!
//! Text that comes from the server (answers, reviews, error messages of the API) is not here:
//! it arrives already in the answer's language. Error bubbles use `ErrorCode::message` so that
//! they follow the page's language too.

use jeju_api::{ErrorCode, Language};

/// The strings of one language.
pub struct Strings {
    pub title: &'static str,
    pub tagline: &'static str,
    /// The label of the language toggle: the *other* language's name.
    pub other_language: &'static str,
    pub other_language_hint: &'static str,
    pub new_chat: &'static str,
    pub intro_heading: &'static str,
    pub intro_body: &'static str,
    pub starters_label: &'static str,
    pub input_label: &'static str,
    pub placeholder: &'static str,
    pub send: &'static str,
    pub sending: &'static str,
    pub enter_hint: &'static str,
    pub step_fallback: &'static str,
    pub working: &'static str,
    /// Above a preliminary card (the rules' pick while the AI model judges).
    pub preliminary_badge: &'static str,
    /// Above a card the AI model picked too.
    pub confirmed_badge: &'static str,
    /// Above a card the AI model picked instead of the preliminary one.
    pub replaced_badge: &'static str,
    /// Above a preliminary card whose place the AI model put at another rank.
    pub moved_badge: &'static str,
    pub similar_place: &'static str,
    pub similar_place_hint: &'static str,
    /// Before what a place does not meet of the request.
    pub unmet: &'static str,
    pub kakao_map: &'static str,
    pub naver_map: &'static str,
    pub google_map: &'static str,
    /// The accessible name of an answer's map.
    pub map_title: &'static str,
    pub price: &'static str,
    pub rating: &'static str,
    pub menu: &'static str,
    pub reviews_heading: &'static str,
    pub visitors: &'static str,
    pub why: &'static str,
    pub request_label: &'static str,
    /// The (visually hidden) heading of an answer, for screen readers' heading navigation.
    pub answer_heading: &'static str,
    pub no_picks: &'static str,
    pub no_rows: &'static str,
    pub col_rank: &'static str,
    pub col_name: &'static str,
    pub col_value: &'static str,
    pub trace_summary: &'static str,
    /// The trace's title under a data answer.
    pub trace_summary_search: &'static str,
    /// The column of what each stage did.
    pub trace_what: &'static str,
    /// Beside a candidate added as a similar place.
    pub trace_similar: &'static str,
    /// The column of each candidate's score.
    pub trace_score: &'static str,
    pub trace_stages: &'static str,
    pub trace_stage: &'static str,
    pub trace_ms: &'static str,
    pub trace_llm: &'static str,
    pub trace_total: &'static str,
    pub trace_queries: &'static str,
    pub trace_params: &'static str,
    pub trace_source_llm: &'static str,
    pub trace_source_composed: &'static str,
    pub trace_candidates: &'static str,
    pub trace_none: &'static str,
    pub error_title: &'static str,
    pub connection_lost: &'static str,
    pub unreadable_answer: &'static str,
    pub no_llm: &'static str,
    pub footer: &'static str,
}

const KO: Strings = Strings {
    title: "제주 맛집 추천",
    tagline: "제주 데이터로 찾는 오늘의 한 끼",
    other_language: "English",
    other_language_hint: "Switch to English",
    new_chat: "새 대화",
    intro_heading: "어디서 무엇을 드시고 싶으세요?",
    intro_body: "지역, 음식, 함께 가는 사람, 예산을 말씀해 주시면 제주 가맹점 데이터와 리뷰를 바탕으로 세 곳을 골라 드려요. 데이터 질문(예: 이용 비중이 가장 높은 곳)에도 답해요.",
    starters_label: "이렇게 물어보세요",
    input_label: "질문",
    placeholder: "예: 애월읍에서 부모님과 가기 좋은 흑돼지 맛집",
    send: "보내기",
    sending: "답하는 중…",
    enter_hint: "Enter로 보내기 · Shift+Enter 줄바꿈",
    step_fallback: "대체 경로로 처리됨",
    working: "답을 찾고 있어요…",
    preliminary_badge: "먼저 찾은 후보 · AI가 확인하는 중",
    confirmed_badge: "AI도 이곳을 골랐어요",
    replaced_badge: "AI가 바꿔 고른 곳",
    moved_badge: "AI가 다른 순위로 옮긴 곳",
    similar_place: "비슷한 곳",
    similar_place_hint: "조건에 딱 맞는 곳이 부족해 비슷한 곳을 골랐어요",
    unmet: "조건을 넓혀 고른 곳:",
    kakao_map: "카카오맵",
    naver_map: "네이버 지도",
    google_map: "구글 지도",
    map_title: "추천한 곳의 위치를 표시한 제주 지도",
    price: "가격",
    rating: "평점",
    menu: "메뉴",
    reviews_heading: "리뷰",
    visitors: "방문객",
    why: "추천 이유",
    request_label: "이어서 찾은 조건",
    answer_heading: "답변",
    no_picks: "조건에 맞는 식당을 찾지 못했어요. 지역이나 조건을 조금 넓혀서 다시 물어봐 주세요.",
    no_rows: "해당하는 가게가 없어요.",
    col_rank: "순위",
    col_name: "가게",
    col_value: "값",
    trace_summary: "어떻게 골랐나요?",
    trace_summary_search: "어떻게 계산했나요?",
    trace_what: "한 일",
    trace_similar: "비슷한 곳",
    trace_score: "점수",
    trace_stages: "단계별 시간",
    trace_stage: "단계",
    trace_ms: "시간",
    trace_llm: "AI 호출 / 토큰",
    trace_total: "합계",
    trace_queries: "그래프 질의 (Cypher)",
    trace_params: "매개변수",
    trace_source_llm: "AI 모델이 작성",
    trace_source_composed: "조건으로 조합",
    trace_candidates: "후보",
    trace_none: "없음",
    error_title: "답하지 못했어요",
    connection_lost: "서버와의 연결이 끊겼거나 서버에 연결할 수 없어요. 잠시 후 다시 시도해 주세요.",
    unreadable_answer: "서버의 답을 읽지 못했어요. 다시 시도해 주세요.",
    no_llm: "AI 모델 없이 규칙 기반으로 답하고 있어요.",
    footer: "제주 가맹점 카드 이용 데이터와 리뷰로 고릅니다. 방문 전 영업시간을 확인하세요.",
};

const EN: Strings = Strings {
    title: "Jeju Restaurant Finder",
    tagline: "Where to eat in Jeju, from real data",
    other_language: "한국어",
    other_language_hint: "한국어로 보기",
    new_chat: "New chat",
    intro_heading: "What would you like to eat, and where?",
    intro_body: "Tell me the area, the food, who you are with and your budget: I pick three places from Jeju's merchant data and reviews. I also answer data questions (e.g. which place has the largest share of a group).",
    starters_label: "Try asking",
    input_label: "Question",
    placeholder: "e.g. Black pork in Aewol for dinner with my parents",
    send: "Send",
    sending: "Answering…",
    enter_hint: "Enter to send · Shift+Enter for a new line",
    step_fallback: "fell back to the rule-based path",
    working: "Looking for an answer…",
    preliminary_badge: "First match · the AI is checking",
    confirmed_badge: "The AI picked this too",
    replaced_badge: "The AI's pick instead",
    moved_badge: "Moved by the AI to another rank",
    similar_place: "similar place",
    similar_place_hint: "Too few places matched exactly, so this is a similar one",
    unmet: "From a wider search:",
    kakao_map: "Kakao Map",
    naver_map: "Naver Map",
    google_map: "Google Maps",
    map_title: "Map of Jeju with the recommended places",
    price: "Price",
    rating: "Rating",
    menu: "Menu",
    reviews_heading: "Reviews",
    visitors: "Visitors",
    why: "Why",
    request_label: "Answering",
    answer_heading: "Answer",
    no_picks: "No restaurant matched. Try a wider area or fewer conditions.",
    no_rows: "No matching places.",
    col_rank: "Rank",
    col_name: "Place",
    col_value: "Value",
    trace_summary: "How did you pick these?",
    trace_summary_search: "How was this computed?",
    trace_what: "What happened",
    trace_similar: "similar place",
    trace_score: "Score",
    trace_stages: "Stage timings",
    trace_stage: "Stage",
    trace_ms: "Time",
    trace_llm: "AI calls / tokens",
    trace_total: "Total",
    trace_queries: "Graph queries (Cypher)",
    trace_params: "Parameters",
    trace_source_llm: "written by the AI model",
    trace_source_composed: "composed from the question",
    trace_candidates: "Candidates",
    trace_none: "none",
    error_title: "No answer this time",
    connection_lost: "The connection to the server was lost, or the server cannot be reached. Please try again in a moment.",
    unreadable_answer: "The server's answer could not be read. Please try again.",
    no_llm: "Running without an AI model: answers come from rules.",
    footer: "Picked from Jeju merchant card data and reviews. Check opening hours before you go.",
};

/// The strings of `lang`.
pub fn strings(lang: Language) -> &'static Strings {
    match lang {
        Language::Ko => &KO,
        Language::En => &EN,
    }
}

/// The other language (what the toggle switches to).
pub fn other(lang: Language) -> Language {
    match lang {
        Language::Ko => Language::En,
        Language::En => Language::Ko,
    }
}

/// The words of a question nothing in the data explains, left out of the search.
pub fn unmatched(lang: Language, words: &[String]) -> String {
    let quoted = words
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(", ");
    match lang {
        Language::Ko => format!("데이터에서 찾지 못해 빼고 찾은 말: {quoted}"),
        Language::En => format!("Not in the data, so left out: {quoted}"),
    }
}

/// Misspelt words read as known ones: "짬봉 → 짬뽕".
pub fn read_as(lang: Language, pairs: &[jeju_api::ReadAs]) -> String {
    let pairs = pairs
        .iter()
        .map(|r| format!("{} → {}", r.written, r.read_as))
        .collect::<Vec<_>>()
        .join(", ");
    match lang {
        Language::Ko => format!("이렇게 읽었어요: {pairs}"),
        Language::En => format!("Read as: {pairs}"),
    }
}

/// Under an answer that review search could not help yet: its index is being built.
pub fn warming_up(lang: Language, percent: u8) -> String {
    match lang {
        Language::Ko => format!(
            "리뷰 검색을 준비하고 있어요 ({percent}%). 이번 답은 평점·방문 데이터로 골랐어요."
        ),
        Language::En => format!(
            "Review search is still warming up ({percent}%), so this answer ranks by ratings and visits."
        ),
    }
}

/// Above cards of which some come from a widened search.
pub fn relaxed(lang: Language) -> &'static str {
    match lang {
        Language::Ko => {
            "조건에 모두 맞는 곳이 3곳이 안 돼서, ⚠ 표시한 곳은 조건을 넓혀 골랐어요."
        }
        Language::En => {
            "Fewer than three places meet every condition, so the ones marked ⚠ come from a wider search."
        }
    }
}

/// "리뷰 128개" / "128 reviews".
pub fn review_count(lang: Language, n: i64) -> String {
    match lang {
        Language::Ko => format!("리뷰 {}개", crate::format::thousands(n)),
        Language::En if n == 1 => "1 review".to_owned(),
        Language::En => format!("{} reviews", crate::format::thousands(n)),
    }
}

/// "1인 약 15,000원" / "about ₩15,000 per person": one price format per language.
pub fn per_person(lang: Language, won: i64) -> String {
    let amount = crate::format::thousands(won);
    match lang {
        Language::Ko => format!("1인 약 {amount}원"),
        Language::En => format!("about ₩{amount} per person"),
    }
}

/// A menu's cheapest to dearest item: "9,000–21,000원" / "₩9,000–21,000" (one amount when
/// both ends are equal).
pub fn price_range(lang: Language, range: jeju_api::PriceRange) -> String {
    use jeju_api::format::won;
    let amounts = if range.min == range.max {
        won(range.min)
    } else {
        format!("{}–{}", won(range.min), won(range.max))
    };
    match lang {
        Language::Ko => format!("{amounts}원"),
        Language::En => format!("₩{amounts}"),
    }
}

/// "123/500 자" style counter text.
pub fn char_counter(lang: Language, used: usize, max: usize) -> String {
    match lang {
        Language::Ko => format!("{used}/{max}자"),
        Language::En => format!("{used}/{max}"),
    }
}

/// The short title of an error bubble, by code.
pub fn error_heading(lang: Language, code: ErrorCode) -> &'static str {
    let ko = lang == Language::Ko;
    match code {
        ErrorCode::GraphUnavailable if ko => "데이터베이스 연결 안 됨",
        ErrorCode::GraphUnavailable => "Database unreachable",
        ErrorCode::QuestionTooLong if ko => "질문이 너무 길어요",
        ErrorCode::QuestionTooLong => "Question too long",
        ErrorCode::EmptyQuestion if ko => "빈 질문",
        ErrorCode::EmptyQuestion => "Empty question",
        ErrorCode::Busy if ko => "잠시 바빠요",
        ErrorCode::Busy => "Busy right now",
        ErrorCode::Timeout if ko => "시간 초과",
        ErrorCode::Timeout => "Took too long",
        _ => strings(lang).error_title,
    }
}

/// The starter questions of the page's language first, then the other language's.
pub fn starters(lang: Language) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = STARTERS.to_vec();
    // A stable sort: each language keeps its own order.
    out.sort_by_key(|q| q.is_ascii() != (lang == Language::En));
    out
}

/// The starter questions of the empty state (shown in both languages).
pub const STARTERS: [&str; 6] = [
    "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘",
    "한림읍 카페 중 30대 이용 비중이 가장 높은 곳은?",
    "서귀포시 중문동 아이와 가기 좋은 식당 추천",
    "Seafood near Seongsan Ilchulbong for a family dinner",
    "Cheap noodle places in Jeju-si for solo travellers",
    "Which cafe in Aewol-eup has the most local customers?",
];

#[cfg(test)]
mod tests {
    use super::*;
    use jeju_api::PriceRange;

    #[test]
    fn prices_have_one_format_per_language() {
        let range = PriceRange {
            min: 9000,
            max: 21000,
        };
        assert_eq!(price_range(Language::Ko, range), "9,000–21,000원");
        assert_eq!(price_range(Language::En, range), "₩9,000–21,000");
        let one = PriceRange { min: 500, max: 500 };
        assert_eq!(price_range(Language::En, one), "₩500");
        assert_eq!(per_person(Language::Ko, 15000), "1인 약 15,000원");
        assert_eq!(per_person(Language::En, 15000), "about ₩15,000 per person");
    }

    #[test]
    fn starters_of_the_pages_language_come_first() {
        for lang in [Language::Ko, Language::En] {
            let starters = starters(lang);
            assert_eq!(starters.len(), STARTERS.len());
            let first_other = starters
                .iter()
                .position(|q| q.is_ascii() != (lang == Language::En))
                .unwrap();
            assert!(first_other > 0, "{lang:?}");
            assert!(starters[first_other..]
                .iter()
                .all(|q| q.is_ascii() != (lang == Language::En)));
        }
    }
}
