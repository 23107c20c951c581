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

/// How many unmatched words the answer names.
pub const MAX_UNMATCHED_NAMED: usize = 4;

/// The Korean topic particle after a word: 은 after a final consonant, 는 after a vowel,
/// 은(는) when the word does not end in Hangul.
fn topic_particle(word: &str) -> &'static str {
    match word.chars().last() {
        Some(c @ '\u{AC00}'..='\u{D7A3}') if !(c as u32 - 0xAC00).is_multiple_of(28) => "은",
        Some('\u{AC00}'..='\u{D7A3}') => "는",
        _ => "은(는)",
    }
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
    unmatched: &[String],
    llm_went_down: bool,
) -> Result<(Written, StageReport), PipelineError> {
    let mut ctx = tera::Context::new();
    ctx.insert("lang", lang_code(intent.lang));
    // Named, not dropped: at most four, in question order.
    let named: Vec<&String> = unmatched.iter().take(MAX_UNMATCHED_NAMED).collect();
    ctx.insert("unmatched", &named);
    ctx.insert(
        "unmatched_particle",
        topic_particle(named.last().map_or("", |w| w.as_str())),
    );
    ctx.insert("relaxed", &false);
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
        let (w, report) = run(&prompts, &intent, &body, &[], false).unwrap();
        assert_eq!(w.text, "1. 바다카페 — 30대 손님 비중 42.0%");
        assert_eq!(w.notice, None);
        assert!(report.detail.ends_with(" chars"));
        let (down, _) = run(&prompts, &intent, &body, &[], true).unwrap();
        assert!(
            down.text.ends_with(llm_down_notice(Lang::Ko)),
            "{}",
            down.text
        );
        assert_eq!(down.notice.as_deref(), Some(llm_down_notice(Lang::Ko)));
    }

    #[test]
    fn unmatched_words_are_named_before_the_answer() {
        let prompts = Prompts::load().unwrap();
        let body = AnswerBody::Recommend { picks: Vec::new() };
        let intent = parse("애월 흑돼지 맛집 xyzzy");
        let (w, _) = run(&prompts, &intent, &body, &["xyzzy".to_owned()], false).unwrap();
        assert!(
            w.text
                .starts_with("'xyzzy'은(는) 데이터에서 찾지 못해 빼고 찾았어요."),
            "{}",
            w.text
        );
        let intent = parse("Black pork in Aewol, very glorp");
        let (w, _) = run(&prompts, &intent, &body, &["glorp".to_owned()], false).unwrap();
        assert!(
            w.text
                .starts_with("I couldn't match 'glorp', so I left it out."),
            "{}",
            w.text
        );
        assert_eq!(topic_particle("한치물휘"), "는");
        assert_eq!(topic_particle("딱세우회"), "는");
        assert_eq!(topic_particle("짬봉"), "은");
    }

    #[test]
    fn no_picks_says_so_in_the_question_language() {
        let prompts = Prompts::load().unwrap();
        let intent = parse("Black pork in Aewol");
        let body = AnswerBody::Recommend { picks: Vec::new() };
        let (w, _) = run(&prompts, &intent, &body, &[], false).unwrap();
        assert!(w.text.starts_with("I could not find a place"), "{}", w.text);
    }
}
