//! The everyday vocabulary of `data/words/`, compiled in and parsed once: how visitors name
//! the dishes on the menus (`menu.toml`: English, romanised and Korean variants of menu-name
//! fragments), the kinds of place they ask for (`places.toml`: 고깃집, izakaya, brunch … as
//! store types or menu fragments), and the words that carry no constraint (`filler.toml`).
//! Unit tests check every fragment against the synthetic data's menu items and every type
//! against the contest's 30. [`crate::understand`] reads them.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::parse::romanized_key;

const MENU_TOML: &str = include_str!("../../data/words/menu.toml");
const PLACES_TOML: &str = include_str!("../../data/words/places.toml");
const FILLER_TOML: &str = include_str!("../../data/words/filler.toml");

/// How visitors name one menu-name fragment.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MenuWord {
    /// A substring of one or more menu item names (e.g. 고기국수).
    pub fragment: String,
    /// Lower-case English names and romanisations ("pork noodle soup", "gogi guksu").
    #[serde(default)]
    pub en: Vec<String>,
    /// Korean variants that do not contain the fragment (spacing, colloquial names).
    #[serde(default)]
    pub ko: Vec<String>,
}

/// An everyday word for a kind of place and what it means in the data: store types, or
/// (when it names no type) menu fragments.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceWord {
    pub words: Vec<String>,
    pub types: Vec<String>,
    pub menu: Vec<String>,
    pub note: String,
}

/// Words that carry no constraint (see `data/words/filler.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filler {
    pub ko_stems: Vec<String>,
    pub en_words: Vec<String>,
    pub soft_ko: Vec<String>,
    pub soft_en: Vec<String>,
    pub measure_ko: Vec<String>,
    pub measure_en: Vec<String>,
    pub price_words: Vec<String>,
    pub time_words: Vec<String>,
}

#[derive(Deserialize)]
struct MenuFile {
    dish: Vec<MenuWord>,
}

#[derive(Deserialize)]
struct PlacesFile {
    place: Vec<PlaceWord>,
}

/// The three files.
#[derive(Debug)]
pub struct Words {
    pub menu: Vec<MenuWord>,
    pub places: Vec<PlaceWord>,
    pub filler: Filler,
    /// Each English/romanised dish phrase by its sound key ([`phrase_key`]).
    en_keys: Vec<(String, usize)>,
}

/// Where a vocabulary word was found in a question: byte range and what it means.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<'w> {
    pub start: usize,
    pub end: usize,
    pub meaning: WordMeaning<'w>,
}

/// What a vocabulary word means.
#[derive(Debug, Clone, PartialEq)]
pub enum WordMeaning<'w> {
    /// A menu-name fragment (from `menu.toml`).
    Dish(&'w MenuWord),
    /// A kind of place (from `places.toml`), with the word as written in the file.
    Place(&'w PlaceWord, &'w str),
}

/// The sound key of an English or romanised phrase: its words' [`romanized_key`]s, joined
/// without spaces, so that "gogi guksoo", "gogi-guksu" and "gogiguksu" meet.
pub fn phrase_key(phrase: &str) -> String {
    phrase
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(romanized_key)
        .collect()
}

impl Words {
    /// The compiled-in files, parsed once (their parse is unit-tested).
    pub fn builtin() -> &'static Words {
        static WORDS: OnceLock<Words> = OnceLock::new();
        WORDS.get_or_init(|| {
            let menu: MenuFile = toml::from_str(MENU_TOML).expect("menu.toml parses (unit-tested)");
            let places: PlacesFile =
                toml::from_str(PLACES_TOML).expect("places.toml parses (unit-tested)");
            let filler: Filler =
                toml::from_str(FILLER_TOML).expect("filler.toml parses (unit-tested)");
            let en_keys = menu
                .dish
                .iter()
                .enumerate()
                .flat_map(|(i, d)| d.en.iter().map(move |e| (phrase_key(e), i)))
                .filter(|(k, _)| !k.is_empty())
                .collect();
            Words {
                menu: menu.dish,
                places: places.place,
                filler,
                en_keys,
            }
        })
    }

    /// Every dish and place word of the files found in `text` (lower-cased by the caller):
    /// Korean words as substrings, English ones as whole words, romanised ones also by sound
    /// over one to four consecutive words (long phrases only, so that a short word does not
    /// meet an unrelated one).
    pub fn find_in<'w>(&'w self, text: &str) -> Vec<Found<'w>> {
        let mut out = Vec::new();
        for d in &self.menu {
            for w in std::iter::once(&d.fragment).chain(&d.ko).chain(&d.en) {
                for (start, end) in occurrences(text, w) {
                    out.push(Found {
                        start,
                        end,
                        meaning: WordMeaning::Dish(d),
                    });
                }
            }
        }
        for p in &self.places {
            for w in &p.words {
                for (start, end) in occurrences(text, w) {
                    out.push(Found {
                        start,
                        end,
                        meaning: WordMeaning::Place(p, w),
                    });
                }
            }
        }
        // Romanised spellings by sound: windows of ASCII words.
        let words = ascii_word_spans(text);
        for len in 1..=4 {
            for win in words.windows(len) {
                let key: String = win
                    .iter()
                    .map(|&(s, e)| romanized_key(&text[s..e]))
                    .collect();
                if key.chars().count() < 6 {
                    continue;
                }
                let (start, end) = (win[0].0, win[len - 1].1);
                for (k, i) in &self.en_keys {
                    if *k == key {
                        let found = Found {
                            start,
                            end,
                            meaning: WordMeaning::Dish(&self.menu[*i]),
                        };
                        if !out.contains(&found) {
                            out.push(found);
                        }
                    }
                }
            }
        }
        out
    }
}

/// Byte ranges of the ASCII words of a text.
pub(crate) fn ascii_word_spans(text: &str) -> Vec<(usize, usize)> {
    runs(text, |c, _| c.is_ascii_alphanumeric())
}

/// Byte ranges of the runs of characters that `part` keeps; `part` sees each character and
/// the run so far (empty at a run's start).
pub(crate) fn runs(text: &str, part: impl Fn(char, &str) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let run = start.map_or("", |s| &text[s..i]);
        match (part(c, run), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// Where `word` occurs in `text`: Korean anywhere (particles attach), ASCII as whole words
/// (a plural "s" allowed).
pub(crate) fn occurrences(text: &str, word: &str) -> Vec<(usize, usize)> {
    if word.is_empty() {
        return Vec::new();
    }
    let bytes = text.as_bytes();
    text.match_indices(word)
        .filter_map(|(start, _)| {
            let mut end = start + word.len();
            if word.is_ascii() {
                let before_ok = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
                let plural = end < bytes.len()
                    && bytes[end] == b's'
                    && (end + 1 >= bytes.len() || !bytes[end + 1].is_ascii_alphanumeric());
                if plural {
                    end += 1;
                }
                let after_ok = end >= bytes.len() || !bytes[end].is_ascii_alphanumeric();
                if !(before_ok && after_ok) {
                    return None;
                }
            }
            Some((start, end))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The data's menu catalogue (every item a store's menu is drawn from).
    fn data_menu_items() -> BTreeSet<String> {
        jeju_synth::menu_item_names()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn every_fragment_is_on_some_menu_and_every_type_is_a_contest_type() {
        let w = Words::builtin();
        let items = data_menu_items();
        assert!(items.len() > 200, "{}", items.len());
        assert!(w.menu.len() >= 250 && w.places.len() >= 40);
        for d in &w.menu {
            assert!(
                items.iter().any(|m| m.contains(d.fragment.as_str())),
                "menu.toml: no menu item contains {}",
                d.fragment
            );
            assert!(
                d.en.iter().all(|e| *e == e.to_lowercase()),
                "{}",
                d.fragment
            );
        }
        // Every menu item is named by some fragment.
        for m in &items {
            assert!(
                w.menu.iter().any(|d| m.contains(d.fragment.as_str())),
                "menu.toml: nothing names {m}"
            );
        }
        for p in &w.places {
            assert!(
                p.types.is_empty() != p.menu.is_empty(),
                "places.toml {:?}: exactly one of types/menu",
                p.words
            );
            for t in &p.types {
                assert!(jeju_data::gazetteer::is_store_type(t), "places.toml: {t}");
            }
            for f in &p.menu {
                assert!(
                    items.iter().any(|m| m.contains(f.as_str())),
                    "places.toml: no menu item contains {f}"
                );
            }
        }
    }

    #[test]
    fn no_word_means_two_things() {
        let w = Words::builtin();
        let mut seen = BTreeSet::new();
        for word in w
            .menu
            .iter()
            .flat_map(|d| d.en.iter().chain(&d.ko))
            .chain(w.places.iter().flat_map(|p| &p.words))
        {
            assert!(seen.insert(word.clone()), "{word} appears twice");
        }
    }

    #[test]
    fn fillers_never_hide_a_region_a_type_or_a_dish() {
        let w = Words::builtin();
        let f = &w.filler;
        for word in f
            .ko_stems
            .iter()
            .chain(&f.en_words)
            .chain(&f.soft_ko)
            .chain(&f.soft_en)
        {
            assert!(
                jeju_data::gazetteer::resolve_region(word).is_none() || word.chars().count() < 2,
                "filler {word} is a region"
            );
            assert!(
                !jeju_data::gazetteer::is_store_type(word),
                "filler {word} is a store type"
            );
            assert!(
                !w.menu
                    .iter()
                    .any(|d| d.fragment == *word || d.en.contains(word)),
                "filler {word} is a dish"
            );
            assert!(
                !w.places.iter().any(|p| p.words.contains(word)),
                "filler {word} is a kind of place"
            );
        }
    }

    #[test]
    fn dishes_are_found_by_name_and_by_sound() {
        let w = Words::builtin();
        let fragments = |text: &str| -> Vec<String> {
            w.find_in(text)
                .into_iter()
                .filter_map(|f| match f.meaning {
                    WordMeaning::Dish(d) => Some(d.fragment.clone()),
                    WordMeaning::Place(..) => None,
                })
                .collect()
        };
        assert!(fragments("where can i get gogi guksu").contains(&"고기국수".to_owned()));
        assert!(fragments("gogi guksoo jeju city where").contains(&"고기국수".to_owned()));
        assert!(fragments("abalone porridge on udo").contains(&"전복죽".to_owned()));
        // Whole words only: "bar" is not in "barbecue".
        assert!(w
            .find_in("korean barbecue")
            .iter()
            .all(|f| !matches!(f.meaning, WordMeaning::Place(_, "bar"))));
    }
}
