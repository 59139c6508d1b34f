//! A thread parker: sleep until another thread says "wake up".
//!
//! `std::thread::park` almost does this job, but its token is shared with
//! everything else that may unpark the thread, and it may return spuriously.
//! A parker of our own has one owner, one meaning, and a timeout: what an
//! event loop needs to sleep on.

use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

// ANCHOR: inner
/// Nobody is parked and no notification is pending.
const EMPTY: usize = 0;
/// The owner is blocked on the condition variable, or about to block on it
/// while holding the lock. Only the owner sets this, and only from `EMPTY`.
const PARKED: usize = 1;
/// An `unpark` arrived that no `park` has consumed yet. Any thread may set
/// this; only the owner clears it.
const NOTIFIED: usize = 2;

/// The parking half, owned by the one thread that sleeps.
///
/// A notification is never lost: an [`Unparker::unpark`] that happens before
/// [`park`](Parker::park) makes that `park` return at once. Notifications do
/// not accumulate: ten unparks before one park wake that park once.
///
/// `Parker` is `Send` but not `Sync`: only one thread may park on it.
///
/// # Examples
///
/// ```
/// use stepio_waker::Parker;
///
/// let parker = Parker::new();
/// let unparker = parker.unparker();
/// std::thread::spawn(move || unparker.unpark());
/// parker.park(); // returns once the other thread has called unpark
/// ```
#[derive(Debug)]
pub struct Parker {
    inner: Arc<Inner>,
    // `Cell` is `Send` but not `Sync`: so is the parker.
    _not_sync: PhantomData<Cell<()>>,
}

/// The waking half: cheap to clone, and usable from any thread.
#[derive(Debug, Clone)]
pub struct Unparker {
    pub(crate) inner: Arc<Inner>,
}

/// What a parker and its unparkers share.
#[derive(Debug, Default)]
pub(crate) struct Inner {
    /// `EMPTY`, `PARKED` or `NOTIFIED`.
    state: AtomicUsize,
    /// Held while the owner goes from `PARKED` to waiting on `cvar`.
    lock: Mutex<()>,
    cvar: Condvar,
}
// ANCHOR_END: inner

impl Parker {
    /// Creates a parker with no pending notification.
    pub fn new() -> Parker {
        Parker { inner: Arc::default(), _not_sync: PhantomData }
    }

    /// Returns a handle that wakes this parker from any thread.
    pub fn unparker(&self) -> Unparker {
        Unparker { inner: Arc::clone(&self.inner) }
    }

    /// Blocks the current thread until a notification arrives, consuming it.
    pub fn park(&self) {
        self.inner.park(None);
    }

    /// Blocks until a notification arrives or `timeout` has passed.
    ///
    /// Returns `true` when it consumed a notification, `false` on timeout.
    /// A zero timeout only checks for (and consumes) a pending notification,
    /// without touching the lock: the poll loop does this on every turn.
    pub fn park_timeout(&self, timeout: Duration) -> bool {
        self.inner.park(Some(timeout))
    }
}

impl Default for Parker {
    fn default() -> Self {
        Parker::new()
    }
}

impl Unparker {
    /// Wakes the parker, or makes its next `park` return at once.
    pub fn unpark(&self) {
        self.inner.unpark();
    }
}

// ANCHOR: park_unpark
impl Inner {
    fn park(&self, timeout: Option<Duration>) -> bool {
        // Fast path: a notification is already waiting.
        if self.state.compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst).is_ok() {
            return true;
        }
        if timeout == Some(Duration::ZERO) {
            return false;
        }
        // An overflowing deadline (say `Duration::MAX`) means "no deadline".
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));

        let mut guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        // Announce that we are going to sleep. If an unpark slipped in since
        // the fast path, consume it instead of sleeping through it.
        match self.state.compare_exchange(EMPTY, PARKED, SeqCst, SeqCst) {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.store(EMPTY, SeqCst);
                return true;
            }
            Err(actual) => unreachable!("parker in state {actual} before parking"),
        }
        loop {
            guard = match deadline {
                None => self.cvar.wait(guard).unwrap_or_else(|e| e.into_inner()),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        // Timed out. An unpark may still have raced in: report it.
                        return self.state.swap(EMPTY, SeqCst) == NOTIFIED;
                    }
                    self.cvar
                        .wait_timeout(guard, left)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
            };
            if self.state.compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst).is_ok() {
                return true;
            }
            // A spurious wake-up: the state is still PARKED, so wait again.
        }
    }

    pub(crate) fn unpark(&self) {
        match self.state.swap(NOTIFIED, SeqCst) {
            // Nobody sleeps; the next park will see NOTIFIED and return.
            EMPTY | NOTIFIED => return,
            PARKED => {}
            actual => unreachable!("parker in state {actual} while unparking"),
        }
        // The owner set PARKED while holding the lock and releases it only
        // inside `wait`. Taking the lock here means it is really waiting, so
        // the notification below cannot fall between its check and its wait.
        drop(self.lock.lock().unwrap_or_else(|e| e.into_inner()));
        self.cvar.notify_one();
    }
}
// ANCHOR_END: park_unpark
