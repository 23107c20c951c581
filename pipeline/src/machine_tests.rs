//! The driver with in-memory fakes (`fakes.rs`): the order of stages, what each hands on,
//! the trace and the events, with and without an LLM. No server; milliseconds.

use std::sync::{Arc, Mutex};

use jeju_api::Stage;
use jeju_llm::LlmError;

use crate::fakes::{FakeGraph, FakeModel, FakeReviews, FakeStore};
use crate::session::Session;
use crate::trace::FallbackReason;
use crate::turn::TurnEvent;
use crate::{AnswerBody, Pipeline};

const QUESTION: &str = "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘";

fn stores() -> Vec<FakeStore> {
    vec![
        FakeStore::new("S1", 3.9, 10),
        FakeStore::new("S2", 4.8, 40),
        FakeStore::new("S3", 4.2, 25),
        FakeStore::new("S4", 4.5, 5),
    ]
}

fn stages_of(answer: &crate::Answer) -> Vec<Stage> {
    answer.trace.stages.iter().map(|s| s.stage).collect()
}

/// An event as a line: `start route`, `end route`, `pick 0 S4`, `preliminary S4,S2,S1`.
fn event_line(e: TurnEvent<'_>) -> String {
    match e {
        TurnEvent::StageStarted(s) => format!("start {s}"),
        TurnEvent::StageFinished(s) => format!("end {}", s.stage),
        TurnEvent::Pick { index, pick } => format!("pick {index} {}", pick.card.id),
        TurnEvent::Preliminary { picks } => format!(
            "preliminary {}",
            picks
                .iter()
                .map(|p| p.card.id.as_str())
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

fn pick_ids(answer: &crate::Answer) -> Vec<String> {
    answer.ids()
}

#[tokio::test]
async fn a_recommendation_runs_every_stage_in_order_and_reports_each() {
    let pipeline = Pipeline::new(FakeGraph::with_stores(stores())).unwrap();
    let events = Mutex::new(Vec::new());
    let observer = |e: TurnEvent<'_>| events.lock().unwrap().push(event_line(e));
    let answer = pipeline
        .ask_observed(&mut Session::default(), QUESTION, &observer)
        .await
        .unwrap();
    assert_eq!(stages_of(&answer), Stage::ALL.to_vec());
    let AnswerBody::Recommend { picks } = &answer.body else {
        panic!("a recommendation: {:?}", answer.body);
    };
    assert_eq!(picks.len(), 3);
    // Ranked by the deterministic score: with parents asked, the share of reviews that were
    // parents' visits (1 of 5 for S4, shrunk to a prior) outweighs S2's rating and popularity.
    assert_eq!(pick_ids(&answer), ["S4", "S2", "S1"]);
    let events = events.into_inner().unwrap();
    let expected_order: Vec<String> = Stage::ALL
        .iter()
        .flat_map(|s| [format!("start {s}"), format!("end {s}")])
        .collect();
    let stage_events: Vec<&String> = events.iter().filter(|e| !e.starts_with("pick")).collect();
    assert_eq!(stage_events, expected_order.iter().collect::<Vec<_>>());
    // The picks stream during select, before it ends.
    let first_pick = events.iter().position(|e| e.starts_with("pick 0")).unwrap();
    let select_end = events.iter().position(|e| e == "end select").unwrap();
    assert!(first_pick < select_end, "{events:?}");
    // Every candidate was handed on; the trace says which fallbacks answered, by code.
    assert_eq!(answer.trace.candidates.len(), 4);
    assert_eq!(
        answer.trace.fallback_reasons(),
        vec![
            (Stage::Route, FallbackReason::NoLlm),
            (Stage::Text2Cypher, FallbackReason::NoLlm),
            (Stage::ReviewSearch, FallbackReason::ReviewSearchUnavailable),
            (Stage::Backfill, FallbackReason::NoStoreVectors),
            (Stage::Select, FallbackReason::NoLlm),
        ]
    );
    assert!(answer.notice.is_none());
    assert!(
        answer.text.starts_with("이런 곳은 어떠세요?"),
        "{}",
        answer.text
    );
    // The picks are remembered for a follow-up.
}

#[tokio::test]
async fn a_data_question_skips_the_recommendation_stages() {
    let pipeline = Pipeline::new(FakeGraph::with_stores(stores())).unwrap();
    let answer = pipeline
        .ask("애월읍에 흑돼지 메뉴가 있는 가게는 몇 곳?")
        .await
        .unwrap();
    assert_eq!(
        stages_of(&answer),
        [Stage::Route, Stage::Text2Cypher, Stage::Answer]
    );
    assert!(matches!(
        answer.body,
        AnswerBody::Search { count: Some(4), .. }
    ));
    // The sentence names what was counted.
    assert_eq!(answer.text, "흑돼지 메뉴가 있는 애월읍 가게는 4곳이에요.");
    assert_eq!(answer.sentence.as_deref(), Some(answer.text.as_str()));
}

#[tokio::test]
async fn an_unreachable_llm_is_asked_once_and_the_answer_says_so() {
    let model = Arc::new(FakeModel::unreachable());
    let pipeline = Pipeline::new(FakeGraph::with_stores(stores()))
        .unwrap()
        .with_llm(SharedModel(model.clone()));
    let answer = pipeline.ask(QUESTION).await.unwrap();
    assert_eq!(model.requests.lock().unwrap().len(), 1);
    let reasons = answer.trace.fallback_reasons();
    // Every word of the question is understood by the rules: neither the route nor
    // text2cypher asks the LLM, and select is the first (and only) stage that tries it.
    assert!(
        reasons.contains(&(Stage::Select, FallbackReason::LlmFailed)),
        "{reasons:?}"
    );
    let unsure = pipeline.ask(&format!("{QUESTION} 뷁뷁")).await.unwrap();
    let reasons = unsure.trace.fallback_reasons();
    // With a word left, the route asks first; the later stages skip the LLM found down.
    assert!(
        reasons.contains(&(Stage::Route, FallbackReason::LlmFailed)),
        "{reasons:?}"
    );
    assert!(reasons.contains(&(Stage::Text2Cypher, FallbackReason::LlmDownEarlier)));
    assert!(reasons.contains(&(Stage::Select, FallbackReason::LlmDownEarlier)));
    assert_eq!(model.requests.lock().unwrap().len(), 2);
    assert_eq!(
        answer.notice.as_deref(),
        Some("(AI 모델이 응답하지 않아 규칙 기반으로 답했어요.)")
    );
    assert_eq!(pick_ids(&answer).len(), 3);
}

#[tokio::test]
async fn the_llm_picks_by_alias_and_its_picks_are_the_answer() {
    // A word the rules cannot explain, so every LLM stage is asked. Route: a grammar-valid
    // answer; text2cypher: a query the guard refuses twice; select: c3 then c1.
    let model = Arc::new(FakeModel::new(|req| {
        let system = &req.system;
        Ok(if system.contains("You recommend restaurants") {
            r#"{"picks": [{"id": "c3", "reason": "흑돼지 오겹살이 19,000원이에요."}, {"id": "c1", "reason": "평점 4.4의 가게예요."}]}"#.to_owned()
        } else if req.json_schema.is_some() {
            // The route cannot read the word either: it stays unexplained.
            r#"{"words": []}"#.to_owned()
        } else {
            "MATCH (s:Store) DETACH DELETE s".to_owned()
        })
    }));
    let pipeline = Pipeline::new(FakeGraph::with_stores(stores()))
        .unwrap()
        .with_llm(SharedModel(model.clone()));
    let answer = pipeline.ask(&format!("{QUESTION} 뷁뷁")).await.unwrap();
    let t2c = answer.trace.stage(Stage::Text2Cypher).unwrap();
    assert_eq!(
        t2c.fallback.as_ref().map(|f| f.reason),
        Some(FallbackReason::LlmQueryRejected),
        "{t2c:?}"
    );
    assert_eq!(t2c.llm.map(|u| u.calls), Some(2), "one repair round");
    let select = answer.trace.stage(Stage::Select).unwrap();
    assert!(select.fallback.is_none(), "{select:?}");
    let ids = pick_ids(&answer);
    // The shortlist is in score order (S4, S2, S1, S3): c3 = S1, c1 = S4; the third filled.
    assert_eq!(&ids[..2], ["S1", "S4"]);
    assert_eq!(ids.len(), 3);
    assert!(
        select.detail.contains("filled by the deterministic ranker"),
        "{}",
        select.detail
    );
}

#[tokio::test]
async fn with_an_llm_the_rules_picks_come_first_and_only_select_asks_the_model() {
    // Every word is the rules': no route or text2cypher call. The model names facts by
    // number; the reasons are those facts' texts.
    let model = Arc::new(FakeModel::new(|req| {
        assert!(
            req.system.contains("You recommend restaurants"),
            "only select asks the model: {}",
            req.system
        );
        Ok(r#"{"picks": [{"id": "c2", "facts": [1]}, {"id": "c1", "facts": [9, 2, 2]}, {"id": "c3", "facts": []}]}"#.to_owned())
    }));
    let pipeline = Pipeline::new(FakeGraph::with_stores(stores()))
        .unwrap()
        .with_llm(SharedModel(model.clone()));
    let events = Mutex::new(Vec::new());
    let observer = |e: TurnEvent<'_>| events.lock().unwrap().push(event_line(e));
    let answer = pipeline
        .ask_observed(&mut Session::default(), QUESTION, &observer)
        .await
        .unwrap();
    let events = events.into_inner().unwrap();
    // The rules' picks (the deterministic order) come before any stage of the LLM turn.
    assert_eq!(events[0], "preliminary S4,S2,S1", "{events:?}");
    assert_eq!(events[1], "start route");
    assert_eq!(model.requests.lock().unwrap().len(), 1, "one select call");
    assert_eq!(answer.trace.llm_total().calls, 1);
    let t2c = answer.trace.stage(Stage::Text2Cypher).unwrap();
    assert!(t2c.fallback.is_none());
    assert!(t2c.detail.contains("no LLM call"), "{}", t2c.detail);
    // c2 = S2, c1 = S4; c3 = S1 named no fact: its templated reason.
    assert_eq!(pick_ids(&answer), ["S2", "S4", "S1"]);
    let AnswerBody::Recommend { picks } = &answer.body else {
        panic!("a recommendation")
    };
    let prompts = crate::prompts::Prompts::load().unwrap();
    let cite = |pick: &crate::recommend::Pick, numbers: &[usize]| {
        let (citable, _) = crate::llm_select::citable_facts(&pick.card, &answer.intent.constraints);
        numbers
            .iter()
            .map(|n| prompts.fact(&citable[n - 1], answer.intent.lang).unwrap())
            .collect::<Vec<_>>()
            .join(", ")
    };
    assert_eq!(picks[0].reason, cite(&picks[0], &[1]));
    // An unknown number is skipped, a repeated one told once.
    assert_eq!(picks[1].reason, cite(&picks[1], &[2]));
    assert_eq!(
        picks[2].reason,
        crate::recommend::Pick::templated_reason(&picks[2].facts, answer.intent.lang)
    );
    let select = answer.trace.stage(Stage::Select).unwrap();
    assert!(
        select.detail.contains("templated reason used"),
        "{}",
        select.detail
    );
}

#[tokio::test]
async fn review_matches_reorder_the_candidates() {
    let pipeline = Pipeline::new(FakeGraph::with_stores(stores()))
        .unwrap()
        .with_reviews(Arc::new(FakeReviews {
            matches: vec![("S1", 0.95), ("S3", 0.80), ("S2", 0.79)],
        }));
    let plain = Pipeline::new(FakeGraph::with_stores(stores())).unwrap();
    let before = plain.ask(QUESTION).await.unwrap();
    let after = pipeline.ask(QUESTION).await.unwrap();
    let review = after.trace.stage(Stage::ReviewSearch).unwrap();
    assert!(review.fallback.is_none(), "{review:?}");
    assert!(
        review.detail.contains("3 of 4 candidates matched"),
        "{}",
        review.detail
    );
    assert_ne!(after.trace.candidates, before.trace.candidates);
}

#[tokio::test]
async fn a_follow_up_is_revised_by_the_session_and_excludes_earlier_picks() {
    let pipeline = Pipeline::new(FakeGraph::with_stores(stores())).unwrap();
    let mut session = Session::default();
    let first = pipeline.ask_in(&mut session, QUESTION).await.unwrap();
    let second = pipeline
        .ask_in(&mut session, "더 저렴한 곳은?")
        .await
        .unwrap();
    assert!(
        second.request.ends_with("→ 더 저렴한 곳은?"),
        "{}",
        second.request
    );
    let route = second.trace.stage(Stage::Route).unwrap();
    assert!(route.detail.starts_with("follow-up"), "{}", route.detail);
    let t2c = second.trace.stage(Stage::Text2Cypher).unwrap();
    assert!(t2c.detail.contains("follow-up"), "{}", t2c.detail);
    assert!(!first.ids().is_empty());
}

#[tokio::test]
async fn bad_questions_are_errors_before_any_stage() {
    let graph = FakeGraph::with_stores(stores());
    let pipeline = Pipeline::new(graph).unwrap();
    assert!(matches!(
        pipeline.ask("   ").await,
        Err(crate::PipelineError::EmptyQuestion)
    ));
    let long = "가".repeat(crate::machine::MAX_QUESTION_CHARS + 1);
    assert!(matches!(
        pipeline.ask(&long).await,
        Err(crate::PipelineError::QuestionTooLong(..))
    ));
}

/// A fake model shared with the test, so that the test can read its requests.
struct SharedModel(Arc<FakeModel>);

#[async_trait::async_trait]
impl crate::ports::ChatModel for SharedModel {
    async fn chat(
        &self,
        request: &jeju_llm::ChatRequest,
    ) -> Result<jeju_llm::ChatResponse, LlmError> {
        self.0.chat(request).await
    }

    async fn chat_stream_counted(
        &self,
        request: &jeju_llm::ChatRequest,
    ) -> Result<(jeju_llm::TextStream, jeju_llm::StreamUsage), LlmError> {
        self.0.chat_stream_counted(request).await
    }

    async fn health(&self) -> Result<(), LlmError> {
        Ok(())
    }
}

#[tokio::test]
async fn a_question_outside_jeju_is_declined_without_retrieval_or_llm_and_the_session_keeps_its_answer(
) {
    let model = Arc::new(FakeModel::unreachable());
    let pipeline = Pipeline::new(FakeGraph::with_stores(stores()))
        .unwrap()
        .with_llm(SharedModel(model.clone()));
    let mut session = Session::default();
    let first = pipeline.ask_in(&mut session, QUESTION).await.unwrap();
    let requests_before = model.requests.lock().unwrap().len();
    let declined = pipeline
        .ask_in(&mut session, "서울 강남 맛집 추천해줘")
        .await
        .unwrap();
    let AnswerBody::Declined { reason, word, .. } = &declined.body else {
        panic!("declined: {:?}", declined.body);
    };
    assert_eq!(*reason, jeju_api::DeclineReason::OutOfArea);
    assert_eq!(word.as_deref(), Some("서울"));
    assert!(declined.ids().is_empty());
    assert!(declined.text.contains("'서울'"), "{}", declined.text);
    assert_eq!(stages_of(&declined), [Stage::Route, Stage::Answer]);
    assert_eq!(
        model.requests.lock().unwrap().len(),
        requests_before,
        "no LLM call for a declined question"
    );
    // The conversation is as it was: "더 저렴한 곳은?" revises the first answer.
    let third = pipeline
        .ask_in(&mut session, "더 저렴한 곳은?")
        .await
        .unwrap();
    assert!(third.request.starts_with(QUESTION), "{}", third.request);
    assert!(!first.ids().is_empty());
}

#[tokio::test]
async fn an_answer_is_told_again_in_the_other_language_from_its_own_data() {
    use crate::intent::Lang;
    let pipeline = Pipeline::new(FakeGraph::with_stores(stores())).unwrap();
    let ko = pipeline.ask(QUESTION).await.unwrap();
    let en = pipeline.answer_in(&ko, Lang::En).unwrap();
    assert_eq!(en.intent.lang, Lang::En);
    assert_eq!(pick_ids(&en), pick_ids(&ko), "the same picks");
    let (AnswerBody::Recommend { picks: ko_picks }, AnswerBody::Recommend { picks: en_picks }) =
        (&ko.body, &en.body)
    else {
        panic!("recommendations");
    };
    for (k, e) in ko_picks.iter().zip(en_picks) {
        assert_eq!(k.facts.len(), e.facts.len());
        for (kf, ef) in k.facts.iter().zip(&e.facts) {
            assert_eq!(kf.fact, ef.fact);
            assert_ne!(kf.text, ef.text, "{:?}", kf.fact);
        }
        // The rules' reason is made of facts: told again from the same facts.
        assert!(
            !e.reason.contains("손님") && !e.reason.contains("리뷰"),
            "{}",
            e.reason
        );
        assert!(!e.reason.is_empty());
    }
    assert!(!en.text.contains("추천"), "{}", en.text);
    // And back: the same Korean text.
    let again = pipeline.answer_in(&en, Lang::Ko).unwrap();
    assert_eq!(again.text, ko.text);
    // A data answer's sentence too.
    let search = pipeline
        .ask("애월읍에 흑돼지 메뉴가 있는 가게는 몇 곳?")
        .await
        .unwrap();
    let told = pipeline.answer_in(&search, Lang::En).unwrap();
    assert_eq!(
        told.sentence.as_deref(),
        Some("There are 4 places serving 흑돼지 (black pork) in Aewol-eup.")
    );
}
