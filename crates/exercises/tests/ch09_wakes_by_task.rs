//! The checks of exercise `ch09_wakes_by_task`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch09_wakes_by_task.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::sync::mpsc;
use std::time::Duration;

use stepio::{Trace, TraceEvent, create_task, run_traced, to_thread, yield_now};

use crate::ch09_wakes_by_task::{WakeCount, wakes_by_task};
use crate::support::trace::{at, ms, spawned};
use crate::support::within;

fn renamed(task: u64, name: &str) -> TraceEvent {
    TraceEvent::Renamed { task, name: name.to_owned() }
}

/// A wake from the loop's own thread.
fn woken(task: u64) -> TraceEvent {
    TraceEvent::Woken { task, from: None }
}

/// A wake from the thread called `thread`.
fn woken_from(task: u64, thread: &str) -> TraceEvent {
    TraceEvent::Woken { task, from: Some(thread.to_owned()) }
}

fn count(task: u64, name: &str, wakes: usize, from_other_threads: usize) -> WakeCount {
    WakeCount { task, name: name.to_owned(), wakes, from_other_threads }
}

#[test]
fn each_woken_task_once_in_task_order_with_its_wakes_from_other_threads() {
    let records = vec![
        at(0, spawned(1, "Task-1")),
        at(0, spawned(2, "fetch")),
        at(0, spawned(3, "idle")), // spawned and polled, never woken
        at(0, TraceEvent::PollStart { task: 3 }),
        at(1, TraceEvent::PollEnd { task: 3 }),
        at(5, TraceEvent::JobStarted { job: 1, thread: "worker-1".to_owned() }),
        at(9, TraceEvent::JobFinished { job: 1 }),
        at(9, woken_from(2, "worker-1")),
        at(10, TraceEvent::TimerFired { count: 2 }),
        at(10, woken(2)),
        at(10, woken(1)),
        at(12, TraceEvent::PollStart { task: 2 }),
        at(13, TraceEvent::PollEnd { task: 2 }),
        at(20, woken_from(2, "ThreadId(7)")),
        at(20, TraceEvent::Parked { timeout: None }),
        at(30, TraceEvent::Unparked),
        at(30, woken(2)),
    ];
    let trace = Trace { records, dropped: 0, end: ms(40) };
    assert_eq!(
        wakes_by_task(&trace),
        [count(1, "Task-1", 1, 0), count(2, "fetch", 4, 2)]
    );
    assert_eq!(wakes_by_task(&Trace::default()), []);
}

#[test]
fn a_task_has_the_last_name_the_trace_gives_it_and_main_is_task_0() {
    let records = vec![
        at(0, spawned(12, "Task-12")),
        at(0, spawned(4, "Task-4")),
        at(1, woken(12)),
        at(2, renamed(12, "crawler")),
        at(3, woken(12)),
        at(4, renamed(12, "crawler-2")), // after its last wake: still its name
        at(5, woken(0)),                 // main: no Spawned record
        at(6, woken_from(9, "pool-3")),  // never spawned in the trace
        at(7, woken(4)),
        at(8, woken(0)),
    ];
    let trace = Trace { records, dropped: 0, end: ms(10) };
    assert_eq!(
        wakes_by_task(&trace),
        [
            count(0, "main", 2, 0),
            count(4, "Task-4", 1, 0),
            count(9, "Task-9", 1, 1),
            count(12, "crawler-2", 2, 0),
        ]
    );
}

#[test]
fn on_a_real_run_a_job_wakes_its_task_from_a_worker_thread() {
    let (ids, trace) = within(Duration::from_secs(10), || {
        run_traced(async {
            let (go, gate) = mpsc::channel::<u32>();
            // Its job blocks until main says go: by then the task waits in
            // its await, so the worker thread must wake it.
            let worker = create_task(async move {
                to_thread(move || gate.recv().unwrap()).await.unwrap()
            });
            worker.set_name("worker");
            let yielder = create_task(async {
                for _ in 0..3 {
                    yield_now().await; // wakes itself, on the loop's thread
                }
            });
            yielder.set_name("yielder");
            let ids = (worker.id(), yielder.id());
            yield_now().await; // main's first wake
            yielder.await.unwrap(); // its second, when the yielder is done
            go.send(7).unwrap();
            assert_eq!(worker.await.unwrap(), 7); // its third
            ids
        })
        .unwrap()
    });
    let (worker, yielder) = ids;
    assert_eq!(
        wakes_by_task(&trace),
        [
            count(0, "main", 3, 0),
            count(worker, "worker", 1, 1),
            count(yielder, "yielder", 3, 0)
        ],
        "{trace:#?}"
    );
}
