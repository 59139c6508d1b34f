//! Chapter 8: what a lock and a queue do while they hand something on,
//! as asyncio's do.
//!
//! A lock unlocked while a task waits for it is promised to that task but
//! not locked until the task runs and takes it. A queue that makes room for
//! a waiting putter keeps the room for it; if that putter is cancelled
//! before it runs, it puts nothing, and the room goes to the next putter.
//! `python/ch08_handoff.py` prints the same lines.

use std::time::Duration;

use stepio::sync::{Lock, Queue};
use stepio::{LoopError, create_task, sleep};

// ANCHOR: main
async fn handoff() {
    let lock = Lock::new();
    let guard = lock.lock().await;
    let holder = create_task({
        let lock = lock.clone();
        async move {
            let _guard = lock.lock().await;
            println!("lock: the waiter holds it: locked() = {}", lock.locked());
        }
    });
    sleep(Duration::ZERO).await; // the waiter gets in line
    drop(guard);
    println!("lock: released to a waiter that has not run: locked() = {}", lock.locked());
    holder.await.expect("the waiter finishes");

    let queue = Queue::new(1);
    queue.put_nowait("first").expect("room for one");
    let put = |item| {
        create_task({
            let queue = queue.clone();
            async move { queue.put(item).await }
        })
    };
    let (a, b) = (put("second"), put("third"));
    sleep(Duration::ZERO).await; // both wait for room
    println!("queue: full; get_nowait() = {}", queue.get_nowait().expect("an item"));
    a.cancel(); // room was made for A, which has not run yet
    let _ = a.await;
    b.await.expect("B puts its item");
    let mut items = Vec::new();
    while let Ok(item) = queue.get_nowait() {
        items.push(format!("'{item}'"));
    }
    println!("queue: A cancelled, B done: the queue holds [{}]", items.join(", "));
}
// ANCHOR_END: main

/// Runs the scenario.
pub fn main() -> Result<(), LoopError> {
    stepio::run(handoff())
}
