//! Chapter 6: T3's async `count_down`, as T3 writes it: three tasks made
//! with `create_task`, then `wait` for all of them.
//!
//! The same `count_down` as chapter 3; only `main` changes. About 3.0 s in
//! all, the counts interleaved: C3 B3 A3 C2 C1 B2 A2 B1 A1, then Done.

#[allow(dead_code)] // only its `count_down` is used here
#[path = "ch03_count_down.rs"]
mod ch03_count_down;

use stepio_gather::{ReturnWhen, wait};
use stepio_poll_loop::{LoopError, get_running_loop};
use stepio_tasks::create_task;
use stepio_timer_wheel::LoopTime;

use ch03_count_down::count_down;

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    stepio_timer_wheel::run(async {
        let tasks = [
            create_task(count_down('A', 1.0)),
            create_task(count_down('B', 0.8)),
            create_task(count_down('C', 0.5)),
        ];
        let waited = wait(tasks, ReturnWhen::AllCompleted, None).await;
        assert!(waited.pending.is_empty());
        println!("{}", "-".repeat(40));
        println!("Done in {:.4} s", get_running_loop().unwrap().time());
    })
}
// ANCHOR_END: main
