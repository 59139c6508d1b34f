//! Exercise ch02_run_all: run a set of tasks to the end with `run_forever`.
//!
//! Read first: chapter 2 of the book, "run_forever only ends with stop"
//! (`book/src/ch02-poll-loop.md`).
//!
//! Stage 2 has no `gather` yet. Spawn each future as a task, and have the
//! last task to finish stop the loop, as `ch02_run_forever_stop` does. Mind
//! the empty list: nothing would ever call `stop`.
//! Check with `cargo exercises verify ch02_run_all`.
#![allow(unused_variables, unused_mut, dead_code)]

use std::future::Future;
use std::pin::Pin;

use stepio_poll_loop::{EventLoop, LoopError};

/// A task's future, boxed so that one `Vec` can hold different futures.
pub type Task = Pin<Box<dyn Future<Output = ()>>>;

/// Spawns every future in `tasks` on `event_loop`, runs the loop until all
/// of them have finished, and returns how many there were.
///
/// # Errors
///
/// Whatever the loop returns: `Closed` for a closed loop, for example.
pub fn run_all(event_loop: &EventLoop, tasks: Vec<Task>) -> Result<usize, LoopError> {
    todo!(
        "spawn each task with a counter; the last one to finish calls stop; run_forever"
    )
}
