//! Chapter 6, step 1: gathering with chapter 1's `join_vec`, which hands
//! every child the parent's waker. A wake cannot say which child it is
//! for, so every wake polls every unfinished child. 10,000 and 100,000
//! children sleep 1 to 100 ms, finishing in 100 waves.

use std::time::{Duration, Instant};

use stepio_examples::polls::PollCount;
use stepio_poll_loop::{LoopError, ThreadDriver};
use stepio_timer_wheel::{Clock, event_loop_with, sleep};
use stepio_waker::join_vec;

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    for children in [10_000u64, 100_000] {
        let event_loop = event_loop_with(ThreadDriver::new(), Clock::simulated());
        let count = PollCount::default();
        let sleeps =
            (0..children).map(|i| count.wrap(sleep(Duration::from_millis(i % 100 + 1))));
        let start = Instant::now();
        event_loop.run_until_complete(join_vec(sleeps))?;
        let (polls, per_child) = (count.polls(), count.polls() / children);
        println!(
            "{children:>6} children, one waker: {polls:>9} polls, {per_child} a child"
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
