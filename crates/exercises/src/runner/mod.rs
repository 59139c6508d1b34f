//! What the runner does with one exercise: build its test target, run it
//! with a time limit, and read the results; and the progress it keeps
//! between runs.

pub mod progress;
pub mod run;
