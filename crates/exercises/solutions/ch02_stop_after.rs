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
    let log = run_chains(event_loop, &[('A', n)])?;
    Ok(log.len())
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
    run_chains(event_loop, &[('A', a), ('B', b)])
}

/// What the runs of one chain share.
struct Chain {
    event_loop: EventLoop,
    /// The letter each run writes to the log.
    name: char,
    /// How many runs are still to come.
    left: Cell<usize>,
    /// Every run of every chain, in order.
    log: Rc<RefCell<String>>,
    /// How many chains have not finished: the last one stops the loop.
    unfinished: Rc<Cell<usize>>,
}

/// Starts a chain for each `(name, runs)` (none for zero runs), and runs
/// the loop until all of them have finished. Returns the log.
fn run_chains(
    event_loop: &EventLoop,
    chains: &[(char, usize)],
) -> Result<String, LoopError> {
    let log = Rc::new(RefCell::new(String::new()));
    let unfinished = Rc::new(Cell::new(0));
    for &(name, runs) in chains.iter().filter(|&&(_, runs)| runs > 0) {
        let chain = Rc::new(Chain {
            event_loop: event_loop.clone(),
            name,
            left: Cell::new(runs),
            log: Rc::clone(&log),
            unfinished: Rc::clone(&unfinished),
        });
        event_loop.call_soon(move || run(chain))?;
        unfinished.set(unfinished.get() + 1);
    }
    if unfinished.get() == 0 {
        // No chain would ever call stop: a callback that does, so that the
        // loop still reports a closed loop, and the run is one turn long.
        let stopper = event_loop.clone();
        event_loop.call_soon(move || stopper.stop())?;
    }
    event_loop.run_forever()?;
    Ok(log.take())
}

/// One run of a chain: log it, then schedule the next run, or, if this
/// was the chain's last, count the chain out and stop the loop if it was
/// the last one running.
fn run(chain: Rc<Chain>) {
    chain.log.borrow_mut().push(chain.name);
    chain.left.set(chain.left.get() - 1);
    if chain.left.get() > 0 {
        // To the back of the queue: it runs on the next turn.
        let event_loop = chain.event_loop.clone();
        event_loop
            .call_soon(move || run(chain))
            .expect("a running loop cannot be closed");
        return;
    }
    chain.unfinished.set(chain.unfinished.get() - 1);
    if chain.unfinished.get() == 0 {
        chain.event_loop.stop();
    }
}
