//! Words the lexicon does not know, grounded against the graph before they are dropped: a
//! Korean word of the question that is part of some menu item name (한치, 보말죽, 빙떡)
//! becomes the dish, matched as a menu-name fragment, when the parser found none; a word more
//! specific than the parser's dish (갈치조림 for 갈치, 흑돼지버거 for 흑돼지) replaces it. A
//! misspelt word grounds by its longest prefix that is (한치물휘 → 한치물, in 한치물회). The
//! route's trace says which word grounded and how.

use crate::graph_words::{GraphWords, Village};
use crate::intent::Constraints;
use crate::lexicon::{self, AGE_WORDS, COMPANION_WORDS, TIME_WORDS, TYPE_WORDS};
use jeju_data::gazetteer;

/// Particles and endings that attach to a Korean word ("갈치조림이", "우도에서").
const PARTICLES: &[&str] = &[
    "에서는",
    "으로",
    "에서",
    "이랑",
    "하고",
    "까지",
    "부터",
    "이나",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "에",
    "로",
    "와",
    "과",
    "랑",
    "도",
    "만",
    "의",
    "요",
    "나",
];

/// How a word of the question was grounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grounded {
    /// As written in the question (particles stripped).
    pub word: String,
    /// The menu-name fragment it became.
    pub fragment: String,
}

fn is_hangul_word(w: &str) -> bool {
    !w.is_empty() && w.chars().all(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

/// The word without one trailing particle, if what is left has two syllables or more.
pub(crate) fn strip_particle(word: &str) -> &str {
    for p in PARTICLES {
        if let Some(stem) = word.strip_suffix(p) {
            if stem.chars().count() >= 2 {
                return stem;
            }
        }
    }
    word
}

/// Whether the parser's vocabulary already speaks of the word (a place, a kind of place, a
/// companion, an age or a time): such words are the parser's, not menu items
/// ("카페" is in 카페라떼, "우도" in 우도땅콩빵, "점심" in 점심 뷔페).
fn known_elsewhere(word: &str) -> bool {
    let overlaps = |w: &str| word.contains(w) || w.contains(word);
    gazetteer::regions()
        .iter()
        .flat_map(|r| r.aliases())
        .any(|a| a.chars().count() >= 2 && overlaps(&a))
        || gazetteer::attractions().iter().any(|a| overlaps(&a.name))
        || gazetteer::STORE_TYPES.iter().any(|(t, _)| overlaps(t))
        || TYPE_WORDS.iter().any(|(w, _)| overlaps(w))
        || COMPANION_WORDS.iter().any(|(w, _)| overlaps(w))
        || AGE_WORDS.iter().any(|(w, _)| overlaps(w))
        || TIME_WORDS.iter().any(|(w, _)| overlaps(w))
        || word.contains("제주")
}

/// Grounds a Korean word of the question as a village of the store addresses ("함덕",
/// "함덕리에서" → 조천읍) when the question names no region and no attraction: the village's
/// region becomes the asked region. Not a word some menu item contains (a dish), nor one of
/// the parser's words for a kind of place, a companion, an age or a time. Returns the
/// question's word and the village.
pub fn ground_village<'g>(
    question: &str,
    constraints: &mut Constraints,
    graph: &'g GraphWords,
) -> Option<(String, &'g Village)> {
    if constraints.region.is_some() || constraints.near_attraction.is_some() {
        return None;
    }
    let (word, village) = question
        .split(|c: char| !c.is_alphanumeric())
        .map(strip_particle)
        .filter(|w| is_hangul_word(w) && !graph.in_menu(w) && !a_parser_word(w))
        .find_map(|w| graph.village(w).map(|v| (w.to_owned(), v)))?;
    constraints.region = Some(village.region.clone());
    constraints.city = gazetteer::region(&village.region).map(|r| r.city.clone());
    Some((word, village))
}

/// Whether the word is one of the parser's words for a kind of place, a companion, an age
/// or a time.
fn a_parser_word(word: &str) -> bool {
    TYPE_WORDS.iter().any(|(w, _)| *w == word)
        || COMPANION_WORDS.iter().any(|(w, _)| *w == word)
        || AGE_WORDS.iter().any(|(w, _)| *w == word)
        || TIME_WORDS.iter().any(|(w, _)| *w == word)
}

/// Grounds the question's Korean words as a menu-name fragment: when the parser found no
/// dish, the longest word (or prefix of three syllables or more, for a misspelling) that some
/// menu item of the graph contains; when it found one, a word that contains the dish's word
/// and is longer (more specific) grounds the same way. Returns what it grounded, after
/// setting the dish.
pub fn ground_menu_word(
    question: &str,
    constraints: &mut Constraints,
    graph: &GraphWords,
) -> Option<Grounded> {
    if graph.is_empty() {
        return None;
    }
    // The words the parser's dish was found by (none without a dish).
    let dish_words = constraints
        .dish
        .as_deref()
        .map(dish_words)
        .unwrap_or_default();
    let refines = |fragment: &str| {
        dish_words.is_empty()
            || dish_words.iter().any(|w| {
                fragment.contains(w.as_str()) && fragment.chars().count() > w.chars().count()
            })
    };
    let mut best: Option<Grounded> = None;
    let mut keep_longer = |found: Option<String>, word: &str| {
        if let Some(fragment) = found {
            let longer = best
                .as_ref()
                .is_none_or(|b| fragment.chars().count() > b.fragment.chars().count());
            if longer {
                best = Some(Grounded {
                    word: word.to_owned(),
                    fragment,
                });
            }
        }
    };
    let raws: Vec<&str> = question
        .split(|c: char| !c.is_alphanumeric())
        .filter(|r| !r.is_empty())
        .collect();
    for (i, raw) in raws.iter().enumerate() {
        let word = strip_particle(raw);
        if !is_hangul_word(word) || word.chars().count() < 2 || known_elsewhere(word) {
            continue;
        }
        // Two words that a menu writes as one ("딱새우 회" for 딱새우회, "고기 국수").
        if let Some(next) = raws.get(i + 1) {
            let next = strip_particle(next);
            let joined = format!("{word}{next}");
            let written = format!("{raw} {next}");
            if is_hangul_word(next) && question.contains(&written) {
                let found = (refines(&joined) && graph.in_menu(&joined)).then_some(joined);
                keep_longer(found, &written);
            }
        }
        let chars: Vec<char> = word.chars().collect();
        // The whole word, then shorter prefixes (never below 3 syllables or 2/3 of the word).
        let min = if chars.len() >= 3 {
            (chars.len() * 2).div_ceil(3).max(3)
        } else {
            chars.len()
        };
        let found = (min..=chars.len()).rev().find_map(|n| {
            let prefix: String = chars[..n].iter().collect();
            (refines(&prefix) && graph.in_menu(&prefix)).then_some(prefix)
        });
        keep_longer(found, word);
    }
    if let Some(g) = &best {
        constraints.dish = Some(g.fragment.clone());
    }
    best
}

/// The words a question names the dish by: the lexicon's, without the space some of them
/// carry to mark a word's end ("회 ", so that 방어회 ends with 회); the dish itself when the
/// lexicon does not have it (a menu fragment grounded from the graph).
fn dish_words(dish: &str) -> Vec<String> {
    lexicon::dish(dish)
        .map(|x| x.words.iter().map(|w| w.trim().to_owned()).collect())
        .unwrap_or_else(|| vec![dish.to_owned()])
}

/// The question's word for the dish when the menus have only its last part: a Korean word
/// that ends with the dish's word after a qualifier of two syllables or more that no menu
/// item contains and that no other vocabulary explains ("광어회" for 회: no menu has 광어).
/// The parser read the word as the broader dish; this is what it could not keep. `None`
/// when some menu item has the whole word (spaces ignored) or the qualifier.
pub fn unkept_dish_qualifier(
    question: &str,
    constraints: &Constraints,
    graph: &GraphWords,
) -> Option<String> {
    let dish = constraints.dish.as_deref()?;
    if graph.is_empty() {
        return None;
    }
    let dish_words = dish_words(dish);
    let in_menu = |w: &str| graph.in_menu_ignoring_spaces(w);
    question
        .split(|c: char| !c.is_alphanumeric())
        .map(strip_particle)
        .filter(|w| is_hangul_word(w))
        .find(|word| {
            dish_words.iter().any(|d| {
                word.strip_suffix(d.as_str()).is_some_and(|qualifier| {
                    qualifier.chars().count() >= 2
                        && !known_elsewhere(qualifier)
                        && !in_menu(qualifier)
                        && !in_menu(word)
                })
            })
        })
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn graph() -> GraphWords {
        GraphWords::from_menus_and_names(
            [
                "한치물회",
                "갈치조림 (2인)",
                "보말칼국수",
                "점심 뷔페",
                "빙떡",
                "카페라떼",
                "우도땅콩빵",
                "흑돼지 근고기 (600g)",
            ],
            ["노형케이크"],
        )
    }

    #[test]
    fn a_village_of_the_addresses_is_the_region_when_none_is_named() {
        let graph = GraphWords::from_menus_and_names(["수원 갈비", "아메리카노"], ["카페"])
            .with_addresses(
                ["제주 제주시 조천읍 함덕리 1번지"; 4]
                    .into_iter()
                    .chain(["제주 제주시 한림읍 수원리 2번지"; 4]),
            );
        let ground = |q: &str| {
            let mut c = parse::parse(q).constraints;
            let word = ground_village(q, &mut c, &graph).map(|(w, v)| (w, v.name.clone()));
            (word, c.region, c.city)
        };
        assert_eq!(
            ground("함덕 카페 추천 좀"),
            (
                Some(("함덕".into(), "함덕리".into())),
                Some("조천읍".into()),
                Some("제주시".into())
            )
        );
        assert_eq!(ground("함덕리에서 아침").1.as_deref(), Some("조천읍"));
        // A region the question names wins; a word some menu item has is a dish.
        assert_eq!(ground("애월읍 함덕 카페").0, None);
        assert_eq!(ground("수원 갈비 맛집").0, None);
    }

    fn unkept(q: &str) -> Option<String> {
        let graph = GraphWords::from_menus_and_names(
            [
                "고등어회 (대)",
                "모둠회",
                "흑돼지 근고기 (600g)",
                "돼지국밥",
            ],
            ["진아수산"],
        );
        let mut c = parse::parse(q).constraints;
        ground_menu_word(q, &mut c, &graph);
        unkept_dish_qualifier(q, &c, &graph)
    }

    #[test]
    fn a_qualifier_no_menu_has_is_what_the_dish_could_not_keep() {
        assert_eq!(
            unkept("제주시 광어회 맛집 알려줘").as_deref(),
            Some("광어회")
        );
        assert_eq!(unkept("광어회 먹고 싶어").as_deref(), Some("광어회"));
        // On a menu whole, or no qualifier: nothing lost.
        assert_eq!(unkept("제주시 고등어회 맛집 알려줘"), None);
        assert_eq!(unkept("제주시 회 맛집"), None);
        // The qualifier is a place, or on a menu by itself (흑돼지 and 국밥 both are).
        assert_eq!(unkept("우도회 맛집"), None);
        assert_eq!(unkept("흑돼지국밥 맛집"), None);
    }

    fn ground(q: &str) -> (Option<String>, Option<Grounded>) {
        let mut c = parse::parse(q).constraints;
        let g = ground_menu_word(q, &mut c, &graph());
        (c.dish, g)
    }

    #[test]
    fn an_unknown_menu_word_becomes_the_dish() {
        let (dish, g) = ground("성산 쪽에 갈치조림 잘하는 데 어디야?");
        assert_eq!(dish.as_deref(), Some("갈치조림"));
        assert_eq!(g.unwrap().word, "갈치조림");
        // With a particle, and as a misspelling grounded by its prefix.
        assert_eq!(
            ground("갈치조림이 먹고 싶어").0.as_deref(),
            Some("갈치조림")
        );
        assert_eq!(ground("한치물휘 파는 곳").0.as_deref(), Some("한치물"));
        assert_eq!(ground("애월 빙떡 추천").0.as_deref(), Some("빙떡"));
    }

    #[test]
    fn two_words_a_menu_writes_as_one_ground_together() {
        let graph = GraphWords::from_menus_and_names(["딱새우회", "모둠회 (중)"], ["횟집"]);
        let q = "섭지코지 근처에 딱새우 회 먹고싶어";
        let mut c = parse::parse(q).constraints;
        assert_eq!(c.dish.as_deref(), Some("회"));
        let g = ground_menu_word(q, &mut c, &graph).unwrap();
        assert_eq!(
            (g.word.as_str(), g.fragment.as_str()),
            ("딱새우 회", "딱새우회")
        );
        assert_eq!(c.dish.as_deref(), Some("딱새우회"));
        // Words that only sit side by side stay apart.
        let q = "맛있는 회 먹고싶어";
        let mut c = parse::parse(q).constraints;
        assert!(ground_menu_word(q, &mut c, &graph).is_none());
        assert_eq!(c.dish.as_deref(), Some("회"));
    }

    #[test]
    fn words_of_the_parser_and_places_are_not_menu_words() {
        // 카페 is a kind of place, 우도 a region, 점심 a time: not the dish.
        assert_eq!(ground("우도 카페 점심 추천").0, None);
        // A dish the lexicon knows stays the lexicon's, unless the question is more specific.
        assert_eq!(ground("애월 흑돼지 맛집").0.as_deref(), Some("흑돼지"));
        assert_eq!(
            ground("애월 흑돼지 근고기 맛집").0.as_deref(),
            Some("흑돼지")
        );
        // Nothing in the menus.
        assert_eq!(ground("조용한 분위기 좋은 곳").0, None);
        // A raw fish on the menus is more specific than 회 (read from "회 ").
        let graph = GraphWords::from_menus_and_names(["방어회", "모둠회 (중)"], ["횟집"]);
        let mut c = parse::parse("대정읍 방어회 먹을 수 있는 곳").constraints;
        assert_eq!(c.dish.as_deref(), Some("회"));
        ground_menu_word("대정읍 방어회 먹을 수 있는 곳", &mut c, &graph);
        assert_eq!(c.dish.as_deref(), Some("방어회"));
    }
}
