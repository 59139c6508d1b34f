//! Chapter 10: why structured cancellation matters, on the seeds' count_down.
//!
//! A, B and C count down in a task group; B fails at its second count. The
//! group cancels A, which is still counting, and only then gives back B's
//! failure: nothing keeps running behind the program's back.
//! `python/ch10_task_group.py` prints the same lines with
//! `asyncio.TaskGroup`. The delays are the tutorial's divided by ten, and
//! chosen so that no two events fall at the same instant.

use std::time::Duration;

use stepio::{LoopError, TaskError, TaskGroup, sleep, task_group};

// ANCHOR: main
/// Says "<name> cancelled" if dropped before it is told the count is over:
/// a cancelled task's future is dropped at its `await`, so a destructor is
/// where it hears of it (asyncio raises `CancelledError` there instead).
struct OnCancel {
    name: &'static str,
    over: bool,
}

impl Drop for OnCancel {
    fn drop(&mut self) {
        if !self.over {
            println!("{} cancelled", self.name);
        }
    }
}

async fn count_down(name: &'static str, delay: Duration, fail_at: Option<u32>) {
    let mut guard = OnCancel { name, over: false };
    for n in (1..=3).rev() {
        sleep(delay).await;
        if fail_at == Some(n) {
            guard.over = true;
            panic!("{name} lost count");
        }
        println!("{name} = {n}");
    }
    guard.over = true;
}

async fn main_task() {
    let result = task_group(|group: TaskGroup| async move {
        group.create_task(count_down("A", Duration::from_millis(100), None));
        group.create_task(count_down("B", Duration::from_millis(70), Some(2)));
        group.create_task(count_down("C", Duration::from_millis(40), None));
    })
    .await;
    if let Err(group) = result {
        for error in &group.errors {
            if let TaskError::Panicked(message) = error {
                println!("failed: {message}");
            }
        }
    }
    println!("Done");
}
// ANCHOR_END: main

/// Runs the scenario.
pub fn main() -> Result<(), LoopError> {
    // B's panic is the scenario, not a bug: keep its report off stderr.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = stepio::run(main_task());
    std::panic::set_hook(hook);
    result
}
