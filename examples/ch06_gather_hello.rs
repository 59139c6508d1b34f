//! Chapter 6: T1's hello 1 / hello 2, run together with `gather`.
//!
//! The same `hello` as chapter 3 (which ran the two with stage 1's `join`).
//! `gather` makes each a task: both sleep at once, so the program takes
//! about 1 s, not 2. The order is defined: the tasks start in argument
//! order, so `hello(1)`'s timer is set first and fires first.

#[allow(dead_code)] // only its `hello` is used here
#[path = "ch03_hello.rs"]
mod ch03_hello;

use std::time::Instant;

use stepio_gather::gather;
use stepio_poll_loop::LoopError;
use stepio_timer_wheel::new_event_loop;

use ch03_hello::hello;

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let start = Instant::now();
    let event_loop = new_event_loop();
    println!("start");
    // Built before the loop runs: the tasks are created at its first poll.
    let both = gather([hello(1, start), hello(2, start)]);
    event_loop.run_until_complete(both)?.expect("neither hello fails");
    println!("exit after {:.4} s", start.elapsed().as_secs_f64());
    event_loop.close()
}
// ANCHOR_END: main
