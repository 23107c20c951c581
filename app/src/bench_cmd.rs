//! `jeju bench`: per-stage latency of the pipeline over a fixed question set.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Result;
use jeju_pipeline::Pipeline;

use crate::cli::BenchArgs;
use crate::graph_cmd::connect;

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
    let graph = connect(false).await?;
    let pipeline = Pipeline::new(graph)?;
    for q in QUESTIONS {
        pipeline.ask(q).await?;
    }
    let mut per_stage: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
    let mut totals = Vec::new();
    for _ in 0..args.rounds.max(1) {
        for q in QUESTIONS {
            let started = Instant::now();
            let answer = pipeline.ask(q).await?;
            totals.push(started.elapsed().as_secs_f64() * 1000.0);
            for s in &answer.trace.stages {
                per_stage.entry(s.stage).or_default().push(s.ms);
            }
        }
    }
    println!(
        "{} turns ({} questions × {} rounds, after a warm-up round)",
        totals.len(),
        QUESTIONS.len(),
        args.rounds.max(1)
    );
    println!(
        "{:<14} {:>9} {:>9} {:>9}",
        "stage", "p50 ms", "p95 ms", "max ms"
    );
    let order = [
        "route",
        "text2cypher",
        "review_search",
        "backfill",
        "select",
        "answer",
    ];
    for stage in order {
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
    Ok(())
}
