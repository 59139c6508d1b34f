//! The checks of exercise `ch06_join_all`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch06_join_all.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use stepio_poll_loop::EventLoop;
use stepio_waker::Delay;

use crate::ch06_join_all::join_all;
use crate::support::within;

#[test]
fn outputs_come_in_argument_order() {
    let outputs = within(Duration::from_secs(10), || {
        let event_loop = EventLoop::new();
        // Delays wake from other threads, the last one first.
        let children = [30, 10, 20].map(|ms| async move {
            Delay::new(Duration::from_millis(ms)).await;
            ms
        });
        event_loop.run_until_complete(join_all(children)).unwrap()
    });
    assert_eq!(outputs, [30, 10, 20]);
}

/// Pending until its gate opens; counts the polls of all gates and keeps
/// each one's last waker.
struct Gate {
    index: usize,
    gates: Rc<Gates>,
}

struct Gates {
    opened: RefCell<Vec<bool>>,
    wakers: RefCell<Vec<Option<Waker>>>,
    polls: Cell<usize>,
}

impl Future for Gate {
    type Output = usize;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        self.gates.polls.set(self.gates.polls.get() + 1);
        if self.gates.opened.borrow()[self.index] {
            return Poll::Ready(self.index);
        }
        self.gates.wakers.borrow_mut()[self.index] = Some(cx.waker().clone());
        Poll::Pending
    }
}

#[test]
fn children_woken_one_at_a_time_are_polled_once_each() {
    within(Duration::from_secs(20), || {
        const N: usize = 10_000;
        let gates = Rc::new(Gates {
            opened: RefCell::new(vec![false; N]),
            wakers: RefCell::new(vec![None; N]),
            polls: Cell::new(0),
        });
        let mut joined =
            join_all((0..N).map(|index| Gate { index, gates: Rc::clone(&gates) }));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(Pin::new(&mut joined).poll(&mut cx).is_pending());
        assert_eq!(gates.polls.get(), N, "the first poll polls each child once");
        for step in 0..N {
            let index = step * 7919 % N; // a scrambled order
            gates.opened.borrow_mut()[index] = true;
            let waker = gates.wakers.borrow()[index].clone().expect("polled once");
            waker.wake();
            let poll = Pin::new(&mut joined).poll(&mut cx);
            if step + 1 < N {
                assert!(poll.is_pending());
            } else {
                let Poll::Ready(outputs) = poll else { panic!("all gates are open") };
                assert!(
                    outputs.iter().enumerate().all(|(index, &output)| index == output)
                );
            }
        }
        // 2n, not n + n(n+1)/2 (50 million) as when every wake polls all.
        assert_eq!(gates.polls.get(), 2 * N);
    });
}

/// Never finishes, and wakes itself at every poll, as a busy loop of
/// `yield_now` would.
struct Spinner {
    polls: Rc<Cell<usize>>,
}

impl Future for Spinner {
    type Output = usize;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        self.polls.set(self.polls.get() + 1);
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn a_child_that_always_wakes_itself_is_polled_once_per_parent_poll() {
    let polls = within(Duration::from_secs(10), || {
        let polls = Rc::new(Cell::new(0));
        let mut joined = join_all([Spinner { polls: Rc::clone(&polls) }]);
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..3 {
            // Must return: the wake it made during this poll is for the next.
            assert!(Pin::new(&mut joined).poll(&mut cx).is_pending());
        }
        polls.get()
    });
    assert_eq!(polls, 3);
}

#[test]
fn a_poll_with_nothing_woken_polls_no_child() {
    within(Duration::from_secs(10), || {
        let gates = Rc::new(Gates {
            opened: RefCell::new(vec![false; 3]),
            wakers: RefCell::new(vec![None; 3]),
            polls: Cell::new(0),
        });
        let mut joined =
            join_all((0..3).map(|index| Gate { index, gates: Rc::clone(&gates) }));
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..5 {
            assert!(Pin::new(&mut joined).poll(&mut cx).is_pending());
        }
        assert_eq!(gates.polls.get(), 3, "only the first poll polls the children");
    });
}
