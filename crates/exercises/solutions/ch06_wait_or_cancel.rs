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
    let waited = wait(tasks, ReturnWhen::AllCompleted, Some(timeout)).await;
    let mut outputs = Vec::with_capacity(waited.done.len());
    for task in waited.done {
        // Done: the outcome is there at once.
        if let Ok(output) = task.await {
            outputs.push(output);
        }
    }
    // Cancel them all before awaiting any: no turn of the loop passes in
    // between, so none of them can finish after all.
    for task in &waited.pending {
        task.cancel();
    }
    let unfinished = waited.pending.len();
    for task in waited.pending {
        // A cancelled task ends at its next run, its future dropped; awaiting
        // it (it gives `Err(Cancelled)`) waits for that.
        let _ = task.await;
    }
    (outputs, unfinished)
}
