//! Chapter 6, step 2: the same children under this stage's `join_all`,
//! which gives each child a waker of its own. A wake puts the child's
//! index on a ready list, and the parent polls only the children listed.

use stepio_gather::join_all;
use stepio_poll_loop::LoopError;

#[allow(dead_code)] // its count_polls is used here; its main is step 1's
#[path = "ch06_step1_join_vec.rs"]
mod step1;

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    step1::count_polls("a waker each", join_all)
}
// ANCHOR_END: main
