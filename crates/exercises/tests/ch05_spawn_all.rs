//! The checks of exercise `ch05_spawn_all`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch05_spawn_all.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use stepio_poll_loop::{EventLoop, ThreadDriver};
use stepio_tasks::{LoopTasks, TaskError};
use stepio_timer_wheel::{Clock, LoopTime, event_loop_with, sleep};

use crate::ch05_spawn_all::{BoxFuture, spawn_all};
use crate::support::within;

/// A loop on a simulated clock: the times below are exact.
fn simulated_loop() -> EventLoop {
    event_loop_with(ThreadDriver::new(), Clock::simulated())
}

/// Sleeps `seconds` of loop time, then gives `output`.
fn after(seconds: u64, output: &'static str) -> BoxFuture<&'static str> {
    Box::pin(async move {
        sleep(Duration::from_secs(seconds)).await;
        output
    })
}

/// The outcomes, with each error reduced to a word and its message.
fn summary(outcomes: Vec<Result<&'static str, TaskError>>) -> Vec<String> {
    outcomes
        .into_iter()
        .map(|outcome| match outcome {
            Ok(output) => output.to_string(),
            Err(TaskError::Panicked(message)) => format!("panicked: {message}"),
            Err(err) => format!("other error: {err}"),
        })
        .collect()
}

#[test]
fn outcomes_come_in_argument_order() {
    let outcomes = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        // They finish in another order: second, third, first.
        let futures = vec![after(3, "first"), after(1, "second"), after(2, "third")];
        summary(event_loop.run_until_complete(spawn_all(futures)).unwrap())
    });
    assert_eq!(outcomes, ["first", "second", "third"]);
}

#[test]
fn the_futures_run_concurrently() {
    let (started, at) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let log = Rc::new(RefCell::new(Vec::new()));
        let futures: Vec<BoxFuture<u64>> = [1, 2, 3]
            .into_iter()
            .map(|seconds| {
                let log = Rc::clone(&log);
                Box::pin(async move {
                    let event_loop = stepio_poll_loop::get_running_loop().unwrap();
                    log.borrow_mut().push(event_loop.time());
                    sleep(Duration::from_secs(seconds)).await;
                    seconds
                }) as BoxFuture<u64>
            })
            .collect();
        let outcomes = event_loop.run_until_complete(spawn_all(futures)).unwrap();
        let outputs: Vec<u64> = outcomes.into_iter().map(Result::unwrap).collect();
        assert_eq!(outputs, [1, 2, 3]);
        (log.take(), event_loop.time())
    });
    assert_eq!(started, [0.0, 0.0, 0.0], "every future starts at once");
    assert!(
        (at - 3.0).abs() < 1e-9,
        "1 s, 2 s and 3 s side by side take 3 s of loop time, not 6: took {at} s"
    );
}

#[test]
fn a_panic_is_its_tasks_error_and_the_others_finish() {
    let (outcomes, unfinished) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        event_loop.set_exception_handler(|report| {
            panic!("nothing should go unretrieved: {report}")
        });
        let futures: Vec<BoxFuture<&'static str>> = vec![
            after(1, "before the panic"),
            Box::pin(async {
                sleep(Duration::from_secs(2)).await;
                panic!("the second one broke");
            }),
            after(3, "after the panic"),
        ];
        let outcomes = event_loop.run_until_complete(spawn_all(futures)).unwrap();
        (summary(outcomes), event_loop.pending_tasks())
    });
    assert_eq!(
        outcomes,
        ["before the panic", "panicked: the second one broke", "after the panic"]
    );
    assert_eq!(unfinished, 0);
}

#[test]
fn an_empty_list_gives_an_empty_list() {
    let (outcomes, at) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let outcomes = event_loop.run_until_complete(spawn_all(Vec::new())).unwrap();
        (summary(outcomes), event_loop.time())
    });
    assert!(outcomes.is_empty());
    assert_eq!(at, 0.0);
}
