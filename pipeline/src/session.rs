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
    /// Constraints carried over and revised, with what changed.
    FollowUp(Vec<Change>),
}

/// One change a follow-up made to the previous request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// Another area ("성산 쪽은?", "What about in Seogwipo?").
    Place(String),
    /// Another kind of place (store types).
    Kind(Vec<String>),
    /// Another dish ("고기로 바꿔줘", "seafood instead").
    Dish(String),
    /// A price asked in this turn ("더 저렴한 곳은?", "under 20,000 won").
    Price(u32),
    /// Near an earlier pick ("2번 근처").
    NearPick { index: usize, name: String },
    /// Only among the earlier picks ("그중 아이랑 가기 좋은 곳").
    AmongPicks(usize),
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Place(p) => write!(f, "place → {p}"),
            Change::Kind(t) => write!(f, "type → {}", t.join("/")),
            Change::Dish(d) => write!(f, "dish → {d}"),
            Change::Price(max) => write!(f, "price ≤ {max}"),
            Change::NearPick { index, name } => write!(f, "near pick {index} ({name})"),
            Change::AmongPicks(n) => write!(f, "among the {n} earlier picks"),
        }
    }
}

impl Revision {
    /// Whether this turn itself asked for a price (a relaxation keeps it).
    pub fn asked_price(&self) -> bool {
        matches!(self, Revision::FollowUp(c) if c.iter().any(|c| matches!(c, Change::Price(_))))
    }
}

pub(crate) const CHEAPER: &[&str] = &[
    "더 저렴",
    "더 싼",
    "싼 곳",
    "저렴한 곳",
    "가성비",
    "cheaper",
    "less expensive",
    "more affordable",
];
pub(crate) const INSTEAD: &[&str] = &["말고", "대신", "instead", "rather than", "not "];
pub(crate) const FOLLOW_UP: &[&str] = &[
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
/// Words that narrow the earlier answer to its own picks ("그중", "which of those").
const AMONG: &[&str] = &[
    "그중",
    "그 중",
    "이 중",
    "이중에",
    "셋 중",
    "세 곳 중",
    "of those",
    "of these",
    "of them",
    "among them",
    "among those",
    "which one",
];
/// Words that ask the same again somewhere else ("성산 쪽은?", "what about Seogwipo?").
const ELSEWHERE: &[&str] = &[
    "쪽은",
    "쪽도",
    "쪽에",
    "쪽 ",
    "은요",
    "는요",
    "은?",
    "는?",
    "어때",
    "what about",
    "how about",
    "and in ",
    "in there",
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
    resolve_parsed(session, question, parse::parse(question))
}

/// [`resolve`] with the question already parsed (and its words grounded by the caller:
/// `crate::understand`), so that a follow-up's own words ("3번 근처 밥집", "거기 말고
/// 고기국수") mean what they mean in a fresh question.
pub fn resolve_parsed(session: &Session, question: &str, fresh: Intent) -> (Intent, Revision) {
    let Some((last, picks)) = &session.last else {
        return (fresh, Revision::Fresh);
    };
    let text = normalize(question);
    let cues = FollowUpCues::of(&text);
    let (cheaper, pick_ref) = (cues.cheaper, cues.pick_ref);
    let n = &fresh.constraints;
    let names_place = n.region.is_some() || n.city.is_some() || n.near_attraction.is_some();
    let short = question.chars().count() <= 25;
    let among = mentions(&text, AMONG);
    // Only a place, asked as "and there?": the same request somewhere else.
    let elsewhere = names_place
        && n.dish.is_none()
        && n.store_types.is_empty()
        && fresh.goal.is_none()
        && !parse::has_recommend_cue(&text)
        && (question.chars().count() <= 12 || mentions(&text, ELSEWHERE));
    let is_follow_up = cues.explicit()
        || among
        || elsewhere
        || (fresh.route == Route::Recommend && !names_place && (cues.cue || short));
    if !is_follow_up {
        return (fresh, Revision::Fresh);
    }

    let mut c: Constraints = last.constraints.clone();
    let mut changes = Vec::new();
    // Whatever the new question names replaces the old value.
    if names_place {
        c.region = n.region.clone();
        c.city = n.city.clone();
        c.near_attraction = n.near_attraction.clone();
        c.near_point = None;
        let label = n
            .near_attraction
            .clone()
            .or_else(|| n.region.clone())
            .or_else(|| n.city.clone())
            .unwrap_or_default();
        changes.push(Change::Place(label));
    }
    if !n.store_types.is_empty() {
        c.store_types = n.store_types.clone();
        if n.dish.is_none() {
            c.dish = None;
        }
        changes.push(Change::Kind(n.store_types.clone()));
    }
    if let Some(d) = &n.dish {
        c.dish = Some(d.clone());
        if n.store_types.is_empty() {
            c.store_types.clear();
        }
        changes.push(Change::Dish(d.clone()));
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
    if let Some(max) = n.price_max_per_person {
        c.price_max_per_person = Some(max);
        changes.push(Change::Price(max));
    }
    if cheaper {
        let cheapest = picks.iter().filter_map(|p| p.price_per_person).min();
        if let Some(p) = cheapest {
            let max = (p - 1).max(1_000) as u32;
            let max = c.price_max_per_person.map_or(max, |old| old.min(max));
            c.price_max_per_person = Some(max);
            if !changes.contains(&Change::Price(max)) {
                changes.push(Change::Price(max));
            }
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
                changes.push(Change::NearPick {
                    index: i,
                    name: p.name.clone(),
                });
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
    if among && pick_ref.is_none() {
        // The earlier picks, ranked again for what this turn adds.
        c.within_ids = picks.iter().map(|p| p.id.clone()).collect();
        c.exclude_ids.clear();
        changes.push(Change::AmongPicks(picks.len()));
    } else {
        c.within_ids.clear();
        c.exclude_ids = picks.iter().map(|p| p.id.clone()).collect();
    }
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
    fn among_those_ranks_the_earlier_picks_again() {
        let s = session_after("애월읍 흑돼지 맛집 추천해줘");
        for q in [
            "그중 아이랑 가기 좋은 곳은?",
            "Which of those is best for kids?",
        ] {
            let (i, rev) = resolve(&s, q);
            assert_eq!(i.constraints.within_ids, ["A", "B", "C"], "{q}");
            assert!(i.constraints.exclude_ids.is_empty());
            assert_eq!(i.constraints.dish.as_deref(), Some("흑돼지"));
            assert_eq!(
                i.constraints.companion,
                Some(jeju_data::vocab::Companion::Kids)
            );
            assert_eq!(rev, Revision::FollowUp(vec![Change::AmongPicks(3)]));
        }
    }

    #[test]
    fn only_a_place_asks_the_same_somewhere_else() {
        let s = session_after("애월읍 흑돼지 맛집 추천해줘");
        for (q, region) in [
            ("성산 쪽은?", Some("성산읍")),
            ("What about in Seogwipo?", None),
            ("대정 쪽은 어때?", Some("대정읍")),
        ] {
            let (i, rev) = resolve(&s, q);
            assert!(matches!(rev, Revision::FollowUp(_)), "{q}");
            assert_eq!(i.constraints.region.as_deref(), region, "{q}");
            assert_eq!(i.constraints.dish.as_deref(), Some("흑돼지"), "{q}");
        }
        // A place with a request of its own is a new question.
        let (_, rev) = resolve(&s, "성산 맛집 추천해줘");
        assert_eq!(rev, Revision::Fresh);
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
