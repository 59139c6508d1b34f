//! Chapter 6, step 1: gathering with chapter 1's `join_vec`, which hands
//! every child the parent's waker. A wake cannot say which child it is
//! for, so every wake polls every unfinished child. 10,000 and 100,000
//! children sleep 1 to 100 ms, finishing in 100 waves.

use std::future::Future;
use std::time::{Duration, Instant};

use stepio_examples::polls::{Counted, PollCount};
use stepio_poll_loop::{LoopError, ThreadDriver};
use stepio_timer_wheel::{Clock, Sleep, event_loop_with, sleep};
use stepio_waker::join_vec;

// ANCHOR: main
/// Gathers 10,000 and then 100,000 sleeps of 1 to 100 ms with `gather`, on
/// a simulated clock, and counts the polls; `how` says how it wakes.
pub fn count_polls<J: Future>(
    how: &str,
    gather: impl Fn(Vec<Counted<Sleep>>) -> J,
) -> Result<(), LoopError> {
    for children in [10_000u64, 100_000] {
        let event_loop = event_loop_with(ThreadDriver::new(), Clock::simulated());
        let count = PollCount::default();
        let sleeps = (0..children)
            .map(|i| count.wrap(sleep(Duration::from_millis(i % 100 + 1))))
            .collect();
        let start = Instant::now();
        event_loop.run_until_complete(gather(sleeps))?;
        let (polls, per_child) = (count.polls(), count.polls() / children);
        println!("{children:>6} children, {how}: {polls:>9} polls, {per_child} a child");
        eprintln!(
            "measured: {children:>6} children in {:.3} s",
            start.elapsed().as_secs_f64()
        );
        event_loop.close()?;
    }
    Ok(())
}

/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    count_polls("one waker", join_vec)
}
// ANCHOR_END: main
