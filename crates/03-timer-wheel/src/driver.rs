//! `TimerDriver`: timers as a layer around the driver the loop parks on.
//!
//! The loop of stage 2 is not changed. It still asks its driver to park,
//! with no timeout when it has nothing to do. A [`TimerDriver`] shortens
//! that wait to the next deadline, passes it on to the driver it wraps (the
//! thread parker, or epoll), and when the inner park returns,
//! fires every timer that is due: a `call_later` callback goes on the ready
//! queue; a sleeping task is woken.

use std::cell::RefCell;
use std::fmt;
use std::io;
use std::rc::Rc;
use std::sync::Arc;
use std::task::Waker;
use std::time::Duration;

use stepio_poll_loop::{Driver, Handle, ReadyQueue, Unpark, running_observer};

use crate::{Clock, TimerKey, TimerWheel};

// ANCHOR: timers
/// What a timer does when it fires.
#[derive(Debug)]
pub(crate) enum Expiry {
    /// A callback from `call_later` or `call_at`: queued on the loop.
    Callback(Handle),
    /// A sleeping task: woken.
    Wake(Waker),
}

/// The timers of one loop: its wheel and its clock.
///
/// Shared (through an `Rc`) by the loop's [`TimerDriver`], which fires them,
/// and the loop's extensions, where `call_later` and `sleep` find them.
pub struct Timers {
    wheel: RefCell<TimerWheel<Expiry>>,
    clock: Clock,
    /// Reused by `fire`, so that firing allocates nothing.
    fired: RefCell<Vec<Expiry>>,
}
// ANCHOR_END: timers

impl Timers {
    /// No timers yet, on `clock`.
    pub fn new(clock: Clock) -> Timers {
        Timers { wheel: RefCell::default(), clock, fired: RefCell::default() }
    }

    /// The loop's clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// How many timers are waiting.
    pub fn len(&self) -> usize {
        self.wheel.borrow().len()
    }

    /// Whether no timer is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The earliest deadline, as a time on the loop's clock.
    pub fn next_deadline(&self) -> Option<Duration> {
        self.wheel.borrow().next_deadline()
    }

    pub(crate) fn insert(&self, deadline: Duration, expiry: Expiry) -> TimerKey {
        self.wheel.borrow_mut().insert(deadline, expiry)
    }

    /// Removes a waiting timer; `false` if it already fired or was cancelled.
    pub(crate) fn cancel(&self, key: TimerKey) -> bool {
        let expiry = self.wheel.borrow_mut().cancel(key);
        // Dropped after the borrow ends: a callback's captures may touch the
        // timers from their destructors.
        expiry.is_some()
    }

    /// Makes a waiting sleep wake `waker`; `false` if it already fired.
    pub(crate) fn update_waker(&self, key: TimerKey, waker: &Waker) -> bool {
        match self.wheel.borrow_mut().get_mut(key) {
            Some(Expiry::Wake(current)) => {
                if !current.will_wake(waker) {
                    current.clone_from(waker);
                }
                true
            }
            Some(Expiry::Callback(_)) => unreachable!("a sleep's key names a wake"),
            None => false,
        }
    }

    // ANCHOR: fire
    /// Fires every timer due by now, in deadline order. Returns how many.
    fn fire(&self, ready: &mut ReadyQueue) -> usize {
        let mut fired = self.fired.take();
        let count = self.wheel.borrow_mut().advance(self.clock.elapsed(), &mut fired);
        // The wheel is no longer borrowed: a woken task or a queued callback
        // may insert new timers.
        for expiry in fired.drain(..) {
            match expiry {
                Expiry::Callback(handle) => ready.push(handle),
                Expiry::Wake(waker) => waker.wake(),
            }
        }
        *self.fired.borrow_mut() = fired;
        count
    }
    // ANCHOR_END: fire

    /// Drops every waiting timer (the loop is closing).
    fn clear(&self) {
        let pending = self.wheel.borrow_mut().drain();
        for expiry in pending {
            if let Expiry::Callback(handle) = expiry {
                handle.cancel();
            }
        }
    }
}

impl fmt::Debug for Timers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timers")
            .field("wheel", &self.wheel.try_borrow().ok())
            .field("clock", &self.clock)
            .finish()
    }
}

// ANCHOR: driver
/// A driver that adds timers to the driver it wraps.
#[derive(Debug)]
pub struct TimerDriver<D> {
    inner: D,
    timers: Rc<Timers>,
    /// On a simulated clock: the last park found the loop with nothing to
    /// do, and did not move the clock yet (see `park`).
    idle: bool,
}

impl<D: Driver> TimerDriver<D> {
    /// Wraps `inner`, firing the timers in `timers`.
    pub fn new(inner: D, timers: Rc<Timers>) -> TimerDriver<D> {
        TimerDriver { inner, timers, idle: false }
    }
}

impl<D: Driver> Driver for TimerDriver<D> {
    fn park(
        &mut self,
        timeout: Option<Duration>,
        ready: &mut ReadyQueue,
    ) -> io::Result<()> {
        // No timers, or work already waiting (a zero timeout that no
        // deadline can shorten): nothing to compute before the park.
        if self.timers.is_empty() {
            return self.inner.park(timeout, ready);
        }
        if timeout == Some(Duration::ZERO) {
            self.idle = false;
            self.inner.park(timeout, ready)?;
        } else {
            let clock = self.timers.clock();
            let now = clock.elapsed();
            // Exact, to the nanosecond: no rounding up to a tick.
            let next = self.timers.next_deadline().expect("the wheel is not empty");
            let until_deadline = next.saturating_sub(now);
            let wait =
                timeout.map_or(until_deadline, |timeout| timeout.min(until_deadline));
            if clock.is_simulated() && !wait.is_zero() {
                // Simulated time: instead of sleeping until the deadline,
                // look for events and jump there. Not on the first idle
                // park, though: wakes from outside the running loop are
                // collected after a park, so the loop gets one look first,
                // and the clock moves only if it parks idle again.
                self.inner.park(Some(Duration::ZERO), ready)?;
                self.idle = !self.idle;
                if !self.idle {
                    clock.jump_to(now + wait);
                }
            } else {
                self.idle = false;
                self.inner.park(Some(wait), ready)?;
            }
        }
        // The inner park may return early (a wake, or a spurious return);
        // the wheel fires only what is due, so nothing fires early.
        let fired = self.timers.fire(ready);
        report_fired(fired);
        Ok(())
    }

    fn unparker(&self) -> Arc<dyn Unpark> {
        self.inner.unparker()
    }

    fn close(&mut self) {
        self.timers.clear();
        self.inner.close();
    }
}
// ANCHOR_END: driver

/// What the timer driver reports to the loop's observer: timers that came
/// due and fired at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimersFired {
    /// How many fired.
    pub count: usize,
}

/// Tells the loop's observer, if it has one, that `count` timers fired.
fn report_fired(count: usize) {
    if count > 0 {
        if let Some(observer) = running_observer() {
            observer.event(&TimersFired { count });
        }
    }
}
