//! Chapter 3: a chapter-2 loop asked for a timer, beside a loop with timers.
//!
//! `EventLoop::new()` makes a loop whose driver only parks the thread:
//! nothing would ever fire a timer filed on it. So `call_later` returns an
//! error that says what is missing, instead of a panic or a timer that never
//! fires. `time()` and `sleep` cannot return an error, and still work: a
//! real clock, and a thread per sleep as chapter 1's `Delay`.

use std::time::Duration;

use stepio_poll_loop::{EventLoop, LoopError};
use stepio_timer_wheel::{LoopTime, new_event_loop, sleep};

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let chapter_2 = EventLoop::new();
    println!("{:.4}: chapter 2's loop starts its clock", chapter_2.time());
    match chapter_2.call_later(Duration::from_millis(100), || println!("never printed")) {
        Ok(_) => println!("call_later scheduled a timer"),
        Err(err) => println!("call_later: {err}"),
    }
    chapter_2.run_until_complete(sleep(Duration::from_millis(100)))?;
    println!("{:.4}: sleep(0.1) done, on a thread of its own", chapter_2.time());
    chapter_2.close()?;

    let with_timers = new_event_loop();
    let lp = with_timers.clone();
    with_timers.call_later(Duration::from_millis(100), move || {
        println!("{:.4}: a loop with timers: call_later(0.1) fired", lp.time());
        lp.stop();
    })?;
    with_timers.run_forever()?;
    with_timers.close()
}
// ANCHOR_END: main
