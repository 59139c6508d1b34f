//! Chapter 6: `wait` with `FirstCompleted` and a timeout, then `wait_for`
//! on a task that finishes in time and on one that does not.
//!
//! Three tasks of 0.5 s, 1.5 s and 3 s. `wait` returns as soon as the first
//! finishes, and cancels nothing; a `wait` whose timeout runs out returns
//! with the same tasks still pending. `wait_for_task` gives the medium
//! task's result in time; the slow one runs out of time and is cancelled:
//! its future is dropped before `wait_for_task` returns.

use std::time::Duration;

use stepio_gather::{ReturnWhen, wait, wait_for_task};
use stepio_poll_loop::{LoopError, get_running_loop};
use stepio_tasks::{LoopTasks, Task, create_task};
use stepio_timer_wheel::{LoopTime, sleep};

// ANCHOR: download
/// Pretends to download `name`, which takes `seconds`.
async fn download(name: &'static str, seconds: f64) -> String {
    // Runs when the future is dropped: when the task is cancelled, or when
    // it returns (then `finished` is set and it says nothing).
    let mut guard = Cancelled { name, finished: false };
    sleep(Duration::from_secs_f64(seconds)).await;
    guard.finished = true;
    format!("{name} done")
}

/// Says so if its download is dropped before it finished.
struct Cancelled {
    name: &'static str,
    finished: bool,
}

impl Drop for Cancelled {
    fn drop(&mut self) {
        if !self.finished {
            let now = get_running_loop().map_or(f64::NAN, |event_loop| event_loop.time());
            println!("{now:.4}: {}: cancelled before it finished", self.name);
        }
    }
}
// ANCHOR_END: download

/// The tasks' names, sorted (asyncio gives sets; sorting makes both
/// languages print the same).
fn names<T>(tasks: &[Task<T>]) -> String {
    let mut names: Vec<String> = tasks.iter().map(Task::name).collect();
    names.sort();
    format!("[{}]", names.join(", "))
}

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    stepio_timer_wheel::run(async {
        let event_loop = get_running_loop().expect("inside run");
        let tasks =
            [("fast", 0.5), ("medium", 1.5), ("slow", 3.0)].map(|(name, seconds)| {
                let task = create_task(download(name, seconds));
                task.set_name(name);
                task
            });

        let waited = wait(tasks, ReturnWhen::FirstCompleted, None).await;
        let (done, pending) = (names(&waited.done), names(&waited.pending));
        println!(
            "{:.4}: FIRST_COMPLETED: done {done}, pending {pending}",
            event_loop.time()
        );

        let timeout = Some(Duration::from_secs_f64(0.5));
        let waited = wait(waited.pending, ReturnWhen::AllCompleted, timeout).await;
        let (done, pending) = (names(&waited.done), names(&waited.pending));
        println!(
            "{:.4}: timeout 0.5 s: done {done}, pending {pending}",
            event_loop.time()
        );

        let [medium, slow] =
            <[Task<String>; 2]>::try_from(waited.pending).expect("two pending");
        let one_second = Duration::from_secs(1);
        match wait_for_task(medium, one_second).await {
            Ok(outcome) => {
                println!(
                    "{:.4}: wait_for(medium, 1 s): {:?}",
                    event_loop.time(),
                    outcome.unwrap()
                )
            }
            Err(elapsed) => {
                println!("{:.4}: wait_for(medium, 1 s): {elapsed}", event_loop.time())
            }
        }
        match wait_for_task(slow, one_second).await {
            Ok(outcome) => println!(
                "{:.4}: wait_for(slow, 1 s): {:?}",
                event_loop.time(),
                outcome.unwrap()
            ),
            Err(elapsed) => {
                println!("{:.4}: wait_for(slow, 1 s): {elapsed}", event_loop.time())
            }
        }
        println!(
            "{:.4}: {} tasks unfinished",
            event_loop.time(),
            event_loop.pending_tasks()
        );
    })
}
// ANCHOR_END: main
