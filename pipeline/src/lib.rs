//! The per-turn pipeline of jeju-rec: a typed state machine
//! (route → text2cypher → review search → backfill → select → answer) with a per-turn trace.
//!
//! With an LLM (`Pipeline::with_llm`), route, text2cypher and select ask it (JSON-schema
//! output, a guarded and repaired query, a streamed selection); every LLM stage has a
//! deterministic fallback (gazetteer parser, composed Cypher, graph-signal ranker) that the
//! trace names when it fires.

pub mod ablation;
pub mod answer;
pub mod compose;
pub mod english;
pub mod error;
pub mod fact;
pub mod graph_words;
pub mod grounding;
pub mod guard;
pub mod intent;
pub mod lexicon;
pub mod llm_cypher;
pub mod llm_route;
pub mod llm_select;
pub mod machine;
pub mod parse;
pub mod ports;
pub mod prompts;
pub mod recommend;
pub mod relang;
pub mod relax;
mod review_slot;
pub mod schema;
pub mod scope;
pub mod session;
pub mod stages;
pub mod stats;
pub mod trace;
pub mod turn;
pub mod typo;
pub mod understand;
pub mod words;

#[cfg(test)]
mod fakes;
#[cfg(test)]
mod machine_tests;

pub use error::PipelineError;

/// Ten Korean and ten English questions, recommendations and data questions: the fixed set
/// of `jeju bench` and of the criterion benches (`pipeline/benches/retrieval.rs`).
pub const BENCH_QUESTIONS: [&str; 20] = [
    "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘",
    "제주시 한림읍에 있는 카페 중 30대 이용 비중이 가장 높은 곳은?",
    "애월읍에 흑돼지 메뉴가 있는 가게는 몇 곳?",
    "성산일출봉 근처 해산물 맛집 추천",
    "아이와 가기 좋은 중문 돈까스집",
    "연동에서 혼밥하기 좋은 국수집 추천해줘",
    "서귀포시에서 현지인 비중이 가장 높은 일식집 3곳은?",
    "2023년 8월 애월읍에서 이용건수 상위 10%에 든 가게는 몇 곳?",
    "협재해수욕장 근처 데이트하기 좋은 카페",
    "노형동 1인 2만원 이하 저녁 맛집 추천",
    "Where can I take my parents for black pork in Aewol?",
    "Which cafe in Hallim-eup has the highest share of customers in their 30s?",
    "How many places in Aewol-eup serve black pork?",
    "A quiet cafe for a date near Hyeopjae Beach under 15,000 won",
    "Good seafood for a group dinner in Seongsan",
    "Which 3 cafes in Jungmun have the lowest share of locals?",
    "Kid-friendly lunch in Jocheon",
    "Best-rated bakery in Gujwa-eup",
    "Late-night pub with friends in Nohyeong-dong",
    "Cheap noodles for one person in Yeon-dong",
];

/// Questions with words the rules are not expected to explain (amenities, diets, moods the
/// contest data has no field for), so that the LLM is asked to understand them: with
/// [`BENCH_QUESTIONS`], the set of `jeju bench --llm` (which classes each turn by whether
/// the rules left a word unexplained, not by this list). Written before the fast LLM mode
/// was measured, and not changed to suit it.
pub const UNSURE_BENCH_QUESTIONS: [&str; 10] = [
    "애월읍 반려견 동반 가능한 카페 추천해줘",
    "성산읍에 주차 편한 해장국집 있어?",
    "제주시 비건 메뉴 있는 식당 알려줘",
    "서귀포시 웨이팅 없는 돈까스집",
    "한림읍 인스타 감성 브런치 카페",
    "노키즈존 아닌 조천읍 카페",
    "Pet-friendly cafe in Aewol with a sea view",
    "Gluten-free lunch spot in Seogwipo",
    "Somewhere in Jungmun with vegan options for dinner",
    "How many wheelchair accessible restaurants are in Hallim-eup?",
];

pub use answer::{Answer, AnswerBody, SearchRow};
pub use jeju_api::Stage;
pub use machine::{PartsHealth, Pipeline};
pub use ports::{ChatModel, GraphPort, ReviewIndex};
pub use review_slot::ReviewOpener;
pub use trace::{Fallback, FallbackReason, LlmUsage, StageTrace, Trace};
pub use turn::{Observer, TurnEvent};
