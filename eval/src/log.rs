//! The results log: every finished case appended to `results.jsonl` in the output directory
//! as soon as it is scored, so that a long run (the LLM mode takes hours on two cores) can
//! stop and go on later (`jeju eval --resume`) without losing what it measured.
//!
//! A line is one [`LoggedCase`]: the mode, a fingerprint of the case as it was asked (its
//! JSON, so an edited case runs again), the seconds it took, and its [`CaseResult`]. A line
//! torn by a kill is dropped when the log is reopened.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::case::Case;
use crate::error::EvalError;
use crate::run::CaseResult;

/// The log's file name inside the output directory.
pub const RESULTS_FILE: &str = "results.jsonl";

/// One finished case.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoggedCase {
    pub mode: String,
    pub fingerprint: String,
    /// The build that scored it ([`crate::report::Provenance::build_id`]; absent in logs
    /// written before builds were recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    /// Wall time of the case, all its turns.
    pub seconds: f64,
    pub result: CaseResult,
}

/// The case as it was asked, as a short hex digest of its JSON.
pub fn fingerprint(case: &Case) -> String {
    let json = serde_json::to_string(case).unwrap_or_default();
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(json.as_bytes()))
}

/// An open log, appended to case by case.
pub struct ResultsLog {
    path: PathBuf,
    file: File,
}

impl ResultsLog {
    /// Opens `dir/results.jsonl`. With `resume`, the cases already in it are returned (torn
    /// or unreadable lines are dropped, and the file is rewritten without them); without,
    /// the file starts empty.
    pub fn open(dir: &Path, resume: bool) -> Result<(ResultsLog, Vec<LoggedCase>), EvalError> {
        std::fs::create_dir_all(dir).map_err(|e| EvalError::io(dir, e))?;
        let path = dir.join(RESULTS_FILE);
        let mut kept = Vec::new();
        if resume {
            if let Ok(f) = File::open(&path) {
                for line in BufReader::new(f).lines() {
                    let Ok(line) = line else { break };
                    if let Ok(entry) = serde_json::from_str::<LoggedCase>(&line) {
                        kept.push(entry);
                    }
                }
            }
        }
        // Rewrite what is kept (atomically), then append to it.
        let tmp = dir.join(format!("{RESULTS_FILE}.tmp"));
        {
            let mut out = File::create(&tmp).map_err(|e| EvalError::io(&tmp, e))?;
            for entry in &kept {
                let line = serde_json::to_string(entry)
                    .map_err(|e| EvalError::io(&tmp, std::io::Error::other(e)))?;
                writeln!(out, "{line}").map_err(|e| EvalError::io(&tmp, e))?;
            }
            out.sync_all().map_err(|e| EvalError::io(&tmp, e))?;
        }
        std::fs::rename(&tmp, &path).map_err(|e| EvalError::io(&path, e))?;
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| EvalError::io(&path, e))?;
        Ok((ResultsLog { path, file }, kept))
    }

    /// Appends one finished case and flushes it to disk.
    pub fn append(&mut self, entry: &LoggedCase) -> Result<(), EvalError> {
        let line = serde_json::to_string(entry)
            .map_err(|e| EvalError::io(&self.path, std::io::Error::other(e)))?;
        writeln!(self.file, "{line}").map_err(|e| EvalError::io(&self.path, e))?;
        self.file
            .sync_data()
            .map_err(|e| EvalError::io(&self.path, e))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The builds other than `build` that scored logged cases of `mode`, with how many cases
/// each (a case logged without a build counts as `unknown`). A resumed run must not mix them
/// into its report silently.
pub fn other_builds(entries: &[LoggedCase], mode: &str, build: &str) -> Vec<(String, usize)> {
    let mut out: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for e in entries.iter().filter(|e| e.mode == mode) {
        let b = e.build.as_deref().unwrap_or("unknown");
        if b != build {
            *out.entry(b.to_owned()).or_default() += 1;
        }
    }
    out.into_iter().collect()
}

/// The logged cases of `mode` by fingerprint (the last one wins).
pub fn done_by_fingerprint(entries: Vec<LoggedCase>, mode: &str) -> HashMap<String, LoggedCase> {
    entries
        .into_iter()
        .filter(|e| e.mode == mode)
        .map(|e| (e.fingerprint.clone(), e))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::CaseKind;

    fn result(id: &str) -> CaseResult {
        CaseResult {
            id: id.into(),
            kind: CaseKind::Search,
            lang: "ko".into(),
            turns: Vec::new(),
            ok: true,
            failures: Vec::new(),
            class: None,
        }
    }

    #[test]
    fn a_resumed_log_keeps_whole_lines_and_drops_a_torn_one() {
        let dir = tempfile::tempdir().unwrap();
        let (mut log, before) = ResultsLog::open(dir.path(), true).unwrap();
        assert!(before.is_empty());
        for id in ["a", "b"] {
            log.append(&LoggedCase {
                mode: "llm".into(),
                fingerprint: format!("f-{id}"),
                build: None,
                seconds: 1.5,
                result: result(id),
            })
            .unwrap();
        }
        drop(log);
        // A kill in the middle of the third line.
        let path = dir.path().join(RESULTS_FILE);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        write!(f, "{{\"mode\":\"llm\",\"finger").unwrap();
        drop(f);

        let (mut log, kept) = ResultsLog::open(dir.path(), true).unwrap();
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[1].result.id, "b");
        log.append(&LoggedCase {
            mode: "no-llm".into(),
            fingerprint: "f-c".into(),
            build: None,
            seconds: 0.1,
            result: result("c"),
        })
        .unwrap();
        drop(log);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
        let (_, kept) = ResultsLog::open(dir.path(), true).unwrap();
        assert_eq!(
            other_builds(&kept, "llm", "abc"),
            [("unknown".to_owned(), 2)],
            "cases logged without a build are another build"
        );
        assert!(other_builds(&kept, "other-mode", "abc").is_empty());
        let done = done_by_fingerprint(kept, "llm");
        assert_eq!(done.len(), 2);
        assert!(done.contains_key("f-a") && !done.contains_key("f-c"));

        // Without resume the log starts empty.
        let (_, kept) = ResultsLog::open(dir.path(), false).unwrap();
        assert!(kept.is_empty());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    }

    #[test]
    fn an_edited_case_has_another_fingerprint() {
        let text = r#"{"id": "s1", "kind": "search", "lang": "ko", "question": "한림읍 카페 중 30대 이용 비중이 가장 높은 곳은?", "gold_cypher": "MATCH (s:Store) RETURN s.id AS id LIMIT 1"}"#;
        let a = crate::case::parse_cases(text, Path::new("a.jsonl")).unwrap();
        let edited = text.replace("30대", "40대");
        let b = crate::case::parse_cases(&edited, Path::new("b.jsonl")).unwrap();
        assert_eq!(fingerprint(&a[0]), fingerprint(&a[0].clone()));
        assert_ne!(fingerprint(&a[0]), fingerprint(&b[0]));
    }
}
