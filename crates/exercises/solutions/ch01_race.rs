//! Reference solution of ch01_race.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The output of [`race`]: which side finished first, with its output.
#[derive(Debug, PartialEq, Eq)]
pub enum Either<L, R> {
    /// The first future finished first.
    Left(L),
    /// The second future finished first.
    Right(R),
}

/// The future returned by [`race`].
#[derive(Debug)]
pub struct Race<A, B> {
    a: A,
    b: B,
}

/// Completes with the output of whichever of `a` and `b` finishes first.
pub fn race<A, B>(a: A, b: B) -> Race<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
{
    Race { a, b }
}

impl<A, B> Future for Race<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
{
    type Output = Either<A::Output, B::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Both futures get the same context: whichever makes progress first
        // wakes this task, and the next poll looks at both again.
        if let Poll::Ready(output) = Pin::new(&mut self.a).poll(cx) {
            return Poll::Ready(Either::Left(output));
        }
        if let Poll::Ready(output) = Pin::new(&mut self.b).poll(cx) {
            return Poll::Ready(Either::Right(output));
        }
        Poll::Pending
    }
}
