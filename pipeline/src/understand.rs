//! Accounting for every content word of a question. After the parser, each word is either
//! understood (a place, a kind of place, a dish, a companion, an age, a time, a price, a
//! measure, a mood word the review search reads), a filler that asks or points ("추천해줘",
//! "where"), or **unmatched**: the answer then names it ("'xyz'는 데이터에서 찾지 못해 빼고
//! 찾았어요") instead of silently dropping it.
//!
//! The everyday vocabulary of `data/words/` ([`crate::words`]: English and romanised dish
//! names, 고깃집/izakaya/brunch) grounds what the parser's lexicon does not know: a dish or
//! kind of place found there fills the constraint the parser left empty, or replaces the
//! parser's reading when it is longer and contains the parser's word ("pork noodle soup"
//! over "pork", "고깃집" over "고기", "브런치 카페" over "카페"). A Korean word the menus
//! contain (or a misspelling of one) grounds through [`crate::grounding`]. The route's trace
//! says what grounded and from what; the answer carries both lists.

use jeju_data::gazetteer;
use serde::Serialize;

use crate::grounding;
use crate::intent::Constraints;
use crate::lexicon::{self, AGE_WORDS, COMPANION_WORDS, DISHES, TIME_WORDS, TYPE_WORDS};
use crate::parse;
use crate::scope::GraphWords;
use crate::session;
use crate::words::{self, Found, WordMeaning, Words};

/// One understood word and its value in the graph's terms (a region, types, a dish key …).
pub use jeju_api::UnderstoodWord as Understood;
/// What a word of the question became (the API's enum, as `Stage` is).
pub use jeju_api::WordRole as Role;

/// The accounting of a question's words.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Understanding {
    pub understood: Vec<Understood>,
    /// Content words nothing explains, as written (lower-cased), in question order.
    pub unmatched: Vec<String>,
    /// What the accounting changed in the constraints, for the trace.
    pub grounded: Vec<String>,
    /// Misspelt words read as known ones ([`crate::typo`]).
    pub corrections: Vec<crate::typo::Correction>,
    /// Unmatched words the LLM judged to be nothing the data can tell (parking, pets): still
    /// named in the answer, but no query can use them.
    pub not_in_data: Vec<String>,
}

impl Understanding {
    /// The question asks for a mood, view or occasion (read from the reviews).
    pub fn asks_mood(&self) -> bool {
        self.understood.iter().any(|u| u.role == Role::Mood)
    }

    /// Some unmatched word might still mean something the data has (neither the rules nor
    /// the LLM's reading explained it, and the LLM did not call it beyond the data).
    pub fn has_unexplained(&self) -> bool {
        self.unmatched.iter().any(|w| !self.not_in_data.contains(w))
    }

    /// Takes in the LLM's readings of the unmatched words: a word that became a constraint
    /// is understood (the trace says by the LLM), one beyond the data stays named.
    pub fn take_readings(&mut self, readings: &crate::llm_route::Readings) {
        for applied in &readings.applied {
            let word = &applied.understood.word;
            self.unmatched.retain(|w| w != word);
            if !self.understood.iter().any(|u| &u.word == word) {
                self.understood.push(applied.understood.clone());
            }
            self.grounded
                .push(format!("'{word}' → {} (read by the LLM)", applied.label));
        }
        for word in &readings.not_in_data {
            if !self.not_in_data.contains(word) {
                self.not_in_data.push(word.clone());
            }
        }
    }
}

/// A vocabulary word found in the question: byte range, role, value.
#[derive(Debug, Clone)]
struct Span {
    start: usize,
    end: usize,
    role: Role,
    value: String,
    /// Found by the everyday vocabulary of `data/words/` (not the parser's).
    everyday: bool,
}

impl Span {
    fn chars(&self, text: &str) -> usize {
        text[self.start..self.end].chars().count()
    }
    fn within(&self, other: &Span) -> bool {
        other.start <= self.start && self.end <= other.end
    }
    fn strictly_within(&self, other: &Span) -> bool {
        self.within(other) && (other.end - other.start) > (self.end - self.start)
    }
}

/// Accounts for the words of `question` (whose own parse gave `c`): grounds what the
/// everyday vocabulary and the graph's menus know into `c` and lists the rest as unmatched.
pub fn account(question: &str, c: &mut Constraints, graph: Option<&GraphWords>) -> Understanding {
    let text = question.to_lowercase();
    let mut out = Understanding::default();
    let everyday = Words::builtin().find_in(&text);
    let mut spans = vocabulary_spans(&text, &everyday);
    let unwanted = parse::unwanted_part(&text);
    if let Some((word, v)) = graph.and_then(|g| grounding::ground_village(question, c, g)) {
        out.grounded.push(format!(
            "'{word}' → region '{}' (the village {}, in {} store addresses)",
            v.region, v.name, v.stores
        ));
        for (start, end) in words::occurrences(&text, &word.to_lowercase()) {
            spans.push(Span {
                start,
                end,
                role: Role::Place,
                value: v.region.clone(),
                everyday: false,
            });
        }
    }
    ground_everyday(&text, c, &spans, &everyday, unwanted, graph, &mut out);
    if let Some(g) = graph.and_then(|g| grounding::ground_menu_word(question, c, g)) {
        out.grounded.push(format!(
            "'{}' → dish '{}' (a menu item fragment of the graph)",
            g.word, g.fragment
        ));
        let word = g.word.to_lowercase();
        for (start, end) in words::occurrences(&text, &word) {
            spans.push(Span {
                start,
                end,
                role: Role::Dish,
                value: g.fragment.clone(),
                everyday: false,
            });
        }
    }
    if let Some(word) = graph.and_then(|g| grounding::unkept_dish_qualifier(question, c, g)) {
        out.grounded.push(format!(
            "'{word}' is on no menu: read as dish '{}', and every pick says it lacks '{word}'",
            c.dish.as_deref().unwrap_or_default()
        ));
        c.dish_asked = Some(word);
    }
    // What the question's words became, in question order, each word once.
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    for s in &spans {
        let word = text[s.start..s.end].trim().to_owned();
        if s.role != Role::Mood && !applies(s, c) {
            continue;
        }
        if !out.understood.iter().any(|u| u.word == word) {
            out.understood.push(Understood {
                word,
                role: s.role,
                value: s.value.clone(),
            });
        }
    }
    for (start, end) in tokens(&text) {
        let token = &text[start..end];
        // Covered by a word the answer used (a word the rules know but did not use, such
        // as "cheap" with no price asked, is not explained by being known).
        let covered = spans
            .iter()
            .any(|s| s.start < end && start < s.end && (s.role == Role::Place || applies(s, c)));
        let known_unused = spans.iter().any(|s| s.start < end && start < s.end);
        if covered || !(is_content(token) || known_unused && is_named_when_unused(token)) {
            continue;
        }
        let word = token.to_owned();
        if !out.unmatched.contains(&word) {
            out.unmatched.push(word);
        }
    }
    out
}

/// Whether a found word is reflected in the constraints (a dish word that did not become the
/// dish, because a longer one did, is not "understood as" that dish).
fn applies(s: &Span, c: &Constraints) -> bool {
    match s.role {
        Role::Dish => c.dish.is_some(),
        Role::Kind => !c.store_types.is_empty() || c.dish.is_some(),
        Role::Place => c.region.is_some() || c.city.is_some() || c.near_attraction.is_some(),
        Role::Companion => c.companion.is_some(),
        Role::Age => c.age_band.is_some(),
        Role::Time => c.time.is_some(),
        Role::Price => c.price_max_per_person.is_some(),
        Role::Measure | Role::Mood => true,
    }
}

/// The dish or kind of place of the everyday vocabulary, applied to `c`: the longest word
/// found (outside the part the user does not want) fills an empty slot, or replaces the
/// parser's reading of a word it contains.
fn ground_everyday(
    text: &str,
    c: &mut Constraints,
    spans: &[Span],
    everyday: &[Found],
    unwanted: Option<&str>,
    graph: Option<&GraphWords>,
    out: &mut Understanding,
) {
    let in_unwanted = |s: usize, e: usize| {
        unwanted.is_some_and(|u| {
            let Some(at) = text.find(u) else { return false };
            s >= at && e <= at + u.len()
        })
    };
    let found: Vec<(Span, WordMeaning)> = everyday
        .iter()
        .filter(|f| !in_unwanted(f.start, f.end))
        .filter(|f| match &f.meaning {
            // A dish grounds only when some menu of this graph has it.
            WordMeaning::Dish(d) => graph.is_none_or(|g| g.is_empty() || g.in_menu(&d.fragment)),
            WordMeaning::Place(..) => true,
        })
        .map(|f| (everyday_span(f), f.meaning.clone()))
        .collect();
    // A word inside a longer word of another meaning never grounds: the 커리 in 베이커리
    // (a kind of place), a dish inside a place name. Those words stay the parser's.
    let found: Vec<&(Span, WordMeaning)> = found
        .iter()
        .filter(|(s, _)| {
            !spans.iter().any(|p| {
                !p.everyday && p.role != s.role && p.role != Role::Mood && s.strictly_within(p)
            })
        })
        .collect();
    let longest = |keep: &dyn Fn(&WordMeaning) -> bool| {
        found
            .iter()
            .filter(|(_, m)| keep(m))
            .max_by_key(|(s, _)| (s.chars(text), std::cmp::Reverse(s.start)))
            .copied()
    };
    let parser_kind =
        parser_span(text, spans, Role::Kind, None).filter(|_| !c.store_types.is_empty());
    let mut applied: Vec<Span> = Vec::new();
    // The dish slot: a menu fragment first (the most specific), else a kind of place judged
    // by its menu (고깃집, brunch).
    let dish = longest(&|m| matches!(m, WordMeaning::Dish(_)))
        .or_else(|| longest(&|m| matches!(m, WordMeaning::Place(p, _) if p.types.is_empty())));
    if let Some((best, meaning)) = dish {
        let parser_dish = parser_span(text, spans, Role::Dish, c.dish.as_deref());
        let (terms, key, source) = match meaning {
            WordMeaning::Dish(d) => (
                vec![d.fragment.clone()],
                d.fragment.clone(),
                "data/words/menu.toml".to_owned(),
            ),
            WordMeaning::Place(p, _) => (
                p.menu.clone(),
                place_key(p),
                format!("data/words/places.toml '{}'", place_key(p)),
            ),
        };
        // A longer word that means what the parser's dish already means changes nothing
        // ("흑돼지 맛집" is the parser's 흑돼지).
        let same = c
            .dish
            .as_deref()
            .is_some_and(|d| lexicon::menu_terms(d) == terms);
        // Only a dish of the menus is more specific than the parser's dish: a kind of place
        // judged by its menu ("디저트 맛집") fills an empty dish, never replaces one.
        let more_specific = matches!(meaning, WordMeaning::Dish(_))
            && parser_dish
                .as_ref()
                .is_some_and(|p| p.strictly_within(best));
        if !same && (c.dish.is_none() || more_specific) {
            out.grounded.push(format!(
                "'{}' → dish {} ({source})",
                &text[best.start..best.end],
                terms.join("|")
            ));
            c.dish = Some(key);
            // A kind read from a word inside this one ("짬뽕" → 중식, "브런치 카페" → 커피)
            // gives way to it.
            if parser_kind.as_ref().is_some_and(|k| k.within(best)) {
                c.store_types.clear();
            }
            applied.push(best.clone());
        }
    }
    // The kind slot: a kind of place that is a store type (izakaya, 밥집), unless inside a
    // word the dish slot took.
    let kind = longest(&|m| matches!(m, WordMeaning::Place(p, _) if !p.types.is_empty()))
        .filter(|(s, _)| !applied.iter().any(|a| s.within(a)));
    if let Some((best, WordMeaning::Place(p, _))) = kind {
        let more_specific = parser_kind
            .as_ref()
            .is_some_and(|k| k.strictly_within(best));
        if (c.store_types.is_empty() && applied.is_empty() || more_specific)
            && c.store_types != p.types
        {
            out.grounded.push(format!(
                "'{}' → types {} (data/words/places.toml)",
                &text[best.start..best.end],
                p.types.join("/")
            ));
            c.store_types = p.types.clone();
            let parser_dish = parser_span(text, spans, Role::Dish, c.dish.as_deref());
            if applied.is_empty() && parser_dish.as_ref().is_some_and(|d| d.within(best)) {
                c.dish = None;
            }
        }
    }
}

/// The key a menu-judged kind of place is stored under in `Constraints::dish`: its first
/// word ([`lexicon::menu_terms`] resolves it back to the fragments).
fn place_key(p: &words::PlaceWord) -> String {
    p.words.first().cloned().unwrap_or_default()
}

/// The longest span of the parser's reading of a slot (its own vocabularies, not the
/// everyday one): for the dish, the words of the parser's dish; for the kind, any type word.
fn parser_span(text: &str, spans: &[Span], role: Role, dish: Option<&str>) -> Option<Span> {
    spans
        .iter()
        .filter(|s| !s.everyday)
        .filter(|s| s.role == role && (role != Role::Dish || dish == Some(s.value.as_str())))
        .max_by_key(|s| s.chars(text))
        .cloned()
}

/// The span of a word of the everyday vocabulary: a menu fragment is a dish; a kind of place
/// a kind (store types) or, judged by its menu, a dish.
fn everyday_span(f: &Found) -> Span {
    let (role, value) = match &f.meaning {
        WordMeaning::Dish(d) => (Role::Dish, d.fragment.clone()),
        WordMeaning::Place(p, _) if !p.types.is_empty() => (Role::Kind, p.types.join("/")),
        WordMeaning::Place(p, _) => (Role::Dish, place_key(p)),
    };
    Span {
        start: f.start,
        end: f.end,
        role,
        value,
        everyday: true,
    }
}

/// The regions' aliases of two characters or more, with the region's name (built once).
fn region_aliases() -> &'static [(String, String)] {
    static ALIASES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    ALIASES.get_or_init(|| {
        gazetteer::regions()
            .iter()
            .flat_map(|r| r.aliases().into_iter().map(move |a| (a, r.name.clone())))
            .filter(|(a, _)| a.chars().count() >= 2)
            .collect()
    })
}

/// Every word of the parser's vocabularies and of `data/words/` (`everyday`, already found)
/// in the text.
fn vocabulary_spans(text: &str, everyday: &[Found]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut add = |word: &str, role: Role, value: String| {
        for (start, end) in words::occurrences(text, word) {
            out.push(Span {
                start,
                end,
                role,
                value: value.clone(),
                everyday: false,
            });
        }
    };
    for (alias, region) in region_aliases() {
        add(alias, Role::Place, region.clone());
    }
    for a in gazetteer::attractions() {
        add(&a.name, Role::Place, a.name.clone());
        add(&a.romanized.to_lowercase(), Role::Place, a.name.clone());
    }
    for (w, city) in [
        ("제주시", "제주시"),
        ("서귀포시", "서귀포시"),
        ("서귀포", "서귀포시"),
        ("제주", "제주"),
        ("jeju city", "제주시"),
        ("jeju-si", "제주시"),
        ("jeju", "제주"),
        ("seogwipo-si", "서귀포시"),
        ("seogwipo", "서귀포시"),
        ("udo", "우도"),
    ] {
        add(w, Role::Place, city.to_owned());
    }
    for (w, types) in TYPE_WORDS {
        add(w, Role::Kind, types.join("/"));
    }
    for (t, _) in gazetteer::STORE_TYPES.iter() {
        add(t, Role::Kind, (*t).to_owned());
    }
    for d in DISHES {
        for w in d.words {
            add(w, Role::Dish, d.name.to_owned());
        }
    }
    for (w, v) in COMPANION_WORDS {
        add(w, Role::Companion, format!("{v:?}"));
    }
    for (w, v) in AGE_WORDS {
        add(w, Role::Age, format!("{v:?}"));
    }
    for (w, v) in TIME_WORDS {
        add(w, Role::Time, format!("{v:?}"));
    }
    out.extend(everyday.iter().map(everyday_span));
    let f = &Words::builtin().filler;
    for (list, role) in [
        (&f.soft_ko, Role::Mood),
        (&f.soft_en, Role::Mood),
        (&f.measure_ko, Role::Measure),
        (&f.measure_en, Role::Measure),
        (&f.price_words, Role::Price),
        (&f.time_words, Role::Time),
    ] {
        for word in list {
            for (start, end) in words::occurrences(text, word) {
                out.push(Span {
                    start,
                    end,
                    role,
                    value: word.clone(),
                    everyday: true,
                });
            }
        }
    }
    // A follow-up's cues: cheaper is a price; "말고", "근처", "그중" point at the last answer.
    for w in session::CHEAPER {
        for (start, end) in words::occurrences(text, w) {
            out.push(Span {
                start,
                end,
                role: Role::Price,
                value: "cheaper".to_owned(),
                everyday: false,
            });
        }
    }
    // Romanised places as tourists spell them (Sungsan, Jungmoon): by sound, word by word.
    for (start, end) in words::ascii_word_spans(text) {
        if let Some(r) = parse::romanized_region_word(&text[start..end]) {
            out.push(Span {
                start,
                end,
                role: Role::Place,
                value: r.name.clone(),
                everyday: false,
            });
        }
    }
    // Prices and numbers: "2만원", "15,000 won", "1인", "7시", "20대".
    for (start, end) in tokens(text) {
        let token = &text[start..end];
        if token.chars().any(|c| c.is_ascii_digit()) {
            let role = if token.contains('원') || token.contains('만') || token.contains("won") {
                Role::Price
            } else if token.ends_with('대') || token.ends_with('s') {
                Role::Age
            } else if token.contains('시') || token.ends_with("am") || token.ends_with("pm") {
                Role::Time
            } else {
                Role::Measure
            };
            out.push(Span {
                start,
                end,
                role,
                value: token.to_owned(),
                everyday: false,
            });
        }
    }
    out
}

/// The words of a text: runs of letters and digits (Hangul included; a digit run keeps its
/// thousands commas, "10,000"), with byte ranges.
fn tokens(text: &str) -> Vec<(usize, usize)> {
    words::runs(text, |c, run| {
        c.is_alphanumeric()
            || c == ',' && !run.is_empty() && run.chars().all(|d| d.is_ascii_digit())
    })
}

/// A known word the answer did not use is named only when it says something on its own (a
/// price or time word such as "cheap" or "tonight"; not a particle-wrapped filler).
fn is_named_when_unused(token: &str) -> bool {
    let f = &Words::builtin().filler;
    f.price_words
        .iter()
        .chain(&f.time_words)
        .any(|w| w == token || grounding::strip_particle(token) == w)
}

/// Korean verb and adjective endings: a word ending so asks or describes, it names nothing.
const PREDICATE_ENDINGS: &[&str] = &[
    "요", "줘", "다", "까", "죠", "네", "어", "아", "고", "게", "지", "며", "면", "서", "니", "래",
    "자", "는", "은", "을", "한", "할", "운", "던", "든", "해", "여", "워", "와", "봐", "야", "러",
    "나", "래", "임", "음", "함",
];

/// Whether a word (not in any vocabulary) is a content word worth naming when unmatched: a
/// Korean word of two syllables or more that is not a filler, a particle-wrapped filler or a
/// predicate; an English word of three letters or more that is not a filler.
pub(crate) fn is_content(token: &str) -> bool {
    let f = &Words::builtin().filler;
    if token.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    if token.is_ascii() {
        return token.len() >= 3 && !f.en_words.iter().any(|w| w == token);
    }
    if !token
        .chars()
        .all(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
    {
        return false;
    }
    let stem = grounding::strip_particle(token);
    if stem.chars().count() < 2 {
        return false;
    }
    // A one-syllable entry (곳, 집, 전) is the whole word; a longer one also its start.
    let filler = f
        .ko_stems
        .iter()
        .chain(&f.soft_ko)
        .chain(&f.measure_ko)
        .any(|s| {
            if s.chars().count() < 2 {
                stem == s.as_str() || token == s.as_str()
            } else {
                stem.starts_with(s.as_str()) || token.starts_with(s.as_str())
            }
        });
    let predicate = PREDICATE_ENDINGS.iter().any(|e| stem.ends_with(e));
    !filler && !predicate
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn run(q: &str) -> (Constraints, Understanding) {
        let mut c = parse(q).constraints;
        let u = account(q, &mut c, None);
        (c, u)
    }

    #[test]
    fn english_and_romanised_dish_names_ground_as_menu_fragments() {
        let (c, u) = run("Where can I get gogi guksu in Jeju City?");
        assert_eq!(c.dish.as_deref(), Some("고기국수"), "{u:?}");
        assert!(u.unmatched.is_empty(), "{u:?}");
        let (c, _) = run("pork noodle soup in Hallim");
        assert_eq!(
            c.dish.as_deref(),
            Some("고기국수"),
            "longer than the parser's 'pork'"
        );
        let (c, _) = run("Where can I have abalone porridge on Udo island?");
        assert_eq!(c.dish.as_deref(), Some("전복죽"));
    }

    #[test]
    fn everyday_kinds_of_place_ground_as_types_or_menus() {
        let (c, u) = run("연동에 단체로 갈 만한 고깃집 좀 알려주세요");
        assert_eq!(c.dish.as_deref(), Some("고깃집"), "{u:?}");
        assert!(lexicon::menu_terms("고깃집").contains(&"삼겹살".to_owned()));
        assert!(c.store_types.is_empty());
        let (c, _) = run("노형동 브런치 카페 추천");
        assert_eq!(c.dish.as_deref(), Some("브런치"));
        assert!(
            c.store_types.is_empty(),
            "the brunch café is judged by its menu"
        );
        let (c, _) = run("Any izakaya in Yeon-dong?");
        assert!(c.store_types.contains(&"맥주/요리주점".to_owned()), "{c:?}");
    }

    #[test]
    fn unknown_content_words_are_named_and_fillers_are_not() {
        let (_, u) = run("애월 흑돼지 맛집 추천해줘 asdfgh");
        assert_eq!(u.unmatched, ["asdfgh"]);
        let (_, u) = run("60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘");
        assert!(u.unmatched.is_empty(), "{u:?}");
        assert!(u
            .understood
            .iter()
            .any(|w| w.word == "애월읍" && w.role == Role::Place));
        let (_, u) = run("quiet place with a sea view for black pork in Aewol");
        assert!(u.unmatched.is_empty(), "{u:?}");
        assert!(u.understood.iter().any(|w| w.role == Role::Mood));
    }

    #[test]
    fn a_word_inside_a_longer_word_of_another_meaning_does_not_ground() {
        let (c, _) = run("서귀포시 베이커리 중에 평점 높은 순으로 2곳 알려주세요");
        assert_eq!(c.dish, None, "커리 is inside 베이커리");
        assert_eq!(c.store_types, ["베이커리"]);
    }

    #[test]
    fn a_dish_inside_an_everyday_kind_of_place_still_grounds() {
        let (c, _) = run("Any Vietnamese pho place on Udo?");
        assert_eq!(c.dish.as_deref(), Some("쌀국수"));
    }

    #[test]
    fn an_everyday_kind_of_place_replaces_a_type_read_from_inside_it() {
        // The contest type 차 (tea) is inside 포차 (a street bar).
        let (c, _) = run("노형동 포차 가고싶다");
        assert_eq!(c.store_types, ["포장마차"], "{c:?}");
    }

    #[test]
    fn a_dish_in_the_unwanted_part_does_not_ground() {
        let (c, _) = run("흑돼지 말고 해산물");
        assert_eq!(c.dish.as_deref(), Some("해산물"));
    }
}
