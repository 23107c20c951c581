//! Answer: the answer text (`answer.tera`, each pick by `pick.tera`), and the notice shown
//! above it when a configured LLM did not answer and the rules did.

use crate::answer::{search_measure_label, search_value_text, AnswerBody};
use crate::error::PipelineError;
use crate::intent::{Intent, Lang};
use crate::prompts::{lang_code, Prompts};
use crate::turn::StageReport;

/// The answer's text and its notice.
pub struct Written {
    pub text: String,
    pub notice: Option<String>,
}

/// The notice of a turn whose configured LLM went down.
pub fn llm_down_notice(lang: Lang) -> &'static str {
    match lang {
        Lang::Ko => "(AI 모델이 응답하지 않아 규칙 기반으로 답했어요.)",
        Lang::En => {
            "(The AI model did not answer; this answer comes from the rule-based fallback.)"
        }
    }
}

pub fn run(
    prompts: &Prompts,
    intent: &Intent,
    body: &AnswerBody,
    llm_went_down: bool,
) -> Result<(Written, StageReport), PipelineError> {
    let mut ctx = tera::Context::new();
    ctx.insert("lang", lang_code(intent.lang));
    let notice = if llm_went_down {
        llm_down_notice(intent.lang)
    } else {
        ""
    };
    ctx.insert("notice", notice);
    match body {
        AnswerBody::Search { rows, count } => {
            ctx.insert("route", "search");
            ctx.insert("count", count);
            let shown: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    let value = search_value_text(intent, r.value);
                    serde_json::json!({"name": r.name, "value": value})
                })
                .collect();
            ctx.insert("rows", &shown);
            ctx.insert("measure_label", &search_measure_label(intent));
            ctx.insert("picks", &Vec::<String>::new());
        }
        AnswerBody::Declined {
            reason,
            word,
            topic,
        } => {
            ctx.insert("route", "declined");
            ctx.insert("reason", reason.as_str());
            ctx.insert("word", &word.clone().unwrap_or_default());
            ctx.insert("topic", &topic.clone().unwrap_or_default());
            ctx.insert("count", &Option::<i64>::None);
            ctx.insert("rows", &Vec::<String>::new());
            ctx.insert("measure_label", "");
            ctx.insert("picks", &Vec::<String>::new());
        }
        AnswerBody::Recommend { picks } => {
            ctx.insert("route", "recommend");
            ctx.insert("count", &Option::<i64>::None);
            ctx.insert("rows", &Vec::<String>::new());
            ctx.insert("measure_label", "");
            let shown = picks
                .iter()
                .enumerate()
                .map(|(i, p)| prompts.pick(i, p, intent.lang))
                .collect::<Result<Vec<String>, _>>()?;
            ctx.insert("picks", &shown);
            ctx.insert("relaxed", &picks.iter().any(|p| !p.card.relaxed.is_empty()));
        }
    }
    let text = prompts.render("answer", &ctx)?;
    let report = StageReport::new(format!("{} chars", text.chars().count()));
    Ok((
        Written {
            text: text.trim().to_owned(),
            notice: (!notice.is_empty()).then(|| notice.to_owned()),
        },
        report,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::SearchRow;
    use crate::parse::parse;

    #[test]
    fn a_search_answer_names_its_rows_and_a_down_llm_adds_the_notice() {
        let prompts = Prompts::load().unwrap();
        let intent = parse("제주시 한림읍에 있는 카페 중 30대 이용 비중이 가장 높은 곳은?");
        let body = AnswerBody::Search {
            rows: vec![SearchRow {
                id: "S1".into(),
                name: "바다카페".into(),
                value: 0.42,
            }],
            count: None,
        };
        let (w, report) = run(&prompts, &intent, &body, false).unwrap();
        assert_eq!(w.text, "1. 바다카페 — 30대 손님 비중 42.0%");
        assert_eq!(w.notice, None);
        assert!(report.detail.ends_with(" chars"));
        let (down, _) = run(&prompts, &intent, &body, true).unwrap();
        assert!(
            down.text.ends_with(llm_down_notice(Lang::Ko)),
            "{}",
            down.text
        );
        assert_eq!(down.notice.as_deref(), Some(llm_down_notice(Lang::Ko)));
    }

    #[test]
    fn no_picks_says_so_in_the_question_language() {
        let prompts = Prompts::load().unwrap();
        let intent = parse("Black pork in Aewol");
        let body = AnswerBody::Recommend { picks: Vec::new() };
        let (w, _) = run(&prompts, &intent, &body, false).unwrap();
        assert!(w.text.starts_with("I could not find a place"), "{}", w.text);
    }
}
