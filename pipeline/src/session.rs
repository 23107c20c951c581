//! Multi-turn memory: a session keeps the last turn's constraints and picks, so that a
//! follow-up ("더 저렴한 곳은?", "2번 근처 카페도", "not pork, seafood instead") revises the
//! previous request instead of starting over.

use serde::{Deserialize, Serialize};

use crate::intent::{Constraints, Intent, NearPoint, Route};
use crate::parse::{self, mentions, normalize};

/// What a later turn may refer to in an earlier pick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PickRef {
    pub id: String,
    pub name: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub price_per_person: Option<i64>,
}

/// One conversation.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Session {
    /// The last recommendation's intent and picks, if any.
    pub last: Option<(Intent, Vec<PickRef>)>,
    /// The request the last recommendation answered (a follow-up appends to it).
    pub last_request: Option<String>,
    pub turns: u32,
    /// Answer in this language whatever the question's script (a page's language toggle);
    /// `None`: the question's language.
    #[serde(default)]
    pub language: Option<crate::intent::Lang>,
}

/// How a follow-up changed the previous request (for the trace and the answer).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Revision {
    /// A new question: nothing carried over.
    Fresh,
    /// Constraints carried over and revised; the strings say what changed.
    FollowUp(Vec<String>),
}

const CHEAPER: &[&str] = &[
    "더 저렴",
    "더 싼",
    "싼 곳",
    "저렴한 곳",
    "가성비",
    "cheaper",
    "less expensive",
    "more affordable",
];
const INSTEAD: &[&str] = &["말고", "대신", "instead", "rather than", "not "];
const FOLLOW_UP: &[&str] = &[
    "근처",
    "주변",
    "거기",
    "그 중",
    "그중",
    "다른 곳",
    "다른 데",
    "또 ",
    "near ",
    "nearby",
    "around there",
    "other",
    "another",
    "also",
    "too",
];
/// Radius around a previous pick for "N번 근처".
const NEAR_PICK_RADIUS_M: f64 = 1_500.0;

/// "2번", "#2", "number 2", "the second" → 1-based index.
fn pick_reference(text: &str) -> Option<usize> {
    for (i, ord) in ["first", "second", "third"].iter().enumerate() {
        if text.contains(&format!("the {ord}")) {
            return Some(i + 1);
        }
    }
    for marker in ["번", "#", "number ", "no. ", "pick "] {
        let mut from = 0;
        while let Some(pos) = text[from..].find(marker) {
            let at = from + pos;
            let digit = if marker == "번" {
                text[..at].trim_end().chars().last()
            } else {
                text[at + marker.len()..].chars().next()
            };
            if let Some(n) = digit.and_then(|c| c.to_digit(10)) {
                if (1..=3).contains(&n) {
                    return Some(n as usize);
                }
            }
            from = at + marker.len();
        }
    }
    None
}

/// The words of a normalized question that refer to an earlier answer.
struct FollowUpCues {
    /// "더 저렴", "cheaper".
    cheaper: bool,
    /// "2번", "#2": the 1-based pick.
    pick_ref: Option<usize>,
    /// "말고", "instead".
    instead: bool,
    /// "근처", "거기", "another", ….
    cue: bool,
}

impl FollowUpCues {
    fn of(text: &str) -> FollowUpCues {
        FollowUpCues {
            cheaper: mentions(text, CHEAPER),
            pick_ref: pick_reference(text),
            instead: mentions(text, INSTEAD),
            cue: mentions(text, FOLLOW_UP),
        }
    }

    /// A cheaper ask, a pick reference or "instead": a follow-up whatever else it says.
    fn explicit(&self) -> bool {
        self.cheaper || self.pick_ref.is_some() || self.instead
    }
}

/// Whether the question itself says it refers to an earlier answer ("더 싼 데", "2번 근처",
/// "말고", "거기", "instead"), as opposed to being short.
pub fn has_follow_up_signal(question: &str) -> bool {
    let cues = FollowUpCues::of(&normalize(question));
    cues.explicit() || cues.cue
}

/// Merges a question with the session: a follow-up revises the last recommendation.
pub fn resolve(session: &Session, question: &str) -> (Intent, Revision) {
    let fresh = parse::parse(question);
    let Some((last, picks)) = &session.last else {
        return (fresh, Revision::Fresh);
    };
    let cues = FollowUpCues::of(&normalize(question));
    let (cheaper, pick_ref) = (cues.cheaper, cues.pick_ref);
    let n = &fresh.constraints;
    let names_place = n.region.is_some() || n.city.is_some() || n.near_attraction.is_some();
    let short = question.chars().count() <= 25;
    let is_follow_up =
        cues.explicit() || (fresh.route == Route::Recommend && !names_place && (cues.cue || short));
    if !is_follow_up {
        return (fresh, Revision::Fresh);
    }

    let mut c: Constraints = last.constraints.clone();
    let mut changes = Vec::new();
    // Whatever the new question names replaces the old value.
    if n.region.is_some() {
        c.region = n.region.clone();
        c.city = n.city.clone();
        changes.push(format!("region → {}", n.region.as_deref().unwrap_or("")));
    }
    if !n.store_types.is_empty() {
        c.store_types = n.store_types.clone();
        if n.dish.is_none() {
            c.dish = None;
        }
        changes.push(format!("type → {}", n.store_types.join("/")));
    }
    if n.dish.is_some() {
        c.dish = n.dish.clone();
        if n.store_types.is_empty() {
            c.store_types.clear();
        }
        changes.push(format!("dish → {}", n.dish.as_deref().unwrap_or("")));
    }
    if n.companion.is_some() {
        c.companion = n.companion;
    }
    if n.age_band.is_some() {
        c.age_band = n.age_band;
    }
    if n.time.is_some() {
        c.time = n.time;
    }
    if n.price_max_per_person.is_some() {
        c.price_max_per_person = n.price_max_per_person;
    }
    if cheaper {
        let cheapest = picks.iter().filter_map(|p| p.price_per_person).min();
        if let Some(p) = cheapest {
            let max = (p - 1).max(1_000) as u32;
            c.price_max_per_person = Some(c.price_max_per_person.map_or(max, |old| old.min(max)));
            changes.push(format!("price ≤ {max}"));
        }
    }
    if let Some(i) = pick_ref {
        if let Some(p) = picks.get(i - 1) {
            if let (Some(lat), Some(lng)) = (p.lat, p.lng) {
                c.near_point = Some(NearPoint {
                    lat,
                    lng,
                    label: p.name.clone(),
                    radius_m: NEAR_PICK_RADIUS_M,
                });
                c.region = None;
                c.near_attraction = None;
                changes.push(format!("near pick {i} ({})", p.name));
                if n.dish.is_none() && n.store_types.is_empty() {
                    // "2번 근처 가볼 만한 곳" keeps the old kind of place.
                } else if n.dish.is_none() {
                    c.dish = None;
                }
                if n.companion.is_none() && !n.store_types.is_empty() {
                    // A cafe after dinner need not fit the dinner's companion signals.
                }
            }
        }
    }
    c.exclude_ids = picks.iter().map(|p| p.id.clone()).collect();
    let mut intent = fresh;
    intent.route = Route::Recommend;
    intent.goal = None;
    intent.constraints = c;
    intent.hyde = parse::hyde_review(&intent.constraints, intent.lang);
    (intent, Revision::FollowUp(changes))
}

impl Session {
    /// Remembers a recommendation turn. A turn that found nothing keeps the picks on screen
    /// before it, so that "1번 근처 카페도" after an empty "더 저렴한 곳은?" still means the
    /// first pick the user saw.
    pub fn remember(&mut self, intent: &Intent, picks: Vec<PickRef>) {
        self.turns += 1;
        if intent.route == Route::Recommend {
            let picks = match (picks.is_empty(), self.last.take()) {
                (true, Some((_, earlier))) => earlier,
                (_, _) => picks,
            };
            self.last = Some((intent.clone(), picks));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_turn_keeps_the_picks_the_user_saw() {
        let mut s = session_after("애월읍 흑돼지 맛집 추천해줘");
        let (cheaper, _) = resolve(&s, "더 저렴한 곳은?");
        s.remember(&cheaper, Vec::new());
        let (intent, picks) = s.last.as_ref().unwrap();
        assert_eq!(
            intent.constraints.price_max_per_person,
            cheaper.constraints.price_max_per_person
        );
        assert_eq!(
            picks.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["A", "B", "C"]
        );
    }

    fn session_after(question: &str) -> Session {
        let intent = parse::parse(question);
        let mut s = Session::default();
        s.remember(
            &intent,
            vec![
                PickRef {
                    id: "A".into(),
                    name: "가게A".into(),
                    lat: Some(33.46),
                    lng: Some(126.33),
                    price_per_person: Some(21_000),
                },
                PickRef {
                    id: "B".into(),
                    name: "가게B".into(),
                    lat: Some(33.47),
                    lng: Some(126.34),
                    price_per_person: Some(18_000),
                },
                PickRef {
                    id: "C".into(),
                    name: "가게C".into(),
                    lat: Some(33.45),
                    lng: Some(126.32),
                    price_per_person: Some(24_000),
                },
            ],
        );
        s
    }

    #[test]
    fn cheaper_keeps_the_request_and_caps_the_price() {
        let s = session_after("60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘");
        let (i, rev) = resolve(&s, "더 저렴한 곳은?");
        assert!(matches!(rev, Revision::FollowUp(_)));
        assert_eq!(i.constraints.region.as_deref(), Some("애월읍"));
        assert_eq!(i.constraints.dish.as_deref(), Some("흑돼지"));
        assert_eq!(i.constraints.price_max_per_person, Some(17_999));
        assert_eq!(i.constraints.exclude_ids, vec!["A", "B", "C"]);
    }

    #[test]
    fn near_a_pick_switches_to_the_new_kind_of_place() {
        let s = session_after("애월읍 흑돼지 맛집 추천해줘");
        let (i, _) = resolve(&s, "2번 근처 카페도");
        let near = i.constraints.near_point.clone().unwrap();
        assert_eq!(near.label, "가게B");
        assert_eq!(i.constraints.store_types, vec!["커피"]);
        assert_eq!(i.constraints.dish, None);
        assert_eq!(i.constraints.region, None);
    }

    #[test]
    fn instead_replaces_the_dish() {
        let s = session_after("Where can I take my parents for black pork in Aewol?");
        let (i, _) = resolve(&s, "not pork, seafood instead");
        assert_eq!(i.constraints.dish.as_deref(), Some("해산물"));
        assert_eq!(i.constraints.region.as_deref(), Some("애월읍"));
        assert!(i.constraints.companion.is_some());
    }

    #[test]
    fn a_new_full_question_starts_over() {
        let s = session_after("애월읍 흑돼지 맛집 추천해줘");
        let (i, rev) = resolve(&s, "서귀포 중문 일식집 추천해줘");
        assert_eq!(rev, Revision::Fresh);
        assert_eq!(i.constraints.region.as_deref(), Some("중문동"));
        assert!(i.constraints.exclude_ids.is_empty());
    }
}
