//! Exercise ch08_pipeline: three stages joined by two bounded queues, with
//! a `None` at the end of each stream.
//!
//! Read first: chapter 8 of the book, "Queue" (`book/src/ch08-capstone.md`).
//!
//! A [`Link`] is a `stepio::sync::Queue<Option<u64>>`: `Some(n)` is an item,
//! and `None` the sentinel that says the stage before has finished. Write
//! the three stages: `produce` puts each item, then the sentinel; `double`
//! takes each item and puts it doubled, until the sentinel, which it passes
//! on; `collect` takes items until the sentinel and returns them. Then
//! `pipeline(items, capacity)` joins them with two queues of `capacity`:
//! the producer and the doubler run as tasks, the collector in `pipeline`
//! itself, which returns once all three stages have finished. A full queue
//! makes the stage before it wait (back-pressure), so the stages must run
//! at the same time.
//! Check with `cargo exercises verify ch08_pipeline`.
#![allow(unused_variables, unused_mut, unused_imports, dead_code)]

use stepio::sync::Queue;
use stepio::{create_task, gather_tasks};

/// A queue between two stages: items, then `None` when the first is done.
pub type Link = Queue<Option<u64>>;

/// Puts each of `items` into `out`, in order, then the sentinel. Waits
/// while `out` is full.
pub async fn produce(items: Vec<u64>, out: Link) {
    todo!("put Some(item) for each item, waiting while out is full; then put None")
}

/// Takes each item from `input` and puts it doubled into `out`, until the
/// sentinel, which it puts into `out` too. Takes nothing after it.
pub async fn double(input: Link, out: Link) {
    todo!("get until None, putting Some(2 * item) for each; then pass the None on")
}

/// Takes the items from `input` until the sentinel, and gives them in the
/// order they came. Takes nothing after it.
pub async fn collect(input: Link) -> Vec<u64> {
    todo!("get until None; keep the items in order")
}

/// `items`, doubled, through the three stages and two queues of
/// `capacity`; returns once every stage has finished. Items must be below
/// 2^63.
///
/// # Panics
///
/// If `capacity` is 0 (a queue of 0 has no bound), or outside a running
/// loop (as `create_task`).
pub async fn pipeline(items: Vec<u64>, capacity: usize) -> Vec<u64> {
    todo!("queues of capacity; produce and double as tasks; collect here; await tasks")
}
