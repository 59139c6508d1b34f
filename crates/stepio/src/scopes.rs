//! Timeout scopes that the code under them can move, and `shield`, as
//! asyncio's `timeout()`, `timeout_at()` (3.11) and `shield()`.

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use stepio_timer_wheel::{Elapsed, LoopTime, Sleep, sleep_until};

use crate::{Task, create_task, get_running_loop};

// ANCHOR: scope
/// The deadline of a [`timeout_at`] scope: the code under it (or anyone
/// holding a clone) may read it and move it, as asyncio's
/// `Timeout.when()` and `Timeout.reschedule()`.
#[derive(Clone, Default)]
pub struct TimeoutScope {
    shared: Rc<Shared>,
}

#[derive(Default)]
struct Shared {
    /// `None`: no deadline.
    when: Cell<Option<Instant>>,
    /// The scope's future, to re-arm its timer when the deadline moves.
    waker: Cell<Option<Waker>>,
}

impl TimeoutScope {
    /// The deadline, on the loop's clock ([`LoopTime::now`]).
    pub fn when(&self) -> Option<Instant> {
        self.shared.when.get()
    }

    /// Moves the deadline (`None`: no deadline), as `reschedule()`.
    pub fn reschedule(&self, when: Option<Instant>) {
        self.shared.when.set(when);
        if let Some(waker) = self.shared.waker.take() {
            waker.wake();
        }
    }
}
// ANCHOR_END: scope

/// Runs `body` with a [`TimeoutScope`] whose deadline is `delay` from now
/// (`None`: none yet), as `async with asyncio.timeout(delay)`.
///
/// # Errors
///
/// [`Elapsed`] if the deadline passes before `body` finishes; `body` is
/// then dropped, which cancels whatever it waits for.
///
/// # Panics
///
/// Outside a running loop with timers.
pub fn timeout_scope<B, F>(delay: Option<Duration>, body: B) -> ScopeFuture<F>
where
    B: FnOnce(TimeoutScope) -> F,
    F: Future,
{
    let now = get_running_loop().expect("timeout_scope: no running event loop").now();
    timeout_at(delay.map(|delay| now + delay), body)
}

/// As [`timeout_scope`], with the deadline given as an instant on the
/// loop's clock, as `asyncio.timeout_at(when)`.
pub fn timeout_at<B, F>(when: Option<Instant>, body: B) -> ScopeFuture<F>
where
    B: FnOnce(TimeoutScope) -> F,
    F: Future,
{
    let scope = TimeoutScope::default();
    scope.shared.when.set(when);
    let start = get_running_loop().ok().map(|event_loop| event_loop.now());
    let body = Box::pin(body(scope.clone()));
    ScopeFuture { scope, body, timer: None, start }
}

/// The future of [`timeout_scope`] and [`timeout_at`].
#[must_use = "futures do nothing unless awaited"]
pub struct ScopeFuture<F> {
    scope: TimeoutScope,
    body: Pin<Box<F>>,
    /// The sleep until the deadline it was made for.
    timer: Option<(Instant, Pin<Box<Sleep>>)>,
    /// When the scope began, to say how long it lasted.
    start: Option<Instant>,
}

// ANCHOR: scope_poll
impl<F: Future> Future for ScopeFuture<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        // The body first: one that finishes at the deadline still counts.
        if let Poll::Ready(output) = this.body.as_mut().poll(cx) {
            return Poll::Ready(Ok(output));
        }
        // The body may have moved the deadline: a timer for the old one
        // is dropped (and its timer cancelled), a new one made.
        let when = this.scope.when();
        if this.timer.as_ref().map(|(at, _)| *at) != when {
            this.timer = when.map(|at| (at, Box::pin(sleep_until(at))));
        }
        this.scope.shared.waker.set(Some(cx.waker().clone()));
        let Some((at, timer)) = &mut this.timer else { return Poll::Pending };
        if timer.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        let lasted = at.saturating_duration_since(this.start.unwrap_or(*at));
        Poll::Ready(Err(Elapsed::new(lasted)))
    }
}
// ANCHOR_END: scope_poll

// ANCHOR: shield
/// Protects `future` from the cancellation of whoever awaits it, as
/// `asyncio.shield()`: it runs as a task of its own, and cancelling (or
/// dropping) the awaiting side only drops the handle, which detaches the
/// task without stopping it.
///
/// In asyncio, cancelling a task cancels the task it awaits, hence the
/// need. Here, awaiting a [`Task`] handle is shielded already (dropping a
/// handle detaches); `shield` is for a plain future, which a cancelled
/// awaiter would otherwise drop with itself.
///
/// # Panics
///
/// Outside a running loop, as [`create_task`].
#[track_caller]
pub fn shield<F: Future + 'static>(future: F) -> Task<F::Output> {
    create_task(future)
}
// ANCHOR_END: shield

impl fmt::Debug for TimeoutScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimeoutScope").field("when", &self.when()).finish()
    }
}

impl<F> fmt::Debug for ScopeFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopeFuture").field("scope", &self.scope).finish_non_exhaustive()
    }
}
