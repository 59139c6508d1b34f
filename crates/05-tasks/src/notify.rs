//! Telling everyone who waits for a finished task or future, in the order
//! they began to wait, as asyncio does.
//!
//! In asyncio a task that awaits another is, underneath, one more done
//! callback of it, added when it began to await; so awaiters and callbacks
//! are told in one order, the order they came. Here a waiter is a waker,
//! marked with how many callbacks came before it.

use std::task::Waker;

use stepio_poll_loop::EventLoop;

/// Wakes each waiter and schedules each callback, in the order they came.
/// `waiters` come sorted by the count of callbacks before each.
///
/// A waiter with no callback before it is woken at once: its task joins the
/// back of the loop's queue, ahead of the callbacks scheduled after it.
/// One behind a callback is woken through the queue, so that it comes after
/// that callback (and `run_until_complete` returns only once the callbacks
/// before it ran); its task then runs a turn later, so every callback after
/// it is scheduled one turn later too (`schedule` gets 1 for `hops`).
pub(crate) fn in_order<C>(
    event_loop: &EventLoop,
    waiters: impl IntoIterator<Item = (usize, Waker)>,
    callbacks: Vec<C>,
    mut schedule: impl FnMut(C, u8),
) {
    let mut waiters = waiters.into_iter().peekable();
    let mut hops = 0;
    for (index, callback) in callbacks.into_iter().enumerate() {
        while let Some((_, waker)) = waiters.next_if(|(after, _)| *after <= index) {
            hops = hops.max(wake(event_loop, waker, index > 0));
        }
        schedule(callback, hops);
    }
    for (after, waker) in waiters {
        wake(event_loop, waker, after > 0);
    }
}

/// Wakes `waker`, through the loop's queue if it comes behind a callback;
/// returns the turns its task is put back by (0 or 1).
fn wake(event_loop: &EventLoop, waker: Waker, behind_a_callback: bool) -> u8 {
    if behind_a_callback {
        // On a closed loop nobody runs the waiter anyway.
        let _ = event_loop.call_soon(move || waker.wake());
        1
    } else {
        waker.wake();
        0
    }
}

/// Runs `call` on the loop's next turn, or (`hops` 1) on the turn after.
/// A closed loop runs nothing; the error says only that.
pub(crate) fn call_soon(event_loop: &EventLoop, hops: u8, call: impl FnOnce() + 'static) {
    if hops == 0 {
        let _ = event_loop.call_soon(call);
    } else {
        let later = event_loop.downgrade();
        let _ = event_loop.call_soon(move || {
            if let Some(event_loop) = later.upgrade() {
                let _ = event_loop.call_soon(call);
            }
        });
    }
}
