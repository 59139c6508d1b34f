//! Exercise ch07_parallel_sum: sum a vector in parts on the loop's default
//! pool, with `to_thread`, and await the parts together.
//!
//! Read first: chapter 7.1 of the book, "run_in_executor, to_thread and the
//! default executor" (`book/src/ch07-1-pool.md`).
//!
//! `parallel_sum_with(numbers, chunks, on_part)` splits `numbers` into
//! `chunks` contiguous parts whose sizes differ by at most one (one part
//! per number if there are fewer numbers than that; no part is empty, and
//! no numbers means no part at all). Each part is summed by a job on the
//! running loop's default pool (`to_thread`), which first calls
//! `on_part(part)` on its worker thread. Every job is submitted before any
//! is awaited, and they are awaited together with `join_all`. A job that
//! panicked makes the whole sum an error. `parallel_sum` is the same with
//! an `on_part` that does nothing.
//! Check with `cargo exercises verify ch07_parallel_sum`.
#![allow(unused_variables, unused_mut, unused_imports, dead_code)]

use std::sync::Arc;

use stepio::{JobError, to_thread};
use stepio_gather::join_all;

/// The sum of `numbers`, in `chunks` parts on the loop's default pool.
/// A `chunks` of 0 counts as 1. The total must fit in a `u64`.
///
/// # Panics
///
/// Outside a running loop (as `to_thread`).
pub async fn parallel_sum(numbers: Vec<u64>, chunks: usize) -> u64 {
    todo!("parallel_sum_with, with an on_part that does nothing; no job can panic")
}

/// [`parallel_sum`], calling `on_part(part)` on the worker thread that sums
/// each part, before it sums it.
///
/// # Errors
///
/// The first part's error, in the order of the parts, if a job panicked
/// ([`JobError::Panicked`]).
///
/// # Panics
///
/// Outside a running loop (as `to_thread`).
pub async fn parallel_sum_with<F>(
    numbers: Vec<u64>,
    chunks: usize,
    on_part: F,
) -> Result<u64, JobError>
where
    F: Fn(&[u64]) + Send + Sync + 'static,
{
    todo!("balanced parts; a to_thread job per part, owning its data; join_all; add up")
}
