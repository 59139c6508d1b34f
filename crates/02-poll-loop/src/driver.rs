//! Drivers: what the loop sleeps on when nothing is ready.
//!
//! The loop itself only knows how to run what is ready. When nothing is, it
//! hands control to its driver for a while. A driver blocks until something
//! happens (an `unpark` from a waker on any thread, a timer, an I/O event),
//! turns what happened into ready work, and returns.
//!
//! Drivers can nest, each one wrapping the next: a driver with timers can
//! shorten the wait of the one it wraps to the next deadline. This stage's
//! [`ThreadDriver`] only parks the thread. The loop never changes.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use stepio_waker::{Parker, Unparker};

use crate::ReadyQueue;

// ANCHOR: driver
/// Something the event loop can sleep on.
pub trait Driver {
    /// Waits for events, for at most `timeout` (`None`: until unparked).
    ///
    /// A zero timeout must not block: the loop passes it when work is already
    /// ready, so that a driver can still collect events without sleeping.
    /// Callbacks that became due are pushed to `ready`; tasks are woken
    /// through their wakers instead, which reach the loop on their own.
    ///
    /// # Errors
    ///
    /// An error from the system call the driver waits in. The loop stops and
    /// returns it as [`LoopError::Driver`](crate::LoopError::Driver).
    fn park(
        &mut self,
        timeout: Option<Duration>,
        ready: &mut ReadyQueue,
    ) -> io::Result<()>;

    /// A handle that makes a current or future `park` return early, from any
    /// thread. Every waker of the loop holds one.
    fn unparker(&self) -> Arc<dyn Unpark>;

    /// Called once by [`EventLoop::close`](crate::EventLoop::close): drop
    /// whatever is still pending (timers that never fired, registrations),
    /// and pass the call on to a wrapped driver. The default does nothing.
    fn close(&mut self) {}
}

/// The thread-safe half of a [`Driver`]: interrupts its `park`.
pub trait Unpark: Send + Sync + 'static {
    /// Makes the driver's current `park` return, or its next one return at
    /// once if it is not parked now. Must be cheap when nobody is parked.
    fn unpark(&self);
}
// ANCHOR_END: driver

// ANCHOR: thread_driver
/// The simplest driver: parks the thread on a [`Parker`] from stage 1.
#[derive(Debug, Default)]
pub struct ThreadDriver {
    parker: Parker,
}

impl ThreadDriver {
    /// A driver with a fresh parker.
    pub fn new() -> ThreadDriver {
        ThreadDriver::default()
    }
}

impl Driver for ThreadDriver {
    fn park(
        &mut self,
        timeout: Option<Duration>,
        _ready: &mut ReadyQueue,
    ) -> io::Result<()> {
        match timeout {
            None => self.parker.park(),
            Some(timeout) => {
                self.parker.park_timeout(timeout);
            }
        }
        Ok(())
    }

    fn unparker(&self) -> Arc<dyn Unpark> {
        Arc::new(self.parker.unparker())
    }
}

impl Unpark for Unparker {
    fn unpark(&self) {
        Unparker::unpark(self);
    }
}
// ANCHOR_END: thread_driver
