//! The prompt files of `prompts/`, compiled into the binary: tera templates and the
//! question→Cypher few-shot examples, with retrieval of the examples nearest a question.

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

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
