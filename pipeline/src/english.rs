//! The graph's Korean vocabulary in English, for answers in English: store types from the
//! contest's type list, regions, cities and attractions from the gazetteer's romanisations,
//! and menu items glossed by the dish vocabulary (`data/words/menu.toml`). Store names,
//! addresses and review quotes stay as they are: they are names, not vocabulary.

use jeju_data::gazetteer;

use crate::intent::Lang;
use crate::words::Words;

/// A contest store type in English ("가정식" → "Korean home cooking"); an unknown type as it is.
pub fn store_type(name: &str) -> &str {
    gazetteer::STORE_TYPES
        .iter()
        .find(|(ko, _)| *ko == name)
        .map_or(name, |(_, en)| en)
}

/// A city of the data in English.
fn city(name: &str) -> Option<&'static str> {
    match name {
        "제주시" => Some("Jeju-si"),
        "서귀포시" => Some("Seogwipo-si"),
        _ => None,
    }
}

/// A place of the gazetteer in English: a region ("애월읍" → "Aewol-eup"), a city ("제주시" →
/// "Jeju-si") or an attraction ("성산일출봉" → "Seongsan Ilchulbong"); anything else (an
/// earlier pick's name, an unknown place) as it is.
pub fn place(name: &str) -> String {
    if let Some(r) = gazetteer::region(name) {
        return r.romanized.clone();
    }
    if let Some(c) = city(name) {
        return c.to_owned();
    }
    if let Some(a) = gazetteer::attractions().iter().find(|a| a.name == name) {
        return a.romanized.clone();
    }
    name.to_owned()
}

/// A place as an answer in `lang` names it: as it is in Korean, [`place`] in English.
pub fn place_in(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Ko => name.to_owned(),
        Lang::En => place(name),
    }
}

/// A store type as an answer in `lang` names it: as it is in Korean, [`store_type`] in
/// English.
pub fn store_type_in(name: &str, lang: Lang) -> &str {
    match lang {
        Lang::Ko => name,
        Lang::En => store_type(name),
    }
}

/// A menu item as an answer in `lang` shows it: as it is in Korean, [`menu_item`] in English.
pub fn menu_item_in(item: &str, lang: Lang) -> String {
    match lang {
        Lang::Ko => item.to_owned(),
        Lang::En => menu_item(item),
    }
}

/// What the dish vocabulary calls a menu item in English: the first English name of the
/// longest fragment the item's name contains ("고등어회 (대)" → "raw mackerel"), or `None`
/// when no fragment (with an English name) is in it.
pub fn dish_gloss(item: &str) -> Option<&'static str> {
    Words::builtin()
        .menu
        .iter()
        .filter(|w| !w.en.is_empty() && item.contains(w.fragment.as_str()))
        .max_by_key(|w| w.fragment.chars().count())
        .and_then(|w| w.en.first())
        .map(String::as_str)
}

/// A menu item as an English answer shows it: the original name with its gloss where the
/// vocabulary knows the dish ("고등어회 (raw mackerel)"; a size in brackets joins the gloss:
/// "흑돼지 오겹살 (five-layer pork belly, 200g)"), else the name alone.
pub fn menu_item(item: &str) -> String {
    let Some(gloss) = dish_gloss(item) else {
        return item.to_owned();
    };
    let trimmed = item.trim_end();
    if let Some(inner) = trimmed.strip_suffix(')') {
        if let Some((base, size)) = inner.rsplit_once('(') {
            let base = base.trim_end();
            if !base.is_empty() && !size.contains(['(', ')']) {
                return format!("{base} ({gloss}, {})", size.trim());
            }
        }
    }
    format!("{trimmed} ({gloss})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_store_type_and_region_has_an_english_name() {
        for (ko, _) in gazetteer::STORE_TYPES {
            let en = store_type(ko);
            assert!(en.is_ascii() && !en.is_empty(), "{ko} → {en}");
        }
        for r in gazetteer::regions() {
            assert!(place(&r.name).is_ascii(), "{}", r.name);
            assert!(place(&r.city).is_ascii(), "{}", r.city);
        }
        for a in gazetteer::attractions() {
            assert!(place(&a.name).is_ascii(), "{}", a.name);
        }
        assert_eq!(place("애월읍"), "Aewol-eup");
        assert_eq!(place("제주시"), "Jeju-si");
        assert_eq!(place("어느 가게"), "어느 가게");
        assert_eq!(store_type("없는 업종"), "없는 업종");
    }

    #[test]
    fn menu_items_are_glossed_by_their_most_specific_dish() {
        // 흑돼지 오겹살 contains 흑돼지 and maybe other fragments: the longest one names it.
        let item = "흑돼지 오겹살 (200g)";
        let gloss = dish_gloss(item).expect("black pork is in the vocabulary");
        assert!(gloss.is_ascii(), "{gloss}");
        assert_eq!(menu_item(item), format!("흑돼지 오겹살 ({gloss}, 200g)"));
        let plain = "흑돼지 오겹살";
        assert_eq!(menu_item(plain), format!("{plain} ({gloss})"));
        assert_eq!(dish_gloss("xyz"), None);
        assert_eq!(menu_item("xyz"), "xyz");
    }
}
