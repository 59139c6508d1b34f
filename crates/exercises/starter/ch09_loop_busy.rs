//! Exercise ch09_loop_busy: how long the loop was busy, and how long it
//! slept, from a trace.
//!
//! Read first: chapter 9 of the book, "The timeline, and the trace file"
//! (`book/src/ch09-seeing-the-loop.md`).
//!
//! The timeline's `loop` row is `#` where the loop ran something and `.`
//! where it slept in its driver. Put numbers on that row: write
//! `busy_and_parked(trace)`, which gives the total time the loop spent
//! polling tasks (each `PollStart` to the `PollEnd` after it) and the total
//! time it spent parked in its driver (each `Parked` to the `Unparked`
//! after it). Only polls count as busy: callbacks, and jobs on worker
//! threads, do not. A poll or a park still open when the trace was taken
//! lasts until `trace.end`.
//! Check with `cargo exercises verify ch09_loop_busy`.
#![allow(unused_variables, unused_mut, unused_imports, dead_code)]

use std::time::Duration;

use stepio::{Trace, TraceEvent};

/// How long the loop in `trace` spent polling tasks, and how long it spent
/// parked in its driver: `(busy, parked)`.
pub fn busy_and_parked(trace: &Trace) -> (Duration, Duration) {
    todo!(
        "walk trace.records: remember when the open poll (PollStart) and the open park \
         (Parked) began; add each span when it ends, and the open ones at trace.end"
    )
}
