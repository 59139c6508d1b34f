//! Chapter 6: T5's `gather(task1(1), task2(3))`.
//!
//! Two different coroutines, so two different future types: the `gather!`
//! macro takes them as they are and gives a tuple. Both start at once;
//! task1 ends at 1 s, task2 at 3 s, and the gather returns at 3 s.

use std::time::Duration;

use stepio_gather::gather;
use stepio_poll_loop::{LoopError, get_running_loop};
use stepio_timer_wheel::{LoopTime, new_event_loop, sleep};

// ANCHOR: tasks
/// Waits `seconds`, then returns a word.
async fn task1(seconds: u64) -> &'static str {
    let event_loop = get_running_loop().expect("runs on the loop");
    println!("{:.4}: task1 please wait {seconds} s", event_loop.time());
    sleep(Duration::from_secs(seconds)).await;
    println!("{:.4}: task1 ends", event_loop.time());
    "one"
}

/// Waits `seconds`, then returns a number.
async fn task2(seconds: u64) -> u64 {
    let event_loop = get_running_loop().expect("runs on the loop");
    println!("{:.4}: task2 please wait {seconds} s", event_loop.time());
    sleep(Duration::from_secs(seconds)).await;
    println!("{:.4}: task2 ends", event_loop.time());
    2
}
// ANCHOR_END: tasks

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let event_loop = new_event_loop();
    let outputs = event_loop.run_until_complete(gather!(task1(1), task2(3)))?;
    let (word, number) = outputs.expect("neither task fails");
    println!("{:.4}: gather returned ({word:?}, {number})", event_loop.time());
    event_loop.close()
}
// ANCHOR_END: main
