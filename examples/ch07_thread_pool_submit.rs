//! Chapter 7: T4's `ThreadPoolExecutor(max_workers=2)`, no event loop at
//! all.
//!
//! Two jobs sleep 3 s and return "hello" and "world". Both run at once, one
//! per worker: after 1 s neither is done, after 4 s both are, and `result`
//! gives their values.

use std::thread;
use std::time::{Duration, Instant};

use stepio_executor_bridge::{ConcurrentFuture, ThreadPoolExecutor};

// ANCHOR: job
/// Sleeps 3 s (blocking its worker thread), then returns `word`.
fn job(word: &'static str) -> &'static str {
    thread::sleep(Duration::from_secs(3));
    word
}
// ANCHOR_END: job

/// "yes" or "no" for each future's `done()`.
fn done(futures: &[&ConcurrentFuture<&'static str>]) -> String {
    futures
        .iter()
        .map(|future| if future.done() { "yes" } else { "no" })
        .collect::<Vec<_>>()
        .join(", ")
}

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() {
    let start = Instant::now();
    let executor = ThreadPoolExecutor::new(2);
    let hello = executor.submit(|| job("hello")).expect("the pool is open");
    let world = executor.submit(|| job("world")).expect("the pool is open");
    println!(
        "{:.4}: submitted two jobs to a pool of 2 workers",
        start.elapsed().as_secs_f64()
    );

    thread::sleep(Duration::from_secs(1));
    println!("{:.4}: done? {}", start.elapsed().as_secs_f64(), done(&[&hello, &world]));
    thread::sleep(Duration::from_secs(3));
    println!("{:.4}: done? {}", start.elapsed().as_secs_f64(), done(&[&hello, &world]));

    let (hello, world) = (hello.result(), world.result());
    println!(
        "{:.4}: results: {} {}",
        start.elapsed().as_secs_f64(),
        hello.unwrap(),
        world.unwrap()
    );
    executor.shutdown(true);
}
// ANCHOR_END: main
