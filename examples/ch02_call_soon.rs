//! Chapter 2: callbacks scheduled with `call_soon`, a loop that runs until a
//! callback stops it, then close.
//!
//! Expected output, in this order: `Starting event loop`, `event handler
//! called` twice, `Stopping the loop`, `Closing event loop`.

use stepio_poll_loop::{EventLoop, LoopError};

// ANCHOR: handler
/// A plain callback: it knows nothing of futures or tasks.
fn event_handler(event_loop: &EventLoop, stop: bool) {
    println!("event handler called");
    if stop {
        println!("Stopping the loop");
        event_loop.stop();
    }
}
// ANCHOR_END: handler

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let event_loop = EventLoop::new();

    // Closures capture what Python passes with functools.partial.
    let lp = event_loop.clone();
    event_loop.call_soon(move || event_handler(&lp, false))?;
    println!("Starting event loop");
    let lp = event_loop.clone();
    event_loop.call_soon(move || event_handler(&lp, true))?;

    let outcome = event_loop.run_forever();
    println!("Closing event loop");
    event_loop.close()?;
    outcome
}
// ANCHOR_END: main
