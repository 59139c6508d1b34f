//! The checks of exercise `ch06_wait_or_cancel`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch06_wait_or_cancel.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use stepio_poll_loop::{EventLoop, ThreadDriver};
use stepio_tasks::{LoopTasks, Task, create_task};
use stepio_timer_wheel::{Clock, LoopTime, event_loop_with, sleep};

use crate::ch06_wait_or_cancel::wait_or_cancel;
use crate::support::within;

/// A loop on a simulated clock: the times below are exact.
fn simulated_loop() -> EventLoop {
    event_loop_with(ThreadDriver::new(), Clock::simulated())
}

fn ms_now(event_loop: &EventLoop) -> u64 {
    (event_loop.time() * 1000.0).round() as u64
}

/// What the downloads report: how many finished, and how many were
/// dropped before they finished (cancelled).
#[derive(Default)]
struct Counts {
    finished: Cell<usize>,
    dropped_unfinished: Cell<usize>,
}

/// Held by a download while it runs; counts the drops before the end, as
/// chapter 5's sleeper cleans up in `Drop`.
struct Guard {
    counts: Rc<Counts>,
    finished: bool,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.finished {
            let dropped = &self.counts.dropped_unfinished;
            dropped.set(dropped.get() + 1);
        }
    }
}

/// A pretend download that takes `ms` and gives `name`.
async fn download(ms: u64, name: &'static str, counts: Rc<Counts>) -> &'static str {
    let mut guard = Guard { counts, finished: false };
    sleep(Duration::from_millis(ms)).await;
    guard.finished = true;
    let finished = &guard.counts.finished;
    finished.set(finished.get() + 1);
    name
}

/// A task per `(ms, name)`, made on the running loop: from inside the run,
/// so that each is polled on the run's next turn and starts at once.
fn downloads(
    specs: &[(u64, &'static str)],
    counts: &Rc<Counts>,
) -> Vec<Task<&'static str>> {
    specs
        .iter()
        .map(|&(ms, name)| create_task(download(ms, name, Rc::clone(counts))))
        .collect()
}

#[test]
fn when_all_finish_in_time_it_returns_at_the_last_in_finishing_order() {
    let (outputs, unfinished, at, dropped) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let counts = Rc::new(Counts::default());
        let (outputs, unfinished) = event_loop
            .run_until_complete(async {
                let tasks = downloads(&[(30, "a"), (10, "b"), (20, "c")], &counts);
                wait_or_cancel(tasks, Duration::from_millis(100)).await
            })
            .unwrap();
        (outputs, unfinished, ms_now(&event_loop), counts.dropped_unfinished.get())
    });
    assert_eq!(outputs, ["b", "c", "a"], "in the order they finished");
    assert_eq!(unfinished, 0);
    assert_eq!(at, 30, "it returns when the last one finishes, not at the timeout");
    assert_eq!(dropped, 0);
}

#[test]
fn the_rest_are_cancelled_and_gone_before_it_returns() {
    let (returned, finished_later) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let counts = Rc::new(Counts::default());
        let returned = event_loop
            .run_until_complete(async {
                let specs =
                    [(10, "quick"), (100, "slow"), (30, "medium"), (200, "slowest")];
                let tasks = downloads(&specs, &counts);
                let (outputs, unfinished) =
                    wait_or_cancel(tasks, Duration::from_millis(50)).await;
                // Looked at the moment it returns, before the loop runs on.
                let (gone, running) =
                    (counts.dropped_unfinished.get(), event_loop.pending_tasks());
                (outputs, unfinished, ms_now(&event_loop), gone, running)
            })
            .unwrap();
        // Long past every deadline.
        event_loop.run_until_complete(sleep(Duration::from_millis(300))).unwrap();
        (returned, counts.finished.get())
    });
    let (outputs, unfinished, at, gone, running) = returned;
    assert_eq!(outputs, ["quick", "medium"]);
    assert_eq!(unfinished, 2);
    assert_eq!(at, 50, "it returns at the timeout");
    assert_eq!(gone, 2, "both unfinished futures were dropped before it returned");
    assert_eq!(running, 0, "no task is left on the loop");
    assert_eq!(finished_later, 2, "the slow ones never finished");
}

#[test]
fn the_timeout_counts_from_the_call() {
    let (outputs, unfinished, at) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let counts = Rc::new(Counts::default());
        let (outputs, unfinished) = event_loop
            .run_until_complete(async {
                let tasks = downloads(&[(120, "in time"), (170, "too late")], &counts);
                sleep(Duration::from_millis(100)).await;
                // From here, 50 ms: until 150 ms of loop time.
                wait_or_cancel(tasks, Duration::from_millis(50)).await
            })
            .unwrap();
        (outputs, unfinished, ms_now(&event_loop))
    });
    assert_eq!(outputs, ["in time"]);
    assert_eq!(unfinished, 1);
    assert_eq!(at, 150);
}

#[test]
fn a_task_that_ended_without_an_output_gives_none_and_is_not_counted() {
    let (outputs, unfinished) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let counts = Rc::new(Counts::default());
        event_loop
            .run_until_complete(async {
                let broken = create_task(async {
                    sleep(Duration::from_millis(10)).await;
                    panic!("the download broke");
                });
                let mut tasks =
                    downloads(&[(20, "fine"), (5, "cancelled"), (90, "slow")], &counts);
                tasks[1].cancel();
                tasks.insert(0, broken);
                wait_or_cancel(tasks, Duration::from_millis(50)).await
            })
            .unwrap()
    });
    assert_eq!(outputs, ["fine"]);
    assert_eq!(unfinished, 1, "only the slow one was still running");
}

#[test]
fn no_tasks_returns_at_once() {
    let (outputs, unfinished, at) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let no_tasks: Vec<Task<u8>> = Vec::new();
        let (outputs, unfinished) = event_loop
            .run_until_complete(wait_or_cancel(no_tasks, Duration::from_millis(50)))
            .unwrap();
        (outputs, unfinished, ms_now(&event_loop))
    });
    assert!(outputs.is_empty());
    assert_eq!(unfinished, 0);
    assert_eq!(at, 0, "nothing to wait for");
}
