//! A waker built by hand from a `RawWakerVTable`.
//!
//! A [`Waker`] is a data pointer plus a table of four functions: `clone`,
//! `wake`, `wake_by_ref` and `drop`. Here the data pointer is an
//! `Arc<Inner>` of the [`Parker`](crate::Parker) turned into a raw pointer, so
//! the four functions are reference-count operations plus one `unpark`.
//! [`crate::wake`] builds the same waker with no `unsafe` at all.

use std::sync::Arc;
use std::task::{RawWaker, RawWakerVTable, Waker};

use crate::parker::{Inner, Unparker};

// ANCHOR: vtable
/// The table every waker made by [`raw_waker`] points to.
static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// Builds a [`Waker`] that unparks `unparker` when woken, by hand.
///
/// The waker owns one strong count of the parker's `Arc`; each clone owns
/// one more, and each drop (or by-value `wake`) gives one back.
pub fn raw_waker(unparker: Unparker) -> Waker {
    let data = Arc::into_raw(unparker.inner).cast::<()>();
    // SAFETY: `data` came from `Arc::into_raw` and carries the strong count
    // that this waker now owns; every function in VTABLE treats it that way
    // (see their own SAFETY notes), and `Inner` is `Send + Sync`, so the waker
    // may be used and dropped on any thread.
    unsafe { Waker::from_raw(RawWaker::new(data, &VTABLE)) }
}

/// `Waker::clone`: one more owner of the same `Arc`.
///
/// # Safety
/// `data` must come from `Arc::<Inner>::into_raw` with a strong count still
/// owned by the waker being cloned (the `Waker` contract guarantees this).
unsafe fn clone(data: *const ()) -> RawWaker {
    // SAFETY: per this function's contract, `data` points to a live
    // `Arc<Inner>` allocation, so adding a strong count is sound; the new
    // `RawWaker` owns that count.
    unsafe { Arc::increment_strong_count(data.cast::<Inner>()) };
    RawWaker::new(data, &VTABLE)
}

/// `Waker::wake`: unpark, then give back the count this waker owned.
///
/// # Safety
/// As for [`clone`]; after this call the waker is gone, so its count is ours
/// to release.
unsafe fn wake(data: *const ()) {
    // SAFETY: `data` came from `Arc::into_raw` and the consumed waker owned
    // one strong count, which `from_raw` takes over and drops at scope end.
    let inner = unsafe { Arc::from_raw(data.cast::<Inner>()) };
    inner.unpark();
}

/// `Waker::wake_by_ref`: unpark, keeping the count.
///
/// # Safety
/// As for [`clone`].
unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: the waker still owns its count for the whole call, so the
    // pointee is alive; we only borrow it and release nothing.
    let inner = unsafe { &*data.cast::<Inner>() };
    inner.unpark();
}

/// `Waker::drop`: give back the count this waker owned.
///
/// # Safety
/// As for [`clone`]; the waker is being dropped, so its count is released
/// exactly once, here.
unsafe fn drop_waker(data: *const ()) {
    // SAFETY: `data` came from `Arc::into_raw` and the dropped waker owned
    // one strong count; `decrement_strong_count` releases exactly that one.
    unsafe { Arc::decrement_strong_count(data.cast::<Inner>()) };
}
// ANCHOR_END: vtable
