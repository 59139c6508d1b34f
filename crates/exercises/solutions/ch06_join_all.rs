//! Exercise ch06_join_all: `join_all` on a `ReadyList`, polling only the
//! children that were woken.
//!
//! Stage 1's `join_vec` polls every child at every wake: O(n²) polls when
//! n children finish one at a time. Give each child its own waker from a
//! [`ReadyList`], and at each poll look only at the children it says were
//! woken. Check with `cargo exercises verify ch06_join_all`.

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
    let children: Vec<_> =
        futures.into_iter().map(|future| Some(Box::pin(future))).collect();
    let n = children.len();
    JoinAll {
        outputs: (0..n).map(|_| None).collect(),
        ready: ReadyList::new(n),
        remaining: n,
        children,
    }
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
        let this = self.get_mut();
        // Once per poll: a child that wakes itself every time is polled
        // again at the next poll, not in a loop here.
        this.ready.refill(cx.waker());
        while let Some(index) = this.ready.pop() {
            let Some(child) = this.children[index].as_mut() else { continue };
            let mut child_cx = Context::from_waker(this.ready.waker(index));
            if let Poll::Ready(output) = child.as_mut().poll(&mut child_cx) {
                this.outputs[index] = Some(output);
                this.children[index] = None;
                this.remaining -= 1;
            }
        }
        if this.remaining > 0 {
            return Poll::Pending;
        }
        let outputs = std::mem::take(&mut this.outputs);
        Poll::Ready(
            outputs
                .into_iter()
                .map(|output| output.expect("every child finished"))
                .collect(),
        )
    }
}
