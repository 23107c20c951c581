//! The evaluation case format (DESIGN.md §4, documented in `docs/eval-format.md`): JSON
//! Lines, one case a line. A case is a search question with a gold query, a recommendation
//! request with its constraints, or a conversation (`turns`) whose turns are either.

use std::path::Path;

use jeju_data::catalog::{Mood, View};
use jeju_data::vocab::{AgeBand, Companion, TimeOfDay};
use serde::{Deserialize, Serialize};

use crate::error::EvalError;

/// What a case (or a turn) asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// A data question with an exact answer: `gold_cypher`.
    Search,
    /// A recommendation: `constraints` (hard and soft).
    Recommend,
    /// A conversation: `turns`, each a search, a recommendation or a refusal.
    MultiTurn,
    /// A question the system must decline (`reason`): no picks and no data answer.
    Refuse,
}

/// Why a question must be declined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefuseReason {
    /// A place outside Jeju.
    OutOfArea,
    /// About Jeju but not about eating or drinking (weather, car rental, hotels, …).
    OffTopic,
    /// Nothing in it can be grounded.
    Nonsense,
}

/// What dish a request asks for: a dish word of the evaluation's vocabulary (`흑돼지`,
/// `seafood`: its menu terms), or literal menu-name fragments (a list, or a word the
/// vocabulary does not know). A store serves it when some menu item contains a fragment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DishAsk {
    Word(String),
    Fragments(Vec<String>),
}

impl DishAsk {
    /// The menu-name fragments that serve it ([`crate::vocab::Vocabulary::builtin`]).
    pub fn terms(&self) -> Vec<String> {
        match self {
            DishAsk::Word(w) => crate::vocab::Vocabulary::builtin()
                .dish(w)
                .map(|d| d.menu_terms.clone())
                .unwrap_or_else(|| vec![w.clone()]),
            DishAsk::Fragments(v) => v.clone(),
        }
    }

    /// As written in the case (a list joined by `|`).
    pub fn label(&self) -> String {
        match self {
            DishAsk::Word(w) => w.clone(),
            DishAsk::Fragments(v) => v.join("|"),
        }
    }
}

impl From<&str> for DishAsk {
    fn from(w: &str) -> DishAsk {
        DishAsk::Word(w.to_owned())
    }
}

/// The constraint vocabulary of recommendation cases. Hard: `region`, `city`, `type`, `dish`,
/// `price_max_per_person`, `time`. Soft (scored against the truth file): `companion`,
/// `age_band`, `mood`, `view`, `quality`, and `time` again (a time is both: the store must
/// trade then, and should be busy then).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseConstraints {
    /// 읍/면/동 as in addresses (`애월읍`); aliases (`애월`, `Aewol`) are resolved on load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `제주시` or `서귀포시`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Contest store types (`커피` for cafes); the store's type must be one of them.
    #[serde(
        default,
        rename = "type",
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub store_types: Vec<String>,
    /// A dish of the evaluation's vocabulary (`흑돼지`, `해산물`), a word matched as a
    /// menu-name fragment itself, or a list of fragments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dish: Option<DishAsk>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub companion: Option<Companion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_band: Option<AgeBand>,
    /// In won; compared with `Store.price_per_person` (the median menu price).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_max_per_person: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeOfDay>,
    /// Soft: the truth's mood (`quiet`, `lively`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mood: Option<Mood>,
    /// Soft: the truth's view (`ocean`, `mountain`, `garden`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<View>,
    /// Soft: `high` asks for a store whose truth quality is at least [`HIGH_QUALITY`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<QualityAsk>,
}

/// The quality a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityAsk {
    /// "really good", "맛있기로 소문난": truth quality ≥ [`HIGH_QUALITY`].
    High,
}

/// The truth quality (0..1) a `quality: high` request needs: about the best third of stores.
pub const HIGH_QUALITY: f32 = 0.7;

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

impl CaseConstraints {
    /// Whether any soft constraint is asked (otherwise truth-fit holds vacuously).
    pub fn has_soft(&self) -> bool {
        self.companion.is_some()
            || self.age_band.is_some()
            || self.time.is_some()
            || self.mood.is_some()
            || self.view.is_some()
            || self.quality.is_some()
    }
}

/// Expectations of a follow-up turn that depend on the earlier turns' picks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Every pick is cheaper per person than the cheapest pick of the previous turn.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cheaper: bool,
    /// Every pick lies within `within_m` of this pick (1-based) of the previous turn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near_pick: Option<usize>,
    /// Radius of `near_pick`, in metres (default 1,500).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_m: Option<f64>,
    /// No pick repeats a pick of an earlier turn.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub new_picks: bool,
    /// Every pick is one of the previous turn's picks (a narrowing follow-up).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub among_previous: bool,
    /// A new, unrelated question: it must not inherit the earlier turns' constraints (it is
    /// scored by its own constraints or gold query, like a first turn).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fresh: bool,
}

/// Default radius of `near_pick`.
pub const DEFAULT_NEAR_M: f64 = 1_500.0;

impl Expect {
    pub fn is_empty(&self) -> bool {
        *self == Expect::default()
    }

    /// Whether it refers to earlier picks (`fresh` alone does not).
    pub fn refers_to_earlier(&self) -> bool {
        Expect {
            fresh: false,
            ..self.clone()
        } != Expect::default()
    }
}

/// One turn of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Turn {
    pub question: String,
    /// `search` or `recommend`.
    pub kind: CaseKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gold_cypher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<CaseConstraints>,
    #[serde(default, skip_serializing_if = "Expect::is_empty")]
    pub expect: Expect,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RefuseReason>,
    /// The turn's class (`typo`, `followup_swap`, …): failures are grouped by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// The question's content words, each to be turned into a constraint or named as
    /// unmatched in the answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub must_ground: Vec<String>,
    /// One line for a human reader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One line of a case file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub id: String,
    pub kind: CaseKind,
    /// `ko` or `en`.
    pub lang: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gold_cypher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<CaseConstraints>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turns: Option<Vec<Turn>>,
    /// Why a `refuse` case must be declined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RefuseReason>,
    /// See [`Turn::class`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// See [`Turn::must_ground`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub must_ground: Vec<String>,
    /// See [`Turn::note`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Turn {
    /// A recommendation turn: its question, constraints and expectations, the optional keys
    /// (`class`, `must_ground`, `note`) empty.
    pub fn recommend(question: String, constraints: CaseConstraints, expect: Expect) -> Turn {
        Turn {
            question,
            kind: CaseKind::Recommend,
            gold_cypher: None,
            constraints: Some(constraints),
            expect,
            reason: None,
            class: None,
            must_ground: Vec::new(),
            note: None,
        }
    }
}

impl Case {
    /// A case of one question; its gold query or constraints and the optional keys are the
    /// caller's to set.
    pub fn one_question(id: String, kind: CaseKind, lang: &str, question: String) -> Case {
        Case {
            id,
            kind,
            lang: lang.to_owned(),
            question: Some(question),
            gold_cypher: None,
            constraints: None,
            turns: None,
            reason: None,
            class: None,
            must_ground: Vec::new(),
            note: None,
        }
    }

    /// A conversation of `turns`.
    pub fn conversation(id: String, lang: &str, turns: Vec<Turn>) -> Case {
        Case {
            question: None,
            turns: Some(turns),
            ..Case::one_question(id, CaseKind::MultiTurn, lang, String::new())
        }
    }

    /// The case as a list of turns (a single-question case is one turn).
    pub fn as_turns(&self) -> Vec<Turn> {
        match &self.turns {
            Some(turns) => turns.clone(),
            None => vec![self.single_turn()],
        }
    }

    /// A case without `turns` as its one turn.
    fn single_turn(&self) -> Turn {
        Turn {
            question: self.question.clone().unwrap_or_default(),
            kind: self.kind,
            gold_cypher: self.gold_cypher.clone(),
            constraints: self.constraints.clone(),
            expect: Expect::default(),
            reason: self.reason,
            class: self.class.clone(),
            must_ground: self.must_ground.clone(),
            note: self.note.clone(),
        }
    }

    /// Checks the case is well-formed; resolves region aliases to the graph's names.
    pub fn validate(&mut self) -> Result<(), String> {
        if self.id.trim().is_empty() {
            return Err("empty id".into());
        }
        if !matches!(self.lang.as_str(), "ko" | "en") {
            return Err(format!("lang must be ko or en, not {:?}", self.lang));
        }
        match (self.kind, &mut self.turns) {
            (CaseKind::MultiTurn, Some(turns)) => {
                if self.question.is_some() || self.gold_cypher.is_some() {
                    return Err("a multi-turn case has turns instead of question".into());
                }
                if self.reason.is_some() || self.constraints.is_some() {
                    return Err("a multi-turn case's turns carry reason and constraints".into());
                }
                if turns.len() < 2 {
                    return Err("a multi-turn case needs at least two turns".into());
                }
                for (i, t) in turns.iter_mut().enumerate() {
                    validate_turn(t).map_err(|e| format!("turn {}: {e}", i + 1))?;
                    if i == 0 && !t.expect.is_empty() {
                        return Err("turn 1 cannot refer to earlier picks".into());
                    }
                    if t.expect.fresh && t.expect.refers_to_earlier() {
                        return Err(format!(
                            "turn {}: a fresh question cannot refer to earlier picks",
                            i + 1
                        ));
                    }
                }
                Ok(())
            }
            (CaseKind::MultiTurn, None) => Err("a multi_turn case needs \"turns\"".into()),
            (_, Some(_)) => Err("only a multi_turn case has \"turns\"".into()),
            (_, None) => {
                let mut t = self.single_turn();
                validate_turn(&mut t)?;
                self.constraints = t.constraints;
                Ok(())
            }
        }
    }
}

fn validate_turn(t: &mut Turn) -> Result<(), String> {
    if t.question.trim().is_empty() {
        return Err("empty question".into());
    }
    if t.reason.is_some() && t.kind != CaseKind::Refuse {
        return Err("only a refuse case has a reason".into());
    }
    if let Some(w) = t
        .must_ground
        .iter()
        .find(|w| !t.question.contains(w.as_str()))
    {
        return Err(format!("must_ground word {w:?} is not in the question"));
    }
    match t.kind {
        CaseKind::Refuse => {
            if t.reason.is_none() {
                return Err("a refuse case needs a reason".into());
            }
            if t.gold_cypher.is_some() || t.constraints.is_some() || t.expect.refers_to_earlier() {
                return Err(
                    "a refuse case has no gold_cypher, constraints or expectations (other than fresh)"
                        .into(),
                );
            }
        }
        CaseKind::Search => {
            if t.gold_cypher.as_deref().is_none_or(|g| g.trim().is_empty()) {
                return Err("a search case needs gold_cypher".into());
            }
            if t.constraints.is_some() || t.expect.refers_to_earlier() {
                return Err(
                    "a search case has no constraints or expectations (other than fresh)".into(),
                );
            }
        }
        CaseKind::Recommend => {
            if t.gold_cypher.is_some() {
                return Err("a recommend case has constraints, not gold_cypher".into());
            }
            let c = t.constraints.get_or_insert_with(CaseConstraints::default);
            if let Some(r) = c.region.clone() {
                let resolved = jeju_data::gazetteer::resolve_region(&r)
                    .ok_or_else(|| format!("unknown region {r:?}"))?;
                c.region = Some(resolved.name.clone());
            }
            if let Some(city) = &c.city {
                if city != "제주시" && city != "서귀포시" {
                    return Err(format!("unknown city {city:?}"));
                }
            }
            for ty in &c.store_types {
                if !jeju_data::gazetteer::is_store_type(ty) {
                    return Err(format!("unknown store type {ty:?} (use the contest types)"));
                }
            }
            if let Some(DishAsk::Fragments(v)) = &c.dish {
                if v.is_empty() || v.iter().any(|f| f.trim().is_empty()) {
                    return Err("a dish list needs non-empty fragments".into());
                }
            }
            if let Some(w) = t.expect.within_m {
                if !(w.is_finite() && w > 0.0) {
                    return Err("within_m must be positive".into());
                }
            }
        }
        CaseKind::MultiTurn => return Err("a turn is search, recommend or refuse".into()),
    }
    Ok(())
}

/// Reads a case file: every line must parse and validate, and ids must be unique. Errors
/// name the line.
pub fn load_cases(path: &Path) -> Result<Vec<Case>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|e| EvalError::io(path, e))?;
    parse_cases(&text, path)
}

/// [`load_cases`] on text.
pub fn parse_cases(text: &str, path: &Path) -> Result<Vec<Case>, EvalError> {
    let mut out: Vec<Case> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        let bad = |message: String| EvalError::Case {
            path: path.to_path_buf(),
            line: i as u64 + 1,
            message,
        };
        let mut case: Case = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        case.validate().map_err(bad)?;
        if !seen.insert(case.id.clone()) {
            return Err(bad(format!("duplicate id {}", case.id)));
        }
        out.push(case);
    }
    Ok(out)
}

/// Writes cases as JSON Lines.
pub fn write_cases(path: &Path, cases: &[Case]) -> Result<(), EvalError> {
    let mut text = String::new();
    for c in cases {
        text.push_str(&serde_json::to_string(c).map_err(EvalError::Json)?);
        text.push('\n');
    }
    std::fs::write(path, text).map_err(|e| EvalError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Case>, EvalError> {
        parse_cases(text, Path::new("t.jsonl"))
    }

    #[test]
    fn the_design_examples_parse() {
        let cases = parse(concat!(
            r#"{"id": "s-001", "kind": "search", "lang": "ko", "question": "제주시 한림읍에 있는 카페 중 30대 이용 비중이 가장 높은 곳은?", "gold_cypher": "MATCH (s:Store) RETURN s.id AS id LIMIT 1"}"#,
            "\n",
            r#"{"id": "r-001", "kind": "recommend", "lang": "ko", "question": "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘", "constraints": {"region": "애월", "dish": "흑돼지", "companion": "parents", "age_band": "60+"}}"#,
        ))
        .unwrap();
        assert_eq!(cases.len(), 2);
        let c = cases[1].constraints.as_ref().unwrap();
        assert_eq!(c.region.as_deref(), Some("애월읍"), "alias resolved");
        assert_eq!(c.companion, Some(Companion::Parents));
        assert_eq!(c.age_band, Some(AgeBand::SixtyPlus));
    }

    #[test]
    fn bad_lines_are_rejected_with_their_line() {
        let unknown_key = r#"{"id": "r", "kind": "recommend", "lang": "ko", "question": "q", "constraints": {"regoin": "애월읍"}}"#;
        let e = parse(&format!("\n{unknown_key}")).unwrap_err().to_string();
        assert!(e.contains("t.jsonl:2") && e.contains("regoin"), "{e}");
        let no_gold = r#"{"id": "s", "kind": "search", "lang": "en", "question": "q"}"#;
        assert!(parse(no_gold)
            .unwrap_err()
            .to_string()
            .contains("gold_cypher"));
        let bad_companion = r#"{"id": "r", "kind": "recommend", "lang": "ko", "question": "q", "constraints": {"companion": "cat"}}"#;
        assert!(parse(bad_companion).is_err());
        let bad_type = r#"{"id": "r", "kind": "recommend", "lang": "ko", "question": "q", "constraints": {"type": "카페"}}"#;
        assert!(parse(bad_type)
            .unwrap_err()
            .to_string()
            .contains("contest types"));
        let dup = r#"{"id": "s", "kind": "search", "lang": "en", "question": "q", "gold_cypher": "MATCH (s) RETURN s.id AS id"}"#;
        assert!(parse(&format!("{dup}\n{dup}"))
            .unwrap_err()
            .to_string()
            .contains("duplicate"));
    }

    #[test]
    fn multi_turn_cases_carry_turns_and_round_trip() {
        let line = r#"{"id": "m", "kind": "multi_turn", "lang": "ko", "turns": [{"question": "애월읍 흑돼지 맛집 추천해줘", "kind": "recommend", "constraints": {"region": "애월읍", "dish": "흑돼지", "type": ["가정식", "단품요리 전문"]}}, {"question": "더 저렴한 곳은?", "kind": "recommend", "constraints": {"region": "애월읍", "dish": "흑돼지"}, "expect": {"cheaper": true, "new_picks": true}}]}"#;
        let cases = parse(line).unwrap();
        let turns = cases[0].as_turns();
        assert_eq!(turns.len(), 2);
        assert!(turns[1].expect.cheaper && turns[1].expect.new_picks);
        assert_eq!(
            turns[0].constraints.as_ref().unwrap().store_types,
            vec!["가정식", "단품요리 전문"]
        );
        let again = serde_json::to_string(&cases[0]).unwrap();
        assert_eq!(parse(&again).unwrap(), cases);
        let first_turn_refers = line.replacen(
            r#""kind": "recommend", "constraints""#,
            r#""kind": "recommend", "expect": {"cheaper": true}, "constraints""#,
            1,
        );
        assert!(parse(&first_turn_refers).is_err());
    }
}
