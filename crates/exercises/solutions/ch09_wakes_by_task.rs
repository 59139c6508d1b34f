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
    let mut names: HashMap<u64, &str> = HashMap::new();
    // Sorted by task number; each entry is (wakes, from other threads).
    let mut counts: BTreeMap<u64, (usize, usize)> = BTreeMap::new();
    for record in &trace.records {
        match &record.event {
            TraceEvent::Spawned { task, name, .. }
            | TraceEvent::Renamed { task, name } => {
                names.insert(*task, name);
            }
            TraceEvent::Woken { task, from } => {
                let (wakes, from_other_threads) = counts.entry(*task).or_default();
                *wakes += 1;
                if from.is_some() {
                    *from_other_threads += 1;
                }
            }
            _ => {}
        }
    }
    counts
        .into_iter()
        .map(|(task, (wakes, from_other_threads))| {
            let name = match names.get(&task) {
                Some(name) => (*name).to_owned(),
                None if task == 0 => "main".to_owned(),
                None => format!("Task-{task}"),
            };
            WakeCount { task, name, wakes, from_other_threads }
        })
        .collect()
}
