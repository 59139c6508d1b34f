//! The checks of exercise `ch08_limit_concurrency`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch08_limit_concurrency.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use stepio_poll_loop::{EventLoop, ThreadDriver, get_running_loop};
use stepio_timer_wheel::{Clock, LoopTime, event_loop_with, sleep};

use crate::ch08_limit_concurrency::{Job, run_limited};
use crate::support::within;

// Each check runs whole on a thread of its own (`within`), so that a task
// that waits for a permit for ever fails it instead of hanging it.

/// A loop on a simulated clock: the times below are exact.
fn simulated_loop() -> EventLoop {
    event_loop_with(ThreadDriver::new(), Clock::simulated())
}

/// The running loop's time, in whole milliseconds.
fn now_ms() -> u64 {
    (get_running_loop().unwrap().time() * 1000.0).round() as u64
}

/// How many jobs run right now, the most that ever ran at once, and when
/// each job started: `(job, ms)`.
#[derive(Default)]
struct Gauge {
    running: Cell<usize>,
    most: Cell<usize>,
    starts: RefCell<Vec<(usize, u64)>>,
}

/// Job `id`: runs for `ms` of loop time, then gives its id.
fn job(id: usize, ms: u64, gauge: &Rc<Gauge>) -> Job<usize> {
    let gauge = Rc::clone(gauge);
    Box::pin(async move {
        gauge.running.set(gauge.running.get() + 1);
        gauge.most.set(gauge.most.get().max(gauge.running.get()));
        gauge.starts.borrow_mut().push((id, now_ms()));
        sleep(Duration::from_millis(ms)).await;
        gauge.running.set(gauge.running.get() - 1);
        id
    })
}

/// Runs `run_limited` on jobs of `durations` (ms): the outputs, the most
/// jobs at once, when each started, and when it all ended.
fn run(durations: &[u64], limit: usize) -> (Vec<usize>, usize, Vec<(usize, u64)>, u64) {
    let durations = durations.to_vec();
    within(Duration::from_secs(10), move || {
        let event_loop = simulated_loop();
        let gauge = Rc::new(Gauge::default());
        let jobs = durations.iter().enumerate().map(|(id, &ms)| job(id, ms, &gauge));
        let outputs = event_loop.run_until_complete(run_limited(jobs.collect(), limit));
        let ended = (event_loop.time() * 1000.0).round() as u64;
        (outputs.unwrap(), gauge.most.get(), gauge.starts.take(), ended)
    })
}

#[test]
fn never_more_than_limit_jobs_run_at_once() {
    for limit in [1, 2, 3] {
        let (outputs, most, _, _) = run(&[1000; 6], limit);
        assert_eq!(outputs, [0, 1, 2, 3, 4, 5]);
        assert_eq!(most, limit, "the most jobs at once, with a limit of {limit}");
    }
}

#[test]
fn six_jobs_of_a_second_two_at_a_time_take_three_seconds() {
    let (_, _, starts, ended) = run(&[1000; 6], 2);
    assert_eq!(ended, 3000, "three rounds of two jobs");
    assert_eq!(
        starts,
        [(0, 0), (1, 0), (2, 1000), (3, 1000), (4, 2000), (5, 2000)],
        "a job starts as soon as a permit comes back"
    );
    let (_, _, _, ended) = run(&[1000; 6], 1);
    assert_eq!(ended, 6000, "one at a time");
}

#[test]
fn outputs_in_argument_order_and_jobs_start_first_come_first_served() {
    // Limit 2: jobs 0 and 1 start at once; 1 ends at 1 s and 2 starts; 0
    // and 2 end at 3 s, and 3 and 4 start.
    let (outputs, most, starts, ended) = run(&[3000, 1000, 2000, 1000, 1000], 2);
    assert_eq!(outputs, [0, 1, 2, 3, 4], "the order of the jobs, not of their ends");
    assert_eq!(most, 2);
    assert_eq!(starts, [(0, 0), (1, 0), (2, 1000), (3, 3000), (4, 3000)]);
    assert_eq!(ended, 4000);
}

#[test]
fn a_limit_above_the_number_of_jobs_runs_them_all_at_once() {
    let (outputs, most, starts, ended) = run(&[1000, 500, 1000], 10);
    assert_eq!(outputs, [0, 1, 2]);
    assert_eq!(most, 3);
    assert_eq!(starts, [(0, 0), (1, 0), (2, 0)]);
    assert_eq!(ended, 1000);

    let (outputs, most, _, ended) = run(&[], 3);
    assert!(outputs.is_empty());
    assert_eq!((most, ended), (0, 0), "no jobs, nothing to wait for");
}
