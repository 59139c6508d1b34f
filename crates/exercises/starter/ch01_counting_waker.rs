//! Exercise ch01_counting_waker: a waker from a `RawWakerVTable` that counts
//! how often it is woken.
//!
//! Read first: chapter 1 of the book, "A waker, by hand"
//! (`book/src/ch01-waker.md`).
//!
//! Fill in the five `todo!()`s. The data pointer of every waker is an
//! `Arc<WakeCounter>` turned into a raw pointer with `Arc::into_raw`; each
//! waker (and each clone) owns one strong count of it.
//! Check your work with `cargo exercises verify ch01_counting_waker`.
#![allow(unused_variables, unused_mut, dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{RawWaker, RawWakerVTable, Waker};

/// Counts the wakes of every waker made from it.
#[derive(Debug, Default)]
pub struct WakeCounter {
    wakes: AtomicUsize,
}

impl WakeCounter {
    /// How many times a waker of this counter was woken (by value or by ref).
    pub fn wakes(&self) -> usize {
        self.wakes.load(Ordering::SeqCst)
    }

    fn record_wake(&self) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// Makes a waker that adds one to `counter` each time it is woken.
pub fn counting_waker(counter: Arc<WakeCounter>) -> Waker {
    todo!("turn the Arc into a raw pointer and build a Waker with VTABLE")
}

/// # Safety
/// `data` comes from `Arc::<WakeCounter>::into_raw`, with a count owned by the waker.
unsafe fn clone(data: *const ()) -> RawWaker {
    todo!("one more owner: add a strong count, return a RawWaker with VTABLE")
}

/// # Safety
/// As for `clone`; the waker is consumed.
unsafe fn wake(data: *const ()) {
    todo!("count the wake, then release the count this waker owned")
}

/// # Safety
/// As for `clone`; the waker stays alive.
unsafe fn wake_by_ref(data: *const ()) {
    todo!("count the wake, keep the count")
}

/// # Safety
/// As for `clone`; the waker is dropped.
unsafe fn drop_waker(data: *const ()) {
    todo!("release the count this waker owned")
}
