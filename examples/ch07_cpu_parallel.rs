//! Chapter 7: CPU-bound work on a thread pool, 1 worker against 2.
//!
//! In Python, threads take turns holding one interpreter lock (the GIL), so
//! CPU-bound jobs on a thread pool are no faster with 2 workers than with
//! 1: Python needs a process pool for that. Rust threads have no such lock
//! and run on two cores at once.
//!
//! The counts go to stdout; the times go to stderr, since they depend on
//! the machine (the output check compares stdout only).

use std::time::Instant;

use stepio_executor_bridge::ThreadPoolExecutor;

const BELOW: u64 = 100_000;

// ANCHOR: job
/// Counts the primes below `n` by trial division: pure CPU work.
fn count_primes(n: u64) -> usize {
    (2..n).filter(|&k| (2..).take_while(|d| d * d <= k).all(|d| k % d != 0)).count()
}
// ANCHOR_END: job

// ANCHOR: main
/// Runs the two jobs on a pool of `workers`, and gives their counts and the
/// seconds it took.
fn run_on(workers: usize) -> (Vec<usize>, f64) {
    let executor = ThreadPoolExecutor::new(workers);
    let start = Instant::now();
    let counts = executor.map(count_primes, [BELOW, BELOW]).expect("the pool is open");
    let counts: Vec<usize> = counts.map(|count| count.expect("no panic")).collect();
    (counts, start.elapsed().as_secs_f64())
}

/// Runs the scenario (the tour calls this too).
pub fn main() {
    println!("Two CPU-bound jobs, each counting the primes below {BELOW}.");
    let (counts, one) = run_on(1);
    println!("1 worker:  {counts:?}");
    let (counts, two) = run_on(2);
    println!("2 workers: {counts:?}");
    eprintln!(
        "(times, on stderr) 1 worker: {one:.3} s, 2 workers: {two:.3} s: {:.2}x faster",
        one / two
    );
}
// ANCHOR_END: main
