//! Chapter 10: a barrier lets three runners through together.
//!
//! A, B and C reach the start at different times (10, 30 and 50 ms) and
//! wait there; the last to arrive opens it for all three.
//! `python/ch10_barrier.py` prints the same lines with `asyncio.Barrier`.

use std::time::Duration;

use stepio::sync::Barrier;
use stepio::{LoopError, create_task, sleep};

// ANCHOR: main
async fn runner(name: &'static str, delay: Duration, start: Barrier) {
    sleep(delay).await;
    println!("{name} arrives ({} waiting)", start.n_waiting());
    let place = start.wait().await;
    println!("{name} starts, place {place}");
}

async fn main_task() {
    let start = Barrier::new(3);
    let runners = [("A", 10), ("B", 30), ("C", 50)].map(|(name, ms)| {
        create_task(runner(name, Duration::from_millis(ms), start.clone()))
    });
    for runner in runners {
        runner.await.expect("a runner finishes");
    }
    println!("Done");
}
// ANCHOR_END: main

/// Runs the scenario.
pub fn main() -> Result<(), LoopError> {
    stepio::run(main_task())
}
