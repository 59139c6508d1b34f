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

use std::time::Duration;

use stepio::{Trace, TraceEvent};

/// How long the loop in `trace` spent polling tasks, and how long it spent
/// parked in its driver: `(busy, parked)`.
pub fn busy_and_parked(trace: &Trace) -> (Duration, Duration) {
    let (mut busy, mut parked) = (Duration::ZERO, Duration::ZERO);
    // The loop polls one task at a time, and parks only between polls: at
    // most one poll and one park are open.
    let (mut poll_began, mut park_began) = (None, None);
    for record in &trace.records {
        match record.event {
            TraceEvent::PollStart { .. } => poll_began = Some(record.at),
            TraceEvent::PollEnd { .. } => busy += since(poll_began.take(), record.at),
            TraceEvent::Parked { .. } => park_began = Some(record.at),
            TraceEvent::Unparked => parked += since(park_began.take(), record.at),
            _ => {}
        }
    }
    // What was still going on when the trace was taken ends with it.
    busy += since(poll_began, trace.end);
    parked += since(park_began, trace.end);
    (busy, parked)
}

/// The time from `began` (if something is open) to `end`.
fn since(began: Option<Duration>, end: Duration) -> Duration {
    began.map_or(Duration::ZERO, |began| end.saturating_sub(began))
}
