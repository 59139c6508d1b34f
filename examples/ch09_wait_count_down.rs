//! Chapter 9: chapter 6's count_down under `wait`, watched: three tasks
//! taking turns on one thread, as the timeline draws them.
//!
//! The scenario is ch06_wait_count_down's, unchanged; this example only
//! watches it. Run it with `STEPIO_DEBUG=1 STEPIO_TRACE=1` (and
//! `STEPIO_TRACE_FILE=trace.json` for Perfetto).

#[path = "ch06_wait_count_down.rs"]
mod ch06_wait_count_down;

// ANCHOR: main
/// Runs chapter 6's scenario, with every loop it makes watched as
/// the environment says (the tour calls this too).
pub fn main() -> Result<(), stepio::LoopError> {
    stepio::watch_from_env();
    ch06_wait_count_down::main()
}
// ANCHOR_END: main
