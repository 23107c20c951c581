use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// jeju-rec: a graph-backed, conversational restaurant recommender for Jeju island.
#[derive(Debug, Parser)]
#[command(name = "jeju", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Synthetic data.
    Data {
        #[command(subcommand)]
        command: DataCommand,
    },
    /// Load a data directory (or a single contest CSV such as JEJU_MCT_DATA_v2.csv) into the
    /// graph. Idempotent: running it twice changes nothing.
    Ingest(IngestArgs),
    /// The local graph server (ArcadeDB speaking Bolt on 127.0.0.1).
    Graph {
        #[command(subcommand)]
        command: GraphCommand,
    },
    /// The local LLM server (llama.cpp's llama-server on 127.0.0.1:8012 with the GGUF model
    /// that ./setup.sh installs).
    Llm {
        #[command(subcommand)]
        command: LlmCommand,
    },
    /// Node and relationship counts of the graph.
    Stats,
    /// Run the sample data questions against the graph.
    Samples,
    /// Ask a question (Korean or English): three recommendations, or an exact data answer.
    Ask(AskArgs),
    /// A conversation on the terminal: one question per line; follow-ups ("더 저렴한 곳은?",
    /// "2번 근처 카페도") revise the previous answer. Ends at EOF or an empty line.
    Chat(ChatArgs),
    /// Per-stage latency of `ask` over a fixed set of 20 questions (median and p95) and peak
    /// memory; `--ingest`: ingest throughput (rows/s per stage) and peak memory; `--load`:
    /// concurrent sessions against the HTTP API (throughput, latency, errors, memory).
    Bench(BenchArgs),
    /// Start the graph server, generate the synthetic data (unless present), ingest it, run
    /// the sample questions, start the local LLM server (unless --no-llm), then serve the chat
    /// page while the review vectors build in the background.
    Quickstart(QuickstartArgs),
    /// The review vector index (HyDE review search).
    Reviews {
        #[command(subcommand)]
        command: ReviewsCommand,
    },
    /// Where the parts stand: the graph, the LLM server, the review index (a background
    /// build's progress) and a running `jeju serve`.
    Status(StatusArgs),
    /// The chat page and the JSON API (`/api/ask`, `/api/ask/stream`, `/api/health`,
    /// `/api/openapi.json`) on http://ADDR.
    Serve(ServeArgs),
    /// Asks a running `jeju serve` for its health (`/api/health`) and prints it: exit 0 when
    /// it answers questions (status ok or degraded), 1 otherwise. For container health
    /// checks.
    Health(HealthArgs),
    /// Offline evaluation: run a case file (docs/eval-format.md) through the pipeline and
    /// write report.json and report.md; `generate` writes case sets from the data.
    Eval(EvalArgs),
}

#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Write a seeded synthetic Jeju in the contest format plus side files.
    Generate(GenerateArgs),
}

#[derive(Debug, Subcommand)]
pub enum GraphCommand {
    /// Start the local server in the background (no-op if it already answers).
    Start,
    /// Stop the local server.
    Stop,
    /// Is the configured graph reachable?
    Status,
}

#[derive(Debug, Subcommand)]
pub enum ReviewsCommand {
    /// Embed the reviews in the graph into the review index (only what the embedding cache
    /// lacks; nothing when the index is up to date). Resumable: an interrupted build goes on
    /// from the cache. `jeju serve` runs it in the background when the index is missing.
    Build(ReviewsBuildArgs),
}

#[derive(Debug, Args)]
pub struct ReviewsBuildArgs {
    /// No progress bars (the progress file still tells `jeju status`); what `jeju serve`
    /// passes to the builder it starts.
    #[arg(long)]
    pub background: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Where `jeju serve` listens (as `jeju serve --addr`).
    #[arg(long, env = "JEJU_SERVE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
}

#[derive(Debug, Subcommand)]
pub enum LlmCommand {
    /// Start the local LLM server in the background (no-op if it already answers).
    Start {
        /// CPU threads for generation (default: JEJU_LLM_THREADS, else every core). On a
        /// machine that builds or embeds at the same time, 1 decodes faster than all.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Stop the local LLM server.
    Stop,
    /// Is the configured LLM reachable, and which model does it serve?
    Status,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ScaleArg {
    Small,
    Full,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EncodingArg {
    Cp949,
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[arg(long, value_enum, default_value = "small")]
    pub scale: ScaleArg,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    #[arg(long)]
    pub out: PathBuf,
    /// Encoding of the contest CSV (the original is cp949).
    #[arg(long, value_enum, default_value = "cp949")]
    pub encoding: EncodingArg,
}

/// Whether ingest embeds the reviews for HyDE review search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReviewVectorsArg {
    /// Embed every review (cached: only new or changed texts cost time).
    All,
    /// Leave the review vectors out (review search then falls back to graph signals).
    Skip,
    /// Leave them to `jeju serve`, which builds them in the background at the lowest CPU
    /// priority while it answers (review search switches on when they are ready).
    Background,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// A data directory, or one contest CSV file.
    pub path: PathBuf,
    /// Rows per UNWIND transaction.
    #[arg(long, default_value_t = 1000)]
    pub batch_size: usize,
    /// Fail (exit 1) if any row was rejected.
    #[arg(long)]
    pub strict: bool,
    /// Do not start the local graph server when it is not running.
    #[arg(long)]
    pub no_start: bool,
    /// Embed every review for HyDE review search (≈ 35 min for the full data on 2 cores the
    /// first time, seconds when cached), or skip it.
    #[arg(long, value_enum, env = "JEJU_REVIEW_VECTORS", default_value = "all")]
    pub review_vectors: ReviewVectorsArg,
}

#[derive(Debug, Args)]
pub struct QuickstartArgs {
    #[arg(long, value_enum, default_value = "full")]
    pub scale: ScaleArg,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Where the generated data goes (default: .jeju/data/<scale>-<seed>).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Stop after the sample questions instead of serving (review vectors in `background`
    /// mode are then left to a later `jeju serve` or `jeju reviews build`).
    #[arg(long)]
    pub no_serve: bool,
    /// How it serves afterwards (and when the review vectors are built: `all` before
    /// serving).
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Args)]
pub struct AskArgs {
    /// The question, e.g. "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘".
    pub question: String,
    /// Use the deterministic fallbacks only (no LLM calls). Without it the configured LLM
    /// (JEJU_LLM_URL, default the local llama-server) routes the question, writes the Cypher
    /// and selects the picks; each stage falls back on its own, and the trace says which did.
    #[arg(long)]
    pub no_llm: bool,
    /// Print the per-stage trace (timings, Cypher, candidates, fallbacks).
    #[arg(long)]
    pub trace: bool,
    /// Print the structured answer as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default; put a reverse proxy in front for the
    /// public, see docs/deploy.md).
    #[arg(long, env = "JEJU_SERVE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Use the deterministic fallbacks only (no LLM calls).
    #[arg(long)]
    pub no_llm: bool,
    /// When the review vectors for HyDE review search are built: `background` (the default:
    /// by the server while it answers, at the lowest CPU priority; review search switches on
    /// when they are ready), `all` (by `quickstart`'s ingest, before serving; for `serve` the
    /// same as `background`) or `skip` (never: ranking by graph signals only).
    #[arg(
        long,
        value_enum,
        env = "JEJU_REVIEW_VECTORS",
        default_value = "background"
    )]
    pub review_vectors: ReviewVectorsArg,
}

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// The server's address (as `jeju serve --addr`; 0.0.0.0 is asked on 127.0.0.1).
    #[arg(long, env = "JEJU_SERVE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// How long to wait for the answer, in seconds.
    #[arg(long, default_value_t = 5.0)]
    pub timeout: f64,
}

#[derive(Debug, Args)]
pub struct ChatArgs {
    /// Print the per-stage trace after each answer.
    #[arg(long)]
    pub trace: bool,
    /// Use the deterministic fallbacks only (no LLM calls).
    #[arg(long)]
    pub no_llm: bool,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Rounds over the question set (after one warm-up round without --llm).
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// The LLM bench instead: the configured LLM (JEJU_LLM_URL; default the local
    /// llama-server) over 30 fixed fresh questions (ko/en, recommendations and data
    /// questions, 10 with words the rules are not expected to explain), one round after one
    /// uncounted turn: first cards and final answer p50/p95 per class, LLM calls and
    /// prompt/cached/completion tokens per stage. JEJU_SELECT_STYLE=sentence measures the
    /// written reasons instead of the fact numbers.
    #[arg(long)]
    pub llm: bool,
    /// With --llm: only the first N questions.
    #[arg(long, requires = "llm")]
    pub questions: Option<usize>,
    /// Measure ingest instead: load a data directory into a scratch database
    /// (`jeju_bench_ingest`, dropped at the end) on the local graph server, review vectors
    /// skipped, and print rows/s per stage, the total time and the peak memory of this
    /// process and of the graph server. The `jeju` database is not touched.
    #[arg(long, conflicts_with = "llm")]
    pub ingest: bool,
    /// The data directory for --ingest (default .jeju/data/full-42, generated first when
    /// missing).
    #[arg(long, requires = "ingest")]
    pub data: Option<PathBuf>,
    /// A load test instead: --connections sessions ask mixed questions (ko/en,
    /// recommendations, data questions and follow-ups in the same session) over `POST
    /// /api/ask` for --duration-secs, each as soon as its previous answer came. Without --url
    /// it starts the server in this process on 127.0.0.1 (the pipeline of `jeju serve`: the
    /// configured LLM unless --no-llm) and also prints this process's memory before and
    /// after. Prints throughput, latency p50/p95/max and errors; exits 1 on any error.
    #[arg(long, conflicts_with_all = ["llm", "ingest"])]
    pub load: bool,
    /// Concurrent sessions for --load (with the LLM the server lets 2 turns run and 32 wait:
    /// use fewer, e.g. 8).
    #[arg(long, default_value_t = 50, requires = "load")]
    pub connections: usize,
    /// How long --load sends new questions (the answers in flight are waited for).
    #[arg(long, default_value_t = 60, requires = "load")]
    pub duration_secs: u64,
    /// Load a running server instead (e.g. http://127.0.0.1:8080): only the client runs here.
    #[arg(long, requires = "load")]
    pub url: Option<String>,
    /// --load without an LLM (deterministic fallbacks only). With --url it says that the
    /// server runs without one, which shortens the client's per-request timeout to fit.
    #[arg(long, requires = "load")]
    pub no_llm: bool,
}

/// Which pipeline an evaluation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalMode {
    /// The configured LLM (JEJU_LLM_URL) for route, text2cypher and select.
    Llm,
    /// The deterministic fallbacks only.
    #[value(name = "no-llm")]
    NoLlm,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EvalArgs {
    #[command(subcommand)]
    pub command: Option<EvalCommand>,
    /// The case file (JSON Lines).
    #[arg(long)]
    pub cases: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "no-llm")]
    pub mode: EvalMode,
    /// Where report.json and report.md go.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Only the first N cases.
    #[arg(long)]
    pub limit: Option<usize>,
    /// The data directory (or truth.jsonl) whose truth file scores truth-fit (default
    /// .jeju/data/full-42 when present).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Go on from OUT/results.jsonl: cases already scored in this mode (and not edited since)
    /// are not asked again. Every finished case is logged there as it ends, so a stopped run
    /// loses at most the case in flight. Refused when cases there were scored by another
    /// build (commit or uncommitted changes), unless --mix-builds.
    #[arg(long)]
    pub resume: bool,
    /// With --resume: keep cases scored by other builds; the report header then lists every
    /// build with its number of cases.
    #[arg(long, requires = "resume")]
    pub mix_builds: bool,
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Generate case sets from the data set the graph holds (its truth file from --data).
    Generate(EvalGenerateArgs),
    /// Compare two runs case by case: answers (route, search ids and count, picks in order),
    /// ok flips by failure class, precision@3 on the turns that differ.
    Compare(EvalCompareArgs),
}

#[derive(Debug, Args)]
pub struct EvalCompareArgs {
    /// The baseline: a run directory (`--out DIR` of `jeju eval`), its results.jsonl, or an
    /// answers file such as eval/golden/smoke-no-llm.jsonl.
    pub a: PathBuf,
    /// The run compared with it (same forms).
    pub b: PathBuf,
    /// Exit with status 1 when any answer differs (or a case is on one side only).
    #[arg(long)]
    pub identical: bool,
    /// Print the comparison as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalSetArg {
    /// search.jsonl, recommend.jsonl, multi_turn.jsonl (≈ 100 + 100 + 16 cases).
    Full,
    /// smoke.jsonl (≈ 10 cases).
    Smoke,
    /// heldout.jsonl (≈ 100 + 100 + 20 cases): the held-out templates, for another data seed
    /// than the tuning set's; reported, never used to tune the pipeline.
    Heldout,
}

#[derive(Debug, Args)]
pub struct EvalGenerateArgs {
    /// The data directory the graph was ingested from (for truth.jsonl).
    #[arg(long)]
    pub data: PathBuf,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, value_enum, default_value = "full")]
    pub set: EvalSetArg,
    /// Seed of the case selection (default 42 for full, 21 for smoke, 1729 for heldout).
    #[arg(long)]
    pub seed: Option<u64>,
}
