//! Chapter 3: T2's `call_later` and `call_at`, and a timer cancelled in time.
//!
//! `call_later(delay, callback)` runs a callback once `delay` has passed;
//! `call_at(when, callback)` at a moment on the loop's own clock, computed
//! from `time()` (in Python) or `now()` (in Rust): not the wall clock. The
//! tutorial's `call_at` is 300 s ahead; this one is 2 s, to keep the example
//! short.

use std::time::Duration;

use stepio_poll_loop::{EventLoop, LoopError};
use stepio_timer_wheel::{LoopTime, new_event_loop};

// ANCHOR: handler
/// A plain callback, as in chapter 2; it reports when it ran.
fn handler(event_loop: &EventLoop, by: &str) {
    println!("{:.4}: handler called by {by}", event_loop.time());
}
// ANCHOR_END: handler

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let event_loop = new_event_loop();
    println!("{:.4}: loop time at the start", event_loop.time());

    let lp = event_loop.clone();
    let later = event_loop
        .call_later(Duration::from_secs(1), move || handler(&lp, "call_later"))?;
    println!("call_later(1 s) is due at {:.4}", later.when());

    let lp = event_loop.clone();
    let when = event_loop.now() + Duration::from_secs(2);
    let at = event_loop.call_at(when, move || {
        handler(&lp, "call_at");
        lp.stop();
    })?;
    println!("call_at(now() + 2 s) is due at {:.4}", at.when());

    let lp = event_loop.clone();
    let never = event_loop.call_later(Duration::from_millis(1500), move || {
        handler(&lp, "a cancelled timer")
    })?;
    never.cancel();
    println!(
        "call_later(1.5 s) cancelled before it fired: cancelled() = {}",
        never.cancelled()
    );

    event_loop.run_forever()?;
    println!("{:.4}: loop stopped", event_loop.time());
    event_loop.close()
}
// ANCHOR_END: main
