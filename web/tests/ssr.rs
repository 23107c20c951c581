//! Server-side rendering of the page: the hooks the browser test relies on, the state script,
//! and escaping of server text.
#![cfg(feature = "ssr")]

use jeju_api::{
    AnswerKind, ApiError, AskResponse, CandidateView, CypherView, ErrorCode, Language, MapLinks,
    MapPoint, MapView, PickCard, PriceRange, SearchAnswer, SearchRowView, StageView, TraceView,
};
use jeju_web::{render_page, ChatTurn, PageState};

const XSS: &str = "<script>alert(1)</script>";

fn pick(rank: u32) -> PickCard {
    PickCard {
        rank,
        id: format!("S{rank:016x}"),
        name: format!("애월 흑돼지 {rank}호점"),
        store_type: "단품요리 전문".into(),
        store_type_label: "단품요리 전문".into(),
        city: Some("제주시".into()),
        region: Some("애월읍".into()),
        place_label: Some("애월읍".into()),
        address: "제주특별자치도 제주시 애월읍 애월리 123".into(),
        lat: Some(33.462_1 + f64::from(rank) / 100.0),
        lng: Some(126.329_0),
        map: MapLinks {
            kakao: format!("https://map.kakao.com/?q=store{rank}"),
            naver: if rank == 3 {
                "javascript:alert(2)".into()
            } else {
                format!("https://map.naver.com/p/search/store{rank}")
            },
            google: format!("https://www.google.com/maps/search/?api=1&query=store{rank}"),
        },
        price_range: Some(PriceRange {
            min: 9000,
            max: 21000,
        }),
        price_per_person: Some(15000),
        rating: Some(4.26),
        review_count: 1280,
        menu: vec!["흑돼지 오겹살 21,000원".into(), "김치찌개 9,000원".into()],
        quotes: vec![
            if rank == 2 {
                format!("맛있어요 {XSS}")
            } else {
                "부모님이 좋아하셨어요".into()
            },
            "고기가 두툼해요".into(),
        ],
        visitor_facts: vec!["60대 이상 손님 비중 18%".into(), "현지인 35%".into()],
        facts: vec!["60대 손님 비중 18%".into()],
        reason: "부모님과 가기 좋은 조용한 곳".into(),
        backfilled: rank == 3,
        unmet: if rank == 3 {
            vec!["애월읍 밖 한림읍(애월읍에서 8.2km)".into()]
        } else {
            Vec::new()
        },
    }
}

fn trace() -> TraceView {
    TraceView {
        stages: vec![
            StageView {
                stage: jeju_api::Stage::Route,
                ms: 2.5,
                detail: "{\"route\": \"recommend\"} /srv/.jeju/vectors".into(),
                summary: "AI 모델 없이 규칙으로 조건을 읽었어요: 애월읍 · 흑돼지 · 60대".into(),
                fallback: Some("no_llm".into()),
                failed: false,
                llm_calls: 0,
                prompt_tokens: 0,
                completion_tokens: 0,
            },
            StageView {
                stage: jeju_api::Stage::Text2Cypher,
                ms: 812.0,
                detail: String::new(),
                summary: "AI 모델이 쓴 질의가 실패해 조건으로 만든 질의로 후보를 찾았어요".into(),
                fallback: Some("llm_query_rejected".into()),
                failed: true,
                llm_calls: 1,
                prompt_tokens: 900,
                completion_tokens: 80,
            },
        ],
        cypher: vec![CypherView {
            source: "composed".into(),
            query: "MATCH (s:Store)-[:IN]->(:Region {name: $region}) RETURN s LIMIT 20".into(),
            params: serde_json::json!({"region": "애월읍", "note": XSS}),
        }],
        candidates: vec![
            CandidateView {
                id: "S1".into(),
                name: "애월 흑돼지 1호점".into(),
                score: 0.875,
                backfilled: false,
            },
            CandidateView {
                id: "S2".into(),
                name: "애월 흑돼지 2호점".into(),
                score: 0.5,
                backfilled: true,
            },
        ],
        fallbacks: vec!["route: no_llm".into()],
        total_ms: 830.2,
    }
}

fn recommend() -> AskResponse {
    AskResponse {
        session_id: "sess-1".into(),
        turn: 1,
        question: "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘".into(),
        request: "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘".into(),
        language: Language::Ko,
        kind: AnswerKind::Recommend,
        text: "1. 애월 흑돼지 1호점 …".into(),
        picks: vec![pick(1), pick(2), pick(3)],
        search: None,
        declined: None,
        understood: Vec::new(),
        read_as: Vec::new(),
        unmatched: Vec::new(),
        notice: Some("AI 모델이 답하지 않아 규칙 기반으로 답했어요.".into()),
        map: MapView {
            region: Some(MapPoint {
                label: "애월읍".into(),
                lat: 33.4627,
                lng: 126.3305,
            }),
            near: None,
            attractions: vec![MapPoint {
                label: "한담해안산책로".into(),
                lat: 33.4615,
                lng: 126.3105,
            }],
        },
        trace: trace(),
        other_language: None,
        warming_up: None,
    }
}

fn search() -> AskResponse {
    AskResponse {
        session_id: "sess-1".into(),
        turn: 2,
        question: "한림읍 카페 중 30대 이용 비중이 가장 높은 곳은?".into(),
        request: "한림읍 카페 중 30대 이용 비중이 가장 높은 곳은?".into(),
        language: Language::Ko,
        kind: AnswerKind::Search,
        text: "한림 커피: 30대 손님 비중 42.0%".into(),
        picks: vec![],
        declined: None,
        understood: Vec::new(),
        read_as: Vec::new(),
        unmatched: Vec::new(),
        search: Some(SearchAnswer {
            sentence: "한림읍 커피 가게 중 30대 손님 비중이 높은 순으로 2곳이에요.".into(),
            headline: "한림 커피: 30대 손님 비중 42.0%".into(),
            measure: "30대 손님 비중".into(),
            count: None,
            rows: vec![
                SearchRowView {
                    rank: 1,
                    id: "S1".into(),
                    name: "한림 커피".into(),
                    value: 0.42,
                    display: "42.0%".into(),
                },
                SearchRowView {
                    rank: 2,
                    id: "S2".into(),
                    name: "협재 카페".into(),
                    value: 0.38,
                    display: "38.0%".into(),
                },
            ],
        }),
        notice: None,
        map: MapView::default(),
        trace: TraceView::default(),
        other_language: None,
        warming_up: None,
    }
}

fn state(hydrate: bool) -> PageState {
    PageState {
        language: Language::Ko,
        session_id: "sess-1".into(),
        turns: vec![
            ChatTurn {
                question: recommend().question,
                answer: Some(recommend()),
                error: None,
            },
            ChatTurn {
                question: search().question,
                answer: Some(search()),
                error: None,
            },
            ChatTurn {
                question: format!("그래프가 꺼졌나요? {XSS}"),
                answer: None,
                error: Some(ApiError::new(ErrorCode::GraphUnavailable, Language::Ko)),
            },
        ],
        llm_configured: false,
        hydrate,
        assets: String::new(),
    }
}

/// Renders a page; with `JEJU_WEB_DUMP=<dir>` also writes it there (to look at, or to serve
/// to a browser by hand).
fn render(state: PageState) -> String {
    let html = render_page(state);
    if let Ok(dir) = std::env::var("JEJU_WEB_DUMP") {
        let n = html.len();
        std::fs::write(format!("{dir}/page-{n}.html"), &html).unwrap();
    }
    html
}

/// The text of the state `<script>`.
fn state_script(html: &str) -> &str {
    let open = r#"<script type="application/json" id="jeju-state">"#;
    let start = html.find(open).expect("state script") + open.len();
    let len = html[start..]
        .find("</script>")
        .expect("end of state script");
    &html[start..start + len]
}

/// The page without its state script (what is rendered, not the data it hydrates from).
fn without_state(html: &str) -> String {
    let state = state_script(html);
    html.replacen(state, "", 1)
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

#[test]
fn the_page_has_the_hooks_of_the_browser_test() {
    let html = render(state(true));
    assert!(
        html.starts_with("<!DOCTYPE html><html lang=\"ko\">"),
        "{}",
        &html[..80]
    );
    assert!(html.contains(r#"<meta name="viewport""#));
    assert!(html.contains(r#"<link rel="stylesheet" href="/pkg/jeju_web.css">"#));
    assert!(html.contains(r#"id="question""#));
    assert!(html.contains(r#"id="send""#));
    assert!(html.contains(r#"id="lang-toggle""#));
    assert_eq!(count(&html, r#"class="pick-card"#), 3);
    for rank in 1..=3 {
        assert!(
            html.contains(&format!(r#"data-rank="{rank}""#)),
            "rank {rank}"
        );
    }
    assert_eq!(count(&html, r#"class="pick-card backfilled""#), 1);
    // What a widened pick does not meet is said on its card, once.
    assert_eq!(count(&html, r#"class="unmet""#), 1);
    assert!(html.contains("애월읍 밖 한림읍(애월읍에서 8.2km)"));
    assert!(html.contains("비슷한 곳"));
    assert_eq!(count(&html, r#"class="search-table""#), 1);
    assert_eq!(count(&html, r#"class="message assistant done""#), 2);
    assert_eq!(count(&html, r#"class="message assistant error""#), 1);
    assert!(html.contains(r#"data-code="graph_unavailable""#));
    assert!(html.contains(&ErrorCode::GraphUnavailable.message(Language::Ko)));
    assert_eq!(count(&html, r#"<details class="trace">"#), 2);
    // The newest turn is the `#latest` anchor of the no-JS redirect.
    assert!(html.contains(r#"<section id="turn-0" data-turn="0" class="turn">"#));
    assert!(html.contains(r#"<section id="latest" data-turn="2" class="turn">"#));
    assert_eq!(count(&html, r#"class="notice""#), 1);
    // Finished turns have no progress row; the empty state is gone once there are turns.
    assert!(!html.contains(r#"class="progress""#));
    assert!(!html.contains(r#"class="intro""#));
    // No-JS fallback: a GET form to / with the question, session and language.
    assert!(html.contains(r#"<form method="get" action="/" class="composer">"#));
    assert!(html.contains(r#"name="q""#));
    assert!(html.contains(r#"name="session_id" value="sess-1""#));
    assert!(html.contains(r#"name="lang" value="ko""#));
    // Card contents: one price format in Korean, no raw coordinates (the map shows where).
    assert!(html.contains("9,000–21,000원"));
    assert!(html.contains("1인 약 15,000원"));
    assert!(!html.contains("₩"));
    assert!(html.contains("리뷰 1,280개"));
    assert!(html.contains("4.3"));
    assert!(!html.contains("33.4721, 126.3290"));
    assert_eq!(count(&html, r#"class="map-link google""#), 3);
    assert_eq!(count(&html, "<blockquote>"), 6);
    assert!(html.contains(r#"href="https://map.kakao.com/?q=store1""#));
    assert!(html.contains(r#"target="_blank" rel="noopener noreferrer""#));
    // What a widened pick does not meet is also said above the cards, once.
    assert_eq!(count(&html, r#"class="note relaxed""#), 1);
    // The map: the island, the asked region, an attraction, three numbered pins.
    assert_eq!(count(&html, r#"class="answer-map""#), 1);
    assert_eq!(count(&html, r#"class="pin""#), 3);
    assert!(html.contains(r#"class="map-region""#));
    assert_eq!(count(&html, r#"class="map-attraction""#), 1);
    // The data answer: its sentence, and its trace says what it is.
    assert!(html.contains("30대 손님 비중이 높은 순으로 2곳이에요"));
    assert!(html.contains("어떻게 계산했나요?"));
    // The trace: stages in people's words, candidates by name with scores, the fallback
    // mark only on the stage whose configured part failed, no developer detail.
    assert!(html.contains("어떻게 골랐나요?"));
    assert!(html.contains("MATCH (s:Store)"));
    assert!(html.contains("AI 모델 없이 규칙으로 조건을 읽었어요"));
    let shown = without_state(&html);
    assert!(!shown.contains("/srv/.jeju"), "a server path on the page");
    assert!(!shown.contains("no_llm") && !shown.contains("route: "));
    assert_eq!(count(&html, r#"class="fallback-mark""#), 1);
    assert!(html.contains("점수 0.88"));
    assert!(html.contains(r#"<span class="candidate-name">애월 흑돼지 2호점</span>"#));
    // Without an LLM the page says so.
    assert!(html.contains(r#"class="mode-note""#));
}

#[test]
fn server_text_is_escaped_and_unsafe_links_are_dropped() {
    let html = render(state(true));
    // The review and the question that contain a script tag appear as text.
    assert!(html.contains("맛있어요 &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("그래프가 꺼졌나요? &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains(XSS), "raw script tag in the page");
    assert!(
        !html.contains("href=\"javascript:"),
        "a javascript: link became an href"
    );
}

#[test]
fn the_state_script_round_trips_and_cannot_be_closed_early() {
    let original = state(true);
    let html = render(original.clone());
    let json = state_script(&html);
    assert!(!json.contains('<'), "unescaped < in the state script");
    assert!(json.contains(r"\u003c/script>"));
    let back: PageState = serde_json::from_str(json).expect("state JSON");
    assert_eq!(back, original);
    // Exactly one state script, and the module script only when the bundle exists.
    assert_eq!(count(&html, r#"id="jeju-state""#), 1);
    assert!(html.contains(r#"<script type="module">"#));
    assert!(html.contains("/pkg/jeju_web.js"));
    assert!(html.contains("/pkg/jeju_web_bg.wasm"));
    let plain = render(state(false));
    assert!(!plain.contains(r#"<script type="module">"#));
    assert!(!plain.contains("jeju_web.js"));
    assert!(plain.contains(r#"id="jeju-state""#));
}

#[test]
fn an_empty_page_offers_starter_questions_in_both_languages() {
    let html = render(PageState {
        language: Language::En,
        llm_configured: true,
        ..PageState::default()
    });
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    assert!(html.contains(r#"class="intro""#));
    assert!(html.contains("Jeju Restaurant Finder"));
    assert!(!html.contains("How did you pick"));
    let starters = count(&html, r#"class="starter""#);
    assert!((4..=6).contains(&starters), "{starters} starters");
    assert!(html.contains("60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘"));
    assert!(html.contains("Seafood near Seongsan Ilchulbong for a family dinner"));
    // The toggle leads to the other language; no session yet.
    assert!(html.contains(r#"href="/?lang=ko""#));
    assert!(!html.contains(r#"class="mode-note""#));
    assert!(!html.contains(r#"class="message "#));
    assert!(html.contains(r#"class="messages""#));
}

#[test]
fn an_english_answer_stays_english_on_a_korean_page() {
    let mut answer = recommend();
    answer.language = Language::En;
    answer.notice = None;
    answer.picks[0].store_type_label = "single-dish specialty".into();
    answer.picks[0].place_label = Some("Aewol-eup".into());
    let html = render(PageState {
        language: Language::Ko,
        turns: vec![ChatTurn {
            question: "Black pork in Aewol".into(),
            answer: Some(answer),
            error: None,
        }],
        ..PageState::default()
    });
    // The page's own chrome is Korean; the answer, labels included, is English.
    assert!(html.contains("제주 맛집 추천"));
    assert!(html.contains(r#"lang="en""#));
    assert!(html.contains("single-dish specialty · Aewol-eup"));
    assert!(html.contains("How did you pick these?"));
    assert!(html.contains("about ₩15,000 per person"));
    assert!(html.contains("₩9,000–21,000"));
    assert!(!html.contains("어떻게 골랐나요?"));
}

#[test]
fn words_left_out_and_read_otherwise_are_named_above_the_answer() {
    let mut answer = recommend();
    answer.unmatched = vec!["뷁뷁".into(), XSS.into()];
    answer.read_as = vec![jeju_api::ReadAs {
        written: "흙돼지".into(),
        read_as: "흑돼지".into(),
    }];
    let html = render(PageState {
        turns: vec![ChatTurn {
            question: answer.question.clone(),
            answer: Some(answer),
            error: None,
        }],
        ..PageState::default()
    });
    let shown = without_state(&html);
    assert!(
        shown.contains("데이터에서 찾지 못해 빼고 찾은 말: '뷁뷁'"),
        "{shown}"
    );
    assert!(shown.contains("이렇게 읽었어요: 흙돼지 → 흑돼지"));
    assert!(!html.contains(XSS), "the words are escaped");
}

#[test]
fn the_bundle_is_linked_from_its_versioned_directory_with_the_icon() {
    let html = render(PageState {
        assets: "/pkg/0123abcd4567".into(),
        ..state(true)
    });
    assert!(html.contains(r#"<link rel="stylesheet" href="/pkg/0123abcd4567/jeju_web.css">"#));
    assert!(html.contains("from '/pkg/0123abcd4567/jeju_web.js'"));
    assert!(html.contains("'/pkg/0123abcd4567/jeju_web_bg.wasm'"));
    assert!(!html.contains("/pkg/jeju_web"), "an unversioned link");
    assert!(html.contains(r#"<link rel="icon" href="/favicon.svg" type="image/svg+xml">"#));
    // The inline module is exactly what the server's policy hashes.
    assert!(html.contains(&jeju_web::hydrate_module("/pkg/0123abcd4567")));
}

#[test]
fn an_answer_ranked_while_review_search_warms_up_says_so_quietly() {
    let one_turn = |answer: AskResponse| {
        render(PageState {
            turns: vec![ChatTurn {
                question: answer.question.clone(),
                answer: Some(answer),
                error: None,
            }],
            ..PageState::default()
        })
    };
    let ready = without_state(&one_turn(recommend()));
    assert!(!ready.contains("warming-up"), "{ready}");
    let mut answer = recommend();
    answer.warming_up = Some(jeju_api::WarmingUp {
        review_index_percent: 34,
    });
    let shown = without_state(&one_turn(answer));
    assert_eq!(count(&shown, "note warming-up"), 1, "{shown}");
    assert!(
        shown.contains("리뷰 검색을 준비하고 있어요 (34%)"),
        "{shown}"
    );
}

#[test]
fn a_recommend_answer_without_picks_says_so() {
    let mut answer = recommend();
    answer.picks.clear();
    answer.notice = None;
    let html = render(PageState {
        turns: vec![ChatTurn {
            question: answer.question.clone(),
            answer: Some(answer),
            error: None,
        }],
        ..PageState::default()
    });
    assert!(html.contains(r#"class="empty-result""#));
    assert!(!html.contains(r#"class="pick-card"#));
    assert!(!html.contains(r#"class="notice""#));
}

#[test]
fn a_declined_question_shows_why_and_no_cards() {
    let mut answer = recommend();
    answer.kind = AnswerKind::Declined;
    answer.picks.clear();
    answer.notice = None;
    answer.declined = Some(jeju_api::Declined {
        reason: jeju_api::DeclineReason::OutOfArea,
        word: Some("부산".into()),
    });
    answer.text = format!("'부산'은(는) 제주 밖이라 제 데이터에 없어요. {XSS}");
    let html = render(PageState {
        turns: vec![ChatTurn {
            question: "부산 해운대 맛집 추천".into(),
            answer: Some(answer),
            error: None,
        }],
        ..PageState::default()
    });
    assert!(html.contains(r#"class="declined answer-text""#), "{html}");
    assert!(html.contains("제주 밖이라"));
    assert!(!html.contains(XSS), "the text is escaped");
    assert!(!html.contains(r#"class="pick-card"#));
    assert!(!html.contains(r#"class="empty-result""#));
}
