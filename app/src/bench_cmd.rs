//! `jeju bench`: per-stage latency of the pipeline over a fixed question set.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Result;
use jeju_pipeline::LlmUsage;

use crate::cli::BenchArgs;

/// Ten Korean and ten English questions: recommendations and data questions.
const QUESTIONS: [&str; 20] = [
    "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘",
    "제주시 한림읍에 있는 카페 중 30대 이용 비중이 가장 높은 곳은?",
    "애월읍에 흑돼지 메뉴가 있는 가게는 몇 곳?",
    "성산일출봉 근처 해산물 맛집 추천",
    "아이와 가기 좋은 중문 돈까스집",
    "연동에서 혼밥하기 좋은 국수집 추천해줘",
    "서귀포시에서 현지인 비중이 가장 높은 일식집 3곳은?",
    "2023년 8월 애월읍에서 이용건수 상위 10%에 든 가게는 몇 곳?",
    "협재해수욕장 근처 데이트하기 좋은 카페",
    "노형동 1인 2만원 이하 저녁 맛집 추천",
    "Where can I take my parents for black pork in Aewol?",
    "Which cafe in Hallim-eup has the highest share of customers in their 30s?",
    "How many places in Aewol-eup serve black pork?",
    "A quiet cafe for a date near Hyeopjae Beach under 15,000 won",
    "Good seafood for a group dinner in Seongsan",
    "Which 3 cafes in Jungmun have the lowest share of locals?",
    "Kid-friendly lunch in Jocheon",
    "Best-rated bakery in Gujwa-eup",
    "Late-night pub with friends in Nohyeong-dong",
    "Cheap noodles for one person in Yeon-dong",
];

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub async fn bench(args: &BenchArgs) -> Result<()> {
    let pipeline = crate::pipeline_setup::build(args.llm).await?;
    let rounds = if args.llm { 1 } else { args.rounds.max(1) };
    if !args.llm {
        for q in QUESTIONS {
            pipeline.ask(q).await?;
        }
    }
    let mut per_stage: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
    let mut totals = Vec::new();
    let mut fallbacks: BTreeMap<String, usize> = BTreeMap::new();
    let mut llm = LlmUsage::default();
    for _ in 0..rounds {
        for q in QUESTIONS {
            let started = Instant::now();
            let answer = pipeline.ask(q).await?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            totals.push(ms);
            for s in &answer.trace.stages {
                per_stage.entry(s.stage).or_default().push(s.ms);
                if let Some(f) = &s.fallback {
                    // The reason up to its first detail, so that alike fallbacks add up.
                    let kind = f.split(" (").next().unwrap_or(f);
                    *fallbacks.entry(format!("{}: {kind}", s.stage)).or_default() += 1;
                }
            }
            llm.merge(&answer.trace.llm_total());
            if args.llm {
                eprintln!("{:>8.1} s  {q}  → {}", ms / 1000.0, answer.ids().len());
            }
        }
    }
    println!(
        "{} turns ({} questions × {rounds} round(s){}), LLM {}",
        totals.len(),
        QUESTIONS.len(),
        if args.llm {
            ""
        } else {
            ", after a warm-up round"
        },
        if pipeline.has_llm() { "on" } else { "off" }
    );
    println!(
        "{:<14} {:>9} {:>9} {:>9}",
        "stage", "p50 ms", "p95 ms", "max ms"
    );
    for stage in jeju_pipeline::STAGES {
        if let Some(v) = per_stage.get_mut(stage) {
            v.sort_by(f64::total_cmp);
            println!(
                "{stage:<14} {:>9.1} {:>9.1} {:>9.1}",
                percentile(v, 0.5),
                percentile(v, 0.95),
                v[v.len() - 1]
            );
        }
    }
    totals.sort_by(f64::total_cmp);
    println!(
        "{:<14} {:>9.1} {:>9.1} {:>9.1}",
        "total",
        percentile(&totals, 0.5),
        percentile(&totals, 0.95),
        totals[totals.len() - 1]
    );
    if llm.calls > 0 {
        println!(
            "LLM: {} calls, {} prompt + {} completion tokens ({:.0} + {:.0} per turn), {:.1} s per turn",
            llm.calls,
            llm.prompt_tokens,
            llm.completion_tokens,
            f64::from(llm.prompt_tokens) / totals.len() as f64,
            f64::from(llm.completion_tokens) / totals.len() as f64,
            llm.ms / 1000.0 / totals.len() as f64
        );
    }
    for (what, n) in &fallbacks {
        println!("fallback ×{n:<3} {what}");
    }
    Ok(())
}
