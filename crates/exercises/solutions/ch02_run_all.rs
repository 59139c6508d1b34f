//! Reference solution of ch02_run_all.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use stepio_poll_loop::{EventLoop, LoopError};

/// A task's future, boxed so that one `Vec` can hold different futures.
pub type Task = Pin<Box<dyn Future<Output = ()>>>;

/// Spawns every future in `tasks` on `event_loop`, runs the loop until all
/// of them have finished, and returns how many there were.
///
/// # Errors
///
/// Whatever the loop returns: `Closed` for a closed loop, for example.
pub fn run_all(event_loop: &EventLoop, tasks: Vec<Task>) -> Result<usize, LoopError> {
    let count = tasks.len();
    if count == 0 {
        // Nothing would ever call stop; but a closed loop is still an error.
        return event_loop.run_until_complete(async { 0 });
    }
    let running = Rc::new(Cell::new(count));
    for task in tasks {
        let running = Rc::clone(&running);
        let stopper = event_loop.clone();
        event_loop.spawn(async move {
            task.await;
            running.set(running.get() - 1);
            if running.get() == 0 {
                stopper.stop();
            }
        })?;
    }
    event_loop.run_forever()?;
    Ok(count)
}
