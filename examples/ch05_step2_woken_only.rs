//! Chapter 5, step 2: the same 1,000 sleeping tasks, each spawned as a task
//! of its own with a waker of its own (chapter 2's `spawn`). The loop polls
//! a task only after its waker was called.

use std::time::Duration;

use stepio_examples::polls::PollCount;
use stepio_poll_loop::{LoopError, ThreadDriver};
use stepio_timer_wheel::{Clock, event_loop_with, sleep};

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let event_loop = event_loop_with(ThreadDriver::new(), Clock::simulated());
    let count = PollCount::default();
    for i in 0..1_000u64 {
        event_loop.spawn(count.wrap(sleep(Duration::from_millis(i % 100 + 1))))?;
    }
    // Every task is done by 100 ms; run the loop a little past that.
    event_loop.run_until_complete(sleep(Duration::from_millis(101)))?;
    println!("1000 sleeping tasks, each polled when woken: {} polls", count.polls());
    println!("polls that found the task still asleep: {}", count.wasted());
    event_loop.close()
}
// ANCHOR_END: main
