//! Exercise ch09_wakes_by_task: who was woken, how often, and from where,
//! counted from a trace.
//!
//! Read first: chapter 9 of the book, "How the loop records"
//! (`book/src/ch09-seeing-the-loop.md`).
//!
//! Each time a task's waker puts it back on the ready queue, the tracer
//! appends a `Woken` record, whose `from` names the waking thread when it
//! is not the loop's own (a worker of the thread pool, a timer thread).
//! Write `wakes_by_task(trace)`: one `WakeCount` for each task woken at
//! least once, in the order of task numbers, with how many times it was
//! woken and how many of those wakes came from another thread. Name each
//! task by the last name the trace gives it (a `Spawned` record gives the
//! first name, a `Renamed` record a new one); task 0, the future given to
//! `run_until_complete`, has no `Spawned` record and is called `main`, and
//! any other task the trace never named is `Task-N`.
//! Check with `cargo exercises verify ch09_wakes_by_task`.
#![allow(unused_variables, unused_mut, unused_imports, dead_code)]

use std::collections::{BTreeMap, HashMap};

use stepio::{Trace, TraceEvent};

/// How often one task was woken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WakeCount {
    /// The task's number (`Task-N` is number `N`; `main` is 0).
    pub task: u64,
    /// The last name the trace gives the task.
    pub name: String,
    /// How many `Woken` records name it.
    pub wakes: usize,
    /// How many of those came from a thread other than the loop's.
    pub from_other_threads: usize,
}

/// The wakes in `trace`, counted per task, in the order of task numbers.
/// A task that was never woken is left out.
pub fn wakes_by_task(trace: &Trace) -> Vec<WakeCount> {
    todo!(
        "walk trace.records: keep each task's latest name (Spawned, Renamed) and count \
         its Woken records, and those with a `from`; then one WakeCount per woken task"
    )
}
