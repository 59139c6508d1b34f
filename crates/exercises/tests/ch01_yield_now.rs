//! The checks of exercise `ch01_yield_now`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch01_yield_now.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use stepio_waker::{block_on, join};

use crate::ch01_yield_now::yield_now;
use crate::support::within;

/// A waker that counts its wakes, made with std's `Wake` trait.
#[derive(Default)]
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl Counter {
    fn wakes(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// A counter and a waker that counts into it.
fn counting_waker() -> (Arc<Counter>, Waker) {
    let counter = Arc::new(Counter::default());
    let waker = Waker::from(Arc::clone(&counter));
    (counter, waker)
}

#[test]
fn the_first_poll_wakes_the_task_and_is_pending() {
    let (counter, waker) = counting_waker();
    let mut future = yield_now();
    let first = Pin::new(&mut future).poll(&mut Context::from_waker(&waker));
    assert_eq!(first, Poll::Pending);
    assert_eq!(
        counter.wakes(),
        1,
        "the waker must be woken once, during the poll that returns Pending"
    );
}

#[test]
fn the_second_poll_is_ready_and_wakes_no_more() {
    let (counter, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = yield_now();
    assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Pending);
    assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Ready(()));
    assert_eq!(counter.wakes(), 1, "a future that is ready needs no wake");
    // Each yield_now is a fresh future: it yields once too.
    let mut another = yield_now();
    assert_eq!(Pin::new(&mut another).poll(&mut cx), Poll::Pending);
    assert_eq!(Pin::new(&mut another).poll(&mut cx), Poll::Ready(()));
    assert_eq!(counter.wakes(), 2);
}

#[test]
fn block_on_runs_it_to_the_end() {
    // A yield that forgets to wake hangs block_on: `within` fails it instead.
    let yields = within(Duration::from_secs(10), || {
        block_on(async {
            let mut yields = 0;
            for _ in 0..1000 {
                yield_now().await;
                yields += 1;
            }
            yields
        })
    });
    assert_eq!(yields, 1000);
}

#[test]
fn a_yield_lets_the_other_side_of_a_join_run() {
    let log = within(Duration::from_secs(10), || {
        let log = RefCell::new(Vec::new());
        let side = |name: &'static str| {
            let log = &log;
            async move {
                for step in 1..=3 {
                    log.borrow_mut().push(format!("{name}{step}"));
                    yield_now().await;
                }
            }
        };
        block_on(join(side("a"), side("b")));
        log.into_inner()
    });
    assert_eq!(
        log,
        ["a1", "b1", "a2", "b2", "a3", "b3"],
        "each yield must hand the turn to the other side"
    );
}
