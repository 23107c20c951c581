//! `jeju data generate`, `jeju ingest` and `jeju quickstart`.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use jeju_data::dataset::DataSet;
use jeju_graph::ingest::{IngestOptions, IngestSummary};

use crate::cli::{
    EncodingArg, GenerateArgs, IngestArgs, QuickstartArgs, ReviewVectorsArg, ScaleArg,
};
use crate::graph_cmd::{connect, print_counts, project_home, run_samples};
use crate::progress::Bars;

fn scale(s: ScaleArg) -> jeju_synth::Scale {
    match s {
        ScaleArg::Small => jeju_synth::Scale::Small,
        ScaleArg::Full => jeju_synth::Scale::Full,
    }
}

pub fn generate(args: &GenerateArgs) -> Result<()> {
    let started = Instant::now();
    let opts = jeju_synth::GenerateOptions {
        scale: scale(args.scale),
        seed: args.seed,
        encoding: match args.encoding {
            EncodingArg::Cp949 => jeju_data::contest::TextEncoding::Cp949,
            EncodingArg::Utf8 => jeju_data::contest::TextEncoding::Utf8,
        },
    };
    let summary = jeju_synth::generate(&args.out, &opts)
        .with_context(|| format!("generating into {}", args.out.display()))?;
    println!(
        "generated {} stores, {} monthly rows, {} reviews, {} attractions into {} in {:.1} s",
        summary.stores,
        summary.monthly_rows,
        summary.reviews,
        summary.attractions,
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// How many rejected rows are printed; all of them go to the report file.
const SHOWN_ERRORS: usize = 20;

pub async fn ingest(args: &IngestArgs) -> Result<IngestSummary> {
    let read_started = Instant::now();
    let data = DataSet::load(&args.path)?;
    println!(
        "read {} ({}, {} rows, ratios as {:?}), {} store profiles, {} reviews, {} attractions in {:.1} s",
        data.contest_path.display(),
        data.contest.encoding,
        data.contest.rows,
        data.contest.ratio_scale,
        data.stores.len(),
        data.reviews.len(),
        data.attractions.len(),
        read_started.elapsed().as_secs_f64()
    );
    report_rejected(&data)?;
    if args.strict && !data.errors.is_empty() {
        bail!("{} rows rejected and --strict was given", data.errors.len());
    }
    let client = connect(!args.no_start).await?;
    let options = IngestOptions {
        batch_size: args.batch_size,
        ..IngestOptions::default()
    };
    println!("loading into {} …", client.config().uri);
    let bars = Bars::new();
    let summary = jeju_graph::ingest::ingest(&client, &data, &options, &bars).await?;
    let started = Instant::now();
    let vectors = jeju_fastrp::store_embeddings(&data, &jeju_fastrp::FastRpConfig::default());
    println!(
        "FastRP: {} store embeddings in {:.2} s",
        vectors.len(),
        started.elapsed().as_secs_f64()
    );
    jeju_graph::ingest::write_store_vectors(&client, "fastrp", &vectors, &options, &bars).await?;
    review_vectors(&data, args.review_vectors, &bars).await?;
    print_counts(&summary.counts);
    println!(
        "ingest finished in {:.1} s ({} rows rejected)",
        read_started.elapsed().as_secs_f64(),
        data.errors.len()
    );
    Ok(summary)
}

/// The review vectors for HyDE review search: every review embedded (through the cache in
/// `.jeju/cache`, so a re-ingest costs seconds and an interrupted run resumes) into the
/// vector index in `.jeju/vectors/reviews` (or Qdrant with `JEJU_QDRANT_URL`). Without the
/// e5 model this warns and returns: the pipeline then falls back to graph signals.
async fn review_vectors(data: &DataSet, mode: ReviewVectorsArg, bars: &Bars) -> Result<()> {
    if mode == ReviewVectorsArg::Skip {
        println!("review vectors: skipped (--review-vectors skip); review search falls back to graph signals");
        return Ok(());
    }
    if data.reviews.is_empty() {
        println!("review vectors: the data has no reviews, nothing to embed");
        return Ok(());
    }
    let home = project_home();
    if mode == ReviewVectorsArg::Background {
        if crate::review_build::check_against(&home, &data.reviews)? {
            println!("review vectors: index up to date");
        } else {
            println!(
                "review vectors: left to `jeju serve`, which builds them in the background \
                 (progress: `jeju status`; or `jeju reviews build` in the foreground)"
            );
        }
        return Ok(());
    }
    let embedder = match jeju_embed::Embedder::load_default(&home) {
        Ok(e) => e,
        Err(e) => {
            eprintln!(
                "warning: review vectors skipped: {e}\n  HyDE review search stays off and the pipeline falls back to graph signals; after ./setup.sh, `jeju ingest` again adds them"
            );
            return Ok(());
        }
    };
    crate::review_build::embed_and_report(&data.reviews, &embedder, &home, bars).await
}

fn report_rejected(data: &DataSet) -> Result<()> {
    if data.errors.is_empty() {
        return Ok(());
    }
    eprintln!("{} rows rejected:", data.errors.len());
    for e in data.errors.iter().take(SHOWN_ERRORS) {
        eprintln!("  {e}");
    }
    let report = project_home().join(".jeju/ingest-rejected.txt");
    if let Some(dir) = report.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut f =
        std::fs::File::create(&report).with_context(|| format!("writing {}", report.display()))?;
    for e in &data.errors {
        writeln!(f, "{e}")?;
    }
    if data.errors.len() > SHOWN_ERRORS {
        eprintln!("  … and {} more", data.errors.len() - SHOWN_ERRORS);
    }
    eprintln!("all rejected rows: {}", report.display());
    Ok(())
}

pub async fn quickstart(args: &QuickstartArgs) -> Result<()> {
    let scale_name = match args.scale {
        ScaleArg::Small => "small",
        ScaleArg::Full => "full",
    };
    let dir = args.data.clone().unwrap_or_else(|| {
        project_home()
            .join(".jeju/data")
            .join(format!("{scale_name}-{}", args.seed))
    });
    if is_generated(&dir) {
        println!("using the data in {}", dir.display());
    } else {
        generate(&GenerateArgs {
            scale: args.scale,
            seed: args.seed,
            out: dir.clone(),
            encoding: EncodingArg::Cp949,
        })?;
    }
    ingest(&IngestArgs {
        path: dir,
        batch_size: 1000,
        strict: false,
        no_start: false,
        review_vectors: args.serve.review_vectors,
    })
    .await?;
    let client = connect(false).await?;
    run_samples(&client).await?;
    if args.no_serve {
        return Ok(());
    }
    println!();
    if !args.serve.no_llm {
        crate::llm_cmd::ensure_local_running().await;
    }
    crate::serve_cmd::serve(&args.serve).await
}

/// Whether `dir` holds a generated data set (its manifest).
pub(crate) fn is_generated(dir: &Path) -> bool {
    dir.join(jeju_data::files::MANIFEST).is_file()
}
