//! `Children<F>`: many futures polled in place, each only when woken.
//!
//! Every combinator of this stage is a loop over [`Children::poll_next`]:
//! gather stores each output at its index, `as_completed` hands them out
//! one by one, `wait` stops when its condition holds.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::ReadyList;

// ANCHOR: children
/// A fixed set of futures, each polled with its own waker from a
/// [`ReadyList`], and dropped as soon as it finishes.
pub(crate) struct Children<F> {
    /// The futures, in argument order; `None` once finished. The boxed
    /// slice never moves or grows, so its elements stay pinned.
    slots: Pin<Box<[Option<F>]>>,
    ready: ReadyList,
    /// Children not finished yet.
    remaining: usize,
}
// ANCHOR_END: children

impl<F: Future> Children<F> {
    pub(crate) fn new(futures: impl IntoIterator<Item = F>) -> Children<F> {
        let slots: Box<[Option<F>]> = futures.into_iter().map(Some).collect();
        let remaining = slots.len();
        Children {
            ready: ReadyList::new(remaining),
            slots: Box::into_pin(slots),
            remaining,
        }
    }

    /// How many children there are in all.
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// How many have not finished.
    pub(crate) fn remaining(&self) -> usize {
        self.remaining
    }

    // ANCHOR: poll_next
    /// Polls the woken children until one finishes: `Ready(Some((index,
    /// output)))`, then `Ready(None)` once all have finished. `Pending`
    /// means that every woken child was polled and none finished; `cx` will
    /// be woken when one is woken.
    pub(crate) fn poll_next(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<(usize, F::Output)>> {
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let Children { slots, ready, remaining } = self;
        // Take new wakes at most once per call, so that a child that wakes
        // itself at every poll cannot keep us here forever.
        let mut refilled = false;
        loop {
            let index = match ready.pop() {
                Some(index) => index,
                None if !refilled => {
                    ready.refill(cx.waker());
                    refilled = true;
                    continue;
                }
                None => return Poll::Pending,
            };
            let mut slot = pin_slot(slots.as_mut(), index);
            let Some(child) = slot.as_mut().as_pin_mut() else {
                continue; // finished already: a late wake
            };
            if let Poll::Ready(output) =
                child.poll(&mut Context::from_waker(ready.waker(index)))
            {
                // Dropped in place: what it held is released now.
                slot.set(None);
                *remaining -= 1;
                return Poll::Ready(Some((index, output)));
            }
        }
    }
    // ANCHOR_END: poll_next

    /// The children that have not finished, with their indices.
    pub(crate) fn unfinished(&self) -> impl Iterator<Item = (usize, &F)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(index, slot)| Some((index, slot.as_ref()?)))
    }
}

/// Child `index`'s slot, pinned.
fn pin_slot<F>(slots: Pin<&mut [Option<F>]>, index: usize) -> Pin<&mut Option<F>> {
    // SAFETY: no element is ever moved out of the pinned slice: this only
    // pins one again, and `Pin::set` drops the old value in place. The
    // slice itself is boxed and never reallocated.
    unsafe { slots.map_unchecked_mut(|slots| &mut slots[index]) }
}

impl<F: Future + Unpin> Children<F> {
    /// Takes the children that have not finished out, in argument order.
    pub(crate) fn into_unfinished(self) -> Vec<F> {
        Pin::into_inner(self.slots).into_vec().into_iter().flatten().collect()
    }
}

impl<F> fmt::Debug for Children<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Children")
            .field("len", &self.slots.len())
            .field("remaining", &self.remaining)
            .finish()
    }
}
