//! Chapter 10: child processes on the loop. Three children that sleep run
//! at once; `tr` is fed and read with `communicate`; a `sleep 10` is
//! killed. `python/ch10_subprocess.py` prints the same lines with
//! `asyncio.create_subprocess_exec`.

use std::io;
use std::process::{Command, Stdio};
use std::time::Instant;

use stepio::{LoopError, create_subprocess_exec, create_task};

// ANCHOR: main
/// Runs `script` in `sh`, and prints what it printed when it ends.
async fn run_child(script: &str) -> io::Result<()> {
    let mut child = create_subprocess_exec(
        Command::new("sh").args(["-c", script]).stdout(Stdio::piped()),
    )?;
    let (out, _) = child.communicate(None).await?;
    print!("{}", String::from_utf8_lossy(&out));
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
    println!("all three in {:.1} s, not 0.6", start.elapsed().as_secs_f64());

    let mut tr = create_subprocess_exec(
        Command::new("tr")
            .args(["a-z", "A-Z"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped()),
    )?;
    let (out, _) = tr.communicate(Some(b"hello from the parent\n")).await?;
    print!("tr said: {}", String::from_utf8_lossy(&out));

    let mut sleeper = create_subprocess_exec(Command::new("sleep").arg("10"))?;
    sleeper.kill()?;
    println!("sleep 10, killed: returncode {}", sleeper.wait().await?);
    Ok(())
}
// ANCHOR_END: main

/// Runs the scenario.
pub fn main() -> Result<(), LoopError> {
    stepio::run(main_task())?.map_err(LoopError::Driver)
}
