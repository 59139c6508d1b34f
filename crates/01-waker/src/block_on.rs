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
