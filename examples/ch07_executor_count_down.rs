//! Chapter 7: T3's blocking `count_down`, run through `run_in_executor` on
//! a pool of 3 workers.
//!
//! Chapter 3's `count_down_sequential` ran the blocking version one after
//! the other (6.9 s). The function stays blocking; each call runs on a
//! worker thread of its own, and the loop awaits the three. About 3.0 s, the
//! counts interleaved as in the async version: C3 B3 A3 C2 C1 B2 A2 B1 A1.

#[allow(dead_code)] // only its `count_down` is used here
#[path = "ch03_count_down_sequential.rs"]
mod ch03_count_down_sequential;

use std::time::Instant;

use stepio_executor_bridge::{LoopExecutor, ThreadPoolExecutor};
use stepio_gather::join_all;
use stepio_poll_loop::{LoopError, get_running_loop};

use ch03_count_down_sequential::count_down;

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let executor = ThreadPoolExecutor::new(3);
    let start = Instant::now();
    stepio_reactor::run(async {
        let event_loop = get_running_loop()?;
        let jobs = [('A', 1.0), ('B', 0.8), ('C', 0.5)].map(|(name, delay)| {
            event_loop
                .run_in_executor(Some(&executor), move || count_down(name, delay, start))
        });
        let jobs = jobs.into_iter().collect::<Result<Vec<_>, _>>()?;
        for outcome in join_all(jobs).await {
            outcome.expect("count_down does not panic");
        }
        println!("{}", "-".repeat(40));
        println!("Done in {:.4} s", start.elapsed().as_secs_f64());
        Ok(())
    })?
}
// ANCHOR_END: main
