//! Exercise ch01_race: poll two futures by hand and finish with whichever
//! finishes first.
//!
//! Read first: chapter 1 of the book, "The scenario in Rust"
//! (`book/src/ch01-waker.md`).
//!
//! `race(a, b)` is the two-future `select`: it completes with
//! `Either::Left(output of a)` or `Either::Right(output of b)`, and drops the
//! loser. Poll `a` first, so that `a` wins when both are ready at once.
//! Both futures are `Unpin`, so `Pin::new(&mut self.a)` is all the pinning
//! you need. Check with `cargo exercises verify ch01_race`.
#![allow(unused_variables, unused_mut, dead_code)]

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
        todo!("poll a, then b; Ready with the first that is ready, else Pending")
    }
}
