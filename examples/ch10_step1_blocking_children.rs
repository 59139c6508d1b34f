//! Chapter 10, step 1: children started with std's `Command::output`
//! inside tasks. It runs the child and waits for it, as asked; but it waits
//! on the loop's thread, so the three children that sleep 0.3, 0.1 and
//! 0.2 s run one after another.

use std::io;
use std::process::Command;
use std::time::Instant;

use stepio::{LoopError, create_task};

// ANCHOR: main
async fn run_child(script: &str) -> io::Result<()> {
    // Blocks the whole loop until the child has ended.
    let output = Command::new("sh").args(["-c", script]).output()?;
    print!("{}", String::from_utf8_lossy(&output.stdout));
    Ok(())
}

async fn main_task() -> io::Result<()> {
    let start = Instant::now();
    let children = [
        "sleep 0.3; echo A slept 0.3 s",
        "sleep 0.1; echo B slept 0.1 s",
        "sleep 0.2; echo C slept 0.2 s",
    ];
    let tasks: Vec<_> =
        children.iter().map(|script| create_task(run_child(script))).collect();
    for task in tasks {
        task.await.expect("the child's task finishes")?;
    }
    println!("all three in {:.1} s", start.elapsed().as_secs_f64());
    Ok(())
}
// ANCHOR_END: main

/// Runs the scenario.
pub fn main() -> Result<(), LoopError> {
    stepio::run(main_task())?.map_err(LoopError::Driver)
}
