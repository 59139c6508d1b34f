//! Exercise ch01_yield_now: a future that lets the others run once, as
//! Python's `await asyncio.sleep(0)`.
//!
//! Read first: chapter 1 of the book, "Step 2: sleep until signalled"
//! (`book/src/ch01-waker.md`).
//!
//! Write stage 1's `yield_now` yourself. The first poll of a [`YieldNow`]
//! wakes its own task (`cx.waker().wake_by_ref()`) and returns `Pending`,
//! so that the executor polls whatever else is waiting and then comes back;
//! the second poll returns `Ready(())`. No thread, no timer: the wake comes
//! during the poll itself, and a correct executor must not lose it.
//! Check with `cargo exercises verify ch01_yield_now`.
#![allow(unused_variables, unused_mut, unused_imports, dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The future returned by [`yield_now`].
#[must_use = "futures do nothing unless polled"]
#[derive(Debug)]
pub struct YieldNow {
    /// Whether the first poll has happened (and woken the task).
    yielded: bool,
}

/// Returns `Pending` once, after waking its own task, then `Ready`.
pub fn yield_now() -> YieldNow {
    todo!("a YieldNow that has not yielded yet")
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        todo!("first poll: remember it, wake the waker, Pending; second poll: Ready")
    }
}
