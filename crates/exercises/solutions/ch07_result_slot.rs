//! Exercise ch07_result_slot: a result that one thread sets and another
//! blocks on or awaits.
//!
//! The heart of a concurrent future: a worker thread calls `set(value)`;
//! a plain thread calls `wait()` and sleeps on a `Condvar` until then; a
//! task awaits it and is woken through its waker, from the worker's
//! thread. A second `set` is refused. Check with
//! `cargo exercises verify ch07_result_slot`.

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
        let (lock, condvar) = &*self.shared;
        let waker = {
            let mut state = lock.lock().unwrap();
            if state.set {
                return Err(value);
            }
            state.set = true;
            state.value = Some(value);
            state.waker.take()
        };
        condvar.notify_all();
        // Outside the lock: the wake may run code that locks the slot.
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// Blocks this thread until the slot is set, or `timeout` passes, and
    /// takes the value: `None` on timeout.
    pub fn wait_timeout(&self, timeout: Duration) -> Option<T> {
        let (lock, condvar) = &*self.shared;
        let state = lock.lock().unwrap();
        let (mut state, _) =
            condvar.wait_timeout_while(state, timeout, |state| !state.set).unwrap();
        state.value.take()
    }
}

impl<T> Future for ResultSlot<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut state = self.shared.0.lock().unwrap();
        if let Some(value) = state.value.take() {
            return Poll::Ready(value);
        }
        // Under the lock `set` takes: the value cannot arrive in between.
        state.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}
