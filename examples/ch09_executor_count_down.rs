//! Chapter 9: chapter 7's blocking count_down on a thread pool, watched:
//! the waits run on three workers while the loop sleeps.
//!
//! The scenario is ch07_executor_count_down's, unchanged; this example only
//! watches it. Run it with `STEPIO_DEBUG=1 STEPIO_TRACE=1` (and
//! `STEPIO_TRACE_FILE=trace.json` for Perfetto).

#[path = "ch07_executor_count_down.rs"]
mod ch07_executor_count_down;

// ANCHOR: main
/// Runs chapter 7's scenario, with every loop it makes watched as
/// the environment says (the tour calls this too).
pub fn main() -> Result<(), stepio::LoopError> {
    stepio::watch_from_env();
    ch07_executor_count_down::main()
}
// ANCHOR_END: main
