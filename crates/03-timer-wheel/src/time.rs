//! `LoopTime`: asyncio's `call_later`, `call_at` and `time()` on the loop.

use std::fmt;
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

use stepio_poll_loop::{EventLoop, Handle, LoopError};

use crate::driver::{Expiry, Timers};
use crate::{Clock, TimerKey};

// ANCHOR: loop_time
/// The timer methods of asyncio's loop, for an [`EventLoop`] made by
/// [`new_event_loop`](crate::new_event_loop) (or any loop given
/// [`Timers`] with [`event_loop_with`](crate::event_loop_with)).
///
/// A loop made by stage 2's `EventLoop::new` has no timer driver, so
/// nothing would ever fire its timers: on such a loop the methods that
/// schedule return [`LoopError::NotImplemented`], with a message that says
/// how to make a loop that has timers. Nothing here panics.
pub trait LoopTime {
    /// The loop's clock, in seconds since the loop was created, as
    /// `loop.time()`: monotonic, not the wall clock. (A loop without timers
    /// still tells the time, on a real clock started when first asked.)
    fn time(&self) -> f64;

    /// The loop's clock as an [`Instant`], to compute deadlines with.
    fn now(&self) -> Instant;

    /// Runs `callback` once `delay` has passed, as `loop.call_later()`.
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`] if the loop was closed;
    /// [`LoopError::NotImplemented`] if it has no timers.
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
    /// As [`call_later`](LoopTime::call_later).
    fn call_at(
        &self,
        when: Instant,
        callback: impl FnOnce() + 'static,
    ) -> Result<TimerHandle, LoopError>;

    /// The loop's timers.
    ///
    /// # Errors
    ///
    /// [`LoopError::NotImplemented`] if the loop was made without them.
    fn timers(&self) -> Result<Rc<Timers>, LoopError>;
}
// ANCHOR_END: loop_time

// ANCHOR: no_timers
/// What a loop without a timer driver answers, and how to get one.
const NO_TIMERS: &str =
    "this loop has no timers: make it with stepio_timer_wheel::new_event_loop()";

impl LoopTime for EventLoop {
    fn time(&self) -> f64 {
        with_clock(self, |clock| clock.elapsed().as_secs_f64())
    }

    fn now(&self) -> Instant {
        with_clock(self, Clock::now)
    }

    fn call_later(
        &self,
        delay: Duration,
        callback: impl FnOnce() + 'static,
    ) -> Result<TimerHandle, LoopError> {
        let timers = self.timers()?;
        let deadline = timers.clock().elapsed().saturating_add(delay);
        schedule(self, &timers, deadline, callback)
    }

    fn call_at(
        &self,
        when: Instant,
        callback: impl FnOnce() + 'static,
    ) -> Result<TimerHandle, LoopError> {
        let timers = self.timers()?;
        let deadline = timers.clock().since_origin(when);
        schedule(self, &timers, deadline, callback)
    }

    fn timers(&self) -> Result<Rc<Timers>, LoopError> {
        self.extension::<Timers>().ok_or(LoopError::NotImplemented(NO_TIMERS))
    }
}
// ANCHOR_END: no_timers

/// Calls `read` with the loop's clock: its timers' clock, or for a loop
/// without timers a real clock it is given the first time it is asked.
fn with_clock<R>(event_loop: &EventLoop, read: impl FnOnce(&Clock) -> R) -> R {
    if let Some(timers) = event_loop.extension::<Timers>() {
        return read(timers.clock());
    }
    let clock = event_loop.extension::<Clock>().unwrap_or_else(|| {
        let clock = Rc::new(Clock::real());
        event_loop.insert_extension(Rc::clone(&clock));
        clock
    });
    read(&clock)
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
