//! `jeju data generate`, `jeju ingest` and `jeju quickstart`.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use jeju_data::dataset::DataSet;
use jeju_graph::ingest::{IngestOptions, IngestSummary};

use crate::cli::{EncodingArg, GenerateArgs, IngestArgs, QuickstartArgs, ScaleArg};
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
    print_counts(&summary.counts);
    println!(
        "ingest finished in {:.1} s ({} rows rejected)",
        summary.elapsed.as_secs_f64(),
        data.errors.len()
    );
    Ok(summary)
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
    })
    .await?;
    let client = connect(false).await?;
    run_samples(&client).await
}

fn is_generated(dir: &Path) -> bool {
    dir.join(jeju_data::files::MANIFEST).is_file()
}
