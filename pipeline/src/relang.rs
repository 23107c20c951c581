//! An answer told again in the other language, from the data it carries: the facts of each
//! pick, what a pick does not meet, the data answer's sentence and the answer text are
//! rendered anew (`fact.tera`, `answer.tera`); names, addresses and review quotes stay as
//! they are. A reason the LLM wrote as a sentence (`SelectStyle::Sentence`) cannot be told
//! again and stays in its language; a reason made of facts (the rules', or the LLM's cited
//! facts) is rendered from the same facts.

use crate::answer::{Answer, AnswerBody};
use crate::error::PipelineError;
use crate::fact::FactLine;
use crate::intent::Lang;
use crate::prompts::Prompts;
use crate::recommend::Pick;
use crate::stages;

/// The positions of the facts a reason was made of (by [`Pick::templated_reason`]), when
/// it was: the rules' first three facts, or the facts an LLM cited, in order.
fn reason_facts(pick: &Pick, lang: Lang) -> Option<Vec<usize>> {
    let cited: Vec<usize> = (0..pick.facts.len())
        .filter(|&i| pick.reason.contains(pick.facts[i].text.as_str()))
        .collect();
    let made_of = Pick::templated_reason(cited.iter().map(|&i| &pick.facts[i]), lang);
    (!cited.is_empty() && made_of == pick.reason).then_some(cited)
}

/// One pick in `lang`.
fn pick_in(prompts: &Prompts, pick: &Pick, from: Lang, lang: Lang) -> Result<Pick, PipelineError> {
    let facts: Vec<FactLine> = pick
        .facts
        .iter()
        .map(|f| {
            Ok(FactLine {
                fact: f.fact.clone(),
                text: prompts.fact(&f.fact, lang)?,
            })
        })
        .collect::<Result<_, PipelineError>>()?;
    let reason = match reason_facts(pick, from) {
        Some(cited) => Pick::templated_reason(cited.iter().map(|&i| &facts[i]), lang),
        None => pick.reason.clone(),
    };
    Ok(Pick {
        card: pick.card.clone(),
        facts,
        reason,
    })
}

/// `answer` told in `lang` (the same answer when it is already in `lang`).
pub fn answer_in(prompts: &Prompts, answer: &Answer, lang: Lang) -> Result<Answer, PipelineError> {
    let from = answer.intent.lang;
    if from == lang {
        return Ok(answer.clone());
    }
    let mut intent = answer.intent.clone();
    intent.lang = lang;
    let body = match &answer.body {
        AnswerBody::Recommend { picks } => AnswerBody::Recommend {
            picks: picks
                .iter()
                .map(|p| pick_in(prompts, p, from, lang))
                .collect::<Result<_, _>>()?,
        },
        other => other.clone(),
    };
    let (written, _) = stages::answer::run(
        prompts,
        &intent,
        &body,
        &answer.understanding.unmatched,
        answer.notice.is_some(),
    )?;
    Ok(Answer {
        request: answer.request.clone(),
        intent,
        understanding: answer.understanding.clone(),
        body,
        text: written.text,
        sentence: written.sentence,
        notice: written.notice,
        trace: answer.trace.clone(),
    })
}
