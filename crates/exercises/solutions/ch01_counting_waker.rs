//! Reference solution of ch01_counting_waker.

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
    let data = Arc::into_raw(counter).cast::<()>();
    // SAFETY: `data` owns one strong count from `into_raw`, and every VTABLE
    // function treats it as such; `WakeCounter` is `Send + Sync`.
    unsafe { Waker::from_raw(RawWaker::new(data, &VTABLE)) }
}

/// # Safety
/// `data` comes from `Arc::<WakeCounter>::into_raw`, with a count owned by the waker.
unsafe fn clone(data: *const ()) -> RawWaker {
    // SAFETY: the waker being cloned keeps the allocation alive; the new
    // RawWaker owns the count added here.
    unsafe { Arc::increment_strong_count(data.cast::<WakeCounter>()) };
    RawWaker::new(data, &VTABLE)
}

/// # Safety
/// As for `clone`; the waker is consumed.
unsafe fn wake(data: *const ()) {
    // SAFETY: the consumed waker owned one count; `from_raw` takes it over
    // and releases it when `counter` goes out of scope.
    let counter = unsafe { Arc::from_raw(data.cast::<WakeCounter>()) };
    counter.record_wake();
}

/// # Safety
/// As for `clone`; the waker stays alive.
unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: the waker is alive for the whole call, so the pointee is too.
    let counter = unsafe { &*data.cast::<WakeCounter>() };
    counter.record_wake();
}

/// # Safety
/// As for `clone`; the waker is dropped.
unsafe fn drop_waker(data: *const ()) {
    // SAFETY: the dropped waker owned exactly this one count.
    unsafe { Arc::decrement_strong_count(data.cast::<WakeCounter>()) };
}
