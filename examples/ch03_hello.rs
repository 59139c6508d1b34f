//! Chapter 3: T1's hello 1 / hello 2, two coroutines that sleep 1 s each.
//!
//! Run together, they take about 1 s, not 2. Which hello comes first? The
//! tutorial warns that in asyncio either may. Here the order is defined:
//! timers fire in deadline order, and equal deadlines in the order they were
//! set. `join` polls `hello(1)` first, so its sleep starts first and its
//! deadline is earlier (by nanoseconds); and when both are due in the same
//! turn, they wake the one task that `join` runs, which polls `hello(1)`
//! first.

use std::time::{Duration, Instant};

use stepio_poll_loop::LoopError;
use stepio_timer_wheel::{new_event_loop, sleep};
use stepio_waker::join;

// ANCHOR: hello
/// Sleeps one second, then says hello.
pub async fn hello(n: u32, start: Instant) {
    sleep(Duration::from_secs(1)).await;
    println!("Hello from {n} (after {:.4} s)", start.elapsed().as_secs_f64());
}
// ANCHOR_END: hello

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let start = Instant::now();
    let event_loop = new_event_loop();
    println!("start");
    event_loop.run_until_complete(join(hello(1, start), hello(2, start)))?;
    println!("exit after {:.4} s", start.elapsed().as_secs_f64());
    event_loop.close()
}
// ANCHOR_END: main
