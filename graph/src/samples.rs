//! Example data questions answered by fixed, parameterised Cypher. The CLI prints them after
//! an ingest; the integration tests check them against answers computed from the files.

use neo4rs::{query, Query};

/// A sample question with its Cypher and parameters.
pub struct SampleQuery {
    pub question_ko: &'static str,
    pub question_en: &'static str,
    pub cypher: &'static str,
    params: &'static [(&'static str, SampleParam)],
}

#[derive(Clone, Copy)]
enum SampleParam {
    Text(&'static str),
    Int(i64),
}

impl SampleQuery {
    /// The query with its parameters bound.
    pub fn query(&self) -> Query {
        let mut q = query(self.cypher);
        for (name, value) in self.params {
            q = match value {
                SampleParam::Text(s) => q.param(name, *s),
                SampleParam::Int(i) => q.param(name, *i),
            };
        }
        q
    }

    /// Parameters as `name=value` pairs, for printing.
    pub fn describe_params(&self) -> String {
        self.params
            .iter()
            .map(|(k, v)| match v {
                SampleParam::Text(s) => format!("{k}={s:?}"),
                SampleParam::Int(i) => format!("{k}={i}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The store with the highest share of customers in their 30s among cafes of 한림읍.
pub const TOP_30S_CAFE_HALLIM: SampleQuery = SampleQuery {
    question_ko: "제주시 한림읍에 있는 카페 중 30대 이용 비중이 가장 높은 곳은?",
    question_en: "Which cafe in Hallim-eup has the highest share of customers in their 30s?",
    cypher: "MATCH (:Region {name: $region})-[:HAS_STORE]->(s:Store) \
             WHERE s.type = $type AND s.age_30_ratio IS NOT NULL \
             RETURN s.id AS id, s.name AS name, s.age_30_ratio AS value \
             ORDER BY value DESC, id ASC LIMIT 1",
    params: &[
        ("region", SampleParam::Text("한림읍")),
        ("type", SampleParam::Text("커피")),
    ],
};

/// How many stores in 애월읍 serve black pork (흑돼지 on the menu).
pub const BLACK_PORK_COUNT_AEWOL: SampleQuery = SampleQuery {
    question_ko: "애월읍에 흑돼지 메뉴가 있는 가게는 몇 곳?",
    question_en: "How many places in Aewol-eup serve black pork?",
    cypher: "MATCH (:Region {name: $region})-[:HAS_STORE]->(s:Store) \
             WHERE any(m IN s.menu_names WHERE m CONTAINS $dish) \
             RETURN count(s) AS value",
    params: &[
        ("region", SampleParam::Text("애월읍")),
        ("dish", SampleParam::Text("흑돼지")),
    ],
};

/// Stores of 서귀포시 most often reviewed as a visit with parents.
pub const PARENTS_TOP_SEOGWIPO: SampleQuery = SampleQuery {
    question_ko: "서귀포시에서 '부모님과' 방문 리뷰가 가장 많은 가게 3곳은?",
    question_en: "Which three places in Seogwipo have the most reviews of visits with parents?",
    cypher: "MATCH (s:Store)-[k:HAS_VISIT_KEYWORD]->(:VisitKeyword {name: $keyword}) \
             WHERE s.city = $city \
             RETURN s.id AS id, s.name AS name, k.count AS value \
             ORDER BY value DESC, id ASC LIMIT 3",
    params: &[
        ("keyword", SampleParam::Text("부모님과")),
        ("city", SampleParam::Text("서귀포시")),
    ],
};

/// Stores of 애월읍 in the busiest 10% of their type in August 2023.
pub const BUSIEST_AEWOL_AUGUST: SampleQuery = SampleQuery {
    question_ko: "2023년 8월 애월읍에서 이용건수 상위 10%에 든 가게는 몇 곳?",
    question_en: "How many places in Aewol-eup were in the busiest 10% in August 2023?",
    cypher: "MATCH (:Region {name: $region})-[:HAS_STORE]->(s:Store)-[u:USE]->(:Month {ym: $ym}) \
             WHERE u.cnt_rank = 1 \
             RETURN count(s) AS value",
    params: &[
        ("region", SampleParam::Text("애월읍")),
        ("ym", SampleParam::Int(202308)),
    ],
};

/// All samples, in the order the CLI prints them.
pub const ALL: [&SampleQuery; 4] = [
    &TOP_30S_CAFE_HALLIM,
    &BLACK_PORK_COUNT_AEWOL,
    &PARENTS_TOP_SEOGWIPO,
    &BUSIEST_AEWOL_AUGUST,
];
