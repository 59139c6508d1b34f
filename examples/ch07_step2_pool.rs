//! Chapter 7.1, step 2: the same 10,000 calls on a pool of 4 worker
//! threads that take jobs from one queue: this stage's
//! `ThreadPoolExecutor`.

use std::collections::HashSet;
use std::thread;
use std::time::Instant;

use stepio_executor_bridge::ThreadPoolExecutor;

const CALLS: u64 = 10_000;

/// The same small job as step 1.
fn job(n: u64) -> u64 {
    (0..1_000).fold(n, |sum, i| sum.wrapping_mul(31).wrapping_add(i))
}

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() {
    let start = Instant::now();
    let pool = ThreadPoolExecutor::new(4);
    let futures: Vec<_> = (0..CALLS)
        .map(|n| pool.submit(move || (job(n), thread::current().id())))
        .collect::<Result<_, _>>()
        .expect("the pool is open");
    let (mut total, mut workers) = (0, HashSet::new());
    for future in futures {
        let (result, worker) = future.result().expect("the job does not panic");
        total = total.max(result);
        workers.insert(worker);
    }
    pool.shutdown(true);
    println!(
        "{CALLS} calls on a pool of 4: at most 4 threads ran them: {}",
        workers.len() <= 4
    );
    println!("largest result: {total}");
    let took = start.elapsed();
    let per_call = took.as_secs_f64() * 1e6 / CALLS as f64;
    eprintln!("measured: {:.3} s, {per_call:.1} µs a call", took.as_secs_f64());
}
// ANCHOR_END: main
