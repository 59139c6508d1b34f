//! Exercise ch06_join_all: `join_all` on a `ReadyList`, polling only the
//! children that were woken.
//!
//! Read first: chapter 6 of the book, "The ready list"
//! (`book/src/ch06-gather.md`).
//!
//! Stage 1's `join_vec` polls every child at every wake: O(n²) polls when
//! n children finish one at a time. Give each child its own waker from a
//! [`ReadyList`], and at each poll look only at the children it says were
//! woken. Check with `cargo exercises verify ch06_join_all`.
#![allow(unused_variables, unused_mut, dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use stepio_gather::ReadyList;

/// Many futures polled in place; their outputs in argument order.
pub struct JoinAll<F: Future> {
    /// The children, boxed so that they stay pinned; `None` once finished.
    children: Vec<Option<Pin<Box<F>>>>,
    /// Each child's output at its index, once it has one.
    outputs: Vec<Option<F::Output>>,
    /// One waker per child, and the children woken since the last look.
    ready: ReadyList,
    /// Children not finished yet.
    remaining: usize,
}

/// Polls every future in `futures` until all are done.
pub fn join_all<F: Future>(futures: impl IntoIterator<Item = F>) -> JoinAll<F> {
    todo!(
        "box and pin each future; a ReadyList for as many children (they all start woken)"
    )
}

impl<F: Future> std::fmt::Debug for JoinAll<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinAll")
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}

// The children are pinned in their boxes; nothing else needs pinning.
impl<F: Future> Unpin for JoinAll<F> {}

impl<F: Future> Future for JoinAll<F> {
    type Output = Vec<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<F::Output>> {
        todo!(
            "refill the ready list once with cx's waker; pop each woken index and poll that child \
             with its own waker; store outputs; Ready with all outputs when none remain"
        )
    }
}
