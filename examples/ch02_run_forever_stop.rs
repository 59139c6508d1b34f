//! Chapter 2: `run_forever` only returns when something calls `stop`.
//!
//! The scenario of the "run_forever and stop" tutorial: two tasks wait 1 s
//! and 3 s. Stopping the loop from inside the first one leaves the second
//! unfinished; stopping when the last one finishes waits for both. Closing
//! the loop from inside a task is refused, as asyncio refuses it.
//!
//! Stage 2 has no timers yet, so the waits are the thread-per-timer `Delay`
//! of stage 1, whose wake comes from another thread.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use stepio_poll_loop::{EventLoop, LoopError, get_running_loop};
use stepio_waker::Delay;

// ANCHOR: task
/// Waits `secs` seconds, printing before and after.
async fn task(secs: u64, start: Instant) {
    println!("task({secs}): please wait {secs} s");
    Delay::new(Duration::from_secs(secs)).await;
    println!("task({secs}): ends at {:.4} s", start.elapsed().as_secs_f64());
}
// ANCHOR_END: task

/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    stop_too_early()?;
    let event_loop = stop_after_all()?;
    close_inside(&event_loop)
}

// ANCHOR: stop_too_early
/// Part 1: the first task to finish stops the loop, too early.
fn stop_too_early() -> Result<(), LoopError> {
    println!("-- 1. the first task to finish stops the loop");
    let start = Instant::now();
    let event_loop = EventLoop::new();
    event_loop.spawn(async move {
        task(1, start).await;
        get_running_loop().unwrap().stop();
    })?;
    event_loop.spawn(task(3, start))?;
    event_loop.run_forever()?;
    let unfinished = event_loop.task_count();
    println!(
        "loop stopped at {:.4} s; {unfinished} task never finished",
        start.elapsed().as_secs_f64()
    );
    event_loop.close()
}
// ANCHOR_END: stop_too_early

// ANCHOR: stop_after_all
/// Part 2: the last task to finish stops the loop. Returns the loop for part 3.
fn stop_after_all() -> Result<EventLoop, LoopError> {
    println!("-- 2. the last task to finish stops the loop");
    let start = Instant::now();
    let event_loop = EventLoop::new();
    let running = Rc::new(Cell::new(2));
    for secs in [1, 3] {
        let running = Rc::clone(&running);
        event_loop.spawn(async move {
            task(secs, start).await;
            running.set(running.get() - 1);
            if running.get() == 0 {
                get_running_loop().unwrap().stop();
            }
        })?;
    }
    event_loop.run_forever()?;
    let unfinished = event_loop.task_count();
    println!(
        "loop stopped at {:.4} s; {unfinished} tasks unfinished",
        start.elapsed().as_secs_f64()
    );
    Ok(event_loop)
}
// ANCHOR_END: stop_after_all

// ANCHOR: close_inside
/// Part 3: a task may not close the loop that runs it; outside, `close` works.
fn close_inside(event_loop: &EventLoop) -> Result<(), LoopError> {
    println!("-- 3. closing the loop from inside a task");
    let refused =
        event_loop.run_until_complete(async { get_running_loop().unwrap().close() })?;
    match refused {
        Err(err) => println!("close() refused: {err}"),
        Ok(()) => println!("close() was accepted"),
    }
    event_loop.close()?;
    println!("closed from outside: is_closed() = {}", event_loop.is_closed());
    Ok(())
}
// ANCHOR_END: close_inside
