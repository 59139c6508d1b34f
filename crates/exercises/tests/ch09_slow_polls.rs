//! The checks of exercise `ch09_slow_polls`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch09_slow_polls.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::time::Duration;

use stepio::{EventLoop, LoopDebug, Trace, TraceEvent};
use stepio_tasks::create_task;

use crate::ch09_slow_polls::{SlowPoll, slow_polls};
use crate::support::trace::{at, ms, poll, spawned};

fn slow(task: &str, start: u64, took: u64) -> SlowPoll {
    SlowPoll { task: task.to_owned(), start: ms(start), took: ms(took) }
}

#[test]
fn only_polls_at_or_over_the_threshold_in_the_order_they_began() {
    let mut records = vec![at(0, spawned(1, "Task-1")), at(0, spawned(2, "fetch"))];
    records.extend(poll(1, 0, 5));
    records.extend(poll(2, 5, 155)); // 150 ms
    records.push(at(155, TraceEvent::TimerFired { count: 1 }));
    records.extend(poll(1, 160, 260)); // exactly 100 ms
    records.extend(poll(2, 260, 359)); // 99 ms
    let trace = Trace { records, dropped: 0, end: ms(400) };
    assert_eq!(
        slow_polls(&trace, ms(100)),
        [slow("fetch", 5, 150), slow("Task-1", 160, 100)]
    );
    assert_eq!(slow_polls(&trace, ms(500)), []);
}

#[test]
fn a_poll_carries_the_name_the_task_had_then_and_main_is_task_0() {
    let mut records = vec![at(0, spawned(3, "Task-3"))];
    records.extend(poll(0, 0, 200)); // main: no Spawned record
    records.extend(poll(3, 200, 400));
    records.push(at(400, TraceEvent::Renamed { task: 3, name: "crawler".to_owned() }));
    records.extend(poll(3, 400, 600));
    records.extend(poll(7, 600, 800)); // never spawned in the trace
    let trace = Trace { records, dropped: 0, end: ms(800) };
    assert_eq!(
        slow_polls(&trace, ms(100)),
        [
            slow("main", 0, 200),
            slow("Task-3", 200, 200),
            slow("crawler", 400, 200),
            slow("Task-7", 600, 200)
        ]
    );
}

#[test]
fn a_poll_still_running_when_the_trace_was_taken_ends_with_it() {
    let mut records = vec![at(0, spawned(1, "busy"))];
    records.extend(poll(1, 0, 1));
    records.push(at(10, TraceEvent::PollStart { task: 1 }));
    let trace = Trace { records, dropped: 0, end: ms(250) };
    assert_eq!(slow_polls(&trace, ms(100)), [slow("busy", 10, 240)]);
}

#[test]
fn on_a_real_run_the_blocking_task_is_found() {
    let event_loop = EventLoop::new();
    event_loop.start_tracing();
    event_loop
        .run_until_complete(async {
            let quick = create_task(async {});
            let blocking = create_task(async {
                // The mistake of chapter 5: a blocking sleep inside a task.
                std::thread::sleep(Duration::from_millis(60));
            });
            blocking.set_name("blocker");
            quick.await.unwrap();
            blocking.await.unwrap();
        })
        .unwrap();
    event_loop.close().unwrap();
    // The sleep is a lower bound: the blocker's one poll took 60 ms or
    // more. (Which other polls a busy machine made slow is up to the OS;
    // the traces above check exactly which polls are picked.)
    let found = slow_polls(&event_loop.trace().unwrap(), ms(50));
    let blocker: Vec<_> = found.iter().filter(|poll| poll.task == "blocker").collect();
    assert!(blocker.len() == 1 && blocker[0].took >= ms(60), "{found:?}");
}
