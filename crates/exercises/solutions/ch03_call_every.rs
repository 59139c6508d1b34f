//! Exercise ch03_call_every: a callback called again and again at a fixed
//! interval, without drift, on the loop's timers.
//!
//! Read first: chapter 3 of the book, "call_later, call_at, time"
//! (`book/src/ch03-timers.md`).
//!
//! `call_every(&event_loop, interval, callback)` calls `callback` at
//! `start + interval`, `start + 2 * interval`, and so on, where `start` is
//! the loop's time when `call_every` was called, for as long as the callback
//! returns `true`, or until the returned [`Repeating`] is cancelled. Each
//! deadline is computed from `start` and filed with `call_at`, not with
//! `call_later` from the moment a call happens to run: a call that runs
//! late, or takes a while, must not push the later ones back.
//! Check with `cargo exercises verify ch03_call_every`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use stepio_poll_loop::{EventLoop, LoopError};
use stepio_timer_wheel::{LoopTime, TimerHandle};

/// What a [`Repeating`] shares with the calls it schedules.
#[derive(Debug, Default)]
struct State {
    /// The timer of the next call (or of the call running now).
    timer: RefCell<Option<TimerHandle>>,
    /// Set by [`Repeating::cancel`]: no call is scheduled after it.
    cancelled: Cell<bool>,
}

/// A callback repeated by [`call_every`]. Dropping it does not stop the
/// repetition; [`cancel`](Repeating::cancel) does.
#[derive(Debug, Clone)]
pub struct Repeating {
    state: Rc<State>,
}

impl Repeating {
    /// Stops the repetition: no call comes after this one, even when it is
    /// called from inside the callback.
    pub fn cancel(&self) {
        self.state.cancelled.set(true);
        // Out of the RefCell first: cancelling drops the closure, and its
        // captures may call back in here.
        let timer = self.state.timer.borrow_mut().take();
        if let Some(timer) = timer {
            timer.cancel();
        }
    }

    /// Whether [`cancel`](Repeating::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.state.cancelled.get()
    }
}

/// Calls `callback` every `interval`, the first time one `interval` from
/// now, while it returns `true`. Call `k` is due at `start + k * interval`
/// whenever the calls before it ran; if that time has already passed, it
/// runs on the next turn.
///
/// # Errors
///
/// What `call_at` returns: `Closed` for a closed loop, `NotImplemented` for
/// a loop without timers.
pub fn call_every(
    event_loop: &EventLoop,
    interval: Duration,
    callback: impl FnMut() -> bool + 'static,
) -> Result<Repeating, LoopError> {
    let state = Rc::new(State::default());
    let start = event_loop.now();
    schedule(event_loop, &state, start + interval, interval, callback)?;
    Ok(Repeating { state })
}

/// Files the call due at `deadline` with `call_at` and keeps its handle in
/// `state`. When it fires, it runs `callback`, then files the next call,
/// one `interval` after `deadline`, unless the callback returned `false` or
/// the repetition was cancelled.
fn schedule<F>(
    event_loop: &EventLoop,
    state: &Rc<State>,
    deadline: Instant,
    interval: Duration,
    mut callback: F,
) -> Result<(), LoopError>
where
    F: FnMut() -> bool + 'static,
{
    let (next_loop, next_state) = (event_loop.clone(), Rc::clone(state));
    let timer = event_loop.call_at(deadline, move || {
        if callback() && !next_state.cancelled.get() {
            // From the deadline, not from now: no drift.
            schedule(&next_loop, &next_state, deadline + interval, interval, callback)
                .expect("a running loop is open, and this one has timers");
        }
    })?;
    // This replaces the handle of the call running now, if any: a handle
    // only, since the loop took that call's closure out to run it.
    *state.timer.borrow_mut() = Some(timer);
    Ok(())
}
