//! Chapter 3: T3's `count_down`, the three at once on the loop's timers.
//!
//! The same A (1 s), B (0.8 s) and C (0.5 s) as `ch03_count_down_sequential`,
//! but each wait is a `sleep` on the loop: while one count_down waits, the
//! others run. About 3.0 s in all, with the counts interleaved:
//! C3 B3 A3 C2 C1 B2 A2 B1 A1.
//!
//! asyncio's version makes three tasks and `asyncio.wait`s them; `wait`
//! arrives in chapter 6, so here chapter 1's `join` runs the three together.

use std::time::Duration;

use stepio_poll_loop::{LoopError, get_running_loop};
use stepio_timer_wheel::{LoopTime, sleep};
use stepio_waker::join;

// ANCHOR: count_down
/// Counts down from 3, awaiting a `delay`-second sleep before each count.
pub async fn count_down(name: char, delay: f64) {
    let event_loop = get_running_loop().expect("count_down runs on the loop");
    let indent = "\t".repeat(name as usize - 'A' as usize);
    for n in (1..=3).rev() {
        sleep(Duration::from_secs_f64(delay)).await; // lets the others run
        println!("{}", "-".repeat(40));
        println!("{:.4} \t{indent}{name} = {n}", event_loop.time());
    }
}
// ANCHOR_END: count_down

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    // `run` makes a loop with timers, runs the future, closes the loop;
    // `time()` counts from the loop's creation.
    stepio_timer_wheel::run(async {
        join(count_down('A', 1.0), join(count_down('B', 0.8), count_down('C', 0.5)))
            .await;
        println!("{}", "-".repeat(40));
        println!("Done in {:.4} s", get_running_loop().unwrap().time());
    })
}
// ANCHOR_END: main
