//! `Semaphore`, `BoundedSemaphore`-style bounds, and `Lock`.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::waiters::{Turn, WaitList, wake};

struct Permits {
    available: usize,
    waiters: WaitList<()>,
    /// Permits handed to waiters that have not run yet.
    handed: usize,
}

// ANCHOR: semaphore
/// A count of permits, as `asyncio.Semaphore`: [`acquire`](Semaphore::acquire)
/// waits for one, and the [`Permit`] gives it back when dropped.
///
/// - **Fair**: waiters are served first come, first served. A permit
///   released while tasks wait goes straight to the first of them, so a
///   newcomer cannot take it first.
/// - **Cancellation-safe**: a waiter dropped (its task cancelled) while
///   waiting leaves the line; one dropped after it was handed a permit but
///   before it ran hands the permit on. No permit is lost.
/// - Clones share the same permits. Like asyncio's, it belongs to one
///   loop's thread (it is not `Send`).
#[derive(Clone)]
pub struct Semaphore {
    permits: Rc<RefCell<Permits>>,
    /// For a bounded semaphore, the most permits it may hold.
    bound: Option<usize>,
}
// ANCHOR_END: semaphore

/// [`Semaphore::release`] on a bounded semaphore that holds all its
/// permits already (asyncio's `ValueError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyReleases;

impl fmt::Display for TooManyReleases {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BoundedSemaphore released too many times")
    }
}

impl std::error::Error for TooManyReleases {}

impl Semaphore {
    /// A semaphore with `permits` permits.
    pub fn new(permits: usize) -> Semaphore {
        Semaphore {
            permits: Rc::new(RefCell::new(Permits {
                available: permits,
                waiters: WaitList::new(),
                handed: 0,
            })),
            bound: None,
        }
    }

    /// A semaphore that refuses to hold more than `permits` permits, as
    /// `asyncio.BoundedSemaphore`: a [`release`](Semaphore::release) too
    /// many is an error.
    pub fn bounded(permits: usize) -> Semaphore {
        Semaphore { bound: Some(permits), ..Semaphore::new(permits) }
    }

    /// Permits free right now.
    pub fn available_permits(&self) -> usize {
        self.permits.borrow().available
    }

    /// Whether an `acquire` would wait, as `locked()`.
    pub fn locked(&self) -> bool {
        let permits = self.permits.borrow();
        permits.available == 0 || !permits.waiters.is_empty()
    }

    /// How many tasks wait for a permit.
    pub fn waiting(&self) -> usize {
        self.permits.borrow().waiters.len()
    }

    /// Waits for a permit, as `async with semaphore:`.
    pub fn acquire(&self) -> Acquire {
        Acquire { semaphore: self.clone(), turn: Turn::new() }
    }

    /// A permit now if one is free and nobody waits, else `None`.
    pub fn try_acquire(&self) -> Option<Permit> {
        let mut permits = self.permits.borrow_mut();
        if permits.available > 0 && permits.waiters.is_empty() {
            permits.available -= 1;
            Some(Permit { semaphore: Some(self.clone()) })
        } else {
            None
        }
    }

    /// Adds a permit, as `release()`: to the first waiter if any.
    ///
    /// # Errors
    ///
    /// [`TooManyReleases`] on a [bounded](Semaphore::bounded) semaphore that
    /// would hold more than its bound.
    pub fn release(&self) -> Result<(), TooManyReleases> {
        {
            let permits = self.permits.borrow();
            if self.bound.is_some_and(|bound| {
                permits.waiters.is_empty() && permits.available >= bound
            }) {
                return Err(TooManyReleases);
            }
        }
        self.give_back();
        Ok(())
    }

    // ANCHOR: give_back
    /// A permit comes back: straight to the first waiter, or to the pool.
    fn give_back(&self) {
        let mut permits = self.permits.borrow_mut();
        match permits.waiters.pop() {
            Some(waiter) => {
                permits.handed += 1;
                drop(permits);
                wake(&waiter);
            }
            None => permits.available += 1,
        }
    }
    // ANCHOR_END: give_back
}

/// The future of [`Semaphore::acquire`].
#[must_use = "futures do nothing unless awaited"]
pub struct Acquire {
    semaphore: Semaphore,
    /// Our place in line, once we wait.
    turn: Turn<()>,
}

// ANCHOR: acquire
impl Future for Acquire {
    type Output = Permit;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Permit> {
        let this = &mut *self;
        match this.turn.poll(cx) {
            // `give_back` handed us its permit.
            Some(Poll::Ready(_)) => {
                this.semaphore.permits.borrow_mut().handed -= 1;
                return Poll::Ready(Permit { semaphore: Some(this.semaphore.clone()) });
            }
            Some(Poll::Pending) => return Poll::Pending,
            None => {}
        }
        if let Some(permit) = this.semaphore.try_acquire() {
            return Poll::Ready(permit);
        }
        this.turn.join(&mut this.semaphore.permits.borrow_mut().waiters, cx, None);
        Poll::Pending
    }
}

impl Drop for Acquire {
    fn drop(&mut self) {
        // Cancelled in line: `cancel` leaves the line. Cancelled after a
        // permit was handed to us: hand it on.
        let mut permits = self.semaphore.permits.borrow_mut();
        if self.turn.cancel(&mut permits.waiters).is_some() {
            permits.handed -= 1;
            drop(permits);
            self.semaphore.give_back();
        }
    }
}
// ANCHOR_END: acquire

/// A permit of a [`Semaphore`]; dropping it gives the permit back.
#[must_use = "dropping the permit releases it at once"]
pub struct Permit {
    /// `None` once forgotten.
    semaphore: Option<Semaphore>,
}

impl Permit {
    /// Keeps the permit out of the semaphore for good.
    pub fn forget(mut self) {
        self.semaphore = None;
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(semaphore) = self.semaphore.take() {
            semaphore.give_back();
        }
    }
}

// ANCHOR: lock
/// A lock for tasks, as `asyncio.Lock`: [`lock`](Lock::lock) waits until
/// it is free and gives a guard that unlocks when dropped. It protects no
/// data of its own (asyncio's does not either); it orders tasks. Fair and
/// cancellation-safe as [`Semaphore`], of which it is a one-permit case.
#[derive(Clone)]
pub struct Lock {
    semaphore: Semaphore,
}
// ANCHOR_END: lock

/// Holding a [`Lock`]; dropping it unlocks.
#[must_use = "dropping the guard unlocks at once"]
pub struct LockGuard {
    _permit: Permit,
}

impl Default for Lock {
    fn default() -> Self {
        Lock::new()
    }
}

impl Lock {
    /// An unlocked lock.
    pub fn new() -> Lock {
        Lock { semaphore: Semaphore::new(1) }
    }

    /// Waits until the lock is free and takes it, as `async with lock:`.
    pub async fn lock(&self) -> LockGuard {
        LockGuard { _permit: self.semaphore.acquire().await }
    }

    /// The lock now if it is free and nobody waits, else `None`.
    pub fn try_lock(&self) -> Option<LockGuard> {
        self.semaphore.try_acquire().map(|permit| LockGuard { _permit: permit })
    }

    /// Whether a task holds it, as `locked()`. As in asyncio, a lock just
    /// unlocked with tasks waiting is not locked until the first of them
    /// runs and takes it, though it is promised to that task:
    /// [`try_lock`](Lock::try_lock) gives `None` meanwhile.
    pub fn locked(&self) -> bool {
        let permits = self.semaphore.permits.borrow();
        permits.available == 0 && permits.handed == 0
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("available", &self.available_permits())
            .field("waiting", &self.waiting())
            .field("bound", &self.bound)
            .finish()
    }
}

impl fmt::Debug for Acquire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire").field("waiting", &self.turn.is_in_line()).finish()
    }
}

impl fmt::Debug for Permit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").finish_non_exhaustive()
    }
}

impl fmt::Debug for Lock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lock")
            .field("locked", &self.locked())
            .field("waiting", &self.semaphore.waiting())
            .finish()
    }
}

impl fmt::Debug for LockGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockGuard").finish_non_exhaustive()
    }
}
