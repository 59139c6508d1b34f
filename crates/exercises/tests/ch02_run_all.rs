//! The checks of exercise `ch02_run_all`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch02_run_all.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use stepio_poll_loop::{EventLoop, LoopError};
use stepio_waker::{Delay, yield_now};

use crate::ch02_run_all::{Task, run_all};
use crate::support::within;

/// A task that yields `yields` times, then logs its name.
fn yielding(
    name: &'static str,
    yields: usize,
    log: &Rc<RefCell<Vec<&'static str>>>,
) -> Task {
    let log = Rc::clone(log);
    Box::pin(async move {
        for _ in 0..yields {
            yield_now().await;
        }
        log.borrow_mut().push(name);
    })
}

#[test]
fn an_empty_list_returns_at_once() {
    let count = within(Duration::from_secs(10), || {
        run_all(&EventLoop::new(), Vec::new()).unwrap()
    });
    assert_eq!(count, 0);
}

#[test]
fn every_task_finishes_before_it_returns() {
    let finished = within(Duration::from_secs(10), || {
        let log = Rc::new(RefCell::new(Vec::new()));
        let tasks = vec![
            yielding("slow", 50, &log),
            yielding("quick", 0, &log),
            yielding("middle", 10, &log),
        ];
        let count = run_all(&EventLoop::new(), tasks).unwrap();
        (count, log.take())
    });
    assert_eq!(finished, (3, vec!["quick", "middle", "slow"]));
}

#[test]
fn tasks_woken_from_other_threads_finish() {
    let count = within(Duration::from_secs(10), || {
        let tasks: Vec<Task> = (1..=3)
            .map(|n| Box::pin(Delay::new(Duration::from_millis(5 * n))) as Task)
            .collect();
        run_all(&EventLoop::new(), tasks).unwrap()
    });
    assert_eq!(count, 3);
}

#[test]
fn the_loop_can_run_again_afterwards() {
    let second = within(Duration::from_secs(10), || {
        let event_loop = EventLoop::new();
        let log = Rc::new(RefCell::new(Vec::new()));
        run_all(&event_loop, vec![yielding("first run", 1, &log)]).unwrap();
        run_all(&event_loop, vec![yielding("second run", 1, &log)]).unwrap();
        assert!(!event_loop.is_running());
        log.take()
    });
    assert_eq!(second, ["first run", "second run"]);
}

#[test]
fn a_closed_loop_is_an_error() {
    let err = within(Duration::from_secs(10), || {
        let event_loop = EventLoop::new();
        event_loop.close().unwrap();
        let log = Rc::new(RefCell::new(Vec::new()));
        let empty = run_all(&event_loop, Vec::new()).unwrap_err();
        let one = run_all(&event_loop, vec![yielding("never", 0, &log)]).unwrap_err();
        (empty.to_string(), one.to_string(), matches!(one, LoopError::Closed))
    });
    assert_eq!(err, ("Event loop is closed".into(), "Event loop is closed".into(), true));
}
