//! Select: the three picks. With an LLM, PALR selection over the shortlist (`llm_select`:
//! streamed, every pick checked); otherwise, or when it fails, the deterministic ranker. Each
//! pick is handed to the observer as soon as it is known.

use crate::error::PipelineError;
use crate::intent::Intent;
use crate::llm_select::{self, SelectError};
use crate::recommend::{self, Card, Pick};
use crate::stages::Parts;
use crate::trace::{Fallback, FallbackReason};
use crate::turn::{LlmGate, Observer, StageReport, TurnEvent};

pub(crate) async fn run(
    parts: &Parts,
    gate: &mut LlmGate<'_>,
    observer: Observer<'_>,
    request: &str,
    intent: &Intent,
    soft: bool,
    cards: Vec<Card>,
) -> Result<(Vec<Pick>, StageReport), PipelineError> {
    if cards.is_empty() {
        return Ok((Vec::new(), StageReport::new("no candidates")));
    }
    let mut report = StageReport::default();
    let why = match gate.get() {
        Err(why) => why.fallback("deterministic ranker"),
        Ok(llm) => {
            let mut on_pick = |index: usize, pick: &Pick| observer(TurnEvent::Pick { index, pick });
            let (shortlist, held_back) = recommend::select_shortlist(&cards);
            let ask = llm_select::SelectAsk {
                request,
                intent,
                soft,
                style: parts.select_style,
            };
            let selected = llm_select::select_with_llm(
                llm,
                &parts.prompts,
                ask,
                &shortlist,
                &mut report.llm,
                &mut on_pick,
            )
            .await;
            match selected {
                Ok(sel) => {
                    let mut detail = format!("LLM picked {}", sel.picks.len());
                    if held_back > 0 {
                        detail.push_str(&format!(
                            " of {} stores that pass the filters ({held_back} FastRP \
                             neighbours held back)",
                            shortlist.len()
                        ));
                    }
                    if sel.retried {
                        detail.push_str(" after one retry");
                    }
                    if !sel.notes.is_empty() {
                        detail.push_str(&format!(" [{}]", sel.notes.join("; ")));
                    }
                    report.detail = detail;
                    return Ok((sel.picks, report));
                }
                Err(e) => {
                    let reason = match &e {
                        SelectError::Llm(le) => {
                            gate.note_error(le);
                            FallbackReason::LlmFailed
                        }
                        _ => FallbackReason::LlmAnswerUnusable,
                    };
                    Fallback::new(
                        reason,
                        format!("LLM select failed ({e}): deterministic ranker"),
                    )
                }
            }
        }
    };
    let picks =
        recommend::deterministic_select(&cards, &intent.constraints, intent.lang, &parts.prompts)?;
    for (index, pick) in picks.iter().enumerate() {
        observer(TurnEvent::Pick { index, pick });
    }
    report.detail = format!("{} picks", picks.len());
    report.fallback = Some(why);
    Ok((picks, report))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::fakes::{FakeGraph, FakeModel, FakeStore};
    use crate::parse::parse;
    use crate::prompts::Prompts;

    async fn cards(parts: &Parts, intent: &Intent) -> Vec<Card> {
        let q = crate::compose::candidate_query(&intent.constraints, 10);
        let rows = parts.graph().records(&q).await.unwrap();
        let cands = recommend::candidates_from_rows(&rows, &intent.constraints);
        recommend::load_cards(parts.graph(), &cands, &intent.constraints)
            .await
            .unwrap()
    }

    fn parts() -> Parts {
        Parts::new(
            Arc::new(FakeGraph::with_stores(vec![
                FakeStore::new("S1", 4.9, 30),
                FakeStore::new("S2", 4.1, 3),
                FakeStore::new("S3", 3.5, 1),
            ])),
            Prompts::load().unwrap(),
        )
    }

    #[tokio::test]
    async fn the_llm_picks_stream_in_its_order() {
        let parts = parts();
        let intent = parse("애월읍 흑돼지 맛집 추천해줘");
        let cards = cards(&parts, &intent).await;
        let model = FakeModel::new(|_| {
            Ok(r#"{"picks": [{"id": "c2", "reason": "흑돼지 오겹살이 대표 메뉴예요."}, {"id": "c1", "reason": "평점이 높은 가게예요."}, {"id": "c3", "reason": "평점 3.5의 가게예요."}]}"#.into())
        });
        let mut gate = LlmGate::new(Some(&model));
        let seen = Mutex::new(Vec::new());
        let observer = |e: TurnEvent<'_>| {
            if let TurnEvent::Pick { pick, .. } = e {
                seen.lock().unwrap().push(pick.card.id.clone());
            }
        };
        let (picks, report) = run(&parts, &mut gate, &observer, "q", &intent, false, cards)
            .await
            .unwrap();
        let ids: Vec<&str> = picks.iter().map(|p| p.card.id.as_str()).collect();
        assert_eq!(ids, ["S2", "S1", "S3"]);
        assert_eq!(*seen.lock().unwrap(), ids);
        assert!(report.fallback.is_none());
        assert_eq!(report.detail, "LLM picked 3");
        assert_eq!(report.llm.calls, 1);
    }

    #[tokio::test]
    async fn two_unusable_answers_give_the_deterministic_ranker() {
        let parts = parts();
        let intent = parse("애월읍 흑돼지 맛집 추천해줘");
        let cards = cards(&parts, &intent).await;
        let model = FakeModel::new(|_| Ok("sorry, I cannot help".into()));
        let mut gate = LlmGate::new(Some(&model));
        let (picks, report) = run(&parts, &mut gate, &|_| {}, "q", &intent, false, cards)
            .await
            .unwrap();
        assert_eq!(picks[0].card.id, "S1");
        assert_eq!(report.llm.calls, 2, "one retry");
        assert_eq!(
            report.fallback.map(|f| f.reason),
            Some(FallbackReason::LlmAnswerUnusable)
        );
        // The templated reason is the first facts' text.
        assert_eq!(
            picks[0].reason,
            Pick::templated_reason(&picks[0].facts, intent.lang)
        );
    }
}
