//! The words the graph knows, read once from its stores: menu item names (whole and split
//! into words), store names and types, and the villages (리) of the store addresses with the
//! region each lies in. The scope judge tells a question with an unknown but real word from
//! one with nothing to ground by them; grounding and typo correction read a question's
//! words against them.

use std::collections::{BTreeMap, BTreeSet};

/// Words the graph knows, to tell a question with an unknown but real word (a menu item the
/// lexicon lacks) from one with nothing to ground: menu item words, store-name words, the
/// store types and the villages of the addresses.
#[derive(Debug, Clone, Default)]
pub struct GraphWords {
    words: BTreeSet<String>,
    /// Whole menu item names, lower-cased (for [`crate::grounding`]).
    menu: BTreeSet<String>,
    /// Each village by its name (함덕리) and by its name without 리 (함덕), as people say it.
    villages: BTreeMap<String, Village>,
}

/// A village (리) the store addresses name, and the region (읍/면) its stores lie in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Village {
    /// As the addresses write it: 함덕리.
    pub name: String,
    pub region: String,
    /// Stores whose address names it in that region.
    pub stores: usize,
}

/// A village counts when at least this many store addresses name it: fewer is too thin to
/// stand for a place a visitor names.
const MIN_VILLAGE_STORES: usize = 3;

/// A village name whose stores lie in more than one region counts only when this share of
/// them lie in one (세화리 is a village of 구좌읍 and of 표선면: neither is meant for sure).
const MIN_VILLAGE_REGION_SHARE: f64 = 0.9;

/// What separates the words of a menu item or store name ("흑돼지 오겹살 (200g)").
fn is_name_separator(c: char) -> bool {
    c.is_whitespace() || "()[]/,.·".contains(c)
}

impl GraphWords {
    /// From menu item names, store names and types: each split on spaces and brackets, words
    /// of at least two characters, lower-cased.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> GraphWords {
        GraphWords::from_menus_and_names([], names)
    }

    /// [`GraphWords::from_names`] of both, keeping the menu item names whole as well.
    pub fn from_menus_and_names<'a>(
        menus: impl IntoIterator<Item = &'a str>,
        names: impl IntoIterator<Item = &'a str>,
    ) -> GraphWords {
        let menu: BTreeSet<String> = menus.into_iter().map(str::to_lowercase).collect();
        let mut words = BTreeSet::new();
        let mut add = |name: &str| {
            for w in name.split(is_name_separator) {
                if w.chars().count() >= 2 {
                    words.insert(w.to_lowercase());
                }
            }
        };
        menu.iter().for_each(|m| add(m));
        names.into_iter().for_each(&mut add);
        GraphWords {
            words,
            menu,
            villages: BTreeMap::new(),
        }
    }

    /// With the villages of these store addresses (`jeju_data::address`): each named by
    /// [`MIN_VILLAGE_STORES`] stores or more, in one region for at least
    /// [`MIN_VILLAGE_REGION_SHARE`] of them. Both of its names become graph words.
    pub fn with_addresses<'a>(
        mut self,
        addresses: impl IntoIterator<Item = &'a str>,
    ) -> GraphWords {
        let mut counts: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for parts in addresses
            .into_iter()
            .filter_map(jeju_data::address::parse_address)
        {
            if let Some(village) = parts.village {
                *counts
                    .entry(village)
                    .or_default()
                    .entry(parts.region)
                    .or_default() += 1;
            }
        }
        for (name, regions) in counts {
            let total: usize = regions.values().sum();
            let Some((region, &stores)) = regions.iter().max_by_key(|(_, n)| **n) else {
                continue;
            };
            if stores < MIN_VILLAGE_STORES
                || (stores as f64) < MIN_VILLAGE_REGION_SHARE * total as f64
            {
                continue;
            }
            let village = Village {
                name: name.clone(),
                region: region.clone(),
                stores,
            };
            let stem = name.strip_suffix('리').filter(|s| s.chars().count() >= 2);
            for key in std::iter::once(name.as_str()).chain(stem) {
                self.words.insert(key.to_owned());
                self.villages.insert(key.to_owned(), village.clone());
            }
        }
        self
    }

    /// The village a word names: its address name (함덕리) or that without 리 (함덕).
    pub fn village(&self, word: &str) -> Option<&Village> {
        self.villages.get(word)
    }

    /// Whether some menu item name contains the fragment.
    pub fn in_menu(&self, fragment: &str) -> bool {
        self.menu.iter().any(|m| m.contains(fragment))
    }

    /// Whether some menu item name, its spaces left out, contains the fragment ("흑돼지오겹살"
    /// is in "흑돼지 오겹살 (200g)").
    pub fn in_menu_ignoring_spaces(&self, fragment: &str) -> bool {
        self.menu
            .iter()
            .any(|m| m.replace(' ', "").contains(fragment))
    }

    /// The words of the menu item names (split on spaces and brackets).
    pub fn menu_words(&self) -> impl Iterator<Item = &str> {
        self.menu
            .iter()
            .flat_map(|m| m.split(is_name_separator))
            .filter(|w| w.chars().count() >= 2)
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether some graph word occurs in the text.
    pub(crate) fn any_in(&self, text: &str) -> bool {
        self.words.iter().any(|w| text.contains(w.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn villages_come_from_addresses_and_name_one_region() {
        let mut addresses = vec!["제주 제주시 조천읍 함덕리 1-1번지"; 4];
        addresses.extend(["제주 제주시 구좌읍 세화리 2번지"; 3]);
        addresses.extend(["제주 서귀포시 표선면 세화리 3번지"; 3]);
        addresses.extend(["제주 서귀포시 안덕면 사계리 4번지"; 2]);
        addresses.push("제주 제주시 노형동 4187번지");
        let g = GraphWords::default().with_addresses(addresses);
        let hamdeok = Village {
            name: "함덕리".into(),
            region: "조천읍".into(),
            stores: 4,
        };
        assert_eq!(g.village("함덕"), Some(&hamdeok));
        assert_eq!(g.village("함덕리"), Some(&hamdeok));
        assert_eq!(g.village("세화"), None, "in two regions: neither is sure");
        assert_eq!(g.village("사계"), None, "named by too few stores");
        assert!(g.any_in("함덕 카페"));
    }
}
