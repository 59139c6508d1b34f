//! Chapter 5, step 1: the first scheduler a newcomer writes. Every "task"
//! is a boxed future in a `Vec`, and whenever anything wakes, all of them
//! are polled in turn. 1,000 tasks sleep 1 to 100 ms; we count the polls
//! that found a task still asleep.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use stepio_examples::polls::PollCount;
use stepio_poll_loop::{LoopError, ThreadDriver};
use stepio_timer_wheel::{Clock, event_loop_with, sleep};

// ANCHOR: round_robin
/// Every task in one `Vec`, all polled whenever the whole is polled.
struct RoundRobin {
    tasks: Vec<Option<Pin<Box<dyn Future<Output = ()>>>>>,
}

impl Future for RoundRobin {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        for slot in &mut self.tasks {
            if let Some(task) = slot
                && task.as_mut().poll(cx).is_ready()
            {
                *slot = None; // finished: never polled again
            }
        }
        if self.tasks.iter().all(Option::is_none) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
// ANCHOR_END: round_robin

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    // A simulated clock: the loop jumps to each deadline instead of waiting.
    let event_loop = event_loop_with(ThreadDriver::new(), Clock::simulated());
    let count = PollCount::default();
    let tasks = (0..1_000u64)
        .map(|i| {
            let task = count.wrap(sleep(Duration::from_millis(i % 100 + 1)));
            Some(Box::pin(task) as Pin<Box<dyn Future<Output = ()>>>)
        })
        .collect();
    event_loop.run_until_complete(RoundRobin { tasks })?;
    println!("1000 sleeping tasks, polled round-robin: {} polls", count.polls());
    println!("polls that found the task still asleep: {}", count.wasted());
    event_loop.close()
}
// ANCHOR_END: main
