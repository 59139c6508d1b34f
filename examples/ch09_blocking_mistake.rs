//! Chapter 9: chapter 5's blocking mistake, watched. Debug mode names
//! the task that held the loop, and the timeline draws it as one bar.
//!
//! The scenario is ch05_blocking_mistake's, unchanged; this example only
//! watches it. Run it with `STEPIO_DEBUG=1 STEPIO_TRACE=1` (and
//! `STEPIO_TRACE_FILE=trace.json` for Perfetto).

#[path = "ch05_blocking_mistake.rs"]
mod ch05_blocking_mistake;

// ANCHOR: main
/// Runs chapter 5's scenario, with every loop it makes watched as
/// the environment says (the tour calls this too).
pub fn main() -> Result<(), stepio::LoopError> {
    stepio::watch_from_env();
    ch05_blocking_mistake::main()
}
// ANCHOR_END: main
