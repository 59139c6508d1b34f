//! Chapter 7.1, step 1: the first way a newcomer moves blocking calls off
//! the loop's thread: a new thread for every call. 10,000 small calls, each
//! on a thread of its own; we count the threads and time the whole.

use std::thread;
use std::time::Instant;

const CALLS: u64 = 10_000;

// ANCHOR: job
/// A small piece of work that would hold up a loop if it ran there.
fn job(n: u64) -> u64 {
    (0..1_000).fold(n, |sum, i| sum.wrapping_mul(31).wrapping_add(i))
}
// ANCHOR_END: job

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() {
    let start = Instant::now();
    let mut threads = Vec::new();
    for n in 0..CALLS {
        threads.push(thread::spawn(move || job(n))); // a thread per call
    }
    let total =
        threads.into_iter().map(|thread| thread.join().unwrap()).fold(0, u64::max);
    println!("{CALLS} calls, a thread each: {CALLS} threads started and ended");
    println!("largest result: {total}");
    let took = start.elapsed();
    eprintln!("measured: {:.3} s, {:.1} µs a call", took.as_secs_f64(), per_call(took));
}
// ANCHOR_END: main

/// Microseconds a call.
fn per_call(took: std::time::Duration) -> f64 {
    took.as_secs_f64() * 1e6 / CALLS as f64
}
