//! The checks of exercise `ch05_join_handle`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch05_join_handle.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use stepio_poll_loop::EventLoop;
use stepio_waker::{Delay, yield_now};

use crate::ch05_join_handle::spawn_with_handle;
use crate::support::within;

// Each check runs whole on a thread of its own (`within`), so that a lost
// wake-up fails it instead of hanging it.

#[test]
fn awaiting_the_handle_gives_the_output() {
    let output = within(Duration::from_secs(10), || {
        let event_loop = EventLoop::new();
        let handle = spawn_with_handle(&event_loop, async { "task finished" }).unwrap();
        event_loop.run_until_complete(handle).unwrap()
    });
    assert_eq!(output, "task finished");
}

#[test]
fn the_handle_is_finished_only_after_the_task() {
    within(Duration::from_secs(10), || {
        let event_loop = EventLoop::new();
        let handle = spawn_with_handle(&event_loop, async {
            for _ in 0..3 {
                yield_now().await;
            }
            7
        })
        .unwrap();
        assert!(!handle.is_finished());
        event_loop.run_until_complete(yield_now()).unwrap();
        assert!(!handle.is_finished(), "the task yields three times");
        event_loop
            .run_until_complete(async {
                for _ in 0..5 {
                    yield_now().await;
                }
            })
            .unwrap();
        assert!(handle.is_finished());
        assert_eq!(event_loop.run_until_complete(handle).unwrap(), 7);
    });
}

#[test]
fn an_awaiting_task_is_woken_when_the_task_finishes() {
    let total = within(Duration::from_secs(10), || {
        let event_loop = EventLoop::new();
        // Delays wake from another thread; the handles are awaited in an
        // order different from the order the tasks finish in.
        let slow = spawn_with_handle(&event_loop, async {
            Delay::new(Duration::from_millis(30)).await;
            1
        })
        .unwrap();
        let quick = spawn_with_handle(&event_loop, async {
            Delay::new(Duration::from_millis(5)).await;
            10
        })
        .unwrap();
        event_loop.run_until_complete(async { slow.await + quick.await }).unwrap()
    });
    assert_eq!(total, 11);
}

#[test]
fn dropping_the_handle_detaches_the_task() {
    let ran = within(Duration::from_secs(10), || {
        let ran = Rc::new(Cell::new(false));
        let flag = Rc::clone(&ran);
        let event_loop = EventLoop::new();
        drop(
            spawn_with_handle(&event_loop, async move {
                yield_now().await;
                flag.set(true);
            })
            .unwrap(),
        );
        event_loop
            .run_until_complete(async {
                yield_now().await;
                yield_now().await;
            })
            .unwrap();
        ran.get()
    });
    assert!(ran);
}

#[test]
fn a_closed_loop_is_an_error() {
    let event_loop = EventLoop::new();
    event_loop.close().unwrap();
    assert!(spawn_with_handle(&event_loop, async {}).is_err());
}
