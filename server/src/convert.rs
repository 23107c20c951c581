//! The pipeline's answer in the API's shapes ([`jeju_api`]): cards with map links, price
//! ranges and visitor facts, the search figure and rows, the trace.

use jeju_api::format::won;
use jeju_api::{
    AnswerKind, AskResponse, CandidateView, CypherView, Declined, Language, MapLinks, MapView,
    PickCard, PriceRange, Rendition, SearchAnswer, SearchRowView, Stage, StageEvent, StageStatus,
    StageView, TraceView,
};
use jeju_pipeline::answer::{search_measure_label, search_value_text, SearchRow};
use jeju_pipeline::fact::FactKind;
use jeju_pipeline::intent::{Intent, Lang};
use jeju_pipeline::lexicon::{age_label, time_label};
use jeju_pipeline::recommend::{pct, Pick};
use jeju_pipeline::{english, Answer, AnswerBody, StageTrace};

use crate::map_view::map_view;
use crate::trace_summary::stage_summary;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

/// Menu items shown on a card.
const MENU_ITEMS_SHOWN: usize = 3;

pub fn lang_of(language: Language) -> Lang {
    match language {
        Language::Ko => Lang::Ko,
        Language::En => Lang::En,
    }
}

pub fn language_of(lang: Lang) -> Language {
    match lang {
        Lang::Ko => Language::Ko,
        Lang::En => Language::En,
    }
}

/// The whole turn as the API returns it, with `other`: the same answer in the other
/// language ([`jeju_pipeline::Pipeline::answer_in`]), for the page's language switch.
pub fn response_with_other(
    session_id: &str,
    turn: u32,
    question: &str,
    answer: &Answer,
    other: Option<&Answer>,
) -> AskResponse {
    let mut out = response(session_id, turn, question, answer);
    out.other_language = other
        .filter(|o| o.intent.lang != answer.intent.lang)
        .map(|o| {
            let again = response(session_id, turn, question, o);
            Box::new(Rendition {
                language: again.language,
                text: again.text,
                picks: again.picks,
                search: again.search,
                notice: again.notice,
                map: again.map,
                stage_summaries: again.trace.stages.into_iter().map(|s| s.summary).collect(),
            })
        });
    out
}

/// The whole turn as the API returns it (in the answer's language only).
pub fn response(session_id: &str, turn: u32, question: &str, answer: &Answer) -> AskResponse {
    let language = language_of(answer.intent.lang);
    let declined = match &answer.body {
        AnswerBody::Declined { reason, word, .. } => Some(Declined {
            reason: *reason,
            word: word.clone(),
        }),
        _ => None,
    };
    let (kind, picks, search) = match &answer.body {
        AnswerBody::Recommend { picks } => (
            AnswerKind::Recommend,
            picks
                .iter()
                .enumerate()
                .map(|(i, p)| pick_card(i, p, language))
                .collect(),
            None,
        ),
        AnswerBody::Search { rows, count } => (
            AnswerKind::Search,
            Vec::new(),
            Some(search_answer(
                &answer.intent,
                rows,
                *count,
                answer.sentence.clone().unwrap_or_default(),
            )),
        ),
        AnswerBody::Declined { .. } => (AnswerKind::Declined, Vec::new(), None),
    };
    AskResponse {
        session_id: session_id.to_owned(),
        turn,
        question: question.to_owned(),
        request: answer.request.clone(),
        language,
        kind,
        text: answer.text.clone(),
        picks,
        search,
        declined,
        understood: answer.understanding.understood.clone(),
        read_as: answer.understanding.corrections.clone(),
        unmatched: answer.understanding.unmatched.clone(),
        notice: answer.notice.clone(),
        map: match &answer.body {
            AnswerBody::Recommend { picks } => map_view(&answer.intent, picks),
            _ => MapView::default(),
        },
        trace: trace_view(answer, question),
        other_language: None,
        warming_up: None,
    }
}

fn search_answer(
    intent: &Intent,
    rows: &[SearchRow],
    count: Option<i64>,
    sentence: String,
) -> SearchAnswer {
    let ko = intent.lang == Lang::Ko;
    let measure = search_measure_label(intent);
    let rows: Vec<SearchRowView> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| SearchRowView {
            rank: i as u32 + 1,
            id: r.id.clone(),
            name: r.name.clone(),
            value: r.value,
            display: search_value_text(intent, r.value),
        })
        .collect();
    let headline = match (count, rows.first()) {
        (Some(n), _) if ko => format!("{n}곳"),
        (Some(n), _) => format!("{n} places"),
        (None, Some(top)) if measure.is_empty() => top.name.clone(),
        (None, Some(top)) => format!("{}: {measure} {}", top.name, top.display),
        (None, None) if ko => "조건에 맞는 곳이 없어요".to_owned(),
        (None, None) => "No place matches".to_owned(),
    };
    SearchAnswer {
        sentence,
        headline,
        measure,
        count,
        rows,
    }
}

/// One pick as a card.
pub fn pick_card(index: usize, pick: &Pick, language: Language) -> PickCard {
    let card = &pick.card;
    let ko = language == Language::Ko;
    let price_range = match (
        card.menu.iter().map(|(_, p)| *p).min(),
        card.menu.iter().map(|(_, p)| *p).max(),
    ) {
        (Some(min), Some(max)) => Some(PriceRange { min, max }),
        _ => None,
    };
    let menu = card
        .menu
        .iter()
        .take(MENU_ITEMS_SHOWN)
        .map(|(item, price)| {
            if ko {
                format!("{item} {}원", won(*price))
            } else {
                format!("{} ₩{}", english::menu_item(item), won(*price))
            }
        })
        .collect();
    let place = card.region.as_deref().or(card.city.as_deref());
    PickCard {
        rank: index as u32 + 1,
        id: card.id.clone(),
        name: card.name.clone(),
        store_type: card.store_type.clone(),
        store_type_label: english::store_type_in(&card.store_type, lang_of(language)).to_owned(),
        city: card.city.clone(),
        region: card.region.clone(),
        place_label: place.map(|p| english::place_in(p, lang_of(language))),
        address: card.address.clone(),
        lat: card.lat,
        lng: card.lng,
        map: map_links(&card.name, &card.address, card.lat, card.lng),
        price_range,
        price_per_person: card.price_per_person,
        rating: card.rating,
        review_count: card.review_count,
        menu,
        quotes: card.quotes.iter().take(2).cloned().collect(),
        visitor_facts: visitor_facts(pick, ko),
        // The rating is on the card already; what is not met has its own line.
        facts: pick
            .facts
            .iter()
            .filter(|f| !matches!(f.fact.kind(), FactKind::Unmet | FactKind::Rating))
            .map(|f| f.text.clone())
            .collect(),
        reason: pick.reason.clone(),
        backfilled: card.backfilled,
        unmet: pick
            .facts
            .iter()
            .filter(|f| f.fact.kind() == FactKind::Unmet)
            .map(|f| f.text.clone())
            .collect(),
    }
}

/// Map searches for a place: Kakao by name and address (or a pin at the coordinates when
/// known), Naver by name and address.
pub fn map_links(name: &str, address: &str, lat: Option<f64>, lng: Option<f64>) -> MapLinks {
    let query = format!("{name} {address}");
    let q = utf8_percent_encode(query.trim(), NON_ALPHANUMERIC).to_string();
    let kakao = match (lat, lng) {
        (Some(lat), Some(lng)) => format!(
            "https://map.kakao.com/link/map/{},{lat:.6},{lng:.6}",
            utf8_percent_encode(name, NON_ALPHANUMERIC)
        ),
        _ => format!("https://map.kakao.com/?q={q}"),
    };
    let google = match (lat, lng) {
        (Some(lat), Some(lng)) => {
            format!("https://www.google.com/maps/search/?api=1&query={lat:.6},{lng:.6}")
        }
        _ => format!("https://www.google.com/maps/search/?api=1&query={q}"),
    };
    MapLinks {
        kakao,
        naver: format!("https://map.naver.com/p/search/{q}"),
        google,
    }
}

/// Who visits: the largest age band, the share of locals, the busiest time of day — each
/// unless the pick's facts already say it or another value of it (they are shown beside
/// these).
fn visitor_facts(pick: &Pick, ko: bool) -> Vec<String> {
    let card = &pick.card;
    let stated = |kind: FactKind| pick.facts.iter().any(|f| f.fact.kind() == kind);
    let mut out = Vec::new();
    // The largest age band, unless an age was asked: its share is among the facts, and
    // another band's beside it would read as a contradiction.
    let largest = card
        .ages
        .iter()
        .copied()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .filter(|_| !stated(FactKind::AgeShare));
    if let Some((band, share)) = largest {
        let label = age_label(band, ko);
        out.push(if ko {
            format!("{label} 손님 비중 {}", pct(share))
        } else {
            format!("{} of customers in their {label}", pct(share))
        });
    }
    if let Some(local) = card.local_ratio.filter(|_| !stated(FactKind::LocalShare)) {
        out.push(if ko {
            format!("현지인 {}", pct(local))
        } else {
            format!("locals {}", pct(local))
        });
    }
    if let Some((time, share)) = card.busiest_time.filter(|_| !stated(FactKind::BusiestTime)) {
        let label = time_label(time, ko);
        out.push(if ko {
            format!("가장 붐비는 때: {label} ({})", pct(share))
        } else {
            format!("busiest: {label} ({})", pct(share))
        });
    }
    out
}

/// The trace of `answer` (to `question`) as the page shows it.
pub fn trace_view(answer: &Answer, question: &str) -> TraceView {
    let trace = &answer.trace;
    let stages: Vec<StageView> = trace
        .stages
        .iter()
        .map(|s| stage_view(s, stage_summary(s, answer, question)))
        .collect();
    TraceView {
        total_ms: stages.iter().map(|s| s.ms).sum(),
        stages,
        cypher: trace
            .cypher
            .iter()
            .map(|q| CypherView {
                source: serde_json::to_value(q.source)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                query: q.query.cypher.clone(),
                params: q
                    .query
                    .params
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or_default()))
                    .collect::<serde_json::Map<_, _>>()
                    .into(),
            })
            .collect(),
        candidates: trace
            .shortlist
            .iter()
            .map(|c| CandidateView {
                id: c.id.clone(),
                name: c.name.clone(),
                score: c.score,
                backfilled: c.backfilled,
            })
            .collect(),
        fallbacks: trace
            .fallback_reasons()
            .into_iter()
            .map(|(stage, reason)| format!("{stage}: {}", reason.as_str()))
            .collect(),
    }
}

fn stage_view(s: &StageTrace, summary: String) -> StageView {
    let llm = s.llm.unwrap_or_default();
    StageView {
        stage: s.stage,
        ms: s.ms,
        detail: s.detail.clone(),
        summary,
        fallback: fallback_code(s),
        failed: failed(s),
        llm_calls: llm.calls,
        prompt_tokens: llm.prompt_tokens,
        completion_tokens: llm.completion_tokens,
    }
}

pub fn stage_started(stage: Stage) -> StageEvent {
    StageEvent {
        stage,
        status: StageStatus::Started,
        ms: None,
        fallback: None,
        failed: false,
    }
}

pub fn stage_finished(s: &StageTrace) -> StageEvent {
    StageEvent {
        stage: s.stage,
        status: StageStatus::Finished,
        ms: Some(s.ms),
        fallback: fallback_code(s),
        failed: failed(s),
    }
}

/// The reason code of the stage's fallback (its message may name paths: the log has it).
fn fallback_code(s: &StageTrace) -> Option<String> {
    s.fallback.as_ref().map(|f| f.reason.as_str().to_owned())
}

/// Whether the stage fell back because a configured part failed.
fn failed(s: &StageTrace) -> bool {
    s.fallback.as_ref().is_some_and(|f| f.reason.is_failure())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_links_search_by_name_and_address_and_pin_the_coordinates() {
        let l = map_links(
            "한담 도새기상회",
            "제주시 애월읍 곽지리 1",
            Some(33.45),
            Some(126.3),
        );
        assert!(l.naver.starts_with("https://map.naver.com/p/search/"));
        assert!(l.naver.contains("%ED%95%9C%EB%8B%B4"), "{}", l.naver);
        assert!(l.kakao.ends_with(",33.450000,126.300000"), "{}", l.kakao);
        let no_coords = map_links("A&B", "x", None, None);
        assert!(no_coords.kakao.contains("A%26B%20x"), "{}", no_coords.kakao);
    }
}
