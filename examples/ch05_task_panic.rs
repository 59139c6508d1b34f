//! Chapter 5: a task that panics. The panic is caught around the poll and
//! becomes the task's outcome; whoever awaits the task gets it as an error,
//! and the loop and its other tasks run on. (Rust's panic hook still
//! prints the panic itself on stderr.)

use std::time::Duration;

use stepio_poll_loop::{EventLoop, LoopError, get_running_loop};
use stepio_tasks::create_task;
use stepio_timer_wheel::{LoopTime, new_event_loop, sleep};

/// Prints a line with the loop's time in front.
fn say(event_loop: &EventLoop, what: &str) {
    println!("{:.4}: {what}", event_loop.time());
}

// ANCHOR: tasks
/// Works for 0.5 s, then panics.
async fn worker() -> u32 {
    sleep(Duration::from_millis(500)).await;
    panic!("lost the thread of the work");
}

/// Ticks every 0.4 s, three times.
async fn ticker() {
    let event_loop = get_running_loop().expect("runs on the loop");
    for n in 1..=3 {
        sleep(Duration::from_millis(400)).await;
        say(&event_loop, &format!("ticker: tick {n}"));
    }
}
// ANCHOR_END: tasks

// ANCHOR: main
/// Awaits the worker, then the ticker.
async fn both() {
    let event_loop = get_running_loop().expect("runs on the loop");
    let (worker, ticker) = (create_task(worker()), create_task(ticker()));
    match worker.await {
        Ok(answer) => say(&event_loop, &format!("main: the worker answered {answer}")),
        Err(err) => say(&event_loop, &format!("main: awaiting the worker: {err}")),
    }
    ticker.await.expect("the ticker does not panic");
    say(&event_loop, "main: the ticker ran to the end");
}

/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let event_loop = new_event_loop();
    event_loop.run_until_complete(both())?;
    event_loop.close()
}
// ANCHOR_END: main
