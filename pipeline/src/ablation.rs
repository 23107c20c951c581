//! Deliberately broken pipelines for the evaluation's negative controls. A metric that does
//! not drop when the pipeline stops reading part of the question does not measure that part:
//! `jeju-eval`'s tests run the same cases with an ablation and require the score to fall.
//! Never set outside those controls.

use crate::intent::Intent;
use crate::parse;

/// What the route forgets after understanding the question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ablation {
    /// Drop the companion and the age band: the ranker and the review search never see them.
    IgnoreCompanionAndAge,
    /// Drop the dish: retrieval and ranking ignore what the user wants to eat.
    IgnoreDish,
}

impl Ablation {
    /// Forgets what this ablation drops, and rewrites the HyDE review text from what is left
    /// (so no stage sees the dropped words).
    pub(crate) fn apply(self, intent: &mut Intent) {
        let c = &mut intent.constraints;
        match self {
            Ablation::IgnoreCompanionAndAge => {
                c.companion = None;
                c.age_band = None;
            }
            Ablation::IgnoreDish => c.dish = None,
        }
        intent.hyde = parse::hyde_review(&intent.constraints, intent.lang);
    }
}
