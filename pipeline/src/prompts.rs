//! The prompt files of `prompts/`, compiled into the binary: tera templates and the
//! question→Cypher few-shot examples, with retrieval of the examples nearest a question.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::fact::{Fact, FactLine};
use crate::intent::Lang;
use crate::recommend::{Card, Pick};

/// Characters of a review shown in a select prompt card (only for a request with a mood or
/// view): every token costs prompt time on a CPU, and the start of one review is enough to
/// tell a mood.
const PROMPT_QUOTE_CHARS: usize = 24;

/// One few-shot example.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Example {
    pub question: String,
    pub cypher: String,
}

const EXAMPLES_JSONL: &str = include_str!("../../prompts/text2cypher_examples.jsonl");

/// Every example of `prompts/text2cypher_examples.jsonl` (a malformed line is skipped; a test
/// checks there is none).
pub fn examples() -> &'static [Example] {
    static EXAMPLES: OnceLock<Vec<Example>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        EXAMPLES_JSONL
            .lines()
            .filter(|l| !l.trim().is_empty())
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    })
}

/// Character bigrams of the lower-cased text without spaces: a language-agnostic overlap
/// measure that works for Korean (no word segmentation needed) and English alike.
fn bigrams(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = text
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Jaccard similarity of two texts' character bigrams (0 = nothing shared, 1 = the same).
pub fn bigram_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (bigrams(a), bigrams(b));
    let union = a.union(&b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

/// The `k` examples most similar to the question (Jaccard over character bigrams), best first.
pub fn nearest_examples(question: &str, k: usize) -> Vec<&'static Example> {
    let q = bigrams(question);
    let mut scored: Vec<(f64, usize)> = examples()
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let b = bigrams(&e.question);
            let inter = q.intersection(&b).count() as f64;
            let union = q.union(&b).count().max(1) as f64;
            (inter / union, i)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(k)
        .map(|(_, i)| &examples()[i])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_line_parses_and_there_are_enough() {
        let lines = EXAMPLES_JSONL
            .lines()
            .filter(|l| !l.trim().is_empty())
            .count();
        assert_eq!(examples().len(), lines);
        assert!(lines >= 40, "{lines}");
        let english = examples().iter().filter(|e| e.question.is_ascii()).count();
        assert!(english >= 10 && lines - english >= 20);
    }

    #[test]
    fn every_example_passes_the_guard() {
        for e in examples() {
            crate::guard::check(&e.cypher).unwrap_or_else(|err| panic!("{}: {err}", e.cypher));
        }
    }

    #[test]
    fn retrieval_finds_the_same_kind_of_question() {
        let top = nearest_examples("한림읍 카페 중에서 40대 비중이 제일 높은 곳?", 3);
        assert!(top[0].cypher.contains("s.type = '커피'"), "{:?}", top[0]);
        let top = nearest_examples("How many places in Seongsan serve black pork?", 2);
        assert!(top.iter().any(|e| e.cypher.contains("count(")), "{top:?}");
    }
}

/// The tera templates of `prompts/`, compiled in.
pub struct Prompts {
    tera: tera::Tera,
}

/// A prompt with its system and user parts (the system part is the static prefix that the
/// LLM server's prompt cache can reuse across turns).
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub system: String,
    pub user: String,
}

impl Prompts {
    pub fn load() -> Result<Prompts, crate::PipelineError> {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates([
            ("answer", include_str!("../../prompts/answer.tera")),
            ("route", include_str!("../../prompts/route.tera")),
            (
                "text2cypher",
                include_str!("../../prompts/text2cypher.tera"),
            ),
            ("select", include_str!("../../prompts/select.tera")),
            ("pick", include_str!("../../prompts/pick.tera")),
            (
                "picks_header",
                include_str!("../../prompts/picks_header.tera"),
            ),
            (
                "preliminary",
                include_str!("../../prompts/preliminary.tera"),
            ),
            ("fact", include_str!("../../prompts/fact.tera")),
            (
                "search_sentence",
                include_str!("../../prompts/search_sentence.tera"),
            ),
            ("decline", include_str!("../../prompts/decline.tera")),
            ("card", include_str!("../../prompts/card.tera")),
            ("repair", include_str!("../../prompts/repair.tera")),
        ])
        .map_err(|e| crate::PipelineError::Template(format!("{e:?}")))?;
        Ok(Prompts { tera })
    }

    /// Renders a template.
    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, crate::PipelineError> {
        self.tera
            .render(name, ctx)
            .map(|s| s.trim().to_owned())
            .map_err(|e| crate::PipelineError::Template(format!("{name}: {e:?}")))
    }

    /// The route prompt (`route.tera`): the vocabulary (regions, companions, ages, times) is
    /// the static system part; the question and the words the rules could not read the user
    /// part.
    pub fn route(&self, question: &str, words: &[String]) -> Result<Prompt, crate::PipelineError> {
        let mut ctx = tera::Context::new();
        ctx.insert("question", question);
        ctx.insert("words", words);
        let regions: Vec<&str> = jeju_data::gazetteer::regions()
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        ctx.insert("regions", &regions);
        let text = self.render("route", &ctx)?;
        Ok(split_at(text, "\nQuestion: "))
    }

    /// The text2cypher prompt: schema, resolved literals, the nearest examples, the question.
    pub fn text2cypher(
        &self,
        schema: &str,
        values: &[(String, String)],
        examples: &[&Example],
        question: &str,
    ) -> Result<Prompt, crate::PipelineError> {
        let mut ctx = tera::Context::new();
        ctx.insert("schema", schema);
        let values: Vec<serde_json::Value> = values
            .iter()
            .map(|(n, v)| serde_json::json!({"name": n, "value": v}))
            .collect();
        ctx.insert("values", &values);
        let examples: Vec<serde_json::Value> = examples
            .iter()
            .map(|e| serde_json::json!({"question": e.question, "cypher": e.cypher}))
            .collect();
        ctx.insert("examples", &examples);
        ctx.insert("question", question);
        let text = self.render("text2cypher", &ctx)?;
        // The rules and schema are the system part; examples and the question the user part.
        Ok(split_at(text, "\nQuestion: "))
    }

    /// The PALR selection prompt over compact candidate cards (`select.tera`): the
    /// instructions of `style` are the static system part (the server's prompt cache keeps
    /// them), the request and the cards the user part.
    pub fn select(
        &self,
        question: &str,
        cards: &[String],
        lang: crate::intent::Lang,
        style: crate::llm_select::SelectStyle,
    ) -> Result<Prompt, crate::PipelineError> {
        let mut ctx = tera::Context::new();
        ctx.insert("question", question);
        ctx.insert("cards", cards);
        ctx.insert("lang", lang_code(lang));
        ctx.insert("style", style.as_str());
        let text = self.render("select", &ctx)?;
        Ok(split_at(text, "\nUser request: "))
    }
}

impl Prompts {
    /// One fact in `lang` (`fact.tera`).
    pub fn fact(&self, fact: &Fact, lang: Lang) -> Result<String, crate::PipelineError> {
        self.render_fact(fact, lang, false)
    }

    /// One fact in the select prompt's compact form (`fact.tera` with `short`).
    pub fn fact_short(&self, fact: &Fact, lang: Lang) -> Result<String, crate::PipelineError> {
        self.render_fact(fact, lang, true)
    }

    fn render_fact(
        &self,
        fact: &Fact,
        lang: Lang,
        short: bool,
    ) -> Result<String, crate::PipelineError> {
        let mut ctx = fact.template_context(lang);
        ctx.insert("short", &short);
        self.render("fact", &ctx)
    }

    /// Facts with their texts in `lang`.
    pub fn fact_lines(
        &self,
        facts: Vec<Fact>,
        lang: Lang,
    ) -> Result<Vec<FactLine>, crate::PipelineError> {
        facts
            .into_iter()
            .map(|fact| {
                let text = self.fact(&fact, lang)?;
                Ok(FactLine { fact, text })
            })
            .collect()
    }

    /// A candidate's line in the select prompt (`card.tera`): its alias, name, type, region
    /// (when not the asked one), the facts it may cite (numbered from 1, compact), what it
    /// does not meet (⚠) and, when `with_quote`, the start of one review.
    pub fn card_line(
        &self,
        alias: &str,
        card: &Card,
        asked_region: Option<&str>,
        (citable, warnings): (&[Fact], &[Fact]),
        with_quote: bool,
        lang: Lang,
    ) -> Result<String, crate::PipelineError> {
        let short = |facts: &[Fact]| {
            facts
                .iter()
                .map(|f| self.fact_short(f, lang))
                .collect::<Result<Vec<String>, _>>()
        };
        let quote: Option<String> = card
            .quotes
            .first()
            .filter(|_| with_quote)
            .map(|q| q.chars().take(PROMPT_QUOTE_CHARS).collect());
        let region = card.region.as_deref().filter(|r| Some(*r) != asked_region);
        let mut ctx = tera::Context::new();
        ctx.insert("alias", alias);
        ctx.insert("name", &card.name);
        ctx.insert("store_type", &card.store_type);
        ctx.insert("region", &region);
        ctx.insert("facts", &short(citable)?);
        ctx.insert("warnings", &short(warnings)?);
        ctx.insert("quote", &quote);
        self.render("card", &ctx)
    }

    /// The text2cypher repair turn for a query that failed `problem` (`repair.tera`).
    pub fn repair(&self, problem: &str) -> Result<String, crate::PipelineError> {
        let mut ctx = tera::Context::new();
        ctx.insert("problem", problem);
        self.render("repair", &ctx)
    }

    /// The line above the picks (`picks_header.tera`).
    pub fn picks_header(&self, lang: Lang) -> Result<String, crate::PipelineError> {
        let mut ctx = tera::Context::new();
        ctx.insert("lang", lang_code(lang));
        self.render("picks_header", &ctx)
    }

    /// The rules' picks while the AI model judges, on one line (`preliminary.tera`).
    pub fn preliminary(&self, picks: &[Pick], lang: Lang) -> Result<String, crate::PipelineError> {
        let mut ctx = tera::Context::new();
        ctx.insert("lang", lang_code(lang));
        let names: Vec<&str> = picks.iter().map(|p| p.card.name.as_str()).collect();
        ctx.insert("names", &names);
        self.render("preliminary", &ctx)
    }

    /// One pick as the answer shows it (`pick.tera`: `1. name (type, region)`, what it does
    /// not meet of the request, the reason, a quote).
    pub fn pick(
        &self,
        index: usize,
        pick: &Pick,
        lang: Lang,
    ) -> Result<String, crate::PipelineError> {
        let unmet = pick
            .card
            .relaxed
            .iter()
            .map(|r| self.fact(&Fact::Unmet(r.clone()), lang))
            .collect::<Result<Vec<String>, _>>()?;
        let mut ctx = tera::Context::new();
        ctx.insert("unmet", &unmet);
        ctx.insert("index", &(index + 1));
        ctx.insert("name", &pick.card.name);
        let region = pick.card.region.as_deref().unwrap_or_default();
        ctx.insert(
            "store_type",
            crate::english::store_type_in(&pick.card.store_type, lang),
        );
        ctx.insert("region", &crate::english::place_in(region, lang));
        ctx.insert("reason", &pick.reason);
        ctx.insert(
            "quote",
            &pick.card.quotes.first().cloned().unwrap_or_default(),
        );
        self.render("pick", &ctx)
    }
}

/// The templates' language code.
pub fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Ko => "ko",
        Lang::En => "en",
    }
}

/// The literals a question resolved to, handed to text2cypher as fixed values.
pub fn fixed_values(intent: &crate::intent::Intent) -> Vec<(String, String)> {
    let c = &intent.constraints;
    let mut out = Vec::new();
    if let Some(r) = &c.region {
        out.push(("s.region".to_owned(), format!("'{r}'")));
    } else if let Some(city) = &c.city {
        out.push(("s.city".to_owned(), format!("'{city}'")));
    }
    match c.store_types.as_slice() {
        [] => {}
        [t] => out.push(("s.type".to_owned(), format!("'{t}'"))),
        many => out.push((
            "s.type IN".to_owned(),
            format!(
                "[{}]",
                many.iter()
                    .map(|t| format!("'{t}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
    if let Some(d) = c.dish.as_deref().and_then(crate::lexicon::dish) {
        out.push((
            "menu item contains".to_owned(),
            format!("'{}'", d.menu_terms[0]),
        ));
    }
    if let Some(comp) = c.companion {
        out.push((
            "VisitKeyword.name".to_owned(),
            format!("'{}'", jeju_data::vocab::companion_keyword(comp)),
        ));
    }
    if let Some(a) = &c.near_attraction {
        out.push(("Attraction.name".to_owned(), format!("'{a}'")));
    }
    if let Some(g) = &intent.goal {
        if let Some(ym) = g.month {
            out.push(("Month.ym".to_owned(), ym.to_string()));
        }
        if let crate::intent::Measure::Property { property, .. } = &g.measure {
            out.push(("value property".to_owned(), property.clone()));
        }
    }
    out
}

/// A rendered prompt split before `marker`: the static instructions above it are the system
/// part (the server's prompt cache keeps them), the rest the user part; all of it the user
/// part when the marker is missing.
fn split_at(text: String, marker: &str) -> Prompt {
    match text.find(marker) {
        Some(at) => Prompt {
            system: text[..at].trim().to_owned(),
            user: text[at..].trim().to_owned(),
        },
        None => Prompt {
            system: String::new(),
            user: text,
        },
    }
}
