//! `block_on`: the smallest executor there is.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};

use crate::{Parker, wake::waker};

// ANCHOR: block_on
/// Runs `future` to completion on the current thread and returns its output.
///
/// Between polls the thread sleeps on a [`Parker`]; the future's waker
/// unparks it. The thread never spins: it is polled once at the start and
/// once per wake-up. A wake that arrives while the future is being polled is
/// not lost, because the parker remembers it and the next `park` returns at
/// once.
///
/// The future is pinned on this function's stack (`pin!`) before its first
/// poll, because the state of an `async` block may point into itself and
/// must not move once polled. So such a future is not `Unpin`, and an
/// executor that tried to poll it unpinned does not compile:
///
/// ```compile_fail,E0277
/// fn poll_unpinned<F: std::future::Future + Unpin>(_future: F) {}
///
/// poll_unpinned(async {
///     let local = 1;
///     let borrowed = &local;
///     stepio_waker::yield_now().await;
///     *borrowed
/// });
/// ```
///
/// # Examples
///
/// ```
/// let answer = stepio_waker::block_on(async { 6 * 7 });
/// assert_eq!(answer, 42);
/// ```
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let parker = Parker::new();
    let waker = waker(parker.unparker());
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        parker.park();
    }
}
// ANCHOR_END: block_on
