//! Answer: the answer text (`answer.tera`, each pick by `pick.tera`), and the notice shown
//! above it when a configured LLM did not answer and the rules did.

use crate::answer::{search_measure_label, search_value_text, AnswerBody};
use crate::compose::OPENED;
use crate::english;
use crate::error::PipelineError;
use crate::intent::{Intent, Lang};
use crate::prompts::{lang_code, Prompts};
use crate::turn::StageReport;

/// The answer's text and its notice.
pub struct Written {
    pub text: String,
    pub notice: Option<String>,
    /// A data answer's opening sentence (what was counted or ranked, and the answer).
    pub sentence: Option<String>,
}

/// How many unmatched words the answer names.
pub const MAX_UNMATCHED_NAMED: usize = 4;

/// Whether a word ends in a Hangul syllable with a final consonant (`None`: it does not end
/// in Hangul), which decides the particles after it.
fn ends_in_consonant(word: &str) -> Option<bool> {
    match word.chars().last() {
        Some(c @ '\u{AC00}'..='\u{D7A3}') => Some(!(c as u32 - 0xAC00).is_multiple_of(28)),
        _ => None,
    }
}

/// The Korean topic particle after a word: 은 after a final consonant, 는 after a vowel,
/// 은(는) when the word does not end in Hangul.
fn topic_particle(word: &str) -> &'static str {
    match ends_in_consonant(word) {
        Some(true) => "은",
        Some(false) => "는",
        None => "은(는)",
    }
}

/// The Korean subject particle after a word: 이 after a final consonant, 가 after a vowel;
/// 이 after anything else (a closing bracket, a digit: "1인 가격(원)이").
fn subject_particle(word: &str) -> &'static str {
    match ends_in_consonant(word) {
        Some(false) => "가",
        _ => "이",
    }
}

/// The Korean copula after a name: 예요 after a vowel, 이에요 otherwise.
fn copula(word: &str) -> &'static str {
    match ends_in_consonant(word) {
        Some(false) => "예요",
        _ => "이에요",
    }
}

/// "2023년 8월" / "August 2023" of a `YYYYMM` month.
fn month_label(month: u32, lang: Lang) -> String {
    let (year, m) = (month / 100, month % 100);
    match lang {
        Lang::Ko => format!("{year}년 {m}월"),
        Lang::En => match jeju_api::format::MONTHS_EN.get((m as usize).wrapping_sub(1)) {
            Some(name) => format!("{name} {year}"),
            None => format!("{year}-{m:02}"),
        },
    }
}

/// A data answer's opening sentence (`search_sentence.tera`): what was counted or ranked
/// (the place, kinds of place and dish asked, in the answer's language) and the answer.
pub fn search_sentence(
    prompts: &Prompts,
    intent: &Intent,
    rows: &[serde_json::Value],
    count: Option<i64>,
) -> Result<String, PipelineError> {
    let ko = intent.lang == Lang::Ko;
    let c = &intent.constraints;
    let place = c
        .region
        .as_deref()
        .or(c.city.as_deref())
        .map(|p| english::place_in(p, intent.lang));
    let kinds: Vec<&str> = c
        .store_types
        .iter()
        .map(|t| english::store_type_in(t, intent.lang))
        .collect();
    let dish = c
        .dish
        .as_deref()
        .map(|d| english::menu_item_in(d, intent.lang));
    let goal = intent.goal.as_ref();
    let measure_label = search_measure_label(intent);
    let mut ctx = tera::Context::new();
    ctx.insert("lang", lang_code(intent.lang));
    ctx.insert("count", &count);
    ctx.insert("rows", rows);
    ctx.insert("top", &goal.map_or(1, |g| g.top));
    ctx.insert(
        "descending",
        &!matches!(
            goal.map(|g| &g.measure),
            Some(crate::intent::Measure::Property {
                descending: false,
                ..
            })
        ),
    );
    ctx.insert(
        "dated",
        &matches!(
            goal.map(|g| &g.measure),
            Some(crate::intent::Measure::Property { property, .. }) if property == OPENED
        ),
    );
    ctx.insert("measure_particle", subject_particle(&measure_label));
    ctx.insert("measure_label", &measure_label);
    ctx.insert("place", &place.unwrap_or_default());
    ctx.insert("kinds", &kinds.join(if ko { "·" } else { " or " }));
    ctx.insert("dish", &dish.unwrap_or_default());
    ctx.insert(
        "month",
        &goal
            .and_then(|g| g.month)
            .map(|m| month_label(m, intent.lang))
            .unwrap_or_default(),
    );
    ctx.insert("band", &goal.and_then(|g| g.band));
    ctx.insert(
        "share_floor",
        &intent.constraints.min_share.map(|f| {
            let ko = intent.lang == Lang::Ko;
            let label = match f.of {
                crate::intent::ShareOf::Locals => {
                    if ko {
                        "현지인"
                    } else {
                        "locals"
                    }
                }
                crate::intent::ShareOf::Tourists => {
                    if ko {
                        "관광객"
                    } else {
                        "tourists"
                    }
                }
                crate::intent::ShareOf::Age(band) => crate::lexicon::age_label(band, ko),
            };
            serde_json::json!({
                "label": label,
                "percent": (f.share * 100.0).round() as u32,
                "strict": f.strict,
            })
        }),
    );
    ctx.insert(
        "rating_min",
        &intent.constraints.min_rating.map(|r| format!("{r:.1}")),
    );
    let first_name = rows
        .first()
        .and_then(|r| r.get("name"))
        .and_then(|n| n.as_str())
        .unwrap_or_default();
    ctx.insert("name_copula", copula(first_name));
    Ok(prompts.render("search_sentence", &ctx)?.trim().to_owned())
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
    let mut sentence = None;
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
            let line = search_sentence(prompts, intent, &shown, *count)?;
            ctx.insert("sentence", &line);
            sentence = Some(line);
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
            sentence,
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
    fn search_sentences_name_what_was_counted_or_ranked_in_the_answers_language() {
        let prompts = Prompts::load().unwrap();
        let rows = |names: &[&str]| -> Vec<SearchRow> {
            names
                .iter()
                .enumerate()
                .map(|(i, n)| SearchRow {
                    id: format!("S{i}"),
                    name: (*n).into(),
                    value: 0.5 - i as f64 / 10.0,
                })
                .collect()
        };
        let text = |question: &str, body: AnswerBody| {
            let (w, _) = run(&prompts, &parse(question), &body, &[], false).unwrap();
            w.sentence.unwrap()
        };
        let count = |n| AnswerBody::Search {
            rows: Vec::new(),
            count: Some(n),
        };
        assert_eq!(
            text("How many bakeries are there in Jeju-si?", count(339)),
            "There are 339 bakery places in Jeju-si."
        );
        assert_eq!(
            text("How many bakeries are there in Jeju-si?", count(1)),
            "There is 1 bakery place in Jeju-si."
        );
        let top = text(
            "Which cafe in Hallim-eup has the highest share of customers in their 30s?",
            AnswerBody::Search {
                rows: rows(&["바다카페"]),
                count: None,
            },
        );
        assert!(
            top.starts_with("Among cafe places in Hallim-eup, “바다카페” has the highest share of"),
            "{top}"
        );
        assert!(top.ends_with("(50.0%)."), "{top}");
        let three = text(
            "서귀포시에서 현지인 비중이 가장 높은 일식집 3곳은?",
            AnswerBody::Search {
                rows: rows(&["가", "나", "다"]),
                count: None,
            },
        );
        assert_eq!(
            three,
            "서귀포시 일식 가게 중 현지인 비중이 높은 순으로 3곳이에요."
        );
        let none = text(
            "서귀포시에서 현지인 비중이 가장 높은 일식집 3곳은?",
            AnswerBody::Search {
                rows: Vec::new(),
                count: None,
            },
        );
        assert_eq!(none, "조건에 맞는 서귀포시 일식 가게를 찾지 못했어요.");
    }

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
        assert_eq!(
            w.text,
            "한림읍 커피 가게 중 30대 손님 비중이 가장 높은 곳은 “바다카페”(42.0%)예요."
        );
        assert_eq!(w.sentence.as_deref(), Some(w.text.as_str()));
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
