//! The evaluation's own vocabulary (`eval/vocab.toml`): what a dish word and an everyday
//! place word mean in the data, written from the data's menu names and the contest types,
//! not taken from the pipeline. [`disagreements`] lists where the pipeline's lexicon reads
//! the same words otherwise; the report prints that list, the checks never use the lexicon.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The file, compiled in (a unit test checks that it parses and that every term exists in
/// the data).
const VOCAB_TOML: &str = include_str!("../vocab.toml");

/// A dish: a store serves it when some menu item contains one of `menu_terms`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DishMeaning {
    /// The Korean word (`흑돼지`), also the name cases use.
    pub name: String,
    /// English words for it (lower case).
    #[serde(default)]
    pub en: Vec<String>,
    pub menu_terms: Vec<String>,
}

impl DishMeaning {
    /// Whether a menu item is this dish.
    pub fn matches(&self, menu_item: &str) -> bool {
        self.menu_terms
            .iter()
            .any(|t| menu_item.contains(t.as_str()))
    }
}

/// Everyday words for a kind of place and the contest types they mean.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceWords {
    /// The first is the one the generator writes.
    pub words: Vec<String>,
    pub types: Vec<String>,
}

/// The whole vocabulary.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    #[serde(rename = "dish")]
    pub dishes: Vec<DishMeaning>,
    #[serde(rename = "place")]
    pub places: Vec<PlaceWords>,
}

impl Vocabulary {
    /// Parses a vocabulary file's text.
    pub fn parse(text: &str) -> Result<Vocabulary, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// `eval/vocab.toml`, parsed once. The file is compiled in and its parse is unit-tested,
    /// so a failure here is a build defect, not bad input.
    pub fn builtin() -> &'static Vocabulary {
        static VOCAB: OnceLock<Vocabulary> = OnceLock::new();
        VOCAB.get_or_init(|| {
            Vocabulary::parse(VOCAB_TOML).expect("eval/vocab.toml parses (unit-tested)")
        })
    }

    /// A dish by its Korean name or one of its English words (case-insensitive).
    pub fn dish(&self, word: &str) -> Option<&DishMeaning> {
        let w = word.trim().to_lowercase();
        self.dishes
            .iter()
            .find(|d| d.name == w || d.en.contains(&w))
    }

    /// The contest types of an everyday place word (case-insensitive).
    pub fn place_types(&self, word: &str) -> Option<&[String]> {
        let w = word.trim().to_lowercase();
        self.places
            .iter()
            .find(|p| p.words.iter().any(|x| x.to_lowercase() == w))
            .map(|p| p.types.as_slice())
    }
}

/// One point where the evaluation and the pipeline read a word differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disagreement {
    /// `dish` or `place`.
    pub kind: String,
    pub word: String,
    /// What differs, in one line (menu items or types only one side counts).
    pub detail: String,
}

fn list<'a>(items: impl IntoIterator<Item = &'a String>) -> String {
    items
        .into_iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where the evaluation's vocabulary and the pipeline's lexicon disagree, judged on the
/// given menu item names (the data's): per dish either side knows, the items only one of
/// them counts; per place word of the evaluation, the types the pipeline means otherwise
/// (or that it does not know the word). Place words only the pipeline knows are one line at
/// the end: the evaluation does not need them.
pub fn disagreements(vocab: &Vocabulary, menu_items: &BTreeSet<String>) -> Vec<Disagreement> {
    let mut out = Vec::new();
    let mut names: BTreeSet<&str> = vocab.dishes.iter().map(|d| d.name.as_str()).collect();
    names.extend(jeju_pipeline::lexicon::DISHES.iter().map(|d| d.name));
    for name in names {
        let ours = vocab.dishes.iter().find(|d| d.name == name);
        let theirs = jeju_pipeline::lexicon::dish(name);
        let detail = match (ours, theirs) {
            (Some(_), None) => "only the evaluation has this dish".to_owned(),
            (None, Some(_)) => "only the pipeline has this dish".to_owned(),
            (Some(o), Some(t)) => {
                let ours: BTreeSet<&String> = menu_items.iter().filter(|m| o.matches(m)).collect();
                let theirs: BTreeSet<&String> = menu_items
                    .iter()
                    .filter(|m| t.menu_terms.iter().any(|x| m.contains(x)))
                    .collect();
                if ours == theirs {
                    continue;
                }
                let mut parts = Vec::new();
                let only_ours: Vec<&String> = ours.difference(&theirs).copied().collect();
                let only_theirs: Vec<&String> = theirs.difference(&ours).copied().collect();
                if !only_ours.is_empty() {
                    parts.push(format!("only the evaluation counts {}", list(only_ours)));
                }
                if !only_theirs.is_empty() {
                    parts.push(format!("only the pipeline counts {}", list(only_theirs)));
                }
                parts.join("; ")
            }
            (None, None) => continue,
        };
        out.push(Disagreement {
            kind: "dish".into(),
            word: name.to_owned(),
            detail,
        });
    }
    let lexicon_types = |w: &str| {
        jeju_pipeline::lexicon::TYPE_WORDS
            .iter()
            .find(|(x, _)| x.eq_ignore_ascii_case(w))
            .map(|(_, t)| {
                t.iter()
                    .map(|s| (*s).to_owned())
                    .collect::<BTreeSet<String>>()
            })
    };
    let mut words: BTreeSet<String> = vocab
        .places
        .iter()
        .flat_map(|p| p.words.iter().map(|w| w.to_lowercase()))
        .collect();
    words.extend(
        jeju_pipeline::lexicon::TYPE_WORDS
            .iter()
            .map(|(w, _)| w.to_lowercase()),
    );
    for w in words {
        let ours: Option<BTreeSet<String>> =
            vocab.place_types(&w).map(|t| t.iter().cloned().collect());
        let theirs = lexicon_types(&w);
        let detail = match (ours, theirs) {
            (Some(o), None) => format!("only the evaluation knows it ({})", list(&o)),
            (None, Some(t)) => format!("only the pipeline knows it ({})", list(&t)),
            (Some(o), Some(t)) if o != t => format!(
                "the evaluation means {}, the pipeline {}",
                list(&o),
                list(&t)
            ),
            _ => continue,
        };
        out.push(Disagreement {
            kind: "place".into(),
            word: w,
            detail,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The data's menu catalogue (every item a store's menu is drawn from).
    fn data_menu_items() -> BTreeSet<String> {
        jeju_synth::menu_item_names()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_vocabulary_parses_and_every_term_and_type_exists_in_the_data() {
        let v = Vocabulary::builtin();
        assert!(v.dishes.len() >= 20 && v.places.len() >= 10);
        let items = data_menu_items();
        assert!(items.len() > 200, "{}", items.len());
        for d in &v.dishes {
            for t in &d.menu_terms {
                assert!(
                    items.iter().any(|m| m.contains(t.as_str())),
                    "dish {}: no menu item contains {t}",
                    d.name
                );
            }
            assert!(d.en.iter().all(|e| *e == e.to_lowercase()), "{}", d.name);
        }
        for p in &v.places {
            for t in &p.types {
                assert!(
                    jeju_data::gazetteer::is_store_type(t),
                    "{:?}: {t} is not a contest type",
                    p.words
                );
            }
        }
        // A word means one thing.
        let mut seen = BTreeSet::new();
        for w in v.dishes.iter().flat_map(|d| d.en.iter().chain([&d.name])) {
            assert!(seen.insert(w.clone()), "dish word {w} twice");
        }
        let mut seen = BTreeSet::new();
        for w in v.places.iter().flat_map(|p| &p.words) {
            assert!(seen.insert(w.to_lowercase()), "place word {w} twice");
        }
    }

    #[test]
    fn words_resolve_case_insensitively_and_unknown_words_do_not() {
        let v = Vocabulary::builtin();
        assert_eq!(v.dish("Black Pork").unwrap().name, "흑돼지");
        assert!(v.dish("coffee").unwrap().matches("카페라떼"));
        assert!(!v.dish("커피").unwrap().matches("제주 말차라떼"));
        assert!(v.dish("고사리육개장").is_none());
        assert_eq!(v.place_types("Cafe").unwrap(), ["커피"]);
        assert!(v.place_types("식당").is_none());
    }

    #[test]
    fn disagreements_name_the_items_only_one_side_counts() {
        let v = Vocabulary::parse(
            r#"
[[dish]]
name = "흑돼지"
menu_terms = ["흑돼지 근고기"]
[[dish]]
name = "빙떡"
menu_terms = ["빙떡"]
[[place]]
words = ["카페"]
types = ["커피", "차"]
"#,
        )
        .unwrap();
        let items: BTreeSet<String> = ["흑돼지 근고기 (600g)", "흑돼지버거", "빙떡"]
            .into_iter()
            .map(String::from)
            .collect();
        let d = disagreements(&v, &items);
        let pork = d.iter().find(|x| x.word == "흑돼지").unwrap();
        assert_eq!(pork.detail, "only the pipeline counts 흑돼지버거");
        assert!(d
            .iter()
            .any(|x| x.word == "빙떡" && x.detail.starts_with("only the evaluation")));
        let cafe = d.iter().find(|x| x.word == "카페").unwrap();
        assert_eq!(
            cafe.detail,
            "the evaluation means 차, 커피, the pipeline 커피"
        );
    }
}
