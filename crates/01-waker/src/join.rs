//! `join`: run two futures at once and wait for both.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that polls two futures and completes with both outputs.
///
/// Created by [`join`].
#[must_use = "futures do nothing unless polled"]
pub struct Join<A: Future, B: Future> {
    a: Half<A>,
    b: Half<B>,
}

/// One side of a [`Join`]: still running, or finished with its output kept.
enum Half<F: Future> {
    // Boxing pins the child without `unsafe` pin projection; a real
    // combinator would project instead and save the allocation.
    Running(Pin<Box<F>>),
    Done(Option<F::Output>),
}

/// Runs `a` and `b` concurrently on the current task and returns both outputs.
///
/// Both are polled on every wake-up of the task: simple, and fine for two
/// children. Polling only the children that were woken needs a waker per
/// child.
///
/// # Examples
///
/// ```
/// use stepio_waker::{block_on, join};
///
/// assert_eq!(block_on(join(async { 1 }, async { "two" })), (1, "two"));
/// ```
pub fn join<A: Future, B: Future>(a: A, b: B) -> Join<A, B> {
    Join { a: Half::Running(Box::pin(a)), b: Half::Running(Box::pin(b)) }
}

impl<F: Future> Half<F> {
    /// Polls the child if it is still running; true once it has finished.
    fn poll_done(&mut self, cx: &mut Context<'_>) -> bool {
        if let Half::Running(future) = self {
            match future.as_mut().poll(cx) {
                Poll::Ready(output) => *self = Half::Done(Some(output)),
                Poll::Pending => return false,
            }
        }
        true
    }

    fn take(&mut self) -> F::Output {
        match self {
            Half::Done(output) => output.take().expect("Join polled after completion"),
            Half::Running(_) => unreachable!("taking the output of a running future"),
        }
    }
}

// By hand, so that `Debug` does not require `Debug` futures or outputs.
impl<A: Future, B: Future> std::fmt::Debug for Join<A, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = |done: bool| if done { "done" } else { "running" };
        f.debug_struct("Join")
            .field("a", &state(matches!(self.a, Half::Done(_))))
            .field("b", &state(matches!(self.b, Half::Done(_))))
            .finish()
    }
}

// Every field is either a `Pin<Box<_>>` or an output we never pin.
impl<A: Future, B: Future> Unpin for Join<A, B> {}

impl<A: Future, B: Future> Future for Join<A, B> {
    type Output = (A::Output, B::Output);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        // Poll both, even when the first is still pending.
        let a_done = this.a.poll_done(cx);
        let b_done = this.b.poll_done(cx);
        if a_done && b_done {
            Poll::Ready((this.a.take(), this.b.take()))
        } else {
            Poll::Pending
        }
    }
}

/// A future that polls many futures of one type and completes with all
/// their outputs, in order. Created by [`join_vec`].
#[must_use = "futures do nothing unless polled"]
pub struct JoinVec<F: Future> {
    children: Vec<Half<F>>,
}

/// Runs every future in `futures` concurrently on the current task, and
/// returns their outputs in the same order.
///
/// Like [`join`], it polls every unfinished child on every wake-up: with
/// `n` children that each wake once, that is O(n²) polls. Fine for the
/// handful of clients in the examples; a `gather` with a waker per child
/// polls only the children that were woken.
///
/// # Examples
///
/// ```
/// use stepio_waker::{block_on, join_vec};
///
/// let doubled = block_on(join_vec((1..=3).map(|n| async move { n * 2 })));
/// assert_eq!(doubled, [2, 4, 6]);
/// ```
pub fn join_vec<F: Future>(futures: impl IntoIterator<Item = F>) -> JoinVec<F> {
    JoinVec {
        children: futures
            .into_iter()
            .map(|future| Half::Running(Box::pin(future)))
            .collect(),
    }
}

impl<F: Future> std::fmt::Debug for JoinVec<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let done =
            self.children.iter().filter(|child| matches!(child, Half::Done(_))).count();
        f.debug_struct("JoinVec")
            .field("children", &self.children.len())
            .field("done", &done)
            .finish()
    }
}

// As for `Join`: the children are boxed.
impl<F: Future> Unpin for JoinVec<F> {}

// ANCHOR: join_vec_poll
impl<F: Future> Future for JoinVec<F> {
    type Output = Vec<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut all_done = true;
        for child in &mut self.children {
            all_done &= child.poll_done(cx);
        }
        if all_done {
            Poll::Ready(self.children.iter_mut().map(Half::take).collect())
        } else {
            Poll::Pending
        }
    }
}
// ANCHOR_END: join_vec_poll
