//! Chapter 5: in what order a finished task tells those who wait for it.
//!
//! asyncio tells them in the order they began to wait: a task awaiting
//! another is, underneath, one more done callback, added when it began to
//! await. So a callback added before the watcher began to wait runs before
//! it resumes, and one added after runs after. `python/ch05_done_order.py`
//! prints the same lines.
//!
//! In Rust the handle is not shared: whoever awaits it owns it, so nobody
//! else can add a callback while it waits. The watcher here shares it
//! through an `Rc` and waits with `poll_done`, as `gather` and `wait` do.

use std::future::poll_fn;
use std::rc::Rc;
use std::time::Duration;

use stepio::{LoopError, Task, create_task, sleep};

// ANCHOR: main
async fn watch(task: Rc<Task<()>>) {
    poll_fn(|cx| task.poll_done(cx)).await;
    println!("watcher: resumed");
}

async fn in_order() {
    let task = Rc::new(create_task(sleep(Duration::from_millis(100))));
    task.add_done_callback(|_| println!("callback 1: called"));
    let watcher = create_task(watch(Rc::clone(&task)));
    sleep(Duration::ZERO).await; // the watcher begins to wait
    task.add_done_callback(|_| println!("callback 2: called"));
    watcher.await.expect("the watcher finishes");
    println!("main: the watcher is done");
}
// ANCHOR_END: main

/// Runs the scenario.
pub fn main() -> Result<(), LoopError> {
    stepio::run(in_order())
}
