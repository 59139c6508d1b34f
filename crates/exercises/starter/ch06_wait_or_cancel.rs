//! Exercise ch06_wait_or_cancel: wait for every task for a while, then
//! cancel the rest and make sure they are gone.
//!
//! Read first: chapter 6 of the book, "wait" (`book/src/ch06-gather.md`).
//!
//! `wait` with a timeout cancels nothing: it hands the tasks that did not
//! finish back, still running. `wait_or_cancel(tasks, timeout)` waits for
//! all of them, for at most `timeout` from the call, then gives the outputs
//! of the tasks that finished, in the order they finished, and how many did
//! not. Before it returns, every task that did not finish is cancelled and
//! has ended: its future has been dropped, with everything it held. A task
//! that finished without an output (it panicked, or someone else cancelled
//! it) gives none and is not counted.
//! Check with `cargo exercises verify ch06_wait_or_cancel`.
#![allow(unused_variables, unused_mut, unused_imports, dead_code)]

use std::time::Duration;

use stepio_gather::{ReturnWhen, wait};
use stepio_tasks::Task;

/// The outputs of the tasks that finished within `timeout`, in finishing
/// order, and how many did not; those are cancelled, and have ended, when
/// this returns.
///
/// # Panics
///
/// When polled outside a running loop that has timers (as `wait`).
pub async fn wait_or_cancel<T: 'static>(
    tasks: Vec<Task<T>>,
    timeout: Duration,
) -> (Vec<T>, usize) {
    todo!(
        "wait(tasks, AllCompleted, Some(timeout)); await each done task and keep the \
         outputs; cancel every pending task, then await them so they have ended"
    )
}
