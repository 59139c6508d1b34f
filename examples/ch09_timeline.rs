//! Chapter 9: seeing the loop. T3's `count_down` as chapter 6 runs it, on
//! `stepio::run_traced`, which records what the loop did; then the run,
//! drawn as a timeline: one row per task, time across.
//!
//! The count_down lines go to stdout, as in chapter 6; the timeline goes to
//! stderr. With a path, `cargo run --example ch09_timeline -- trace.json`
//! also writes the trace there, for <https://ui.perfetto.dev>.

#[allow(dead_code)] // only its `count_down` is used here
#[path = "ch03_count_down.rs"]
mod ch03_count_down;

use std::error::Error;
use std::io::Write;

use stepio::{LoopTime, ReturnWhen, create_task, get_running_loop, wait};

use ch03_count_down::count_down;

// ANCHOR: main
/// Runs the scenario traced, and draws it.
pub fn main() -> Result<(), Box<dyn Error>> {
    let ((), trace) = stepio::run_traced(async {
        let tasks = [
            create_task(count_down('A', 1.0)),
            create_task(count_down('B', 0.8)),
            create_task(count_down('C', 0.5)),
        ];
        wait(tasks, ReturnWhen::AllCompleted, None).await;
        println!("{}", "-".repeat(40));
        println!("Done in {:.4} s", get_running_loop().unwrap().time());
    })?;
    // The scenario's lines first, then a blank line and the drawing.
    std::io::stdout().flush()?;
    eprint!("\n{}", trace.timeline(64));
    if let Some(path) = std::env::args().nth(1) {
        trace.write_chrome_json(&path)?;
        eprintln!("trace written to {path}: open it at https://ui.perfetto.dev");
    }
    Ok(())
}
// ANCHOR_END: main
