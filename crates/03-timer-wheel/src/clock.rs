//! `Clock`: where the loop's time comes from, real or simulated.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

// ANCHOR: clock
/// The loop's monotonic clock: the time since the loop was created.
///
/// A real clock reads [`Instant::now`]. A simulated clock only moves when the
/// loop has nothing to do but wait for a timer: then it jumps straight to the
/// timer's deadline instead of sleeping. A test of timer logic on a
/// simulated clock runs in microseconds and prints the same times on every
/// run (tokio's `start_paused` does the same).
pub struct Clock {
    origin: Instant,
    /// `Some` for a simulated clock: its time since `origin`, in
    /// nanoseconds. Atomic so that the tracer can read it from any thread.
    simulated: Option<Arc<AtomicU64>>,
}
// ANCHOR_END: clock

impl Clock {
    /// A clock that reads the system's monotonic clock.
    pub fn real() -> Clock {
        Clock { origin: Instant::now(), simulated: None }
    }

    /// A simulated clock, starting at zero, that moves only when the loop
    /// would otherwise sleep until a deadline.
    ///
    /// A wake from another thread still reaches the loop, but simulated
    /// time does not wait for it: if timers are pending too, the loop jumps
    /// to the next one. Use it for tests of timing logic.
    pub fn simulated() -> Clock {
        Clock { origin: Instant::now(), simulated: Some(Arc::new(AtomicU64::new(0))) }
    }

    /// Whether this clock is simulated.
    pub fn is_simulated(&self) -> bool {
        self.simulated.is_some()
    }

    /// The time since the clock started: the loop's `time()`.
    pub fn elapsed(&self) -> Duration {
        match &self.simulated {
            Some(now) => Duration::from_nanos(now.load(Ordering::Relaxed)),
            None => self.origin.elapsed(),
        }
    }

    /// A reader of [`elapsed`](Clock::elapsed) that any thread may call.
    pub fn reader(&self) -> Arc<dyn Fn() -> Duration + Send + Sync> {
        let origin = self.origin;
        match &self.simulated {
            Some(now) => {
                let now = Arc::clone(now);
                Arc::new(move || Duration::from_nanos(now.load(Ordering::Relaxed)))
            }
            None => Arc::new(move || origin.elapsed()),
        }
    }

    /// The current time as an [`Instant`]; for a simulated clock, the start
    /// plus the simulated time.
    pub fn now(&self) -> Instant {
        match &self.simulated {
            Some(_) => self.origin + self.elapsed(),
            None => Instant::now(),
        }
    }

    /// The instant the clock started at.
    pub fn origin(&self) -> Instant {
        self.origin
    }

    /// `instant` as a time since the clock started (zero if before it).
    pub fn since_origin(&self, instant: Instant) -> Duration {
        instant.saturating_duration_since(self.origin)
    }

    /// Moves a simulated clock forward to `to`. Does nothing to a real clock,
    /// or if `to` is not later.
    pub(crate) fn jump_to(&self, to: Duration) {
        if let Some(now) = &self.simulated {
            // Only the loop's thread moves the clock; others only read it.
            let to = u64::try_from(to.as_nanos()).unwrap_or(u64::MAX);
            now.fetch_max(to, Ordering::Relaxed);
        }
    }

    /// Moves a simulated clock forward by `by`, for a test of code that
    /// measures time (as tokio's `time::advance`). Timers that come due fire
    /// on the loop's next turn. A real clock cannot be moved: nothing happens.
    pub fn advance(&self, by: Duration) {
        self.jump_to(self.elapsed().saturating_add(by));
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clock")
            .field("simulated", &self.is_simulated())
            .field("elapsed", &self.elapsed())
            .finish()
    }
}
