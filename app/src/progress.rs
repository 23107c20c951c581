use std::sync::Mutex;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use jeju_progress::Progress;

/// One indicatif bar per ingest stage, and a plain line per finished stage (so logs without a
/// terminal show progress too).
pub struct Bars {
    current: Mutex<Option<(ProgressBar, String, Instant)>>,
}

impl Bars {
    pub fn new() -> Bars {
        Bars {
            current: Mutex::new(None),
        }
    }
}

impl Progress for Bars {
    fn begin(&self, stage: &str, total: u64) {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(
                "{msg:32} [{bar:30}] {pos:>7}/{len:7} {per_sec:>10} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message(stage.to_owned());
        if let Ok(mut cur) = self.current.lock() {
            *cur = Some((bar, stage.to_owned(), Instant::now()));
        }
    }

    fn advance(&self, n: u64) {
        if let Ok(cur) = self.current.lock() {
            if let Some((bar, _, _)) = cur.as_ref() {
                bar.inc(n);
            }
        }
    }

    fn end(&self) {
        if let Ok(mut cur) = self.current.lock() {
            if let Some((bar, stage, started)) = cur.take() {
                bar.finish_and_clear();
                eprintln!(
                    "  ✓ {stage:<32} {:>8} rows  {:>7.1} s",
                    bar.position(),
                    started.elapsed().as_secs_f64()
                );
            }
        }
    }
}
