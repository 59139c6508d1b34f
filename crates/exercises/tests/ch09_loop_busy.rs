//! The checks of exercise `ch09_loop_busy`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch09_loop_busy.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::panic::Location;
use std::time::Duration;

use stepio::trace::Record;
use stepio::{LoopDebug, Trace, TraceEvent};
use stepio_poll_loop::{EventLoop, ThreadDriver, get_running_loop};
use stepio_tasks::create_task;
use stepio_timer_wheel::{Clock, LoopTime, event_loop_with, sleep};

use crate::ch09_loop_busy::busy_and_parked;
use crate::support::trace::{at, ms, poll};
use crate::support::within;

fn park(from: u64, to: u64) -> [Record; 2] {
    [at(from, TraceEvent::Parked { timeout: None }), at(to, TraceEvent::Unparked)]
}

fn trace(records: Vec<Record>, end: u64) -> Trace {
    Trace { records, dropped: 0, end: ms(end) }
}

#[test]
fn polls_and_parks_are_summed_exactly() {
    let mut records = vec![at(
        0,
        TraceEvent::Spawned {
            task: 1,
            name: "Task-1".to_owned(),
            future: "f",
            location: Location::caller(),
        },
    )];
    records.extend(poll(0, 0, 2)); // 2
    records.extend(poll(1, 2, 5)); // 3
    records.push(at(5, TraceEvent::Parked { timeout: None }));
    records.push(at(105, TraceEvent::TimerFired { count: 1 }));
    records.push(at(105, TraceEvent::Woken { task: 1, from: None }));
    records.push(at(105, TraceEvent::Unparked)); // parked 100
    records.extend(poll(1, 105, 112)); // 7
    records.extend(park(112, 163)); // 51
    records.extend(poll(1, 163, 163)); // 0
    records.extend(poll(0, 170, 181)); // 11
    let trace = trace(records, 200);
    assert_eq!(busy_and_parked(&trace), (ms(23), ms(151)), "(busy, parked)");
    assert_eq!(busy_and_parked(&Trace::default()), (ms(0), ms(0)));
}

#[test]
fn a_park_or_a_poll_still_open_lasts_until_the_end_of_the_trace() {
    let mut records = Vec::new();
    records.extend(poll(0, 0, 4));
    records.extend(park(4, 10));
    records.push(at(10, TraceEvent::PollStart { task: 0 }));
    records.push(at(10, TraceEvent::PollEnd { task: 0 }));
    records.push(at(20, TraceEvent::Parked { timeout: None }));
    let parked_at_the_end = trace(records, 95);
    assert_eq!(busy_and_parked(&parked_at_the_end), (ms(4), ms(6 + 75)));

    let mut records = Vec::new();
    records.extend(park(0, 30));
    records.extend(poll(2, 30, 40));
    records.push(at(60, TraceEvent::PollStart { task: 3 }));
    let polling_at_the_end = trace(records, 250);
    assert_eq!(busy_and_parked(&polling_at_the_end), (ms(10 + 190), ms(30)));
}

#[test]
fn only_polls_are_busy_not_callbacks_or_jobs_on_workers() {
    let mut records = Vec::new();
    records.push(at(0, TraceEvent::CallbackStart { name: "a callback" }));
    records.push(at(40, TraceEvent::CallbackEnd));
    records.extend(poll(0, 40, 45));
    records
        .push(at(45, TraceEvent::JobStarted { job: 1, thread: "worker-1".to_owned() }));
    records.push(at(45, TraceEvent::Parked { timeout: None }));
    records.push(at(300, TraceEvent::JobFinished { job: 1 }));
    records.push(at(300, TraceEvent::Woken { task: 0, from: Some("worker-1".into()) }));
    records.push(at(301, TraceEvent::Unparked));
    records.push(at(301, TraceEvent::CallbackStart { name: "another" }));
    // A callback still running at the end is not a poll either.
    let trace = trace(records, 400);
    assert_eq!(busy_and_parked(&trace), (ms(5), ms(256)));
}

/// On a simulated clock, a poll takes no time. This makes it take `by`, as
/// if it had blocked the loop's thread for that long.
fn block_for(by: Duration) {
    get_running_loop().unwrap().timers().unwrap().clock().advance(by);
}

#[test]
fn on_a_real_run_the_loop_sleeps_between_blocking_polls() {
    let trace = within(Duration::from_secs(10), || {
        // A simulated clock: the times in the trace are exact.
        let event_loop: EventLoop =
            event_loop_with(ThreadDriver::new(), Clock::simulated());
        event_loop.start_tracing();
        event_loop
            .run_until_complete(async {
                let blocker = create_task(async {
                    block_for(ms(30)); // busy from 0 to 30 ms
                    sleep(ms(100)).await; // parked from 30 to 130 ms
                    block_for(ms(20)); // busy from 130 to 150 ms
                });
                sleep(ms(200)).await; // parked from 150 to 200 ms
                blocker.await.unwrap();
            })
            .unwrap();
        event_loop.close().unwrap();
        event_loop.trace().unwrap()
    });
    assert_eq!(trace.end, ms(200));
    assert_eq!(busy_and_parked(&trace), (ms(50), ms(150)), "{}", trace.timeline(40));
}
