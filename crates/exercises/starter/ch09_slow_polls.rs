//! Exercise ch09_slow_polls: debug mode's warning, found in a trace.
//!
//! Read first: chapter 9 of the book, "The blocking mistake, named and drawn"
//! (`book/src/ch09-seeing-the-loop.md`).
//!
//! Debug mode times each poll as it happens. A trace holds the same facts
//! after the run: a `PollStart` and a `PollEnd` record for each poll, with
//! times. Write `slow_polls(trace, threshold)`: every poll that took at
//! least `threshold`, in the order they began, each with the name its task
//! had when it was polled (a `Spawned` record gives the first name, a
//! `Renamed` record a new one; task 0, the future given to
//! `run_until_complete`, has no `Spawned` record and is called `main`). A
//! poll still running when the trace was taken lasts until `trace.end`.
//! Check with `cargo exercises verify ch09_slow_polls`.
#![allow(unused_variables, unused_mut, unused_imports, dead_code)]

use std::collections::HashMap;
use std::time::Duration;

use stepio::{Trace, TraceEvent};

/// One poll that took too long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlowPoll {
    /// The task's name when it was polled.
    pub task: String,
    /// When the poll began.
    pub start: Duration,
    /// How long it ran.
    pub took: Duration,
}

/// Every poll in `trace` that took `threshold` or longer, in the order they
/// began.
pub fn slow_polls(trace: &Trace, threshold: Duration) -> Vec<SlowPoll> {
    todo!(
        "walk trace.records: keep each task's name (Spawned, Renamed), the open poll \
         (PollStart); on its PollEnd, or at trace.end, keep the poll if it was slow"
    )
}
