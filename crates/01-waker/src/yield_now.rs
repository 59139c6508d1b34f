//! `yield_now`: give the executor a chance to run something else.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Returns `Pending` once, after waking its own task, then `Ready`.
///
/// Awaiting it puts the task at the back of the executor's queue: the Rust
/// spelling of Python's `await asyncio.sleep(0)`.
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future returned by [`yield_now`].
#[must_use = "futures do nothing unless polled"]
#[derive(Debug)]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // Waking before returning `Pending` is allowed: the executor must
        // queue the task again rather than forget the wake.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
