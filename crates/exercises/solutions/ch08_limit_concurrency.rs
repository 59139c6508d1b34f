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
    assert!(limit > 0, "run_limited: with a limit of 0, no job could start");
    let semaphore = Semaphore::new(limit);
    let tasks: Vec<Task<T>> = jobs
        .into_iter()
        .map(|job| {
            let semaphore = semaphore.clone();
            create_task(async move {
                // Named, so that it lives to the end of the block: `let _ =`
                // would give the permit back at once.
                let _permit = semaphore.acquire().await;
                job.await
            })
        })
        .collect();
    gather_tasks(tasks).await.unwrap_or_else(|err| panic!("a job failed: {err}"))
}
