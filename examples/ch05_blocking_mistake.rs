//! Chapter 5: T2's classic mistake: a task that calls a *blocking* sleep.
//!
//! A ticker task prints every 0.5 s. At 1.2 s another task calls
//! `std::thread::sleep(2 s)` (Python's `time.sleep`) instead of awaiting
//! `sleep`. The loop has one thread and switches tasks only at `await`s, so
//! nothing else runs for those 2 s: the tick due at 1.5 s comes at 3.2 s,
//! as the last line says.
//! Chapter 7 moves such calls to a thread pool.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use stepio_poll_loop::{LoopError, get_running_loop};
use stepio_tasks::create_task;
use stepio_timer_wheel::{LoopTime, new_event_loop, sleep};

// ANCHOR: tasks
/// Ticks six times, 0.5 s apart, and records when each tick came.
async fn ticker(ticks: Rc<RefCell<Vec<f64>>>) {
    let event_loop = get_running_loop().expect("runs on the loop");
    for n in 0..6 {
        let now = event_loop.time();
        println!("{now:.4}: tick {n}");
        ticks.borrow_mut().push(now);
        sleep(Duration::from_millis(500)).await;
    }
}

/// The mistake: a blocking call inside a task.
async fn my_task(seconds: u64) -> &'static str {
    let event_loop = get_running_loop().expect("runs on the loop");
    sleep(Duration::from_millis(1200)).await;
    println!("{:.4}: my_task: blocking sleep for {seconds} s", event_loop.time());
    std::thread::sleep(Duration::from_secs(seconds));
    println!("{:.4}: my_task: done", event_loop.time());
    "task finished"
}
// ANCHOR_END: tasks

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> Result<(), LoopError> {
    let event_loop = new_event_loop();
    let ticks = Rc::new(RefCell::new(Vec::new()));
    let recorded = Rc::clone(&ticks);
    event_loop.run_until_complete(async move {
        let ticker = create_task(ticker(recorded));
        let blocking = create_task(my_task(2));
        let (_, _) = (ticker.await, blocking.await);
    })?;
    let ticks = ticks.borrow();
    // The tick after the longest gap, and when it was due (0.5 s after the
    // one before it).
    let (late, _) = (1..ticks.len()).map(|n| (n, ticks[n] - ticks[n - 1])).fold(
        (0, 0.0),
        |longest, (n, gap)| if gap > longest.1 { (n, gap) } else { longest },
    );
    println!(
        "tick {late} was due at {:.1} s and came at {:.4} s",
        ticks[late - 1] + 0.5,
        ticks[late]
    );
    event_loop.close()
}
// ANCHOR_END: main
