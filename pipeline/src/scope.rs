//! What the recommender answers: eating and drinking in Jeju. A question about a place
//! outside Jeju, about another topic of the trip (weather, car rental, hotels, …), or with
//! nothing in it that grounds anywhere is declined with a reason, instead of getting three
//! confident picks. The words live in `data/words/scope.toml`; the decision is
//! [`Scope::judge`], a pure function of the question, what the parser understood and the
//! graph's vocabulary.

use std::sync::OnceLock;

use jeju_api::DeclineReason;
use serde::Deserialize;

pub use crate::graph_words::GraphWords;
use crate::intent::Intent;
use crate::parse;

const SCOPE_TOML: &str = include_str!("../../data/words/scope.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OffTopic {
    topic: String,
    words: Vec<String>,
}

/// The word lists of `data/words/scope.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    food_words: Vec<String>,
    outside_places: Vec<String>,
    place_suffixes: Vec<String>,
    off_topic: Vec<OffTopic>,
}

/// Why a question is declined, and the word that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decline {
    pub reason: DeclineReason,
    /// The place or topic word found (`None` for nonsense).
    pub word: Option<String>,
    /// For off-topic: the topic (`weather`, `lodging`, …).
    pub topic: Option<String>,
}

impl Scope {
    /// `data/words/scope.toml`, parsed once (compiled in; its parse is unit-tested).
    pub fn builtin() -> &'static Scope {
        static SCOPE: OnceLock<Scope> = OnceLock::new();
        SCOPE.get_or_init(|| {
            toml::from_str(SCOPE_TOML).expect("data/words/scope.toml parses (unit-tested)")
        })
    }

    /// A Korean place name counts when what follows it is nothing, a space, punctuation, or
    /// one of the suffixes; an ASCII one as a whole word.
    fn names_place(&self, text: &str, place: &str) -> bool {
        if place.is_ascii() {
            return parse::contains_word(text, place);
        }
        text.match_indices(place).any(|(i, _)| {
            let rest = &text[i + place.len()..];
            match rest.chars().next() {
                None => true,
                Some(c) if !is_hangul(c) => true,
                Some(_) => self
                    .place_suffixes
                    .iter()
                    .any(|s| rest.starts_with(s.as_str())),
            }
        })
    }

    /// Korean words as substrings, ASCII ones as whole words ([`parse::contains_word`]).
    fn mentions(text: &str, words: &[String]) -> bool {
        words.iter().any(|w| parse::contains_word(text, w))
    }

    /// Whether to decline `question`, given what the parser understood (`intent`), whether it
    /// revises an earlier answer (`follow_up`), and the graph's words (empty when they could
    /// not be read: then nothing is declined as nonsense).
    pub fn judge(
        &self,
        question: &str,
        intent: &Intent,
        follow_up: bool,
        graph: &GraphWords,
    ) -> Option<Decline> {
        let text = parse::normalize(question);
        let c = &intent.constraints;
        let jeju_named = c.region.is_some()
            || c.city.is_some()
            || c.near_attraction.is_some()
            || text.contains("제주")
            || parse::contains_word(&text, "jeju");
        if !jeju_named {
            if let Some(place) = self
                .outside_places
                .iter()
                .find(|p| self.names_place(&text, p))
            {
                return Some(Decline {
                    reason: DeclineReason::OutOfArea,
                    word: Some(place.clone()),
                    topic: None,
                });
            }
        }
        // A data measure alone ("제일 싼") does not make an off-topic question about stores:
        // "제일 싼 비행기표" asks about flights.
        let food = Scope::mentions(&text, &self.food_words)
            || c.dish.is_some()
            || !c.store_types.is_empty();
        if !food {
            for t in &self.off_topic {
                if let Some(w) = t.words.iter().find(|w| parse::contains_word(&text, w)) {
                    return Some(Decline {
                        reason: DeclineReason::OffTopic,
                        word: Some(w.clone()),
                        topic: Some(t.topic.clone()),
                    });
                }
            }
        }
        let understood = food
            || intent.goal.is_some()
            || jeju_named
            || follow_up
            || c.companion.is_some()
            || c.age_band.is_some()
            || c.time.is_some()
            || c.price_max_per_person.is_some()
            || parse::has_route_cue(&text);
        if !understood && !graph.is_empty() && !graph.any_in(&text) {
            return Some(Decline {
                reason: DeclineReason::Nonsense,
                word: None,
                topic: None,
            });
        }
        None
    }
}

fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c) || ('\u{3131}'..='\u{318E}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> GraphWords {
        GraphWords::from_names(["흑돼지 근고기 (600g)", "빙떡", "노형케이크", "가정식"])
    }

    fn judge(q: &str) -> Option<DeclineReason> {
        let intent = parse::parse(q);
        Scope::builtin()
            .judge(q, &intent, false, &graph())
            .map(|d| d.reason)
    }

    #[test]
    fn the_word_lists_parse_and_never_name_a_jeju_place() {
        let s = Scope::builtin();
        assert!(s.outside_places.len() > 50 && s.off_topic.len() >= 5);
        for r in jeju_data::gazetteer::regions() {
            for alias in r.aliases() {
                let alias = alias.to_lowercase();
                assert!(
                    !s.outside_places.contains(&alias),
                    "{alias} is a Jeju region and an outside place"
                );
            }
        }
        for a in jeju_data::gazetteer::attractions() {
            assert!(!s.outside_places.contains(&a.name), "{}", a.name);
        }
    }

    #[test]
    fn places_outside_jeju_are_declined_unless_jeju_is_named() {
        assert_eq!(
            judge("서울 강남 맛집 추천해줘"),
            Some(DeclineReason::OutOfArea)
        );
        assert_eq!(judge("Best BBQ in Busan?"), Some(DeclineReason::OutOfArea));
        assert_eq!(judge("부산에서 왔는데 애월 흑돼지 맛집 알려줘"), None);
        // A dish named after a city is not the city.
        assert_eq!(judge("춘천닭갈비 파는 곳 있어?"), None);
        assert_eq!(judge("제주시 안동찜닭 맛집"), None);
    }

    #[test]
    fn other_topics_are_declined_unless_food_is_asked_too() {
        assert_eq!(judge("내일 제주 날씨 어때?"), Some(DeclineReason::OffTopic));
        assert_eq!(
            judge("Where can I rent a car?"),
            Some(DeclineReason::OffTopic)
        );
        assert_eq!(judge("애월 호텔 추천해줘"), Some(DeclineReason::OffTopic));
        assert_eq!(judge("한라산 등산 끝나고 먹을 맛집"), None);
        // A measure of the topic ("제일 싼") does not make it a question about stores.
        assert_eq!(
            judge("김포에서 가는 비행기표 제일 싼 날"),
            Some(DeclineReason::OffTopic)
        );
        assert_eq!(judge("렌트카비용 얼마야"), Some(DeclineReason::OffTopic));
        // A measure of stores stays.
        assert_eq!(judge("애월 가장 싼 흑돼지 맛집"), None);
        assert_eq!(judge("한림읍 가게 중 리뷰 제일 많은 곳"), None);
        assert_eq!(judge("hotel near a good seafood restaurant in Aewol"), None);
    }

    #[test]
    fn nothing_grounded_is_nonsense_but_a_real_menu_word_is_not() {
        assert_eq!(judge("asdf qwer"), Some(DeclineReason::Nonsense));
        assert_eq!(judge("ㅋㅋㅋㅋ"), Some(DeclineReason::Nonsense));
        assert_eq!(judge("빙떡"), None, "a menu item of the graph");
        assert_eq!(judge("부모님과 갈 곳"), None, "a companion is understood");
        // Without the graph's words nothing is declined as nonsense.
        let intent = parse::parse("asdf");
        assert!(Scope::builtin()
            .judge("asdf", &intent, false, &GraphWords::default())
            .is_none());
        // A follow-up of an earlier answer is understood by the session.
        assert!(Scope::builtin()
            .judge("그건 좀", &parse::parse("그건 좀"), true, &graph())
            .is_none());
    }
}
