//! Chapter 5: T2's `task.cancel()`: a task cancelled while it sleeps, and
//! what the side that awaits it sees.
//!
//! In asyncio the sleeping coroutine gets a `CancelledError` at its
//! `await`, may clean up in `except`/`finally`, and re-raises it. In Rust
//! the task's future is dropped: no more code of the task runs, and
//! cleanup lives in destructors (`Drop`), which run at once.

use std::time::Duration;

use stepio_poll_loop::{EventLoop, LoopError, get_running_loop};
use stepio_tasks::create_task;
use stepio_timer_wheel::{LoopTime, new_event_loop, sleep};

/// Prints a line with the loop's time in front.
fn say(event_loop: &EventLoop, what: &str) {
    println!("{:.4}: {what}", event_loop.time());
}

// ANCHOR: sleeper
/// Runs when the sleeper's future is dropped, wherever it stopped.
struct Cleanup;

impl Drop for Cleanup {
    fn drop(&mut self) {
        let event_loop = get_running_loop().expect("dropped on the loop");
        say(&event_loop, "sleeper: dropped while asleep; Drop cleans up");
    }
}

/// Goes to sleep for 10 s.
async fn sleeper() -> &'static str {
    let event_loop = get_running_loop().expect("runs on the loop");
    let _cleanup = Cleanup;
    say(&event_loop, "sleeper: going to sleep for 10 s");
    sleep(Duration::from_secs(10)).await;
    say(&event_loop, "sleeper: woke up");
    "rested"
}
// ANCHOR_END: sleeper

// ANCHOR: main
/// Cancels the sleeper after 1 s and awaits it.
async fn cancel_after_one_second() {
    let event_loop = get_running_loop().expect("runs on the loop");
    let mut task = create_task(sleeper());
    sleep(Duration::from_secs(1)).await;
    say(&event_loop, &format!("main: cancel() = {}", task.cancel()));
    say(
        &event_loop,
        &format!(
            "main: done() = {}: it lands when the loop next runs the task",
            task.done()
        ),
    );
    match (&mut task).await {
        Ok(result) => say(&event_loop, &format!("main: the task returned {result}")),
        Err(err) => {
            say(&event_loop, &format!("main: awaiting the task gave an error: {err}"))
        }
    }
    say(
        &event_loop,
        &format!(
            "main: cancelled() = {}, cancel() again = {}",
            task.cancelled(),
            task.cancel()
        ),
    );
}

/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let event_loop = new_event_loop();
    event_loop.run_until_complete(cancel_after_one_second())?;
    say(&event_loop, "the loop is done, 9 s before the sleep would have ended");
    event_loop.close()
}
// ANCHOR_END: main
