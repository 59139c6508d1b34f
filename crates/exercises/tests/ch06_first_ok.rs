//! The checks of exercise `ch06_first_ok`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch06_first_ok.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use stepio_poll_loop::{EventLoop, ThreadDriver};
use stepio_tasks::{LoopTasks, create_task};
use stepio_timer_wheel::{Clock, LoopTime, event_loop_with, sleep};

use crate::ch06_first_ok::first_ok;
use crate::support::within;

/// A loop on a simulated clock: the times below are exact.
fn simulated_loop() -> EventLoop {
    event_loop_with(ThreadDriver::new(), Clock::simulated())
}

/// Answers `answer` after `ms`, or panics if the answer is `None`.
async fn server(ms: u64, answer: Option<&'static str>) -> &'static str {
    sleep(Duration::from_millis(ms)).await;
    answer.expect("the server failed")
}

fn ms_now(event_loop: &EventLoop) -> u64 {
    (event_loop.time() * 1000.0).round() as u64
}

#[test]
fn the_first_success_wins_even_after_failures() {
    let (answer, at) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let tasks = vec![
            event_loop.create_task(server(30, Some("slow"))).unwrap(),
            event_loop.create_task(server(10, None)).unwrap(),
            event_loop.create_task(server(20, Some("second"))).unwrap(),
        ];
        let answer = event_loop.run_until_complete(first_ok(tasks)).unwrap();
        (answer.map_err(|errors| errors.len()), ms_now(&event_loop))
    });
    assert_eq!(answer, Ok("second"));
    assert_eq!(at, 20, "it returns as soon as the first success finishes");
}

#[test]
fn the_others_are_cancelled() {
    let (finished, unfinished) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let finished = Rc::new(Cell::new(0));
        let slow = |ms| {
            let finished = Rc::clone(&finished);
            async move {
                sleep(Duration::from_millis(ms)).await;
                finished.set(finished.get() + 1);
                "late"
            }
        };
        let tasks = vec![
            event_loop.create_task(slow(50)).unwrap(),
            event_loop.create_task(server(10, Some("fast"))).unwrap(),
            event_loop.create_task(slow(60)).unwrap(),
        ];
        let answer = event_loop.run_until_complete(first_ok(tasks)).unwrap();
        assert_eq!(answer.unwrap(), "fast");
        // Long past their deadlines.
        event_loop.run_until_complete(sleep(Duration::from_millis(100))).unwrap();
        (finished.get(), event_loop.pending_tasks())
    });
    assert_eq!(finished, 0, "the slow tasks never finished");
    assert_eq!(unfinished, 0);
}

#[test]
fn if_all_fail_every_error_is_given_in_finishing_order() {
    let errors = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        event_loop.set_exception_handler(|report| {
            panic!("nothing should go unretrieved: {report}")
        });
        let tasks = vec![
            event_loop.create_task(server(20, None)).unwrap(),
            event_loop.create_task(server(10, None)).unwrap(),
        ];
        let cancelled = event_loop.create_task(server(5, Some("never"))).unwrap();
        cancelled.cancel();
        let mut tasks = tasks;
        tasks.push(cancelled);
        let errors = event_loop.run_until_complete(first_ok(tasks)).unwrap().unwrap_err();
        errors.iter().map(|err| err.is_cancelled()).collect::<Vec<_>>()
    });
    assert_eq!(
        errors,
        [true, false, false],
        "the cancelled one ends first, then 10 ms, then 20 ms"
    );
}

#[test]
fn tasks_that_finish_in_the_same_turn_are_all_looked_at() {
    let answer = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let tasks = vec![
            event_loop.create_task(server(10, None)).unwrap(),
            event_loop.create_task(server(10, Some("same turn"))).unwrap(),
        ];
        event_loop
            .run_until_complete(first_ok(tasks))
            .unwrap()
            .map_err(|errors| errors.len())
    });
    assert_eq!(answer, Ok("same turn"));
}

#[test]
fn it_works_from_a_task_made_with_create_task() {
    let answer = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        event_loop
            .run_until_complete(async {
                let tasks = vec![create_task(server(1, Some("a")))];
                first_ok(tasks).await.map_err(|errors| errors.len())
            })
            .unwrap()
    });
    assert_eq!(answer, Ok("a"));
}
