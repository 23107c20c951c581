//! The fast build of the engine (AVX2, `-ffast-math`) against the portable one (IEEE
//! arithmetic), on synthetic Jeju reviews: the same tokens, nearly the same vectors, and the
//! same reviews found for the same questions. On a CPU without AVX2 both are the portable
//! build and the checks hold trivially.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use jeju_embed::Embedder;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Indices of the `k` passages closest to `q`, best first.
fn top_k(q: &[f32], passages: &[Vec<f32>], k: usize) -> Vec<usize> {
    let mut scored: Vec<(f32, usize)> = passages
        .iter()
        .enumerate()
        .map(|(i, p)| (dot(q, p), i))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(k).map(|(_, i)| i).collect()
}

#[test]
fn fast_build_agrees_with_the_portable_one() {
    let weights = jeju_embed::default_weights_path(root());
    let fast = Embedder::load(&weights).unwrap_or_else(|e| panic!("{e}"));
    let reference = Embedder::load_portable(&weights).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reference.engine(), "portable");

    let dir = tempfile::tempdir().unwrap();
    jeju_synth::generate(
        dir.path(),
        &jeju_synth::GenerateOptions::new(jeju_synth::Scale::Small, 7),
    )
    .unwrap();
    let reviews = jeju_data::jsonl::read_jsonl::<jeju_data::catalog::Review>(
        &dir.path().join("reviews.jsonl"),
    )
    .unwrap();
    let mut seen = HashSet::new();
    let texts: Vec<&str> = reviews
        .items
        .iter()
        .map(|r| r.text.as_str())
        .filter(|t| seen.insert(*t))
        .take(250)
        .collect();
    assert!(texts.len() >= 200, "only {} distinct reviews", texts.len());

    for t in &texts {
        assert_eq!(
            fast.token_count(t, false).unwrap(),
            reference.token_count(t, false).unwrap(),
            "token count of {t:?}"
        );
    }
    let a = fast.embed_passages(&texts).unwrap();
    let b = reference.embed_passages(&texts).unwrap();
    let worst = a
        .iter()
        .zip(&b)
        .map(|(x, y)| dot(x, y))
        .fold(f32::INFINITY, f32::min);
    assert!(
        worst >= 0.9995,
        "a passage's vectors differ: cosine {worst}"
    );

    let questions = [
        "부모님과 가기 좋은 흑돼지 맛집",
        "애월 바다 보이는 카페",
        "아이와 함께 갈 만한 고기국수집",
        "혼밥하기 좋은 서귀포 식당",
        "웨이팅이 길어도 맛있는 곳",
        "주차가 편한 식당",
        "직원이 친절한 해물 요리집",
        "가성비 좋은 점심",
        "분위기 좋은 디저트 카페",
        "전복죽이 맛있는 집",
        "a quiet cafe with an ocean view",
        "good black pork for a family dinner",
    ];
    let (mut overlap, mut top1_kept) = (0usize, 0usize);
    for q in questions {
        let qa = fast.embed_query(q).unwrap();
        let qb = reference.embed_query(q).unwrap();
        assert!(
            dot(&qa, &qb) >= 0.9995,
            "query {q:?}: cosine {}",
            dot(&qa, &qb)
        );
        let got = top_k(&qa, &a, 10);
        let want = top_k(&qb, &b, 10);
        overlap += got.iter().filter(|i| want.contains(i)).count();
        top1_kept += usize::from(got[..3].contains(&want[0]));
    }
    let recall = overlap as f64 / (10 * questions.len()) as f64;
    eprintln!(
        "engine {}: worst passage cosine {worst:.6}, recall@10 {recall:.3}, reference top-1 in top-3 {top1_kept}/{}",
        fast.engine(),
        questions.len()
    );
    assert!(
        recall >= 0.95,
        "recall@10 against the portable build: {recall:.3}"
    );
    assert_eq!(
        top1_kept,
        questions.len(),
        "a reference top-1 fell out of the top 3"
    );
}
