//! Chapter 5: T2's task: `loop.create_task(my_task(seconds=2))`, run to
//! completion, then `task.result()`.
//!
//! The handle is asked `done()` and `result()` before the run, and
//! `done()` after it. In Rust, `run_until_complete` (like any `await` of
//! the handle) hands the result over: the task's output is moved to the
//! caller, not shared, so there is nothing left for a later `result()`.
//! (The tutorial's `my_task` calls a blocking sleep;
//! `ch05_blocking_mistake` shows what that does. This one awaits.)

use std::time::Duration;

use stepio_poll_loop::LoopError;
use stepio_tasks::LoopTasks;
use stepio_timer_wheel::{LoopTime, new_event_loop, sleep};

// ANCHOR: my_task
/// Sleeps `seconds`, then returns its result.
async fn my_task(seconds: u64) -> &'static str {
    let event_loop = stepio_poll_loop::get_running_loop().expect("runs on the loop");
    println!(
        "{:.4}: This task is taking {seconds} seconds to complete",
        event_loop.time()
    );
    sleep(Duration::from_secs(seconds)).await;
    "task finished"
}
// ANCHOR_END: my_task

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let event_loop = new_event_loop();
    let mut task = event_loop.create_task(my_task(2))?;
    println!(
        "{:.4}: created {}, done() = {}",
        event_loop.time(),
        task.name(),
        task.done()
    );
    match task.result() {
        Ok(result) => println!("result() = {result}"),
        Err(err) => println!("result() before the run: invalid state: {err}"),
    }
    // Awaiting the handle hands its result over (moves it out).
    let result = event_loop.run_until_complete(&mut task)?;
    println!(
        "{:.4}: done() = {}, run_until_complete returned {result:?}",
        event_loop.time(),
        task.done()
    );
    event_loop.close()
}
// ANCHOR_END: main
