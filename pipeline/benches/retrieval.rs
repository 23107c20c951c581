//! Criterion benchmarks of the retrieval stages on the full data in the local graph:
//!
//! - `route`: the gazetteer parser over 20 fixed ko/en questions (pure CPU);
//! - `text2cypher_fallback`: composing and running the candidate query of four recommend
//!   intents and the answer query of two search questions (what runs without the LLM);
//! - `backfill`: FastRP nearest neighbours over every store's vector, and with the graph
//!   fetch of the neighbours' candidate rows;
//! - `review_search`: the e5 query embedding and the HNSW search when the review index is
//!   built (`jeju ingest` without `--review-vectors skip`); otherwise the embedded HNSW store
//!   over 108,451 random 384-d unit vectors (the full data's review count; the bench names
//!   say `random_vectors`), built outside the measured loop with the real index's HNSW
//!   parameters and cached in `target/tmp/random-reviews-108451` (≈ 300 MB);
//! - `cards`: loading the cards of 6 candidates and the deterministic select.
//!
//! `cargo bench -p jeju-pipeline` takes ≈ 70 s on 2 cores, plus ≈ 10 min once for the
//! random stand-in index (uniform random vectors are HNSW's worst case to build: ≈ 170
//! points/s on 2 busy cores) when the review index is not built. The graph is the configured
//! one (`JEJU_GRAPH_*`); with no graph or fewer than 5,000 stores the bench says what to run
//! and exits 0 without measuring.

use std::collections::{BTreeMap, HashSet};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput};
use jeju_graph::{GraphClient, GraphConfig};
use jeju_pipeline::compose;
use jeju_pipeline::intent::{Intent, Route};
use jeju_pipeline::parse::parse;
use jeju_pipeline::prompts::Prompts;
use jeju_pipeline::recommend::{self, Candidate};
use jeju_pipeline::stages::backfill::MIN_BACKFILL_SIMILARITY;
use jeju_pipeline::stages::review_search::REVIEW_SEARCH_STORES;
use jeju_pipeline::stages::text2cypher::{CANDIDATE_LIMIT, MAX_CANDIDATES};
use jeju_review_search::{ReviewIndexPaths, ReviewSearch};
use jeju_vectors::{EmbeddedStore, Point};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tokio::runtime::Runtime;

/// Fewer stores than this: not the full data.
const MIN_STORES: i64 = 5_000;
/// The full data's review count (seed 42).
const FULL_REVIEWS: usize = 108_451;
/// The full data's store count, for the random stand-in's store ids.
const FULL_STORES: usize = 9_250;
const DIMS: usize = 384;

/// Representative recommend intents: (bench name, question).
const RECOMMEND: [(&str, &str); 4] = [
    (
        "aewol_black_pork_parents_60s",
        "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘",
    ),
    (
        "near_seongsan_ilchulbong_seafood",
        "성산일출봉 근처 해산물 맛집 추천",
    ),
    (
        "nohyeong_dinner_under_20000",
        "노형동 1인 2만원 이하 저녁 맛집 추천",
    ),
    ("jocheon_kids_lunch_en", "Kid-friendly lunch in Jocheon"),
];

/// Representative search questions: (bench name, question).
const SEARCH: [(&str, &str); 2] = [
    (
        "hallim_cafe_top_30s_share",
        "제주시 한림읍에 있는 카페 중 30대 이용 비중이 가장 높은 곳은?",
    ),
    (
        "aewol_2023_08_busiest_count",
        "2023년 8월 애월읍에서 이용건수 상위 10%에 든 가게는 몇 곳?",
    ),
];

/// Everything the graph benches share, loaded once.
struct Fixture {
    rt: Runtime,
    graph: GraphClient,
    root: PathBuf,
}

fn project_root() -> PathBuf {
    std::env::var_os("JEJU_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let pipeline = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            pipeline.parent().unwrap_or(pipeline).to_path_buf()
        })
}

const HOW_TO_LOAD: &str =
    "load the full data first: `cargo run --release -- quickstart --review-vectors skip`";

/// The graph with the full data, or why not.
fn fixture() -> Result<Fixture, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let config = GraphConfig::from_env();
    let graph = rt
        .block_on(GraphClient::connect(&config))
        .map_err(|e| format!("the graph at {} does not answer ({e})", config.uri))?;
    let stores = rt
        .block_on(graph.scalar_i64("MATCH (s:Store) RETURN count(s) AS n", "n"))
        .map_err(|e| format!("cannot count the stores ({e})"))?;
    if stores < MIN_STORES {
        return Err(format!(
            "the graph at {} (database '{}') holds {stores} stores, not the full data (≥ {MIN_STORES})",
            config.uri, config.database
        ));
    }
    eprintln!(
        "graph: {} (database '{}'), {stores} stores",
        config.uri, config.database
    );
    Ok(Fixture {
        rt,
        graph,
        root: project_root(),
    })
}

/// Short runs: the whole file stays under about three minutes on 2 cores.
fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    g
}

fn intent_of(question: &str, route: Route) -> Intent {
    let intent = parse(question);
    assert_eq!(intent.route, route, "{question}: parsed as {intent:?}");
    intent
}

/// The text2cypher stage without an LLM: the composed candidate query run and its rows
/// scored (as `Pipeline::text2cypher` does).
async fn candidates(graph: &GraphClient, intent: &Intent) -> Vec<Candidate> {
    let q = compose::candidate_query(&intent.constraints, CANDIDATE_LIMIT);
    let rows = graph.records(&q).await.expect("candidate query");
    recommend::candidates_from_rows(&rows, &intent.constraints)
}

fn bench_route(c: &mut Criterion) {
    let mut g = group(c, "route");
    g.throughput(Throughput::Elements(
        jeju_pipeline::BENCH_QUESTIONS.len() as u64
    ));
    g.bench_function("gazetteer_parser_20_questions_ko_en", |b| {
        b.iter(|| {
            for q in jeju_pipeline::BENCH_QUESTIONS {
                black_box(parse(black_box(q)));
            }
        })
    });
    g.finish();
}

fn bench_text2cypher(c: &mut Criterion, fx: &Fixture) {
    let mut g = group(c, "text2cypher_fallback");
    for (name, question) in RECOMMEND {
        let intent = intent_of(question, Route::Recommend);
        let n = fx.rt.block_on(candidates(&fx.graph, &intent)).len();
        eprintln!("text2cypher_fallback/recommend_{name}: {n} candidates");
        g.bench_function(format!("recommend_{name}"), |b| {
            b.iter(|| fx.rt.block_on(candidates(&fx.graph, black_box(&intent))))
        });
    }
    for (name, question) in SEARCH {
        let intent = intent_of(question, Route::Search);
        g.bench_function(format!("search_{name}"), |b| {
            b.iter(|| {
                let q = compose::search_query(black_box(&intent)).expect("a search query");
                fx.rt.block_on(fx.graph.records(&q)).expect("search query")
            })
        });
    }
    g.finish();
}

/// Every store's FastRP vector, as the pipeline loads them once per process.
fn store_vectors(fx: &Fixture) -> BTreeMap<String, Vec<f32>> {
    fx.rt
        .block_on(jeju_pipeline::stages::backfill::load_store_vectors(
            &fx.graph,
        ))
        .expect("FastRP vectors")
}

fn bench_backfill(c: &mut Criterion, fx: &Fixture) {
    let all = store_vectors(fx);
    if all.is_empty() {
        eprintln!("backfill: no FastRP vectors in the graph (re-run the ingest); skipped");
        return;
    }
    let (_, question) = RECOMMEND[0];
    let intent = intent_of(question, Route::Recommend);
    // Two filtered candidates: the backfill fills the other four.
    let mut found = fx.rt.block_on(candidates(&fx.graph, &intent));
    found.truncate(2);
    let anchors: Vec<&[f32]> = found
        .iter()
        .filter_map(|c| all.get(&c.id).map(Vec::as_slice))
        .collect();
    let exclude: HashSet<String> = found.iter().map(|c| c.id.clone()).collect();
    let want = MAX_CANDIDATES - found.len();
    let nearest = || {
        jeju_fastrp::nearest(black_box(&anchors), &all, &exclude, want)
            .into_iter()
            .filter(|(_, sim)| *sim >= MIN_BACKFILL_SIMILARITY)
            .map(|(id, _)| id)
            .collect::<Vec<String>>()
    };
    let mut g = group(c, "backfill");
    g.bench_function(
        format!("fastrp_nearest_{}_stores_2_anchors_4_wanted", all.len()),
        |b| b.iter(&nearest),
    );
    g.bench_function("fastrp_nearest_plus_neighbour_rows", |b| {
        b.iter(|| {
            let near = nearest();
            if near.is_empty() {
                return Vec::new();
            }
            let q = compose::candidate_query_for_ids(&intent.constraints, &near);
            let rows = fx
                .rt
                .block_on(fx.graph.records(&q))
                .expect("neighbour rows");
            recommend::candidates_from_rows(&rows, &intent.constraints)
        })
    });
    g.finish();
}

fn bench_review_search(c: &mut Criterion, fx: &Fixture) {
    let paths = ReviewIndexPaths::local(&fx.root);
    match fx.rt.block_on(ReviewSearch::open(&paths, &fx.root)) {
        Ok(search) => bench_review_index(c, fx, Arc::new(search)),
        Err(e) => {
            eprintln!(
                "review_search: the review index is not usable ({e}); benching the embedded HNSW store over {FULL_REVIEWS} random vectors instead"
            );
            bench_random_hnsw(c);
        }
    }
}

/// The real index: e5 query embedding and the search the pipeline runs.
fn bench_review_index(c: &mut Criterion, fx: &Fixture, search: Arc<ReviewSearch>) {
    let (_, question) = RECOMMEND[0];
    let intent = intent_of(question, Route::Recommend);
    let ids: Vec<String> = fx
        .rt
        .block_on(candidates(&fx.graph, &intent))
        .into_iter()
        .map(|c| c.id)
        .collect();
    let query = search
        .embedder()
        .embed_query(&intent.hyde)
        .expect("embedding the HyDE text");
    let points = search.manifest().count;
    let mut g = group(c, "review_search");
    g.bench_function("e5_query_embedding", |b| {
        b.iter(|| search.embedder().embed_query(black_box(&intent.hyde)))
    });
    g.bench_function(
        format!("embed_and_search_restricted_to_{}_candidates", ids.len()),
        |b| {
            b.iter(|| {
                fx.rt
                    .block_on(search.search_stores(
                        black_box(&intent.hyde),
                        Some(&ids),
                        REVIEW_SEARCH_STORES,
                    ))
                    .expect("review search")
            })
        },
    );
    g.bench_function(format!("hnsw_unfiltered_k50_{points}_reviews"), |b| {
        b.iter(|| {
            fx.rt
                .block_on(search.store().search(black_box(&query), 50, None))
                .expect("HNSW search")
        })
    });
    g.finish();
}

fn random_unit(rng: &mut ChaCha8Rng) -> Vec<f32> {
    let mut v: Vec<f32> = (0..DIMS).map(|_| rng.random::<f32>() * 2.0 - 1.0).collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    v.iter_mut().for_each(|x| *x /= norm);
    v
}

/// The embedded store over random unit vectors (loaded from the target directory when an
/// earlier run saved it there; built and saved otherwise).
fn random_store() -> EmbeddedStore {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("random-reviews-{FULL_REVIEWS}"));
    if let Ok(store) = EmbeddedStore::load(&dir) {
        if store.count() == FULL_REVIEWS {
            eprintln!(
                "review_search: random HNSW index loaded from {}",
                dir.display()
            );
            return store;
        }
    }
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let points: Vec<Point> = (0..FULL_REVIEWS)
        .map(|i| {
            Point::new(
                format!("R{i:06}"),
                format!("S{:04}", i % FULL_STORES),
                random_unit(&mut rng),
            )
        })
        .collect();
    let store = EmbeddedStore::new(DIMS);
    for chunk in points.chunks(10_000) {
        store
            .upsert_points(chunk)
            .expect("building the random index");
    }
    eprintln!(
        "review_search: random HNSW index of {FULL_REVIEWS} points built in {:.1} s (not measured)",
        started.elapsed().as_secs_f64()
    );
    if let Err(e) = store.save(&dir) {
        eprintln!("review_search: not cached ({e})");
    }
    store
}

fn bench_random_hnsw(c: &mut Criterion) {
    let store = random_store();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let queries: Vec<Vec<f32>> = (0..64).map(|_| random_unit(&mut rng)).collect();
    // A candidate set of 200 stores (≈ 2,300 reviews: the exact scan a restricted search
    // takes), k as the pipeline asks (24 stores × 8 hits).
    let allowed: Vec<String> = (0..200)
        .map(|i| format!("S{:04}", i * (FULL_STORES / 200)))
        .collect();
    let k_restricted = REVIEW_SEARCH_STORES * jeju_review_search::HITS_PER_STORE;
    let mut g = group(c, "review_search");
    let mut i = 0;
    g.bench_function(
        format!("random_vectors_hnsw_unfiltered_k50_{FULL_REVIEWS}_points"),
        |b| {
            b.iter(|| {
                i = (i + 1) % queries.len();
                store.search_points(black_box(&queries[i]), 50, None)
            })
        },
    );
    g.bench_function(
        format!("random_vectors_restricted_200_stores_k{k_restricted}_{FULL_REVIEWS}_points"),
        |b| {
            b.iter(|| {
                i = (i + 1) % queries.len();
                store.search_points(black_box(&queries[i]), k_restricted, Some(&allowed))
            })
        },
    );
    g.finish();
}

fn bench_cards(c: &mut Criterion, fx: &Fixture) {
    let (_, question) = RECOMMEND[0];
    let intent = intent_of(question, Route::Recommend);
    let mut six = fx.rt.block_on(candidates(&fx.graph, &intent));
    six.truncate(MAX_CANDIDATES);
    let cards = fx
        .rt
        .block_on(recommend::load_cards(&fx.graph, &six, &intent.constraints))
        .expect("cards");
    let prompts = Prompts::load().expect("prompts");
    let mut g = group(c, "cards");
    g.bench_function(
        format!("load_{}_cards_and_deterministic_select", six.len()),
        |b| {
            b.iter(|| {
                let cards = fx
                    .rt
                    .block_on(recommend::load_cards(
                        &fx.graph,
                        black_box(&six),
                        &intent.constraints,
                    ))
                    .expect("cards");
                recommend::deterministic_select(&cards, &intent.constraints, intent.lang, &prompts)
                    .expect("picks")
            })
        },
    );
    g.bench_function(format!("deterministic_select_{}_cards", cards.len()), |b| {
        b.iter(|| {
            recommend::deterministic_select(
                black_box(&cards),
                &intent.constraints,
                intent.lang,
                &prompts,
            )
            .expect("picks")
        })
    });
    g.finish();
}

fn main() {
    let fx = match fixture() {
        Ok(fx) => fx,
        Err(why) => {
            eprintln!("retrieval benches skipped: {why}.\n{HOW_TO_LOAD}");
            return;
        }
    };
    let mut c = Criterion::default().configure_from_args();
    bench_route(&mut c);
    bench_text2cypher(&mut c, &fx);
    bench_backfill(&mut c, &fx);
    bench_review_search(&mut c, &fx);
    bench_cards(&mut c, &fx);
    c.final_summary();
}
