//! `select`: the first of two futures to finish.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;

// ANCHOR: select
/// Which of [`select`]'s two futures finished first, with its output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Either<A, B> {
    /// The first future finished first.
    Left(A),
    /// The second future finished first.
    Right(B),
}

/// Polls `left` and `right` in place until one finishes, and gives that
/// one's output; the other is dropped, which cancels it (a sleep's timer, a
/// socket read; a [`Task`](stepio_tasks::Task) handle is only detached).
///
/// When both are ready at the same poll, `left` wins: the order is fixed,
/// not random as in tokio's `select!`. asyncio has no such function;
/// `wait(..., FirstCompleted)` is the closest, and it cancels nothing.
pub async fn select<A: Future, B: Future>(
    left: A,
    right: B,
) -> Either<A::Output, B::Output> {
    let mut left = pin!(left);
    let mut right = pin!(right);
    poll_fn(|cx| {
        if let Poll::Ready(output) = left.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(output));
        }
        right.as_mut().poll(cx).map(Either::Right)
    })
    .await
}
// ANCHOR_END: select
