//! Embeds the reviews of a synthetic Jeju (small scale, seed 1) into an [`EmbeddingCache`]
//! file, with progress; run it twice to see the cache at work.
//!
//! `cargo run --release -p jeju-embed --example embed_reviews -- CACHE_FILE`

use std::io::Write;
use std::time::Instant;

use jeju_embed::{Embedder, EmbeddingCache, DIMS};

fn main() {
    let Some(out) = std::env::args().nth(1) else {
        eprintln!("usage: embed_reviews CACHE_FILE");
        std::process::exit(2);
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let m = Embedder::load_default(&root).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let dir = tempfile::tempdir().unwrap();
    jeju_synth::generate(
        dir.path(),
        &jeju_synth::GenerateOptions::new(jeju_synth::Scale::Small, 1),
    )
    .unwrap();
    let reviews = jeju_data::jsonl::read_jsonl::<jeju_data::catalog::Review>(
        &dir.path().join("reviews.jsonl"),
    )
    .unwrap();
    let texts: Vec<&str> = reviews.items.iter().map(|r| r.text.as_str()).collect();
    let mut cache = EmbeddingCache::open(&out, DIMS).unwrap();
    let t = Instant::now();
    m.embed_all(&texts, &mut cache, |done, total| {
        eprint!("\r{done}/{total}");
        let _ = std::io::stderr().flush();
    })
    .unwrap();
    eprintln!();
    println!(
        "{} reviews ({} distinct vectors in {out}) in {:.1} s",
        texts.len(),
        cache.len(),
        t.elapsed().as_secs_f64()
    );
}
