//! The trace told to people: one sentence per stage in the answer's language, from what the
//! turn typed (its understanding, fallbacks, LLM use, candidates), never from the stages'
//! developer details, which may name server paths or CLI commands (those go to the log).

use jeju_api::format::won;
use jeju_api::{Stage, WordRole};
use jeju_pipeline::intent::Lang;
use jeju_pipeline::trace::{FallbackReason, StageTrace};
use jeju_pipeline::{english, lexicon};
use jeju_pipeline::{Answer, AnswerBody};

/// What the request was read as, from the typed constraints, in the answer's language:
/// "애월읍 · 흑돼지 · 부모님과 · 60대 이상".
fn understood(answer: &Answer) -> String {
    let lang = answer.intent.lang;
    let ko = lang == Lang::Ko;
    let c = &answer.intent.constraints;
    let place = |name: &str| english::place_in(name, lang);
    let mut parts: Vec<String> = Vec::new();
    if let Some(p) = c.region.as_deref().or(c.city.as_deref()) {
        parts.push(place(p));
    }
    if let Some(a) = &c.near_attraction {
        parts.push(if ko {
            format!("{} 근처", place(a))
        } else {
            format!("near {}", place(a))
        });
    }
    if let Some(p) = &c.near_point {
        parts.push(if ko {
            format!("{} 근처", p.label)
        } else {
            format!("near {}", p.label)
        });
    }
    for t in &c.store_types {
        parts.push(english::store_type_in(t, lang).to_owned());
    }
    if let Some(d) = &c.dish {
        parts.push(if ko {
            d.clone()
        } else {
            english::dish_gloss(d).map_or_else(|| d.clone(), str::to_owned)
        });
    }
    if let Some(x) = c.companion {
        parts.push(lexicon::companion_label(x, ko).to_owned());
    }
    if let Some(a) = c.age_band {
        parts.push(lexicon::age_label(a, ko).to_owned());
    }
    if let Some(t) = c.time {
        parts.push(lexicon::time_label(t, ko).to_owned());
    }
    if let Some(max) = c.price_max_per_person {
        parts.push(if ko {
            format!("1인 {}원 이하", won(max))
        } else {
            format!("up to ₩{} per person", won(max))
        });
    }
    for mood in answer
        .understanding
        .understood
        .iter()
        .filter(|u| u.role == WordRole::Mood)
    {
        parts.push(format!("'{}'", mood.word));
    }
    parts.dedup();
    parts.join(" · ")
}

fn quoted(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One stage of `answer` (to `question`), told in the answer's language.
pub fn stage_summary(stage: &StageTrace, answer: &Answer, question: &str) -> String {
    let ko = answer.intent.lang == Lang::Ko;
    let asked_llm = stage.llm.is_some_and(|u| u.calls > 0);
    let reason = stage.fallback.as_ref().map(|f| f.reason);
    let failed = reason.is_some_and(FallbackReason::is_failure);
    let shortlist = &answer.trace.shortlist;
    match stage.stage {
        Stage::Route => {
            let how = match (asked_llm && !failed, ko) {
                (true, true) => "AI 모델과 규칙으로 조건을 읽었어요",
                (true, false) => "Read the question with the AI model and the rules",
                (false, true) => "AI 모델 없이 규칙으로 조건을 읽었어요",
                (false, false) => "Read the question with the rules (no AI model)",
            };
            let what = understood(answer);
            let mut out = if what.is_empty() {
                how.to_owned()
            } else {
                format!("{how}: {what}")
            };
            if answer.request.trim() != question.trim() {
                out.push_str(if ko {
                    " (앞 질문에 이어서)"
                } else {
                    " (continuing the earlier question)"
                });
            }
            let unmatched = &answer.understanding.unmatched;
            if !unmatched.is_empty() {
                out.push_str(&if ko {
                    format!(". 데이터에서 찾지 못한 말: {}", quoted(unmatched))
                } else {
                    format!(". Not found in the data: {}", quoted(unmatched))
                });
            }
            out
        }
        Stage::Text2Cypher => {
            let by_llm = answer
                .trace
                .cypher
                .iter()
                .any(|q| q.source == jeju_pipeline::trace::QuerySource::Llm);
            match (&answer.body, by_llm, ko) {
                (AnswerBody::Search { .. }, true, true) => {
                    "AI 모델이 쓴 그래프 질의를 검사한 뒤 답을 계산했어요".to_owned()
                }
                (AnswerBody::Search { .. }, true, false) => {
                    "Checked the AI model's graph query and computed the answer".to_owned()
                }
                (AnswerBody::Search { .. }, false, true) => {
                    "조건으로 만든 그래프 질의로 답을 계산했어요".to_owned()
                }
                (AnswerBody::Search { .. }, false, false) => {
                    "Computed the answer with a graph query built from the question".to_owned()
                }
                (_, true, true) => "AI 모델이 쓴 그래프 질의를 검사해 후보를 찾았어요".to_owned(),
                (_, true, false) => {
                    "Found candidates with the AI model's graph query, after checking it".to_owned()
                }
                (_, false, true) => "조건으로 만든 그래프 질의로 후보를 찾았어요".to_owned(),
                (_, false, false) => {
                    "Found candidates with a graph query built from the question".to_owned()
                }
            }
        }
        Stage::ReviewSearch => match (reason, ko) {
            (Some(FallbackReason::ReviewSearchUnavailable), true) => {
                "리뷰 검색은 아직 준비되지 않아 건너뛰었어요".to_owned()
            }
            (Some(FallbackReason::ReviewSearchUnavailable), false) => {
                "Review search is not set up yet, so it was skipped".to_owned()
            }
            (Some(_), true) => "리뷰 검색이 실패해 건너뛰었어요".to_owned(),
            (Some(_), false) => "Review search failed, so it was skipped".to_owned(),
            (None, true) => "리뷰 내용이 질문과 얼마나 맞는지 후보 점수에 더했어요".to_owned(),
            (None, false) => {
                "Added how well each candidate's reviews match the question to its score".to_owned()
            }
        },
        Stage::Backfill => {
            let added = shortlist.iter().filter(|c| c.backfilled).count();
            let n = shortlist.len();
            match (added, ko) {
                (0, true) => format!("후보 {n}곳의 정보를 불러왔어요"),
                (0, false) => format!("Loaded the details of {n} candidates"),
                (k, true) => format!(
                    "조건에 맞는 곳이 적어 방문 패턴이 비슷한 {k}곳을 보태, 후보 {n}곳의 정보를 불러왔어요"
                ),
                (k, false) => format!(
                    "Few places matched, so {k} with similar visitors were added; loaded {n} candidates"
                ),
            }
        }
        Stage::Select => {
            let picks = match &answer.body {
                AnswerBody::Recommend { picks } => picks.len(),
                _ => 0,
            };
            let n = shortlist.len();
            match (asked_llm && !failed, failed, ko) {
                (true, _, true) => format!("AI 모델이 후보 {n}곳 중 {picks}곳을 골랐어요"),
                (true, _, false) => format!("The AI model chose {picks} of {n} candidates"),
                (false, true, true) => format!(
                    "AI 모델의 선택을 쓸 수 없어 점수 순으로 후보 {n}곳 중 {picks}곳을 골랐어요"
                ),
                (false, true, false) => format!(
                    "The AI model's choice was unusable, so the {picks} best scored of {n} candidates were taken"
                ),
                (false, false, true) => format!("점수 순으로 후보 {n}곳 중 {picks}곳을 골랐어요"),
                (false, false, false) => {
                    format!("Took the {picks} best scored of {n} candidates")
                }
            }
        }
        Stage::Answer => {
            if ko {
                "데이터의 사실로 답을 썼어요".to_owned()
            } else {
                "Wrote the answer from the data's facts".to_owned()
            }
        }
    }
}
