//! The same waker as [`crate::raw`], with no `unsafe`: `std::task::Wake`.
//!
//! Implementing [`Wake`] for a type inside an `Arc` gives `Waker::from(arc)`,
//! and std writes the vtable for us, with exactly the reference counting
//! that `raw.rs` does by hand.

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
