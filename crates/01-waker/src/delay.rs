//! `Delay`: a future that completes at a deadline, using one thread per timer.
//!
//! This is how several tutorials build `sleep`, and it works: the first poll
//! starts a thread that sleeps until the deadline and then wakes the task.
//! It also costs a thread (about 8 KiB of kernel state and a stack) per
//! pending timer, which is why a timing wheel that
//! the loop itself drives.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

/// A future that becomes ready once its deadline has passed.
///
/// Readiness is decided by the clock, not by the timer thread: a `Delay`
/// polled after its deadline is ready, whoever woke it. Of two delays with
/// deadlines in order, the earlier one is therefore never seen pending after
/// the later one is seen ready.
#[derive(Debug)]
pub struct Delay {
    deadline: Instant,
    /// The waker the timer thread will wake, shared with that thread.
    /// `None` until the first pending poll starts the thread.
    slot: Option<Arc<Mutex<Option<Waker>>>>,
}

impl Delay {
    /// A delay that completes `duration` from now.
    pub fn new(duration: Duration) -> Delay {
        Delay::until(Instant::now() + duration)
    }

    /// A delay that completes at `deadline`.
    pub fn until(deadline: Instant) -> Delay {
        Delay { deadline, slot: None }
    }

    /// The instant this delay completes at.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }
}

// ANCHOR: poll
impl Future for Delay {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.deadline {
            return Poll::Ready(());
        }
        match &self.slot {
            // Polled again: make sure the thread will wake the latest waker,
            // without cloning when it is the same one.
            Some(slot) => {
                let mut stored = slot.lock().unwrap_or_else(|e| e.into_inner());
                match stored.as_ref() {
                    Some(old) if old.will_wake(cx.waker()) => {}
                    _ => *stored = Some(cx.waker().clone()),
                }
            }
            // First poll: start the timer thread.
            None => {
                let slot = Arc::new(Mutex::new(Some(cx.waker().clone())));
                let deadline = self.deadline;
                let thread_slot = Arc::clone(&slot);
                thread::spawn(move || {
                    // `sleep` may return early on some platforms; loop on the clock.
                    let mut now = Instant::now();
                    while now < deadline {
                        thread::sleep(deadline - now);
                        now = Instant::now();
                    }
                    let waker =
                        thread_slot.lock().unwrap_or_else(|e| e.into_inner()).take();
                    if let Some(waker) = waker {
                        waker.wake();
                    }
                });
                self.slot = Some(slot);
            }
        }
        Poll::Pending
    }
}
// ANCHOR_END: poll

impl Drop for Delay {
    fn drop(&mut self) {
        // A dropped delay must not wake its task later: take the waker back.
        if let Some(slot) = &self.slot {
            slot.lock().unwrap_or_else(|e| e.into_inner()).take();
        }
    }
}
