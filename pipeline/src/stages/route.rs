//! Route: what the question asks. A question outside what the service knows (another place,
//! another topic, nothing to ground: [`crate::scope`]) is declined here, before any LLM
//! call. A follow-up is revised by the session (no LLM); a fresh
//! question is parsed by the gazetteer parser and, with an LLM, merged with its route
//! (`llm_route`). When the intent is a recommendation and the review search is open, the
//! HyDE text starts embedding here so that it overlaps the graph query.

use jeju_review_search::QueryEmbedding;

use crate::intent::{Intent, Route};
use crate::llm_route;
use crate::parse;
use crate::scope::{Decline, GraphWords, Scope};
use crate::session::{self, Revision, Session};
use crate::stages::Parts;
use crate::trace::{Fallback, FallbackReason};
use crate::turn::{LlmGate, StageReport};
use crate::typo;
use crate::understand::{self, Understanding};

/// The route's output.
pub struct Routed {
    pub intent: Intent,
    /// A new question (not a follow-up revised by the session).
    pub fresh: bool,
    /// The question, or for a follow-up the earlier request → this question (what the select
    /// prompt shows as the user's request).
    pub request: String,
    /// The HyDE text's embedding, under way.
    pub hyde_embedding: Option<QueryEmbedding>,
    /// Set when the question is not one to answer (outside Jeju, another topic, nonsense):
    /// the later stages are skipped.
    pub decline: Option<Decline>,
    /// What each word of the question became, and the words nothing explains.
    pub understanding: Understanding,
    /// A follow-up that asked for a price itself ("더 저렴한 곳은?"): relaxation keeps it.
    pub asked_price: bool,
}

pub(crate) async fn run(
    parts: &Parts,
    gate: &mut LlmGate<'_>,
    session: &Session,
    question: &str,
) -> (Routed, StageReport) {
    let words = parts.graph_words().await;
    // Misspellings of known words are read as those words (짬봉 → 짬뽕) before anything else.
    let (corrected, corrections) = typo::correct(question, words);
    let asked = question;
    let question = corrected.as_str();
    // The question's own reading: parsed, then every word accounted for (what the parser
    // does not know grounded in the everyday vocabulary and the graph's menus; the rest
    // named). A follow-up merges this reading into the earlier request.
    let mut own = parse::parse(question);
    let mut understanding = understand::account(question, &mut own.constraints, words);
    understanding.corrections = corrections;
    if !understanding.grounded.is_empty() {
        own.hyde = parse::hyde_review(&own.constraints, own.lang);
    }
    let (intent, revision) = session::resolve_parsed(session, question, own.clone());
    // Declining is judged on the question alone: an earlier answer cannot make "부산 맛집"
    // about Jeju, and a short unrelated line is not a follow-up unless it says so.
    let follow_up = session.last.is_some() && session::has_follow_up_signal(question);
    let empty = GraphWords::default();
    if let Some(decline) =
        Scope::builtin().judge(question, &own, follow_up, words.unwrap_or(&empty))
    {
        let mut intent = own;
        if let Some(lang) = session.language {
            intent.lang = lang;
        }
        let report = StageReport::new(format!(
            "declined: {}{}",
            decline.reason.as_str(),
            decline
                .word
                .as_deref()
                .map(|w| format!(" ({w})"))
                .unwrap_or_default()
        ));
        return (
            Routed {
                intent,
                fresh: true,
                request: asked.to_owned(),
                hyde_embedding: None,
                decline: Some(decline),
                understanding,
                asked_price: false,
            },
            report,
        );
    }
    let fresh = matches!(revision, Revision::Fresh);
    let asked_price = revision.asked_price();
    let request = match (fresh, &session.last_request) {
        (false, Some(earlier)) => format!("{earlier} → {asked}"),
        _ => asked.to_owned(),
    };
    let mut report = StageReport::default();
    let (intent, note) = match (gate.get(), &revision) {
        // The LLM only where the rules are unsure: a word is left that nothing explains.
        (Ok(_), Revision::Fresh) if understanding.unmatched.is_empty() => (
            intent,
            " [every word understood by the rules: no LLM call]".to_owned(),
        ),
        (Ok(llm), Revision::Fresh) => {
            let mut intent = intent;
            let unread = understanding.unmatched.clone();
            match llm_route::read_words(
                llm,
                &parts.prompts,
                question,
                &unread,
                &mut intent.constraints,
                &mut report.llm,
            )
            .await
            {
                Ok(readings) => {
                    understanding.take_readings(&readings);
                    if !readings.applied.is_empty() {
                        intent.hyde = parse::hyde_review(&intent.constraints, intent.lang);
                    }
                    let mut note = String::new();
                    if !readings.not_in_data.is_empty() {
                        note.push_str(&format!(
                            " [the LLM: not in the data: {}]",
                            readings.not_in_data.join(", ")
                        ));
                    }
                    if !readings.rejected.is_empty() {
                        note.push_str(&format!(
                            " [LLM readings not used: {}]",
                            readings.rejected.join("; ")
                        ));
                    }
                    (intent, note)
                }
                Err(e) => {
                    gate.note_error(&e);
                    report.fallback = Some(Fallback::new(
                        FallbackReason::LlmFailed,
                        format!("LLM failed ({e}): the rules' reading"),
                    ));
                    (intent, String::new())
                }
            }
        }
        (Ok(_), Revision::FollowUp(_)) => {
            (intent, " [follow-up: revised by the session]".to_owned())
        }
        (Err(why), _) => {
            report.fallback = Some(why.fallback("gazetteer parser"));
            (intent, String::new())
        }
    };
    let detail = match &revision {
        Revision::Fresh => serde_json::to_string(&intent).unwrap_or_default(),
        Revision::FollowUp(changes) => format!(
            "follow-up ({}): {}",
            changes
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            serde_json::to_string(&intent).unwrap_or_default()
        ),
    };
    let mut grounded_note = String::new();
    if !understanding.grounded.is_empty() {
        grounded_note.push_str(&format!(
            " [grounded: {}]",
            understanding.grounded.join("; ")
        ));
    }
    for c in &understanding.corrections {
        grounded_note.push_str(&format!(" [read '{}' as '{}']", c.written, c.read_as));
    }
    if !understanding.unmatched.is_empty() {
        grounded_note.push_str(&format!(
            " [unmatched: {}]",
            understanding.unmatched.join(", ")
        ));
    }
    report.detail = format!("{detail}{note}{grounded_note}");
    let mut intent = intent;
    if let Some(lang) = session.language {
        intent.lang = lang;
    }
    if let Some(ablation) = parts.ablation {
        ablation.apply(&mut intent);
        report.detail = format!("{} [ablation: {ablation:?}]", report.detail);
    }
    let hyde_embedding = match intent.route {
        Route::Recommend => parts
            .reviews
            .get()
            .map(|reviews| reviews.embed_in_background(&intent.hyde)),
        Route::Search => None,
    };
    (
        Routed {
            intent,
            fresh,
            request,
            hyde_embedding,
            decline: None,
            understanding,
            asked_price,
        },
        report,
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::fakes::{FakeGraph, FakeModel};
    use crate::prompts::Prompts;

    fn parts() -> Parts {
        Parts::new(Arc::new(FakeGraph::default()), Prompts::load().unwrap())
    }

    #[tokio::test]
    async fn without_an_llm_the_parser_routes_and_the_trace_says_so() {
        let parts = parts();
        let mut gate = LlmGate::new(None);
        let (routed, report) = run(
            &parts,
            &mut gate,
            &Session::default(),
            "애월읍 흑돼지 맛집 추천해줘",
        )
        .await;
        assert!(routed.fresh);
        assert_eq!(routed.intent.route, Route::Recommend);
        assert_eq!(routed.intent.constraints.region.as_deref(), Some("애월읍"));
        assert_eq!(routed.request, "애월읍 흑돼지 맛집 추천해줘");
        assert!(routed.hyde_embedding.is_none(), "no review search is open");
        assert_eq!(
            report.fallback.map(|f| f.reason),
            Some(FallbackReason::NoLlm)
        );
        assert_eq!(
            report.detail,
            serde_json::to_string(&routed.intent).unwrap()
        );
    }

    #[tokio::test]
    async fn a_follow_up_is_revised_without_asking_the_llm() {
        let parts = parts();
        let mut session = Session::default();
        let (first, _) = run(
            &parts,
            &mut LlmGate::new(None),
            &session,
            "애월읍 흑돼지 맛집 추천해줘",
        )
        .await;
        let model = FakeModel::new(|_| panic!("the LLM was asked"));
        let mut gate = LlmGate::new(Some(&model));
        session.remember(&first.intent, Vec::new());
        session.last_request = Some(first.request.clone());
        let (next, report) = run(&parts, &mut gate, &session, "더 저렴한 곳은?").await;
        assert!(!next.fresh);
        assert_eq!(
            next.request,
            "애월읍 흑돼지 맛집 추천해줘 → 더 저렴한 곳은?"
        );
        assert!(report.fallback.is_none());
        assert!(
            report.detail.starts_with("follow-up ("),
            "{}",
            report.detail
        );
        assert!(report
            .detail
            .ends_with("[follow-up: revised by the session]"));
    }
}
