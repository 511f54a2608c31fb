//! Quality benchmarking: can a candidate model do the agent's job, and can it label data well
//! enough for a router to rely on it.
//!
//! `suite` reads and checks suite files (`docs/suites.md`); `grade` turns an answer into a
//! verdict with pure functions; `client` builds each vendor's request and reads its final
//! message; `run` samples every case k times, storing every raw answer and verdict, and
//! re-grades stored runs; `stats` holds the figures (Wilson intervals, pass^k, confusion
//! matrices, Cohen's kappa, token Jaccard). Grading never touches the network: a judged
//! case gets the judge's stored answer, so re-grading is reproducible.

pub mod client;
pub mod grade;
pub mod run;
pub mod stats;
pub mod suite;

pub use client::Target;
pub use grade::{Answer, Verdict};
pub use run::{regrade, run_suite, summarize, Progress, QualityError, QualitySummary, RunOptions};
pub use suite::{resolve, Suite, SuiteError};
