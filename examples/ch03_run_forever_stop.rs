//! Chapter 3: `run_forever` stopped by a timer callback.
//!
//! T5's tasks of 1 s and 3 s, on a loop that a `call_later` stops after 2 s:
//! the 1 s task has finished, the 3 s task has not. `stop` cancels nothing:
//! running the loop again picks up where it stopped, and the 3 s task ends
//! at 3 s, before a second timer stops the loop at 3.5 s.

use std::time::Duration;

use stepio_poll_loop::{LoopError, get_running_loop};
use stepio_timer_wheel::{LoopTime, new_event_loop, sleep};

// ANCHOR: task
/// Waits `secs` seconds, printing before and after.
pub async fn task(secs: u64) {
    let event_loop = get_running_loop().unwrap();
    println!("{:.4}: task({secs}) please wait {secs} s", event_loop.time());
    sleep(Duration::from_secs(secs)).await;
    println!("{:.4}: task({secs}) ends", event_loop.time());
}
// ANCHOR_END: task

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let event_loop = new_event_loop();
    event_loop.spawn(task(1))?;
    event_loop.spawn(task(3))?;

    let lp = event_loop.clone();
    event_loop.call_later(Duration::from_secs(2), move || lp.stop())?;
    event_loop.run_forever()?;
    let unfinished = event_loop.task_count();
    println!(
        "{:.4}: stopped by a timer; {unfinished} task unfinished",
        event_loop.time()
    );

    let lp = event_loop.clone();
    event_loop.call_later(Duration::from_millis(1500), move || lp.stop())?;
    event_loop.run_forever()?;
    let unfinished = event_loop.task_count();
    println!("{:.4}: stopped again; {unfinished} tasks unfinished", event_loop.time());
    event_loop.close()
}
// ANCHOR_END: main
