//! Chapter 6, step 2: the same children under this stage's `join_all`,
//! which gives each child a waker of its own. A wake puts the child's
//! index on a ready list, and the parent polls only the children listed.

use std::time::{Duration, Instant};

use stepio_examples::polls::PollCount;
use stepio_gather::join_all;
use stepio_poll_loop::{LoopError, ThreadDriver};
use stepio_timer_wheel::{Clock, event_loop_with, sleep};

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    for children in [10_000u64, 100_000] {
        let event_loop = event_loop_with(ThreadDriver::new(), Clock::simulated());
        let count = PollCount::default();
        let sleeps =
            (0..children).map(|i| count.wrap(sleep(Duration::from_millis(i % 100 + 1))));
        let start = Instant::now();
        event_loop.run_until_complete(join_all(sleeps))?;
        let (polls, per_child) = (count.polls(), count.polls() / children);
        println!(
            "{children:>6} children, a waker each: {polls:>9} polls, {per_child} a child"
        );
        eprintln!(
            "measured: {children:>6} children in {:.3} s",
            start.elapsed().as_secs_f64()
        );
        event_loop.close()?;
    }
    Ok(())
}
// ANCHOR_END: main
