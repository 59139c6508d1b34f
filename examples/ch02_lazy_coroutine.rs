//! Chapter 2: calling an `async fn` runs nothing until the future is polled.
//!
//! Python's coroutine objects behave the same way: `say_hello()` returns a
//! coroutine and prints nothing; only the loop running it executes its body.

use stepio_poll_loop::{EventLoop, LoopError};
use stepio_waker::yield_now;

// ANCHOR: say_hello
async fn say_hello(name: &'static str) {
    println!("hello, {name}");
}
// ANCHOR_END: say_hello

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let event_loop = EventLoop::new();

    let coroutine = say_hello("world");
    println!("called say_hello(\"world\"): got a future, nothing printed yet");

    event_loop.spawn(coroutine)?;
    println!("spawned it as a task: still nothing, the loop is not running");

    // Run the loop until a future that yields once has finished: one turn,
    // in which the task is polled for the first time.
    event_loop.run_until_complete(yield_now())?;
    println!("the loop ran: the task's body ran on its first poll");

    let never = say_hello("nobody");
    drop(never);
    println!("a future dropped without a poll never runs its body");

    event_loop.close()
}
// ANCHOR_END: main
