//! The checks of exercise `ch03_call_every`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch03_call_every.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use stepio_poll_loop::{EventLoop, LoopError, ThreadDriver};
use stepio_timer_wheel::{Clock, LoopTime, event_loop_with, sleep};

use crate::ch03_call_every::{Repeating, call_every};
use crate::support::within;

/// A loop on a simulated clock: the times below are exact.
fn simulated_loop() -> EventLoop {
    event_loop_with(ThreadDriver::new(), Clock::simulated())
}

fn ms_now(event_loop: &EventLoop) -> u64 {
    (event_loop.time() * 1000.0).round() as u64
}

/// A log of the times (in ms) at which a callback ran.
type Times = Rc<RefCell<Vec<u64>>>;

/// A callback that logs the time it runs at and asks for more while
/// `more(number of calls so far)` says so.
fn logging(
    event_loop: &EventLoop,
    times: &Times,
    more: impl Fn(usize) -> bool + 'static,
) -> impl FnMut() -> bool + 'static {
    let (event_loop, times) = (event_loop.clone(), Rc::clone(times));
    move || {
        times.borrow_mut().push(ms_now(&event_loop));
        more(times.borrow().len())
    }
}

/// Runs the loop until `ms` more milliseconds have passed on its clock.
fn run_for(event_loop: &EventLoop, ms: u64) {
    event_loop.run_until_complete(sleep(Duration::from_millis(ms))).unwrap();
}

/// How many timers are still waiting in the loop's wheel.
fn timers_waiting(event_loop: &EventLoop) -> usize {
    event_loop.timers().unwrap().len()
}

#[test]
fn the_calls_come_at_whole_intervals() {
    let (from_zero, from_later) = within(Duration::from_secs(10), || {
        // Every second, from 0 s; the loop is closed after 3.5 s.
        let event_loop = simulated_loop();
        let times = Times::default();
        let callback = logging(&event_loop, &times, |_| true);
        call_every(&event_loop, Duration::from_secs(1), callback).unwrap();
        run_for(&event_loop, 3500);
        event_loop.close().unwrap();
        let from_zero = times.take();

        // Every 250 ms, from 0.5 s.
        let event_loop = simulated_loop();
        run_for(&event_loop, 500);
        let callback = logging(&event_loop, &times, |_| true);
        call_every(&event_loop, Duration::from_millis(250), callback).unwrap();
        run_for(&event_loop, 800);
        event_loop.close().unwrap();
        (from_zero, times.take())
    });
    assert_eq!(from_zero, [1000, 2000, 3000], "calls at 1, 2 and 3 s");
    assert_eq!(from_later, [750, 1000, 1250], "the first call is one interval from now");
}

#[test]
fn returning_false_stops_it() {
    let (times, waiting) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let times = Times::default();
        call_every(
            &event_loop,
            Duration::from_secs(1),
            logging(&event_loop, &times, |calls| calls < 3),
        )
        .unwrap();
        run_for(&event_loop, 10_000);
        (times.take(), timers_waiting(&event_loop))
    });
    assert_eq!(times, [1000, 2000, 3000], "the third call returned false");
    assert_eq!(waiting, 0, "no timer may be left waiting");
}

#[test]
fn cancelling_stops_it_even_from_inside_the_callback() {
    let (outside, inside) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let times = Times::default();
        let every = call_every(
            &event_loop,
            Duration::from_secs(1),
            logging(&event_loop, &times, |_| true),
        )
        .unwrap();
        run_for(&event_loop, 2500);
        every.cancel();
        run_for(&event_loop, 5000);
        let outside = (times.take(), timers_waiting(&event_loop));

        // From 7.5 s: the second call cancels its own repetition, and then
        // returns true all the same.
        let slot: Rc<RefCell<Option<Repeating>>> = Rc::default();
        let mut log = logging(&event_loop, &times, |_| true);
        let (own, calls) = (Rc::clone(&slot), Rc::clone(&times));
        let every = call_every(&event_loop, Duration::from_secs(1), move || {
            log();
            if calls.borrow().len() == 2 {
                own.borrow().as_ref().expect("set before the first call").cancel();
            }
            true
        })
        .unwrap();
        *slot.borrow_mut() = Some(every);
        run_for(&event_loop, 5000);
        (outside, (times.take(), timers_waiting(&event_loop)))
    });
    assert_eq!(outside, (vec![1000, 2000], 0), "cancelled at 2.5 s");
    assert_eq!(inside, (vec![8500, 9500], 0), "cancelled by the call at 9.5 s");
}

#[test]
fn late_or_slow_calls_do_not_push_the_later_ones_back() {
    let (slow, late) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        let times = Times::default();

        // Each call takes 300 ms of the loop's time.
        let mut log = logging(&event_loop, &times, |calls| calls < 4);
        let timers = event_loop.timers().unwrap();
        let every = call_every(&event_loop, Duration::from_secs(1), move || {
            let more = log();
            timers.clock().advance(Duration::from_millis(300));
            more
        })
        .unwrap();
        run_for(&event_loop, 5000);
        drop(every);
        let slow = times.take();

        // From 5 s: another callback, due at the same moment as the first
        // call and filed before it, blocks the loop for 400 ms, so the
        // first call runs 400 ms late.
        let timers = event_loop.timers().unwrap();
        event_loop
            .call_later(Duration::from_secs(1), move || {
                timers.clock().advance(Duration::from_millis(400));
            })
            .unwrap();
        call_every(
            &event_loop,
            Duration::from_secs(1),
            logging(&event_loop, &times, |calls| calls < 3),
        )
        .unwrap();
        run_for(&event_loop, 5000);
        (slow, times.take())
    });
    assert_eq!(slow, [1000, 2000, 3000, 4000], "a slow call must not shift the next");
    assert_eq!(late, [6400, 7000, 8000], "a late call must not shift the next");
}

#[test]
fn a_closed_loop_or_one_without_timers_is_an_error() {
    let (closed, no_timers) = within(Duration::from_secs(10), || {
        let event_loop = simulated_loop();
        event_loop.close().unwrap();
        let closed = call_every(&event_loop, Duration::from_secs(1), || true);
        let no_timers = call_every(&EventLoop::new(), Duration::from_secs(1), || true);
        (
            matches!(closed, Err(LoopError::Closed)),
            matches!(no_timers, Err(LoopError::NotImplemented(_))),
        )
    });
    assert!(closed, "a closed loop gives Closed");
    assert!(no_timers, "a loop without timers gives NotImplemented");
}
