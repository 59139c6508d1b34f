//! Exercise ch08_limit_concurrency: run every job as a task, but at most
//! `limit` of them at once, with a `Semaphore`.
//!
//! Read first: chapter 8 of the book, "Semaphore"
//! (`book/src/ch08-capstone.md`).
//!
//! `run_limited(jobs, limit)` creates a task for every job at once. Each
//! task first acquires a permit of one `stepio::sync::Semaphore` of `limit`
//! permits, which all the tasks share, then runs its job, holding the
//! permit until the job has finished. So at most `limit` jobs run at once,
//! and the others wait their turn, in the order they were given (the
//! semaphore is fair). The outputs come back in the order of the jobs, as
//! `gather`'s do, whatever order the jobs finish in.
//! Check with `cargo exercises verify ch08_limit_concurrency`.
#![allow(unused_variables, unused_mut, unused_imports, dead_code)]

use std::future::Future;
use std::pin::Pin;

use stepio::sync::Semaphore;
use stepio::{Task, create_task, gather_tasks};

/// A job: any future, boxed so that jobs of different kinds fit in a `Vec`.
pub type Job<T> = Pin<Box<dyn Future<Output = T>>>;

/// Runs every job as a task, at most `limit` at once, and gives their
/// outputs in the order of `jobs`.
///
/// # Panics
///
/// If `limit` is 0 (no job could ever start), if a job panicked, or
/// outside a running loop (as `create_task`).
pub async fn run_limited<T: 'static>(jobs: Vec<Job<T>>, limit: usize) -> Vec<T> {
    todo!(
        "a Semaphore of limit; a task per job, holding a permit as it runs; gather_tasks"
    )
}
