//! Measures query latency and passage throughput on synthetic Jeju reviews.
//!
//! `cargo run --release -p jeju-embed --example bench [-- N_PASSAGES [BATCH]]`

use std::time::Instant;

use jeju_embed::{Embedder, EmbeddingCache, DIMS};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let batch: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(jeju_embed::DEFAULT_BATCH);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let t0 = Instant::now();
    let m = match Embedder::load_default(&root) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    println!(
        "load: {:.1} ms, engine {}, threads {}",
        t0.elapsed().as_secs_f64() * 1e3,
        m.engine(),
        m.threads()
    );

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
    let texts: Vec<String> = reviews
        .items
        .iter()
        .take(n)
        .map(|r| r.text.clone())
        .collect();
    let tokens: usize = texts.iter().map(|t| m.token_count(t, false).unwrap()).sum();
    println!(
        "{} reviews, {:.1} tokens each on average",
        texts.len(),
        tokens as f64 / texts.len() as f64
    );

    let queries = [
        "부모님과 가기 좋은 흑돼지 맛집",
        "애월 바다 보이는 카페",
        "제주시 한림읍 30대가 많이 가는 카페",
        "아이와 함께 갈 만한 고기국수집",
        "혼밥하기 좋은 서귀포 식당",
    ];
    for q in &queries {
        m.embed_query(q).unwrap();
    }
    let mut ms: Vec<f64> = (0..60)
        .map(|i| {
            let t = Instant::now();
            m.embed_query(queries[i % queries.len()]).unwrap();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    let cpu_q0 = cpu_seconds();
    for i in 0..20 {
        m.embed_query(queries[i % queries.len()]).unwrap();
    }
    println!(
        "query CPU time: {:.1} ms",
        (cpu_seconds() - cpu_q0) * 1e3 / 20.0
    );
    println!(
        "query: median {:.1} ms, p10 {:.1}, p90 {:.1} (n={})",
        ms[ms.len() / 2],
        ms[ms.len() / 10],
        ms[ms.len() * 9 / 10],
        ms.len()
    );

    let mut cache = EmbeddingCache::in_memory(DIMS);
    let t = Instant::now();
    let cpu0 = cpu_seconds();
    let v = m
        .embed_all_batched(&texts, &mut cache, batch, |_, _| {})
        .unwrap();
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    let rate = v.len() as f64 / secs;
    println!("passages: {} in {:.2} s = {:.1} passages/s (batch {batch}); CPU {:.2} s = {:.1} ms CPU per passage", v.len(), secs, rate, cpu, cpu * 1e3 / v.len() as f64);
    println!(
        "projected 108,451 reviews: {:.1} min at this rate",
        108_451.0 / rate / 60.0
    );
    let idle2 = 2.0 * v.len() as f64 / cpu;
    println!(
        "from CPU time, on 2 idle cores: {:.1} passages/s, 108,451 reviews in {:.1} min",
        idle2,
        108_451.0 / idle2 / 60.0
    );

    let path = dir.path().join("cache.bin");
    let mut file_cache = EmbeddingCache::open(&path, DIMS).unwrap();
    for (t, v) in texts.iter().zip(&v) {
        file_cache.append(&[(m.passage_key(t), v)]).unwrap();
    }
    drop(file_cache);
    let t = Instant::now();
    let mut file_cache = EmbeddingCache::open(&path, DIMS).unwrap();
    let again = m.embed_all(&texts, &mut file_cache, |_, _| {}).unwrap();
    assert_eq!(again, v);
    println!(
        "cached re-run (open + lookup): {:.1} ms for {}",
        t.elapsed().as_secs_f64() * 1e3,
        again.len()
    );
}

/// User + system CPU seconds of this process so far (Linux `/proc/self/stat`).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of the file (utime, stime) are 12 and 13 after the command name.
    let ticks: f64 = f.get(11).and_then(|x| x.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    ticks / 100.0
}
