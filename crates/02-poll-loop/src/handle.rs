//! `Handle`: a scheduled callback that can still be cancelled.

use std::cell::Cell;
use std::fmt;
use std::rc::Rc;

// ANCHOR: handle
/// A callback scheduled on the loop, as asyncio's `asyncio.Handle`.
///
/// Cloning a handle gives another reference to the same callback. Cancelling
/// any clone before the callback runs means it never runs, and drops the
/// closure (and whatever it captured) at once. Cancelling after it ran does
/// nothing.
#[derive(Clone)]
pub struct Handle {
    // One allocation holds both the flag and the closure.
    entry: Rc<dyn Callback>,
}

/// The type-erased inside of a [`Handle`].
trait Callback {
    fn run(&self);
    fn name(&self) -> &'static str;
    fn cancel(&self);
    fn cancelled(&self) -> bool;
}

struct Entry<F> {
    cancelled: Cell<bool>,
    /// `Some` until the callback runs or is cancelled.
    callback: Cell<Option<F>>,
}

impl<F: FnOnce()> Callback for Entry<F> {
    fn run(&self) {
        if let Some(callback) = self.callback.take() {
            callback();
        }
    }

    fn name(&self) -> &'static str {
        std::any::type_name::<F>()
    }

    fn cancel(&self) {
        self.cancelled.set(true);
        drop(self.callback.take());
    }

    fn cancelled(&self) -> bool {
        self.cancelled.get()
    }
}
// ANCHOR_END: handle

impl Handle {
    /// Wraps `callback` in a handle without scheduling it.
    ///
    /// The loop's own `call_soon` is the usual way to get a handle; drivers
    /// (timers, say) use this to make one that they push onto the
    /// ready queue later.
    pub fn new(callback: impl FnOnce() + 'static) -> Handle {
        Handle {
            entry: Rc::new(Entry {
                cancelled: Cell::new(false),
                callback: Cell::new(Some(callback)),
            }),
        }
    }

    /// Cancels the callback: if it has not run yet, it never will.
    pub fn cancel(&self) {
        self.entry.cancel();
    }

    /// Whether [`cancel`](Handle::cancel) was called.
    pub fn cancelled(&self) -> bool {
        self.entry.cancelled()
    }

    /// Runs the callback, unless it was cancelled or already ran.
    pub(crate) fn run(&self) {
        self.entry.run();
    }

    /// The closure's type, which names the function it was written in: for
    /// traces and debug warnings.
    pub fn name(&self) -> &'static str {
        self.entry.name()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle").field("cancelled", &self.cancelled()).finish()
    }
}
