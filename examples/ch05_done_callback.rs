//! Chapter 5: T5's done callback: `ensure_future(task(3))`, then
//! `add_done_callback(callback)` where the callback prints the result, then
//! `run_until_complete(future)`.
//!
//! The callback does not run inside the task's last step: the loop calls
//! it on its next turn, and `run_until_complete` returns after it.

use std::time::Duration;

use stepio_poll_loop::{LoopError, get_running_loop};
use stepio_tasks::{LoopTasks, Task};
use stepio_timer_wheel::{LoopTime, new_event_loop, sleep};

// ANCHOR: task
/// T5's `task(seconds)`.
async fn task(seconds: u64) -> String {
    let event_loop = get_running_loop().expect("runs on the loop");
    println!("{:.4}: please wait {seconds} seconds", event_loop.time());
    sleep(Duration::from_secs(seconds)).await;
    println!("{:.4}: ends", event_loop.time());
    format!("slept {seconds} s")
}

/// The done callback: it gets the finished task and asks for its result.
fn callback(future: &Task<String>) {
    let event_loop = get_running_loop().expect("called by the loop");
    match future.result() {
        Ok(result) => println!("{:.4}: callback: result() = {result}", event_loop.time()),
        Err(err) => {
            println!("{:.4}: callback: the task failed: {err}", event_loop.time())
        }
    }
}
// ANCHOR_END: task

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let event_loop = new_event_loop();
    let mut future = event_loop.ensure_future(task(3))?;
    future.add_done_callback(callback);
    let result = event_loop.run_until_complete(&mut future)?;
    println!("{:.4}: run_until_complete returned {result:?}", event_loop.time());
    event_loop.close()
}
// ANCHOR_END: main
