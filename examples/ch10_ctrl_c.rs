//! Chapter 10: Ctrl-C in `stepio::run`, as in `asyncio.run`: the first one
//! cancels the main future, the loop closes as usual, and `run` returns
//! `LoopError::Interrupted`. To need no hand on the keyboard, the program
//! sends itself the Ctrl-C, with `kill -INT`. `python/ch10_ctrl_c.py`
//! prints the same lines.

use std::process::Command;
use std::time::Duration;

use stepio::{LoopError, create_subprocess_exec, sleep};

// ANCHOR: main
/// Says so when dropped before the end: a cancelled future is dropped at
/// its `await`, so a destructor is where it hears of it.
struct CleanUp {
    finished: bool,
}

impl Drop for CleanUp {
    fn drop(&mut self) {
        if !self.finished {
            println!("main: cancelled, cleaning up");
        }
    }
}

async fn main_task() -> std::io::Result<()> {
    let mut clean_up = CleanUp { finished: false };
    println!("main: working; a Ctrl-C is on its way");
    let pid = std::process::id().to_string();
    create_subprocess_exec(Command::new("kill").args(["-INT", &pid]))?.wait().await?;
    sleep(Duration::from_secs(1)).await;
    println!("main: finished");
    clean_up.finished = true;
    Ok(())
}

/// Runs the scenario.
pub fn main() -> Result<(), LoopError> {
    match stepio::run(main_task()) {
        Err(LoopError::Interrupted) => println!("run: KeyboardInterrupt"),
        other => other?.map_err(LoopError::Driver)?,
    }
    Ok(())
}
// ANCHOR_END: main
