//! The checks of exercise `ch05_cancel_token`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch05_cancel_token.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::cell::Cell;
use std::future::pending;
use std::rc::Rc;
use std::time::Duration;

use stepio_poll_loop::EventLoop;
use stepio_waker::yield_now;

use crate::ch05_cancel_token::{CancelToken, Cancelled};
use crate::support::within;

/// Sets a flag when dropped.
struct DropFlag(Rc<Cell<bool>>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

// Each check runs whole on a thread of its own (`within`), so that a lost
// wake-up fails it instead of hanging it.

#[test]
fn an_uncancelled_future_finishes_with_its_output() {
    within(Duration::from_secs(10), || {
        let token = CancelToken::new();
        let output = EventLoop::new()
            .run_until_complete(token.run(async {
                yield_now().await;
                5
            }))
            .unwrap();
        assert_eq!(output, Ok(5));
        assert!(!token.is_cancelled());
    });
}

#[test]
fn cancelled_before_the_first_poll_the_inner_future_never_runs() {
    within(Duration::from_secs(10), || {
        let token = CancelToken::new();
        let polled = Rc::new(Cell::new(false));
        let seen = Rc::clone(&polled);
        assert!(token.cancel());
        assert!(!token.cancel(), "a second cancel says it did nothing");
        assert!(token.is_cancelled());
        let output = EventLoop::new()
            .run_until_complete(token.run(async move { seen.set(true) }))
            .unwrap();
        assert_eq!(output, Err(Cancelled));
        assert!(!polled.get());
    });
}

#[test]
fn cancelled_while_waiting_the_waiter_wakes_and_the_future_is_dropped() {
    within(Duration::from_secs(10), || {
        let token = CancelToken::new();
        let dropped = Rc::new(Cell::new(false));
        let flag = DropFlag(Rc::clone(&dropped));
        let event_loop = EventLoop::new();
        let canceller = token.clone();
        let output = event_loop
            .run_until_complete(async {
                let waiting = token.run(async move {
                    let _flag = flag;
                    pending::<()>().await;
                });
                // Cancel from a task, after the waiting future has parked.
                event_loop
                    .spawn(async move {
                        yield_now().await;
                        canceller.cancel();
                    })
                    .unwrap();
                waiting.await
            })
            .unwrap();
        assert_eq!(output, Err(Cancelled));
        assert!(dropped.get());
    });
}

#[test]
fn one_token_cancels_every_future_under_it() {
    within(Duration::from_secs(10), || {
        let token = CancelToken::new();
        let event_loop = EventLoop::new();
        let canceller = token.clone();
        let outputs = event_loop
            .run_until_complete(async {
                let first = token.run(pending::<u8>());
                let second = token.run(pending::<u8>());
                event_loop
                    .spawn(async move {
                        yield_now().await;
                        canceller.cancel();
                    })
                    .unwrap();
                (first.await, second.await)
            })
            .unwrap();
        assert_eq!(outputs, (Err(Cancelled), Err(Cancelled)));
    });
}

#[test]
fn cancelling_after_completion_changes_nothing() {
    within(Duration::from_secs(10), || {
        let token = CancelToken::new();
        let output = EventLoop::new().run_until_complete(token.run(async { 1 })).unwrap();
        assert!(token.cancel());
        assert_eq!(output, Ok(1));
    });
}
