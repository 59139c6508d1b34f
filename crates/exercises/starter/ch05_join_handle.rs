//! Exercise ch05_join_handle: a task handle you can await, on stage 2's
//! `spawn`.
//!
//! Read first: chapter 5 of the book, "Handles" (`book/src/ch05-tasks.md`).
//!
//! Stage 2's `spawn` returns only an id. Wrap the future so that, when it
//! finishes, its output goes into a slot shared with a [`JoinHandle`], and
//! the handle's waker (if it is being awaited) is woken. Awaiting the handle
//! gives the output; dropping it leaves the task running (it detaches).
//! Check with `cargo exercises verify ch05_join_handle`.
#![allow(unused_variables, unused_mut, dead_code)]

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use stepio_poll_loop::{EventLoop, LoopError};

/// What the task and its handle share.
struct Slot<T> {
    /// The output, once the task has finished and until the handle takes it.
    output: Option<T>,
    /// Whether the task has finished.
    finished: bool,
    /// The waker of whoever awaits the handle.
    waker: Option<Waker>,
}

/// Awaits a task's output, as a small `Task<T>`.
pub struct JoinHandle<T> {
    slot: Rc<RefCell<Slot<T>>>,
}

/// Spawns `future` on `event_loop` and returns a handle to its output.
///
/// # Errors
///
/// What `spawn` returns (a closed loop).
pub fn spawn_with_handle<F>(
    event_loop: &EventLoop,
    future: F,
) -> Result<JoinHandle<F::Output>, LoopError>
where
    F: Future + 'static,
{
    todo!(
        "share a Slot; spawn a wrapper that awaits `future`, stores the output, marks finished, wakes the waker"
    )
}

impl<T> std::fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinHandle").finish_non_exhaustive()
    }
}

impl<T> JoinHandle<T> {
    /// Whether the task has finished, as `Task.done()`.
    pub fn is_finished(&self) -> bool {
        todo!("read the slot")
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        todo!("take the output if it is there; otherwise store the waker and wait")
    }
}
