//! The checks of exercise `ch08_latch`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch08_latch.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::cell::RefCell;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use stepio_poll_loop::{EventLoop, ThreadDriver, get_running_loop};
use stepio_tasks::create_task;
use stepio_timer_wheel::{Clock, LoopTime, event_loop_with, sleep};

use crate::ch08_latch::Latch;
use crate::support::{noop_context_poll, within};

// Each check runs whole on a thread of its own (`within`), so that a waiter
// that is never woken fails it instead of hanging it.

/// A loop on a simulated clock: the times below are exact.
fn simulated_loop() -> EventLoop {
    event_loop_with(ThreadDriver::new(), Clock::simulated())
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The running loop's time, in whole milliseconds.
fn now_ms() -> u64 {
    (get_running_loop().unwrap().time() * 1000.0).round() as u64
}

type Log = Rc<RefCell<Vec<String>>>;

/// A task that sleeps `after` ms, then waits on the latch, logging both.
fn waiter(name: &'static str, after: u64, latch: &Rc<Latch>, log: &Log) {
    let (latch, log) = (Rc::clone(latch), Rc::clone(log));
    drop(create_task(async move {
        sleep(ms(after)).await;
        log.borrow_mut().push(format!("{name} waits at {}", now_ms()));
        latch.wait().await;
        log.borrow_mut().push(format!("{name} through at {}", now_ms()));
    }));
}

#[test]
fn waiters_go_on_only_after_the_last_count_down() {
    let log = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let log: Log = Rc::default();
        let latch = Rc::new(Latch::new(3));
        event_loop
            .run_until_complete({
                let (latch, log) = (Rc::clone(&latch), Rc::clone(&log));
                async move {
                    waiter("a", 0, &latch, &log);
                    waiter("b", 0, &latch, &log);
                    waiter("late", 15, &latch, &log); // between two count_downs
                    for _ in 0..3 {
                        sleep(ms(10)).await;
                        latch.count_down();
                        let left = latch.count();
                        log.borrow_mut()
                            .push(format!("count_down at {}, {left} left", now_ms()));
                    }
                    // Long enough for every waiter to have gone on.
                    sleep(ms(10)).await;
                }
            })
            .unwrap();
        assert_eq!(latch.count(), 0);
        log.take()
    });
    assert_eq!(
        log,
        [
            "a waits at 0",
            "b waits at 0",
            "count_down at 10, 2 left",
            "late waits at 15",
            "count_down at 20, 1 left",
            "count_down at 30, 0 left",
            "a through at 30",
            "b through at 30",
            "late through at 30",
        ]
    );
}

#[test]
fn a_latch_of_zero_never_blocks() {
    let finished_at = within(Duration::from_secs(10), || {
        let latch = Rc::new(Latch::new(0));
        assert_eq!(latch.count(), 0);
        // Open from the start: the very first poll of a wait finishes it.
        let first_poll = noop_context_poll(&mut Box::pin(latch.wait())).is_ready();
        assert!(first_poll, "a latch of 0 is open: its wait is ready at once");
        simulated_loop()
            .run_until_complete(async move {
                let waiting = create_task(async move {
                    latch.wait().await;
                    now_ms()
                });
                // A timer far away: a wait that blocks would jump to it.
                drop(create_task(sleep(ms(1000))));
                waiting.await.unwrap()
            })
            .unwrap()
    });
    assert_eq!(finished_at, 0);
}

#[test]
fn counting_down_past_zero_is_harmless() {
    let (counts, polls) = within(Duration::from_secs(10), || {
        let latch = Latch::new(2);
        let mut counts = vec![latch.count()];
        let mut polls = Vec::new();
        for _ in 0..4 {
            polls.push(noop_context_poll(&mut Box::pin(latch.wait())).is_ready());
            latch.count_down();
            counts.push(latch.count());
        }
        polls.push(noop_context_poll(&mut Box::pin(latch.wait())).is_ready());
        (counts, polls)
    });
    assert_eq!(counts, [2, 1, 0, 0, 0], "the count stops at 0");
    assert_eq!(
        polls,
        [false, false, true, true, true],
        "closed until the second count_down, then open for good"
    );
}

#[test]
fn waiting_after_it_opened_returns_at_once() {
    let (polled, times) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let latch = Rc::new(Latch::new(1));
        let times = event_loop
            .run_until_complete({
                let latch = Rc::clone(&latch);
                async move {
                    let opener = {
                        let latch = Rc::clone(&latch);
                        create_task(async move {
                            sleep(ms(5)).await;
                            latch.count_down();
                        })
                    };
                    latch.wait().await;
                    let opened = now_ms();
                    opener.await.unwrap();
                    sleep(ms(20)).await;
                    // Long after: each wait finishes with no time passing.
                    let before = now_ms();
                    latch.wait().await;
                    latch.wait().await;
                    (opened, before, now_ms())
                }
            })
            .unwrap();
        // And it is ready at its first poll, even with no loop running.
        let mut wait = Box::pin(latch.wait());
        (noop_context_poll(&mut wait), times)
    });
    assert_eq!(polled, Poll::Ready(()));
    assert_eq!(times, (5, 25, 25));
}
