//! Chapter 7.2: chapter 2's `call_soon` scenario, with the two callbacks
//! sent from another thread through `call_soon_threadsafe`. The loop may
//! be asleep in `epoll_wait` when they come; the send wakes it.
//!
//! Expected output, in this order: `Starting event loop`, `event handler
//! called` twice, `Stopping the loop`, `Closing event loop`.

use std::thread;

use stepio_executor_bridge::LoopExecutor;
use stepio_poll_loop::{LoopError, get_running_loop};

// ANCHOR: handler
/// The callback of chapter 2, which finds its loop by asking for the
/// running one: it runs on the loop's thread, wherever it was sent from.
fn event_handler(stop: bool) {
    println!("event handler called");
    if stop {
        println!("Stopping the loop");
        get_running_loop().expect("callbacks run on the loop").stop();
    }
}
// ANCHOR_END: handler

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let event_loop = stepio_reactor::new_event_loop().map_err(LoopError::Driver)?;
    let remote = event_loop.remote(); // Send + Sync: this one may cross threads
    let thread = thread::spawn(move || {
        remote.call_soon_threadsafe(|| event_handler(false))?;
        remote.call_soon_threadsafe(|| event_handler(true))
    });
    println!("Starting event loop");
    let outcome = event_loop.run_forever();
    thread.join().expect("the other thread panicked")?;
    println!("Closing event loop");
    event_loop.close()?;
    outcome
}
// ANCHOR_END: main
