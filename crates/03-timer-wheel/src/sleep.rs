//! `sleep` and `sleep_until`: futures that finish at a deadline.

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use stepio_poll_loop::get_running_loop;
use stepio_waker::Delay;

use crate::LoopTime;
use crate::TimerKey;
use crate::driver::{Expiry, Timers};

// ANCHOR: sleep_fns
/// Waits until `delay` has passed, as `asyncio.sleep()`.
///
/// As in asyncio, the clock starts when the sleep is first awaited, not when
/// it is created, and even a zero delay goes through the loop once, so
/// `sleep(Duration::ZERO).await` lets the other tasks run.
///
/// On a loop without timers (stage 2's `EventLoop::new`), it still waits,
/// on a thread of its own as stage 1's [`Delay`] does.
///
/// # Panics
///
/// When polled outside a running loop.
pub fn sleep(delay: Duration) -> Sleep {
    Sleep { start: Start::After(delay), timer: None, thread: None, done: false }
}

/// Waits until the loop's clock reaches `deadline` (see
/// [`LoopTime::now`]). A deadline in the past finishes on the next turn.
///
/// # Panics
///
/// When polled outside a running loop.
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep { start: Start::At(deadline), timer: None, thread: None, done: false }
}
// ANCHOR_END: sleep_fns

// ANCHOR: sleep
/// The future returned by [`sleep`] and [`sleep_until`].
///
/// Dropping it before it finishes cancels its timer.
#[must_use = "futures do nothing unless awaited"]
pub struct Sleep {
    start: Start,
    /// The timer, once the first poll has filed it in the wheel.
    timer: Option<(Rc<Timers>, TimerKey)>,
    /// On a loop without timers: a thread that wakes us at the deadline.
    thread: Option<Delay>,
    done: bool,
}

enum Start {
    After(Duration),
    At(Instant),
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.done {
            return Poll::Ready(());
        }
        if let Some((timers, key)) = &self.timer {
            // Still in the wheel: not due yet. Gone: it fired (the wheel
            // never fires a timer before its deadline).
            if timers.update_waker(*key, cx.waker()) {
                return Poll::Pending;
            }
            self.timer = None;
            self.done = true;
            return Poll::Ready(());
        }
        if let Some(delay) = &mut self.thread {
            return Pin::new(delay).poll(cx);
        }
        let Some(timers) = running_timers() else {
            let deadline = match self.start {
                Start::After(delay) => Instant::now() + delay,
                Start::At(instant) => instant,
            };
            self.thread = Some(Delay::until(deadline));
            return self.poll(cx);
        };
        let deadline = match self.start {
            Start::After(delay) => timers.clock().elapsed().saturating_add(delay),
            Start::At(instant) => timers.clock().since_origin(instant),
        };
        let key = timers.insert(deadline, Expiry::Wake(cx.waker().clone()));
        self.timer = Some((timers, key));
        Poll::Pending
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some((timers, key)) = self.timer.take() {
            timers.cancel(key);
        }
    }
}
// ANCHOR_END: sleep

/// The timers of the loop running on this thread, if it has timers.
fn running_timers() -> Option<Rc<Timers>> {
    let event_loop = get_running_loop().unwrap_or_else(|err| panic!("sleep: {err}"));
    event_loop.timers().ok()
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match (&self.timer, &self.thread, self.done) {
            (_, _, true) => "done",
            (Some(_), _, false) | (_, Some(_), false) => "waiting",
            (None, None, false) => "not started",
        };
        f.debug_struct("Sleep").field("state", &state).finish()
    }
}

// ANCHOR: timeout
/// Runs `future` for at most `duration`: its output, or [`Elapsed`] if the
/// time ran out first. On timeout the future is dropped, which cancels
/// whatever it was waiting for (a read, a sleep).
///
/// This is the timer half of asyncio's `wait_for`.
///
/// # Panics
///
/// When polled outside a running loop that has timers.
pub async fn timeout<F: Future>(
    duration: Duration,
    future: F,
) -> Result<F::Output, Elapsed> {
    let mut future = pin!(future);
    let mut deadline = pin!(sleep(duration));
    poll_fn(|cx| {
        // The future first: one that is ready at the deadline still counts.
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Ok(output));
        }
        match deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed { after: duration })),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

/// The error of [`timeout`]: the time ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed {
    after: Duration,
}

impl Elapsed {
    /// The error for a wait of `after` that ran out (for the combinators of
    /// later stages that decide so without a timer, as a zero timeout).
    pub fn new(after: Duration) -> Elapsed {
        Elapsed { after }
    }

    /// The duration that ran out.
    pub fn after(&self) -> Duration {
        self.after
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timed out after {:?}", self.after)
    }
}

impl std::error::Error for Elapsed {}

impl From<Elapsed> for std::io::Error {
    fn from(elapsed: Elapsed) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::TimedOut, elapsed)
    }
}
// ANCHOR_END: timeout
