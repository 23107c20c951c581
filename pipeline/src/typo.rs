//! Korean misspellings of words the vocabularies know, read as those words: 짬봉 → 짬뽕,
//! 전볶죽 → 전복죽, 딱세우 → 딱새우, 카패 → 카페, 칼구수 → 칼국수. Two words are compared
//! letter by letter (jamo: initial, vowel, final of each syllable); a word of the question
//! that no vocabulary explains is read as the one known word of the same length within one
//! jamo (two for four syllables or more), when exactly one is that close. An English word of
//! five letters or more that no vocabulary knows is read as the one English word of the
//! dish and place vocabularies one edit away (two from eight letters): sashmi → sashimi,
//! resturant → restaurant. The answer's accounting names each reading
//! ([`crate::understand::Understanding::corrections`]).

use std::collections::BTreeSet;

use jeju_data::gazetteer;

use crate::grounding::strip_particle;
use crate::lexicon::{DISHES, TYPE_WORDS};
use crate::scope::GraphWords;
use crate::understand::is_content;
use crate::words::Words;

/// A word of the question (its particle stripped) read as a known word.
pub use jeju_api::ReadAs as Correction;

/// Initial, vowel and final of a Hangul syllable.
fn jamo(c: char) -> Option<(u32, u32, u32)> {
    let code = (c as u32).checked_sub(0xAC00)?;
    (code < 11_172).then_some((code / 588, (code % 588) / 28, code % 28))
}

/// Initials people confuse: plain and tense (ㄱ/ㄲ, ㄷ/ㄸ, ㅂ/ㅃ, ㅅ/ㅆ, ㅈ/ㅉ).
const CONFUSED_INITIALS: &[(u32, u32)] = &[(0, 1), (3, 4), (7, 8), (9, 10), (12, 13)];
/// Vowels people confuse: ㅐ/ㅔ, ㅒ/ㅖ, ㅙ/ㅚ/ㅞ, ㅚ/ㅟ.
const CONFUSED_VOWELS: &[(u32, u32)] = &[(1, 5), (3, 7), (10, 11), (10, 15), (11, 15), (11, 16)];

fn confused(pairs: &[(u32, u32)], a: u32, b: u32) -> bool {
    pairs.contains(&(a.min(b), a.max(b)))
}

/// How far apart two Hangul words of the same length are, jamo by jamo: a difference people
/// commonly make (tense for plain, ㅐ for ㅔ, a final left off or doubled: ㄱ/ㄲ) costs 1,
/// any other 2. `None` for words of different lengths or not Hangul.
fn jamo_distance(a: &str, b: &str) -> Option<usize> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() {
        return None;
    }
    let mut d = 0;
    for (x, y) in a.iter().zip(&b) {
        let ((i1, v1, f1), (i2, v2, f2)) = (jamo(*x)?, jamo(*y)?);
        let cost = |same: bool, common: bool| match (same, common) {
            (true, _) => 0,
            (false, true) => 1,
            (false, false) => 2,
        };
        d += cost(i1 == i2, confused(CONFUSED_INITIALS, i1, i2));
        d += cost(v1 == v2, confused(CONFUSED_VOWELS, v1, v2));
        // Finals: none/any (left off) and ㄱ/ㄲ.
        d += cost(
            f1 == f2,
            f1 == 0 || f2 == 0 || f1.min(f2) == 1 && f1.max(f2) == 2,
        );
    }
    Some(d)
}

fn is_hangul_word(w: &str) -> bool {
    !w.is_empty() && w.chars().all(|c| jamo(c).is_some())
}

/// The Korean words the vocabularies know: type and dish words, the everyday words of
/// `data/words/`, region names (built once), and the words of the graph's menu items.
fn known_words(graph: Option<&GraphWords>) -> BTreeSet<&str> {
    static FIXED: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    let fixed = FIXED.get_or_init(|| {
        let w = Words::builtin();
        let mut out: BTreeSet<String> = BTreeSet::new();
        out.extend(TYPE_WORDS.iter().map(|(t, _)| (*t).to_owned()));
        out.extend(
            DISHES
                .iter()
                .flat_map(|d| d.words.iter().map(|x| (*x).to_owned())),
        );
        out.extend(
            w.menu
                .iter()
                .flat_map(|d| std::iter::once(d.fragment.clone()).chain(d.ko.iter().cloned())),
        );
        out.extend(w.places.iter().flat_map(|p| p.words.iter().cloned()));
        out.extend(gazetteer::regions().iter().flat_map(|r| r.aliases()));
        out
    });
    fixed
        .iter()
        .map(String::as_str)
        .chain(graph.into_iter().flat_map(|g| g.menu_words()))
        .filter(|x| is_hangul_word(x) && x.chars().count() >= 2)
        .collect()
}

/// The English words of the dish and place vocabularies (`data/words/`: each phrase split
/// into its words), and the words that may not be read as one of them (the filler, measure
/// and mood words, the romanised gazetteer): built once.
fn english_words() -> &'static (BTreeSet<String>, BTreeSet<String>) {
    static WORDS: std::sync::OnceLock<(BTreeSet<String>, BTreeSet<String>)> =
        std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let w = Words::builtin();
        let split = |phrases: &mut dyn Iterator<Item = &String>| -> BTreeSet<String> {
            phrases
                .flat_map(|p| p.split(|c: char| !c.is_ascii_alphabetic()))
                .filter(|x| x.len() >= 4)
                .map(str::to_ascii_lowercase)
                .collect()
        };
        let targets = split(
            &mut w
                .menu
                .iter()
                .flat_map(|d| &d.en)
                .chain(w.places.iter().flat_map(|p| &p.words)),
        );
        let f = &w.filler;
        let romanized: Vec<String> = gazetteer::regions()
            .iter()
            .map(|r| r.romanized.clone())
            .chain(gazetteer::attractions().iter().map(|a| a.romanized.clone()))
            .collect();
        let known = split(
            &mut f
                .en_words
                .iter()
                .chain(&f.measure_en)
                .chain(&f.soft_en)
                .chain(&romanized),
        );
        (targets, known)
    })
}

/// How the words of [`english_words`] sound (`parse::romanized_key`): a word that sounds
/// like one of them is a spelling the matching by sound already reads (Kujwa for Gujwa).
fn english_sounds() -> &'static BTreeSet<String> {
    static SOUNDS: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    SOUNDS.get_or_init(|| {
        let (targets, known) = english_words();
        targets
            .iter()
            .chain(known)
            .map(|w| crate::parse::romanized_key(w))
            .collect()
    })
}

/// An English word (five letters or more) that no vocabulary knows, read as the one
/// vocabulary word within one edit (Damerau–Levenshtein; two from eight letters).
fn english_reading(word: &str) -> Option<&'static str> {
    let (targets, known) = english_words();
    if word.len() < 5
        || targets.contains(word)
        || known.contains(word)
        || english_sounds().contains(&crate::parse::romanized_key(word))
    {
        return None;
    }
    let max = if word.len() >= 8 { 2 } else { 1 };
    let mut best: Option<(usize, &str)> = None;
    let mut tied = false;
    for t in targets {
        let d = strsim::damerau_levenshtein(word, t);
        match best {
            _ if d > max => {}
            Some((b, _)) if d == b => tied = true,
            Some((b, _)) if d > b => {}
            _ => {
                best = Some((d, t.as_str()));
                tied = false;
            }
        }
    }
    best.filter(|_| !tied).map(|(_, t)| t)
}

/// The question with its misspelt words read as known ones, and the readings. A word that
/// is known as written (or contains a known word), or a filler, is left alone; a word of two
/// syllables is read only across one common slip, a longer one across two (or one other).
/// English words are read by [`english_reading`].
pub fn correct(question: &str, graph: Option<&GraphWords>) -> (String, Vec<Correction>) {
    let (question, mut english) = correct_english(question);
    let (corrected, mut readings) = correct_korean(&question, graph);
    english.append(&mut readings);
    (corrected, english)
}

/// The English words of the question read by [`english_reading`].
fn correct_english(question: &str) -> (String, Vec<Correction>) {
    let mut corrected = question.to_owned();
    let mut readings: Vec<Correction> = Vec::new();
    for raw in question.split(|c: char| !c.is_ascii_alphabetic()) {
        let word = raw.to_ascii_lowercase();
        if readings.iter().any(|r| r.written == raw) {
            continue;
        }
        if let Some(read) = english_reading(&word) {
            corrected = replace_word(&corrected, raw, read);
            readings.push(Correction {
                written: raw.to_owned(),
                read_as: read.to_owned(),
            });
        }
    }
    (corrected, readings)
}

/// `text` with the whole ASCII word `word` replaced (not inside a longer word).
fn replace_word(text: &str, word: &str, by: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + word.len()..].chars().next();
        let whole = !before.is_some_and(|c| c.is_ascii_alphabetic())
            && !after.is_some_and(|c| c.is_ascii_alphabetic());
        out.push_str(&rest[..at]);
        out.push_str(if whole { by } else { word });
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

/// The Korean words of the question read as known ones (see [`correct`]).
fn correct_korean(question: &str, graph: Option<&GraphWords>) -> (String, Vec<Correction>) {
    // The Korean content words: most questions have none the vocabularies could correct.
    let candidates: Vec<(&str, &str)> = question
        .split(|c: char| !c.is_alphanumeric())
        .map(|raw| (raw, strip_particle(raw)))
        .filter(|(raw, stem)| is_hangul_word(stem) && stem.chars().count() >= 2 && is_content(raw))
        .collect();
    if candidates.is_empty() {
        return (question.to_owned(), Vec::new());
    }
    let known = known_words(graph);
    let mut corrected = question.to_owned();
    let mut readings = Vec::new();
    for (_, stem) in candidates {
        let n = stem.chars().count();
        if known.contains(stem) {
            continue;
        }
        if known
            .iter()
            .any(|k| stem.contains(k) && k.chars().count() >= 2)
        {
            continue;
        }
        let max = if n >= 3 { 2 } else { 1 };
        let mut best: Vec<(usize, &str)> = known
            .iter()
            .filter_map(|k| jamo_distance(stem, k).map(|d| (d, *k)))
            .filter(|(d, _)| *d <= max)
            .collect();
        best.sort();
        let unique = match best.as_slice() {
            [(d, k), rest @ ..] => rest.first().is_none_or(|(d2, _)| d2 > d).then_some(*k),
            [] => None,
        };
        if let Some(k) = unique {
            corrected = corrected.replacen(stem, k, 1);
            readings.push(Correction {
                written: stem.to_owned(),
                read_as: k.to_owned(),
            });
        }
    }
    (corrected, readings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspellings_are_read_as_the_known_word() {
        let (q, c) = correct("서귀포 전볶죽 집 추천", None);
        assert_eq!(q, "서귀포 전복죽 집 추천");
        assert_eq!(
            c,
            [Correction {
                written: "전볶죽".into(),
                read_as: "전복죽".into()
            }]
        );
        assert_eq!(correct("연동 짬봉 맛집", None).0, "연동 짬뽕 맛집");
        assert_eq!(correct("애월 카패 추천", None).0, "애월 카페 추천");
        assert_eq!(correct("섭지코지 딱세우 회", None).0, "섭지코지 딱새우 회");
    }

    #[test]
    fn english_misspellings_are_read_as_the_vocabulary_word() {
        let (q, c) = correct("best sashmi resturant in Seongsan", None);
        assert_eq!(q, "best sashimi restaurant in Seongsan");
        assert_eq!(
            c.iter().map(|r| r.read_as.as_str()).collect::<Vec<_>>(),
            ["sashimi", "restaurant"]
        );
        // Known words, place names, short words and words far from any are left alone.
        for q in [
            "quiet cafe in Aewol with a view",
            "black pork in Seogwipo",
            "Where can I take my parents?",
            "xylophone museum",
            "Kujwa bomal kalguksu?",
        ] {
            assert_eq!(correct(q, None).1, Vec::new(), "{q}");
        }
    }

    #[test]
    fn known_and_unrelated_words_are_left_alone() {
        for q in [
            "애월 흑돼지 맛집",
            "한림읍 카페 추천해줘",
            "부모님이랑 갈 곳",
            "아무말대잔치",
        ] {
            assert_eq!(correct(q, None), (q.to_owned(), Vec::new()), "{q}");
        }
    }

    #[test]
    fn jamo_distance_counts_letters() {
        assert_eq!(jamo_distance("짬봉", "짬뽕"), Some(1));
        assert_eq!(jamo_distance("칼구수", "칼국수"), Some(1));
        assert_eq!(jamo_distance("맛집", "찻집"), Some(2), "not a common slip");
        assert_eq!(jamo_distance("카페", "카페라떼"), None);
    }
}
