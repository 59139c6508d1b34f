//! Exercise ch02_stop_after: callbacks that schedule themselves again, one
//! turn at a time, until the last one stops the loop.
//!
//! Read first: chapter 2 of the book, "One turn of the loop"
//! (`book/src/ch02-poll-loop.md`).
//!
//! A callback that calls `call_soon` again, as a poller does, does not run
//! again in the same turn: it goes to the back of the ready queue, behind
//! what was already there, and waits for the next turn; `stop` takes effect
//! when the turn is over. `count_turns` runs one such chain of callbacks `n`
//! times and then stops the loop; `two_chains` runs two chains at once and
//! logs the order their runs came in. A closure cannot name itself, so
//! write each run as a function that schedules a closure calling it again.
//! Check with `cargo exercises verify ch02_stop_after`.
#![allow(unused_variables, unused_mut, unused_imports, dead_code)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use stepio_poll_loop::{EventLoop, LoopError};

/// Runs a callback that schedules itself again with `call_soon` until it
/// has run `n` times, then stops the loop. Returns how many times it ran.
///
/// Each run is a turn of the loop of its own. With `n == 0` nothing runs,
/// and it returns at once; the loop is left stopped, ready to run again.
///
/// # Errors
///
/// Whatever the loop returns: `Closed` for a closed loop, whatever `n` is.
pub fn count_turns(event_loop: &EventLoop, n: usize) -> Result<usize, LoopError> {
    todo!("call_soon a first run; each run counts and call_soons the next or stops")
}

/// Runs two chains like [`count_turns`]'s at once, `a` runs of chain `'A'`
/// and `b` of chain `'B'`, and stops the loop when both have finished.
/// Returns the log: one letter per run, in the order the runs came.
///
/// # Errors
///
/// As [`count_turns`].
pub fn two_chains(
    event_loop: &EventLoop,
    a: usize,
    b: usize,
) -> Result<String, LoopError> {
    todo!("start both chains, A first; the last chain to finish stops the loop")
}
