//! Timers on a running loop. Order and times are checked on a simulated
//! clock, where they are exact; the real clock is only asked for what holds
//! on any machine (nothing fires early, everything fires).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use stepio_poll_loop::{EventLoop, LoopError, ThreadDriver, get_running_loop};
use stepio_waker::join;

use crate::{Clock, LoopTime, event_loop_with, new_event_loop, sleep, sleep_until};
use stepio_waker::testing::within;

fn simulated_loop() -> EventLoop {
    event_loop_with(ThreadDriver::new(), Clock::simulated())
}

/// T3's count_down on `event_loop`: (time, name, n) of every count.
fn count_down_events(event_loop: &EventLoop) -> Vec<(f64, char, u32)> {
    let events = Rc::new(RefCell::new(Vec::new()));
    let count_down = |name: char, delay: f64| {
        let events = Rc::clone(&events);
        async move {
            for n in (1..=3).rev() {
                sleep(Duration::from_secs_f64(delay)).await;
                let now = get_running_loop().unwrap().time();
                events.borrow_mut().push((now, name, n));
            }
        }
    };
    event_loop
        .run_until_complete(join(
            count_down('A', 1.0),
            join(count_down('B', 0.8), count_down('C', 0.5)),
        ))
        .unwrap();
    events.take()
}

#[test]
fn count_down_interleaves_exactly_on_a_simulated_clock() {
    let event_loop = simulated_loop();
    let events = count_down_events(&event_loop);
    let rounded: Vec<(String, char, u32)> =
        events.iter().map(|&(time, name, n)| (format!("{time:.4}"), name, n)).collect();
    let expected = [
        ("0.5000", 'C', 3),
        ("0.8000", 'B', 3),
        ("1.0000", 'A', 3),
        ("1.0000", 'C', 2),
        ("1.5000", 'C', 1),
        ("1.6000", 'B', 2),
        ("2.0000", 'A', 2),
        ("2.4000", 'B', 1),
        ("3.0000", 'A', 1),
    ];
    let expected: Vec<(String, char, u32)> =
        expected.iter().map(|&(time, name, n)| (time.to_owned(), name, n)).collect();
    assert_eq!(rounded, expected);
}

#[test]
fn count_down_on_the_real_clock_counts_in_time_order_and_never_early() {
    let events = within(Duration::from_secs(30), || count_down_events(&new_event_loop()));
    // The interleaving of the three is exact on the simulated clock (above).
    // On the real clock each sleep starts when its task resumes, so a busy
    // machine's lateness adds up along a task's chain, and C's last count
    // (due at 1.5 s) may come after B's second (1.6 s). What holds on any
    // machine: each task counts 3, 2, 1; the loop reports the counts in
    // the order of their times; none comes before the sum of its delays.
    let delay = |name: char| match name {
        'A' => 1.0,
        'B' => 0.8,
        _ => 0.5,
    };
    for name in ['A', 'B', 'C'] {
        let counts: Vec<u32> =
            events.iter().filter(|e| e.1 == name).map(|e| e.2).collect();
        assert_eq!(counts, [3, 2, 1], "{name}: {events:?}");
    }
    assert!(
        events.windows(2).all(|pair| pair[0].0 <= pair[1].0),
        "time went backwards: {events:?}"
    );
    for &(time, name, n) in &events {
        // Summed as the loop sums them: whole Durations, no float rounding.
        let due = (Duration::from_secs_f64(delay(name)) * (4 - n)).as_secs_f64();
        assert!(time >= due, "{name}{n} at {time:.4} s, before its {due} s: {events:?}");
    }
}

#[test]
fn no_sleep_returns_before_its_deadline() {
    within(Duration::from_secs(30), || {
        let event_loop = new_event_loop();
        event_loop
            .run_until_complete(async {
                for micros in [0, 1, 50, 999, 1_000, 1_001, 2_500, 10_000] {
                    let delay = Duration::from_micros(micros);
                    let start = Instant::now();
                    sleep(delay).await;
                    assert!(
                        start.elapsed() >= delay,
                        "sleep({delay:?}) returned after {:?}",
                        start.elapsed()
                    );
                }
                let deadline = Instant::now() + Duration::from_millis(3);
                sleep_until(deadline).await;
                assert!(Instant::now() >= deadline);
            })
            .unwrap();
    });
}

#[test]
fn many_concurrent_sleeps_all_complete_none_early() {
    // 2,000 tasks of 1-40 ms on the real clock.
    let (finished, early) = within(Duration::from_secs(30), || {
        let event_loop = new_event_loop();
        let finished = Rc::new(Cell::new(0));
        let early = Rc::new(Cell::new(0));
        for i in 0..2_000u64 {
            let (finished, early) = (Rc::clone(&finished), Rc::clone(&early));
            let delay = Duration::from_micros(1_000 + (i * 7_919) % 39_000);
            event_loop
                .spawn(async move {
                    let start = Instant::now();
                    sleep(delay).await;
                    if start.elapsed() < delay {
                        early.set(early.get() + 1);
                    }
                    finished.set(finished.get() + 1);
                })
                .unwrap();
        }
        event_loop
            .run_until_complete(async { sleep(Duration::from_millis(45)).await })
            .unwrap();
        // Whatever the machine's load, keep going until every task is done.
        while event_loop.task_count() > 0 {
            event_loop.run_until_complete(sleep(Duration::from_millis(10))).unwrap();
        }
        (finished.get(), early.get())
    });
    assert_eq!((finished, early), (2_000, 0));
}

#[test]
fn a_hundred_thousand_simulated_sleeps_each_wake_at_their_deadline() {
    let event_loop = simulated_loop();
    let wrong = Rc::new(Cell::new(0));
    let finished = Rc::new(Cell::new(0));
    for i in 0..100_000u64 {
        let (wrong, finished) = (Rc::clone(&wrong), Rc::clone(&finished));
        let delay = Duration::from_micros(1_000 + (i * 7_919) % 99_000);
        event_loop
            .spawn(async move {
                let start = get_running_loop().unwrap().time();
                sleep(delay).await;
                let slept = get_running_loop().unwrap().time() - start;
                if (slept - delay.as_secs_f64()).abs() > 1e-9 {
                    wrong.set(wrong.get() + 1);
                }
                finished.set(finished.get() + 1);
            })
            .unwrap();
    }
    event_loop.run_until_complete(sleep(Duration::from_millis(100))).unwrap();
    assert_eq!((finished.get(), wrong.get()), (100_000, 0));
    assert!(event_loop.timers().unwrap().is_empty());
}

#[test]
fn a_cancelled_call_later_never_runs_and_its_closure_is_dropped() {
    let event_loop = simulated_loop();
    let ran = Rc::new(Cell::new(false));
    let captured = Rc::new(());
    let handle = {
        let (ran, captured) = (Rc::clone(&ran), Rc::clone(&captured));
        event_loop.call_later(Duration::from_secs(1), move || {
            let _keep = captured;
            ran.set(true);
        })
    }
    .unwrap();
    assert_eq!(Rc::strong_count(&captured), 2);
    handle.cancel();
    assert!(handle.cancelled());
    assert_eq!(Rc::strong_count(&captured), 1, "cancelling drops the closure at once");
    assert!(
        event_loop.timers().unwrap().is_empty(),
        "and takes the timer out of the wheel"
    );
    let stopper = event_loop.clone();
    event_loop.call_later(Duration::from_secs(2), move || stopper.stop()).unwrap();
    event_loop.run_forever().unwrap();
    assert!(!ran.get());
}

#[test]
fn a_timer_cancelled_by_an_earlier_timer_in_the_same_turn_does_not_run() {
    let event_loop = simulated_loop();
    let ran = Rc::new(Cell::new(false));
    let ran_in_cb = Rc::clone(&ran);
    let victim = event_loop
        .call_later(Duration::from_millis(20), move || ran_in_cb.set(true))
        .unwrap();
    event_loop.call_later(Duration::from_millis(10), move || victim.cancel()).unwrap();
    // Both are due when the loop first looks, 30 ms later.
    event_loop.timers().unwrap().clock().jump_to(Duration::from_millis(30));
    event_loop.run_until_complete(sleep(Duration::from_millis(5))).unwrap();
    assert!(!ran.get());
}

#[test]
fn call_later_and_call_at_run_in_deadline_order_at_their_times() {
    let event_loop = simulated_loop();
    let events = Rc::new(RefCell::new(Vec::new()));
    let start = event_loop.now();
    for (name, after_ms) in [("c", 300), ("a", 100), ("b", 200)] {
        let (events, event_loop_in_cb) = (Rc::clone(&events), event_loop.clone());
        let record = move || events.borrow_mut().push((name, event_loop_in_cb.time()));
        if name == "b" {
            event_loop.call_at(start + Duration::from_millis(after_ms), record).unwrap();
        } else {
            event_loop.call_later(Duration::from_millis(after_ms), record).unwrap();
        }
    }
    let handle = event_loop.call_later(Duration::from_millis(400), {
        let event_loop = event_loop.clone();
        move || event_loop.stop()
    });
    assert!((handle.unwrap().when() - 0.4).abs() < 1e-9);
    event_loop.run_forever().unwrap();
    assert_eq!(*events.borrow(), [("a", 0.1), ("b", 0.2), ("c", 0.3)]);
}

#[test]
fn equal_deadlines_fire_in_the_order_they_were_set() {
    let event_loop = simulated_loop();
    let order = Rc::new(RefCell::new(Vec::new()));
    let deadline = event_loop.now() + Duration::from_secs(1);
    for n in 1..=5 {
        let order = Rc::clone(&order);
        event_loop
            .spawn(async move {
                sleep_until(deadline).await;
                order.borrow_mut().push(n);
            })
            .unwrap();
    }
    event_loop.run_until_complete(sleep(Duration::from_secs(2))).unwrap();
    assert_eq!(*order.borrow(), [1, 2, 3, 4, 5]);
}

#[test]
fn a_past_deadline_and_a_zero_sleep_wait_for_the_next_turn() {
    let event_loop = simulated_loop();
    let log = Rc::new(RefCell::new(Vec::new()));
    let log_in_task = Rc::clone(&log);
    event_loop
        .run_until_complete(async move {
            let event_loop = get_running_loop().unwrap();
            sleep(Duration::from_secs(1)).await;
            let log_in_cb = Rc::clone(&log_in_task);
            event_loop
                .call_soon(move || log_in_cb.borrow_mut().push("call_soon"))
                .unwrap();
            let log_in_cb = Rc::clone(&log_in_task);
            let past = event_loop.now() - Duration::from_millis(500);
            event_loop
                .call_at(past, move || log_in_cb.borrow_mut().push("call_at(past)"))
                .unwrap();
            log_in_task.borrow_mut().push("before sleep(0)");
            sleep(Duration::ZERO).await;
            log_in_task.borrow_mut().push("after sleep(0)");
        })
        .unwrap();
    assert_eq!(
        *log.borrow(),
        ["before sleep(0)", "call_soon", "call_at(past)", "after sleep(0)"]
    );
}

#[test]
fn dropping_a_sleep_takes_its_timer_out_of_the_wheel() {
    let event_loop = simulated_loop();
    event_loop
        .run_until_complete(async {
            let timers = get_running_loop().unwrap().timers().unwrap();
            let mut long = Box::pin(sleep(Duration::from_secs(3600)));
            // Poll it once so that it files its timer.
            std::future::poll_fn(|cx| {
                let _ = long.as_mut().poll(cx);
                std::task::Poll::Ready(())
            })
            .await;
            assert_eq!(timers.len(), 1);
            drop(long);
            assert_eq!(timers.len(), 0);
        })
        .unwrap();
}

#[test]
fn a_timer_callback_can_stop_run_forever() {
    let event_loop = simulated_loop();
    let stopper = event_loop.clone();
    event_loop.call_later(Duration::from_secs(3), move || stopper.stop()).unwrap();
    event_loop.run_forever().unwrap();
    assert_eq!(event_loop.time(), 3.0);
}

#[test]
fn a_panicking_timer_callback_is_reported_and_the_loop_goes_on() {
    let event_loop = simulated_loop();
    let reports = Rc::new(RefCell::new(Vec::new()));
    let reports_in_handler = Rc::clone(&reports);
    event_loop.set_exception_handler(move |report| {
        reports_in_handler.borrow_mut().push(report.to_string())
    });
    event_loop.call_later(Duration::from_millis(10), || panic!("timer boom")).unwrap();
    event_loop.run_until_complete(sleep(Duration::from_millis(20))).unwrap();
    assert_eq!(*reports.borrow(), ["a callback panicked: timer boom"]);
}

#[test]
fn close_drops_pending_timers_and_refuses_new_ones() {
    let event_loop = simulated_loop();
    let captured = Rc::new(());
    let keep = Rc::clone(&captured);
    let handle =
        event_loop.call_later(Duration::from_secs(10), move || drop(keep)).unwrap();
    event_loop.close().unwrap();
    assert_eq!(Rc::strong_count(&captured), 1, "close dropped the pending callback");
    handle.cancel(); // harmless after close
    assert!(matches!(
        event_loop.call_later(Duration::ZERO, || {}),
        Err(LoopError::Closed)
    ));
}

#[test]
fn an_idle_loop_with_a_timer_sleeps_until_it_and_wakes_on_time() {
    let late = within(Duration::from_secs(10), || {
        let event_loop = new_event_loop();
        let fired_at = Rc::new(Cell::new(None));
        let fired_at_cb = Rc::clone(&fired_at);
        let target = Instant::now() + Duration::from_millis(30);
        let stopper = event_loop.clone();
        event_loop
            .call_at(target, move || {
                fired_at_cb.set(Some(Instant::now()));
                stopper.stop();
            })
            .unwrap();
        event_loop.run_forever().unwrap();
        fired_at.get().unwrap().checked_duration_since(target)
    });
    assert!(late.is_some(), "the callback ran before its deadline");
}

#[test]
#[should_panic(expected = "sleep: no running event loop")]
fn sleep_outside_a_loop_says_so() {
    stepio_waker::block_on(sleep(Duration::from_millis(1)));
}

#[test]
fn a_loop_without_timers_says_so_in_an_error() {
    let event_loop = EventLoop::new();
    let err = event_loop.call_later(Duration::from_millis(1), || {}).unwrap_err();
    assert!(matches!(err, LoopError::NotImplemented(_)), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("no timers") && message.contains("new_event_loop()"),
        "{message}"
    );
    let at = event_loop.now() + Duration::from_millis(1);
    assert!(matches!(event_loop.call_at(at, || {}), Err(LoopError::NotImplemented(_))));
    assert!(event_loop.timers().is_err());
}

#[test]
fn a_loop_without_timers_still_tells_the_time_and_sleeps() {
    within(Duration::from_secs(30), || {
        let event_loop = EventLoop::new();
        let first = event_loop.time();
        let delay = Duration::from_millis(20);
        let start = Instant::now();
        // On a thread of its own, as stage 1's Delay: never early.
        event_loop.run_until_complete(sleep(delay)).unwrap();
        assert!(start.elapsed() >= delay, "woke after {:?}", start.elapsed());
        let until = event_loop.now() + delay;
        event_loop.run_until_complete(sleep_until(until)).unwrap();
        assert!(Instant::now() >= until, "sleep_until woke early");
        assert!(event_loop.time() >= first + 0.04, "{first} then {}", event_loop.time());
    });
}

#[test]
fn a_task_woken_while_the_loop_was_away_runs_before_the_simulated_clock_jumps() {
    // A task woken from outside the running loop waits in the loop's list
    // of wakes until the loop looks after its next park. On a simulated
    // clock that park must not jump to the next deadline first: the woken
    // task would then start late, at the main future's deadline.
    let event_loop = simulated_loop();
    let waker = Rc::new(RefCell::new(None::<std::task::Waker>));
    let woke_at = Rc::new(Cell::new(None));
    let (slot, record) = (Rc::clone(&waker), Rc::clone(&woke_at));
    event_loop
        .spawn(async move {
            let mut parked = false;
            std::future::poll_fn(|cx| {
                if std::mem::replace(&mut parked, true) {
                    return std::task::Poll::Ready(());
                }
                *slot.borrow_mut() = Some(cx.waker().clone());
                std::task::Poll::Pending
            })
            .await;
            sleep(Duration::from_millis(10)).await;
            record.set(Some(get_running_loop().unwrap().time()));
        })
        .unwrap();
    event_loop.run_until_complete(stepio_waker::yield_now()).unwrap(); // its first poll
    waker.borrow_mut().take().expect("the task kept its waker").wake();
    event_loop.run_until_complete(sleep(Duration::from_millis(100))).unwrap();
    assert_eq!(woke_at.get(), Some(0.010));
}
