//! Chapter 6: `wait_for` with no time at all.
//!
//! asyncio's `wait_for(aw, 0)` cancels a coroutine or a task that is not
//! done before it runs a single step, and gives the outcome of a task that
//! is done already. Ours does the same: `wait_for(future, ZERO)` never
//! polls the future, and `wait_for_task` with a zero timeout cancels a
//! task that is not done. `python/ch06_wait_for_zero.py` prints the same
//! lines.

use std::time::Duration;

use stepio::{LoopError, create_task, sleep, wait_for, wait_for_task};

// ANCHOR: main
async fn work(name: &'static str) -> &'static str {
    println!("{name}: runs a step");
    sleep(Duration::from_millis(100)).await;
    name
}

async fn no_time() {
    if wait_for(work("coroutine"), Duration::ZERO).await.is_err() {
        println!("wait_for(coroutine, 0): TimeoutError, and it never ran");
    }
    let fresh = create_task(work("fresh task"));
    if wait_for_task(fresh, Duration::ZERO).await.is_err() {
        println!("wait_for(fresh task, 0): TimeoutError, and it never ran");
    }
    let finished = create_task(async { "its result" });
    sleep(Duration::from_millis(10)).await;
    if let Ok(Ok(result)) = wait_for_task(finished, Duration::ZERO).await {
        println!("wait_for(finished task, 0) = {result}");
    }
}
// ANCHOR_END: main

/// Runs the scenario.
pub fn main() -> Result<(), LoopError> {
    stepio::run(no_time())
}
