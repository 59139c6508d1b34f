//! Chapter 6: T5's `run_forever`, stopped by a done callback on a gather.
//!
//! Chapter 3 stopped the loop from a timer at 2 s, with the 3 s task still
//! running. Here the stop waits for both: the gather of `task(1)` and
//! `task(3)` runs as a task, and its done callback stops the loop. It stops
//! at 3 s, after both ended.

#[allow(dead_code)] // only its `task` is used here
#[path = "ch03_run_forever_stop.rs"]
mod ch03_run_forever_stop;

use stepio_gather::gather;
use stepio_poll_loop::LoopError;
use stepio_tasks::LoopTasks;
use stepio_timer_wheel::{LoopTime, new_event_loop};

use ch03_run_forever_stop::task;

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let event_loop = new_event_loop();
    let both = event_loop.create_task(gather([task(1), task(3)]))?;
    let lp = event_loop.clone();
    both.add_done_callback(move |both| {
        let ended =
            if both.result().is_ok() { "both tasks ended" } else { "the gather failed" };
        println!("{:.4}: done callback: {ended}; stopping the loop", lp.time());
        lp.stop();
    });
    event_loop.run_forever()?;
    let unfinished = event_loop.pending_tasks();
    println!(
        "{:.4}: run_forever returned; {unfinished} tasks unfinished",
        event_loop.time()
    );
    event_loop.close()
}
// ANCHOR_END: main
