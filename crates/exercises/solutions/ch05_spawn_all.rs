//! Exercise ch05_spawn_all: run a list of futures as tasks, all at once,
//! and collect every outcome, panics included.
//!
//! Read first: chapter 5 of the book, "Panics" (`book/src/ch05-tasks.md`).
//!
//! `spawn_all(futures)` runs on a loop (it is awaited there). It makes a
//! task of every future with `create_task` first, so that they all run
//! concurrently, then awaits the handles one by one, and gives each task's
//! outcome in the order of the arguments: `Ok` with the output, or the
//! `TaskError` (a panic is `TaskError::Panicked`), while the other tasks go
//! on to the end.
//! Check with `cargo exercises verify ch05_spawn_all`.

use std::future::Future;
use std::pin::Pin;

use stepio_tasks::{Task, TaskError, create_task};

/// A boxed future of output `T`, so that different futures share one list.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// Runs every future as a task on the running loop, and gives their
/// outcomes in the order the futures were given.
///
/// # Panics
///
/// When polled outside a running loop (as `create_task`).
pub async fn spawn_all<T: 'static>(
    futures: Vec<BoxFuture<T>>,
) -> Vec<Result<T, TaskError>> {
    // Every task exists (and is scheduled) before the first await: they run
    // side by side while we wait for the first one.
    let tasks: Vec<Task<T>> = futures.into_iter().map(create_task).collect();
    let mut outcomes = Vec::with_capacity(tasks.len());
    for task in tasks {
        outcomes.push(task.await);
    }
    outcomes
}
