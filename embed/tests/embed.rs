//! Tests against the real model (installed by `./setup.sh` into `.jeju/e5`); no mocks.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jeju_embed::{EmbedError, Embedder, EmbeddingCache, DIMS, MAX_TOKENS};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn model() -> &'static Embedder {
    static MODEL: OnceLock<Embedder> = OnceLock::new();
    MODEL.get_or_init(|| match Embedder::load_default(root()) {
        Ok(m) => m,
        Err(e) => panic!("{e}"),
    })
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f32]) -> f32 {
    dot(a, a).sqrt()
}

#[test]
fn dims_unit_norm_and_determinism() {
    let m = model();
    assert_eq!(m.dims(), DIMS);
    let q = m.embed_query("제주시 한림읍 카페 추천").unwrap();
    assert_eq!(q.len(), 384);
    assert!((norm(&q) - 1.0).abs() < 1e-4, "norm {}", norm(&q));

    let texts = [
        "흑돼지 오겹살이 정말 맛있어요",
        "The bakery had great croissants.",
        "",
    ];
    let p = m.embed_passages(&texts).unwrap();
    assert_eq!(p.len(), 3);
    for v in &p {
        assert_eq!(v.len(), DIMS);
        assert!((norm(v) - 1.0).abs() < 1e-4);
    }
    // Same text twice: identical vectors, alone or in a batch.
    let again = m.embed_passages(&texts[..1]).unwrap();
    assert_eq!(again[0], p[0]);
    let twice = m.embed_passages(&[texts[0], texts[0]]).unwrap();
    assert_eq!(twice[0], twice[1]);
    assert_eq!(twice[0], p[0]);
    assert_eq!(m.embed_query("제주시 한림읍 카페 추천").unwrap(), q);
    // Query and passage prefixes give different vectors.
    assert_ne!(m.embed_query(texts[0]).unwrap(), p[0]);
    assert!(m.model_id().starts_with("multilingual-e5-small-q4:"));
}

#[test]
fn korean_semantic_ranking() {
    let m = model();
    let query = m.embed_query("부모님과 가기 좋은 흑돼지 맛집").unwrap();
    let reviews = [
        // 0: the one that should win
        "부모님 모시고 다녀왔는데 흑돼지 근고기가 두툼하고 부드러워서 아버지가 특히 좋아하셨어요. 자리도 넓어서 가족 식사하기 좋아요.",
        "카페라떼 라떼아트가 예쁘고 창가 자리에서 바다가 보여요. 디저트는 평범했어요.",
        "The bakery near the harbour sells excellent sourdough and croissants, a bit pricey.",
        "친구들이랑 밤늦게 포장마차에서 소주 한잔했어요. 분위기가 시끌벅적해요.",
        "혼자 여행 중에 들른 고기국수 집인데 국물이 진하고 양이 많아요.",
        "아이와 함께 간 키즈카페, 놀이 공간이 넓고 깨끗해요.",
    ];
    let p = m.embed_passages(&reviews).unwrap();
    let scores: Vec<f32> = p.iter().map(|v| dot(&query, v)).collect();
    let best = (0..scores.len())
        .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
        .unwrap();
    assert_eq!(best, 0, "scores {scores:?}");
    assert!(
        scores[0] > scores[1] && scores[0] > scores[2],
        "scores {scores:?}"
    );

    // English query, Korean passages: the model is multilingual.
    let q_en = m
        .embed_query("black pork restaurant good for going with my parents")
        .unwrap();
    let scores_en: Vec<f32> = p.iter().map(|v| dot(&q_en, v)).collect();
    let best_en = (0..scores_en.len())
        .max_by(|&a, &b| scores_en[a].total_cmp(&scores_en[b]))
        .unwrap();
    assert_eq!(best_en, 0, "scores {scores_en:?}");
}

#[test]
fn long_text_is_truncated_not_fatal() {
    let m = model();
    let sentence = "바다가 보이는 창가 자리에서 먹은 전복 뚝배기가 정말 맛있었어요. ";
    let long: String = sentence.repeat(30); // a little over 512 tokens
    assert!(m.token_count(&long, false).unwrap() > MAX_TOKENS);
    // Truncation keeps the first 512 tokens: appending more text, even a huge amount,
    // changes nothing (and the cut stays cheap).
    let huge = format!(
        "{long}{}",
        "완전히 다른 이야기: 카페 라떼아트. ".repeat(20_000)
    );
    let v = m.embed_passages(&[long.as_str(), huge.as_str()]).unwrap();
    assert!((norm(&v[0]) - 1.0).abs() < 1e-4);
    assert_eq!(v[0], v[1]);
    // NUL bytes and odd input do not break the call.
    let odd = m.embed_query("a\0b 🍊🍊 \u{200b}").unwrap();
    assert_eq!(odd.len(), DIMS);
}

#[test]
fn embed_all_uses_and_fills_the_cache() {
    let m = model();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e5-cache.bin");
    let texts = [
        "고기국수 맛집",
        "흑돼지 오겹살",
        "고기국수 맛집",
        "오름 근처 카페",
        "갈치조림 2인분",
        "한치 물회",
    ];

    let mut calls = Vec::new();
    let mut cache = EmbeddingCache::open(&path, DIMS).unwrap();
    let first = m
        .embed_all_batched(&texts, &mut cache, 2, |d, t| calls.push((d, t)))
        .unwrap();
    assert_eq!(first.len(), texts.len());
    assert_eq!(first[0], first[2]);
    assert_eq!(cache.len(), 5); // the duplicate is stored once
    assert_eq!(calls.first(), Some(&(0, 6)));
    assert_eq!(calls.last(), Some(&(6, 6)));
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0));
    // Same vectors as a direct call.
    assert_eq!(first[1], m.embed_passages(&texts[1..2]).unwrap()[0]);
    drop(cache);

    // Reopened: everything comes from the file.
    let mut cache = EmbeddingCache::open(&path, DIMS).unwrap();
    assert_eq!(cache.len(), 5);
    let mut calls = Vec::new();
    let second = m
        .embed_all(&texts, &mut cache, |d, t| calls.push((d, t)))
        .unwrap();
    assert_eq!(second, first);
    assert_eq!(calls, vec![(6, 6)]);
    drop(cache);

    // A crash mid-record: the torn record is dropped and embedded again on the next run.
    let len = std::fs::metadata(&path).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(len - 100)
        .unwrap();
    let mut cache = EmbeddingCache::open(&path, DIMS).unwrap();
    assert_eq!(cache.len(), 4);
    assert!(cache.dropped_bytes() > 0);
    let third = m.embed_all(&texts, &mut cache, |_, _| {}).unwrap();
    assert_eq!(third, first);
    assert_eq!(cache.len(), 5);
}

#[test]
fn missing_model_is_not_installed() {
    let dir = tempfile::tempdir().unwrap();
    let err = Embedder::load(dir.path().join("nope").join("e5-small-q4.bin")).unwrap_err();
    assert!(matches!(err, EmbedError::NotInstalled { .. }), "{err:?}");
    assert!(err.to_string().contains("./setup.sh"), "{err}");
    let err = Embedder::load_default(dir.path()).unwrap_err();
    assert!(matches!(err, EmbedError::NotInstalled { .. }), "{err:?}");

    // A file that is not a model: a load error, not a crash.
    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, vec![7u8; 4096]).unwrap();
    let err = Embedder::load(&junk).unwrap_err();
    assert!(matches!(err, EmbedError::Load { .. }), "{err:?}");

    // Truncated copies of the real weights: refused before the C engine sees them (it would
    // read past the end of the mapping and crash).
    let real = std::fs::read(jeju_embed::default_weights_path(root()))
        .expect("weights installed by ./setup.sh");
    for cut in [100, 5_000_000, real.len() / 2, real.len() - 1000] {
        let part = dir.path().join(format!("cut-{cut}.bin"));
        std::fs::write(&part, &real[..cut]).unwrap();
        let err = Embedder::load(&part).unwrap_err();
        assert!(
            matches!(err, EmbedError::Load { .. }),
            "cut at {cut}: {err:?}"
        );
    }
}

#[test]
fn shared_across_threads() {
    let m = model();
    let expected = m.embed_query("성산일출봉 근처 해장국").unwrap();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| m.embed_query("성산일출봉 근처 해장국").unwrap()))
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), expected);
        }
    });
}
