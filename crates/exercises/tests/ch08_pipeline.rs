//! The checks of exercise `ch08_pipeline`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch08_pipeline.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use stepio::sync::Queue;
use stepio_poll_loop::{EventLoop, ThreadDriver, get_running_loop};
use stepio_tasks::{LoopTasks, create_task};
use stepio_timer_wheel::{Clock, LoopTime, event_loop_with, sleep, timeout};
use stepio_waker::yield_now;

use crate::ch08_pipeline::{Link, collect, double, pipeline, produce};
use crate::support::within;

// Each check runs whole on a thread of its own (`within`), so that stages
// that wait for each other for ever fail it instead of hanging it.

/// A loop on a simulated clock: the times below are exact.
fn simulated_loop() -> EventLoop {
    event_loop_with(ThreadDriver::new(), Clock::simulated())
}

/// The running loop's time, in whole milliseconds.
fn now_ms() -> u64 {
    (get_running_loop().unwrap().time() * 1000.0).round() as u64
}

/// A slow consumer: every second, takes one entry from `link`, until the
/// sentinel; gives the entries and the time of each. It gives up on an
/// entry that does not come within a minute of loop time (a stage that
/// failed), which on a simulated clock takes no time at all.
async fn slow_consumer(link: &Link) -> Vec<(Option<u64>, u64)> {
    let mut got = Vec::new();
    loop {
        sleep(Duration::from_secs(1)).await;
        let Ok(entry) = timeout(Duration::from_secs(60), link.get()).await else {
            return got;
        };
        got.push((entry, now_ms()));
        if entry.is_none() {
            return got;
        }
    }
}

/// `pipeline(items, capacity)` on a loop of its own: the results, and how
/// many tasks were left unfinished when it returned.
fn run_pipeline(items: Vec<u64>, capacity: usize) -> (Vec<u64>, usize) {
    within(Duration::from_secs(10), move || {
        let event_loop = simulated_loop();
        let results = event_loop.run_until_complete(pipeline(items, capacity)).unwrap();
        (results, event_loop.pending_tasks())
    })
}

#[test]
fn the_pipeline_doubles_every_item_in_order() {
    for (len, capacity) in [(100, 3), (50, 1), (5, 10), (0, 1), (0, 4)] {
        let items: Vec<u64> = (1..=len).rev().collect();
        let expected: Vec<u64> = items.iter().map(|item| 2 * item).collect();
        let (results, unfinished) = run_pipeline(items, capacity);
        assert_eq!(results, expected, "{len} items through queues of {capacity}");
        assert_eq!(unfinished, 0, "every stage has finished when pipeline returns");
    }
}

#[test]
fn the_pipelines_queues_are_bounded() {
    // Each task is polled at most once per turn of the loop. With queues
    // of `capacity`, each turn moves at most about `2 * capacity + 2` items
    // through the first queue, so 60 items take at least 60 / that many
    // turns. Unbounded queues let them all through in one or two.
    for capacity in [1, 2] {
        let turns = within(Duration::from_secs(10), move || {
            let event_loop = simulated_loop();
            event_loop
                .run_until_complete(async move {
                    let turns = Rc::new(Cell::new(0));
                    let counter = Rc::clone(&turns);
                    let spy = create_task(async move {
                        loop {
                            counter.set(counter.get() + 1);
                            yield_now().await;
                        }
                    });
                    let results = pipeline((1..=60).collect(), capacity).await;
                    spy.cancel();
                    assert_eq!(results.len(), 60);
                    turns.get()
                })
                .unwrap()
        });
        let least = 60 / (2 * capacity + 2);
        assert!(
            turns >= least,
            "60 items through queues of {capacity} went by in {turns} turns of the \
             loop, fewer than {least}: is each queue made with `capacity`?"
        );
    }
}

#[test]
fn the_producer_waits_while_the_queue_is_full() {
    let (filled, got, finished_at) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let link: Link = Queue::new(2);
        let finished_at = Rc::new(Cell::new(None));
        let (out, finished) = (link.clone(), Rc::clone(&finished_at));
        drop(event_loop.create_task(async move {
            produce(vec![1, 2, 3, 4, 5], out).await;
            finished.set(Some(now_ms()));
        }));
        event_loop
            .run_until_complete(async move {
                // Let the producer run as far as it can.
                for _ in 0..10 {
                    yield_now().await;
                }
                let filled = (link.qsize(), finished_at.get());
                (filled, slow_consumer(&link).await, finished_at.get())
            })
            .unwrap()
    });
    assert_eq!(filled, (2, None), "two items fill the queue, and the producer waits");
    let entries: Vec<Option<u64>> = got.iter().map(|(entry, _)| *entry).collect();
    assert_eq!(entries, [Some(1), Some(2), Some(3), Some(4), Some(5), None]);
    assert_eq!(
        finished_at,
        Some(4000),
        "the sentinel finds room when the 4th item is taken, at 4 s"
    );
}

#[test]
fn double_passes_the_sentinel_on_and_stops() {
    let (got, finished_at, left) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let input: Link = Queue::new(0); // no bound: filled beforehand
        for entry in [Some(1), Some(2), Some(3), None, Some(99)] {
            input.put_nowait(entry).unwrap();
        }
        let out: Link = Queue::new(1);
        let finished_at = Rc::new(Cell::new(None));
        let (from, to, finished) = (input.clone(), out.clone(), Rc::clone(&finished_at));
        drop(event_loop.create_task(async move {
            double(from, to).await;
            finished.set(Some(now_ms()));
        }));
        let got = event_loop.run_until_complete(async move { slow_consumer(&out).await });
        (got.unwrap(), finished_at.get(), input.qsize())
    });
    let entries: Vec<Option<u64>> = got.iter().map(|(entry, _)| *entry).collect();
    assert_eq!(entries, [Some(2), Some(4), Some(6), None]);
    assert_eq!(left, 1, "what comes after the sentinel is not taken");
    assert_eq!(
        finished_at,
        Some(3000),
        "a full output queue holds the doubler back: its sentinel gets in at 3 s"
    );
}

#[test]
fn collect_waits_for_items_and_stops_at_the_sentinel() {
    let (results, at, left) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let input: Link = Queue::new(1);
        let (feed, from) = (input.clone(), input.clone());
        let results = event_loop.run_until_complete(async move {
            drop(create_task(async move {
                for entry in [Some(5), Some(7), None, Some(9)] {
                    sleep(Duration::from_secs(1)).await;
                    feed.put(entry).await;
                }
            }));
            collect(from).await
        });
        let at = (event_loop.time() * 1000.0).round() as u64;
        // The feeder puts the last entry at 4 s; nobody takes it.
        event_loop.run_until_complete(sleep(Duration::from_secs(2))).unwrap();
        (results.unwrap(), at, input.qsize())
    });
    assert_eq!(results, [5, 7]);
    assert_eq!(at, 3000, "it returns when the sentinel comes, at 3 s");
    assert_eq!(left, 1, "what comes after the sentinel is not taken");
}
