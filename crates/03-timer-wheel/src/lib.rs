//! # Stage 3: timers on a hierarchical timing wheel
//!
//! asyncio's loop keeps its timers in a heap; this stage keeps them in a
//! [`TimerWheel`]: six levels of 64 slots, 1 ms ticks, O(1) insert and
//! cancel, and exact deadlines (a timer never fires early, and the wheel's
//! tick adds no lateness). The wheel is a pure data structure with no clock
//! inside, tested against a sorted model through millions of operations.
//!
//! Timers reach the loop of stage 2 as a [`TimerDriver`]: a driver wrapped
//! around the thread parker, which sleeps until the next deadline instead of
//! forever, then fires what is due. The loop itself is unchanged. On top of
//! that: [`LoopTime`] gives the loop asyncio's `call_later`, `call_at` and
//! `time()`; [`sleep`](fn@sleep) and [`sleep_until`] are the futures tasks await.
//!
//! ```
//! use std::time::Duration;
//! use stepio_timer_wheel::{LoopTime, sleep};
//!
//! let event_loop = stepio_timer_wheel::new_event_loop();
//! let start = event_loop.time();
//! event_loop.run_until_complete(sleep(Duration::from_millis(20))).unwrap();
//! assert!(event_loop.time() - start >= 0.020);
//! event_loop.close().unwrap();
//! ```
//!
//! ## Layout
//!
//! - [`wheel`]: `TimerWheel` and `TimerKey`; no clock, no loop.
//! - [`clock`]: `Clock`, real or simulated.
//! - [`driver`]: `Timers` (a wheel and a clock) and `TimerDriver`.
//! - [`time`]: `LoopTime` (`call_later`, `call_at`, `time`) and `TimerHandle`.
//! - [`sleep`](mod@sleep): `sleep`, `sleep_until`, and `timeout` around any
//!   future.
//!
//! ## What this stage deliberately leaves out
//!
//! - Sub-millisecond waits in epoll: the thread parker of stage 2 already
//!   sleeps to the nanosecond.
//! - `wait_for` on tasks (this stage has [`timeout`] for futures).

#![forbid(unsafe_code)]

pub mod clock;
pub mod driver;
pub mod sleep;
pub mod time;
pub mod wheel;

use std::future::Future;
use std::rc::Rc;

use stepio_poll_loop::{Driver, EventLoop, LoopError, ThreadDriver};

pub use clock::Clock;
pub use driver::{TimerDriver, Timers, TimersFired};
pub use sleep::{Elapsed, Sleep, sleep, sleep_until, timeout};
pub use time::{LoopTime, TimerHandle};
pub use wheel::{TimerKey, TimerWheel};

// ANCHOR: new_event_loop
/// A loop with timers on the real clock, parking its thread when idle, as
/// `asyncio.new_event_loop()`.
pub fn new_event_loop() -> EventLoop {
    event_loop_with(ThreadDriver::new(), Clock::real())
}

/// A loop with timers on `clock`, parking on `inner` when idle.
///
/// An epoll reactor can be `inner`. Tests pass
/// [`Clock::simulated`] to run timer logic without waiting.
pub fn event_loop_with(inner: impl Driver + 'static, clock: Clock) -> EventLoop {
    let timers = Rc::new(Timers::new(clock));
    let event_loop =
        EventLoop::with_driver(Box::new(TimerDriver::new(inner, Rc::clone(&timers))));
    event_loop.insert_extension(timers);
    event_loop
}
// ANCHOR_END: new_event_loop

/// Runs `future` on a new loop with timers and closes the loop, as
/// `asyncio.run()`.
///
/// # Errors
///
/// As [`EventLoop::run_until_complete`].
pub fn run<F: Future>(future: F) -> Result<F::Output, LoopError> {
    new_event_loop().run_and_close(future)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod wheel_tests;
