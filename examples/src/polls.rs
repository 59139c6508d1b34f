//! Counting polls: how chapters 5 and 6 measure their first steps. A poll
//! that finds its future still waiting, after the first, is one nobody
//! needed: the future's waker had not been called.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// Counters shared by every future wrapped with [`PollCount::wrap`].
#[derive(Clone, Debug, Default)]
pub struct PollCount {
    polls: Rc<Cell<u64>>,
    wasted: Rc<Cell<u64>>,
}

impl PollCount {
    /// Every poll of every wrapped future.
    pub fn polls(&self) -> u64 {
        self.polls.get()
    }

    /// The polls, after a future's first, that found it still `Pending`.
    pub fn wasted(&self) -> u64 {
        self.wasted.get()
    }

    /// `future`, counted.
    pub fn wrap<F: Future>(&self, future: F) -> Counted<F> {
        Counted { future: Box::pin(future), count: self.clone(), polled: false }
    }
}

/// A future whose polls are counted; see [`PollCount`].
#[derive(Debug)]
pub struct Counted<F> {
    future: Pin<Box<F>>,
    count: PollCount,
    polled: bool,
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        this.count.polls.set(this.count.polls.get() + 1);
        let result = this.future.as_mut().poll(cx);
        if result.is_pending() && std::mem::replace(&mut this.polled, true) {
            this.count.wasted.set(this.count.wasted.get() + 1);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_pending_poll_is_wasted_and_a_ready_one_is_not() {
        let count = PollCount::default();
        let mut pending = std::pin::pin!(count.wrap(std::future::pending::<()>()));
        let mut cx = Context::from_waker(std::task::Waker::noop());
        for _ in 0..3 {
            assert!(pending.as_mut().poll(&mut cx).is_pending());
        }
        let mut ready = std::pin::pin!(count.wrap(async { 1 }));
        assert_eq!(ready.as_mut().poll(&mut cx), Poll::Ready(1));
        assert_eq!((count.polls(), count.wasted()), (4, 2));
    }
}
