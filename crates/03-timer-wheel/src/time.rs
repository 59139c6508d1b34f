//! `LoopTime`: asyncio's `call_later`, `call_at` and `time()` on the loop.

use std::fmt;
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

use stepio_poll_loop::{EventLoop, Handle, LoopError};

use crate::TimerKey;
use crate::driver::{Expiry, Timers};

// ANCHOR: loop_time
/// The timer methods of asyncio's loop, for an [`EventLoop`] made by
/// [`new_event_loop`](crate::new_event_loop) (or any loop given
/// [`Timers`] with [`event_loop_with`](crate::event_loop_with)).
///
/// # Panics
///
/// Each method panics if the loop has no timers (it was made by stage 2's
/// `EventLoop::new`), with a message that says so.
pub trait LoopTime {
    /// The loop's clock, in seconds since the loop was created, as
    /// `loop.time()`: monotonic, not the wall clock.
    fn time(&self) -> f64;

    /// The loop's clock as an [`Instant`], to compute deadlines with.
    fn now(&self) -> Instant;

    /// Runs `callback` once `delay` has passed, as `loop.call_later()`.
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`] if the loop was closed.
    fn call_later(
        &self,
        delay: Duration,
        callback: impl FnOnce() + 'static,
    ) -> Result<TimerHandle, LoopError>;

    /// Runs `callback` at `when` on the loop's clock, as `loop.call_at()`.
    /// A `when` in the past runs it on the next turn.
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`] if the loop was closed.
    fn call_at(&self, when: Instant, callback: impl FnOnce() + 'static) -> Result<TimerHandle, LoopError>;

    /// The loop's timers.
    fn timers(&self) -> Rc<Timers>;
}
// ANCHOR_END: loop_time

const NO_TIMERS: &str =
    "this event loop has no timers: make it with stepio_timer_wheel::new_event_loop(), not EventLoop::new()";

impl LoopTime for EventLoop {
    fn time(&self) -> f64 {
        self.timers().clock().elapsed().as_secs_f64()
    }

    fn now(&self) -> Instant {
        self.timers().clock().now()
    }

    fn call_later(
        &self,
        delay: Duration,
        callback: impl FnOnce() + 'static,
    ) -> Result<TimerHandle, LoopError> {
        let timers = self.timers();
        let deadline = timers.clock().elapsed().saturating_add(delay);
        schedule(self, &timers, deadline, callback)
    }

    fn call_at(&self, when: Instant, callback: impl FnOnce() + 'static) -> Result<TimerHandle, LoopError> {
        let timers = self.timers();
        let deadline = timers.clock().since_origin(when);
        schedule(self, &timers, deadline, callback)
    }

    fn timers(&self) -> Rc<Timers> {
        self.extension::<Timers>().expect(NO_TIMERS)
    }
}

// ANCHOR: schedule
fn schedule(
    event_loop: &EventLoop,
    timers: &Rc<Timers>,
    deadline: Duration,
    callback: impl FnOnce() + 'static,
) -> Result<TimerHandle, LoopError> {
    if event_loop.is_closed() {
        return Err(LoopError::Closed);
    }
    let handle = Handle::new(callback);
    let key = timers.insert(deadline, Expiry::Callback(handle.clone()));
    Ok(TimerHandle { handle, key, timers: Rc::downgrade(timers), when: deadline })
}
// ANCHOR_END: schedule

// ANCHOR: timer_handle
/// A callback scheduled for later, as asyncio's `TimerHandle`.
///
/// Dropping the handle does not cancel the callback.
#[derive(Clone)]
pub struct TimerHandle {
    handle: Handle,
    key: TimerKey,
    timers: Weak<Timers>,
    when: Duration,
}

impl TimerHandle {
    /// Cancels the callback: if it has not run yet, it never will. Its
    /// timer leaves the wheel at once, and the closure is dropped at once
    /// (asyncio drops the callback too, but leaves the cancelled handle in
    /// its heap until it comes due or the heap is rebuilt).
    pub fn cancel(&self) {
        self.handle.cancel();
        if let Some(timers) = self.timers.upgrade() {
            timers.cancel(self.key);
        }
    }
}
// ANCHOR_END: timer_handle

impl TimerHandle {
    /// Whether [`cancel`](TimerHandle::cancel) was called.
    pub fn cancelled(&self) -> bool {
        self.handle.cancelled()
    }

    /// When the callback is due, in seconds on the loop's clock, as
    /// `TimerHandle.when()`.
    pub fn when(&self) -> f64 {
        self.when.as_secs_f64()
    }
}

impl fmt::Debug for TimerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerHandle")
            .field("when", &self.when())
            .field("cancelled", &self.cancelled())
            .finish()
    }
}
