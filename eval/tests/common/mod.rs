//! What the eval's integration tests share.

use jeju_eval::ReportMeta;

/// The report header of a test run on the small data of `seed` (no LLM, no provenance).
pub fn small_data_meta(cases_file: &str, seed: u64) -> ReportMeta {
    ReportMeta {
        cases_file: cases_file.into(),
        mode: "no-llm".into(),
        llm_configured: false,
        graph_stores: 0,
        truth_file: Some(format!("small data, seed {seed}")),
        wall_s: 0.0,
        provenance: Default::default(),
        vocabulary_disagreements: Vec::new(),
    }
}
