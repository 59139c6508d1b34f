//! The checks of exercise `ch02_stop_after`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch02_stop_after.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::cell::Cell;
use std::io;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use stepio_poll_loop::{Driver, EventLoop, LoopError, ReadyQueue, ThreadDriver, Unpark};

use crate::ch02_stop_after::{count_turns, two_chains};
use crate::support::within;

/// A driver that counts its parks: the loop parks once per turn.
struct TurnCounter {
    inner: ThreadDriver,
    turns: Rc<Cell<usize>>,
}

impl Driver for TurnCounter {
    fn park(
        &mut self,
        timeout: Option<Duration>,
        ready: &mut ReadyQueue,
    ) -> io::Result<()> {
        self.turns.set(self.turns.get() + 1);
        self.inner.park(timeout, ready)
    }

    fn unparker(&self) -> Arc<dyn Unpark> {
        self.inner.unparker()
    }
}

/// A loop and the number of turns it has run.
fn counted_loop() -> (EventLoop, Rc<Cell<usize>>) {
    let turns = Rc::new(Cell::new(0));
    let driver = TurnCounter { inner: ThreadDriver::new(), turns: Rc::clone(&turns) };
    (EventLoop::with_driver(Box::new(driver)), turns)
}

#[test]
fn the_callback_runs_n_times_one_turn_each() {
    let runs = within(Duration::from_secs(10), || {
        [1, 2, 5, 40].map(|n| {
            let (event_loop, turns) = counted_loop();
            let ran = count_turns(&event_loop, n).unwrap();
            (n, ran, turns.get())
        })
    });
    for (n, ran, turns) in runs {
        assert_eq!(ran, n, "count_turns(n = {n}) ran the callback {ran} times");
        assert_eq!(
            turns, n,
            "n = {n}: every run must be a turn of its own, and the loop must stop \
             after the last one (it ran {turns} turns)"
        );
    }
}

#[test]
fn zero_runs_return_at_once() {
    let (ran, again) = within(Duration::from_secs(10), || {
        let event_loop = EventLoop::new();
        let ran = count_turns(&event_loop, 0).unwrap();
        (ran, count_turns(&event_loop, 0).unwrap())
    });
    assert_eq!((ran, again), (0, 0));
}

#[test]
fn two_chains_take_turns() {
    let logs = within(Duration::from_secs(10), || {
        [(3, 3), (4, 1), (1, 4), (0, 2), (2, 0), (0, 0)]
            .map(|(a, b)| two_chains(&EventLoop::new(), a, b).unwrap())
    });
    assert_eq!(logs, ["ABABAB", "ABAAA", "ABBBB", "BB", "AA", ""]);
}

#[test]
fn the_loop_can_run_again_afterwards() {
    let (counts, log, turns) = within(Duration::from_secs(10), || {
        let (event_loop, turns) = counted_loop();
        let first = count_turns(&event_loop, 3).unwrap();
        let before = turns.get();
        let second = count_turns(&event_loop, 5).unwrap();
        let second_turns = turns.get() - before;
        let log = two_chains(&event_loop, 2, 3).unwrap();
        let last = count_turns(&event_loop, 1).unwrap();
        assert!(!event_loop.is_running());
        ((first, second, last), log, second_turns)
    });
    assert_eq!(counts, (3, 5, 1));
    assert_eq!(log, "ABABB", "nothing may be left over from an earlier run");
    assert_eq!(turns, 5, "the second run took 5 turns: nothing was left over");
}

#[test]
fn a_closed_loop_is_an_error() {
    let errors = within(Duration::from_secs(10), || {
        let event_loop = EventLoop::new();
        event_loop.close().unwrap();
        [
            count_turns(&event_loop, 3).map(|_| ()),
            count_turns(&event_loop, 0).map(|_| ()),
            two_chains(&event_loop, 1, 1).map(|_| ()),
            two_chains(&event_loop, 0, 0).map(|_| ()),
        ]
        .map(|result| matches!(result, Err(LoopError::Closed)))
    });
    assert_eq!(errors, [true; 4], "every call on a closed loop gives Closed");
}
