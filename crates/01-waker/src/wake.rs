//! The same waker as [`crate::raw`], with no `unsafe`: `std::task::Wake`.
//!
//! Implementing [`Wake`] for a type inside an `Arc` gives `Waker::from(arc)`,
//! and std writes the vtable for us, with exactly the reference counting
//! that `raw.rs` does by hand.
//!
//! A waker may be sent to any thread and woken from any, so `Waker` is
//! `Send + Sync`, and std makes one only from an `Arc<T>` whose `T` is both.
//! A waker around a flag in a `Cell` is refused at compile time:
//!
//! ```compile_fail,E0277
//! use std::cell::Cell;
//! use std::sync::Arc;
//! use std::task::{Wake, Waker};
//!
//! struct Flag(Cell<bool>);
//!
//! impl Wake for Flag {
//!     fn wake(self: Arc<Self>) {
//!         self.0.set(true);
//!     }
//! }
//!
//! let waker = Waker::from(Arc::new(Flag(Cell::new(false))));
//! ```

use std::sync::Arc;
use std::task::{Wake, Waker};

use crate::parker::{Inner, Unparker};

// ANCHOR: wake
impl Wake for Inner {
    fn wake(self: Arc<Self>) {
        self.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.unpark();
    }
}

/// Builds a [`Waker`] that unparks `unparker` when woken, the safe way.
pub fn waker(unparker: Unparker) -> Waker {
    Waker::from(unparker.inner)
}
// ANCHOR_END: wake
