//! Exercise ch07_result_slot: a result that one thread sets and another
//! blocks on or awaits.
//!
//! Read first: chapter 7.1 of the book, "The concurrent future"
//! (`book/src/ch07-1-pool.md`).
//!
//! The heart of a concurrent future: a worker thread calls `set(value)`;
//! a plain thread calls `wait()` and sleeps on a `Condvar` until then; a
//! task awaits it and is woken through its waker, from the worker's
//! thread. A second `set` is refused. Check with
//! `cargo exercises verify ch07_result_slot`.
#![allow(unused_variables, unused_mut, unused_imports, dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// What the setter and the waiters share.
struct State<T> {
    value: Option<T>,
    /// Set once: a value was given (even if an await took it since).
    set: bool,
    /// The task awaiting it, if any.
    waker: Option<Waker>,
}

/// A slot for one value, shared between threads; clones share the slot.
pub struct ResultSlot<T> {
    shared: Arc<(Mutex<State<T>>, Condvar)>,
}

impl<T> Clone for ResultSlot<T> {
    fn clone(&self) -> Self {
        ResultSlot { shared: Arc::clone(&self.shared) }
    }
}

impl<T> std::fmt::Debug for ResultSlot<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResultSlot").finish_non_exhaustive()
    }
}

impl<T> Default for ResultSlot<T> {
    fn default() -> Self {
        ResultSlot::new()
    }
}

impl<T> ResultSlot<T> {
    /// An empty slot.
    pub fn new() -> ResultSlot<T> {
        ResultSlot {
            shared: Arc::new((
                Mutex::new(State { value: None, set: false, waker: None }),
                Condvar::new(),
            )),
        }
    }

    /// Stores `value`, wakes the awaiting task and the blocked threads.
    ///
    /// # Errors
    ///
    /// Gives `value` back if the slot was set before.
    pub fn set(&self, value: T) -> Result<(), T> {
        todo!(
            "under the lock: refuse a second set; store the value; take the waker. Then notify the condvar and wake"
        )
    }

    /// Blocks this thread until the slot is set, or `timeout` passes, and
    /// takes the value: `None` on timeout.
    pub fn wait_timeout(&self, timeout: Duration) -> Option<T> {
        todo!(
            "wait on the condvar while the slot is not set (at most `timeout`), then take the value"
        )
    }
}

impl<T> Future for ResultSlot<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        todo!(
            "take the value if it is there; otherwise store the waker, under the same lock, and wait"
        )
    }
}
