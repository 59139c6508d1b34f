//! Chapter 1, step 3: the same two waits on stage 1's `block_on`, which
//! sleeps on a parker. The 1 s wait costs no CPU, and the wake that came
//! before the sleep is remembered.

use std::time::{Duration, Instant};

use stepio_examples::cpu::{cpu_time, describe};
use stepio_waker::{Delay, block_on, yield_now};

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() {
    println!("block_on: wait 1 s for a deadline, sleeping on a parker");
    let (start, cpu_before) = (Instant::now(), cpu_time());
    block_on(Delay::new(Duration::from_secs(1)));
    let cpu = cpu_time().zip(cpu_before).map(|(after, before)| after - before);
    println!("{:.4}: ready", start.elapsed().as_secs_f64());
    let idle = cpu.is_some_and(|cpu| cpu < Duration::from_millis(50));
    println!("the thread spent less than 50 ms of the wait on the CPU: {idle}");
    eprintln!("measured: {} in 1 s", describe(cpu));

    println!("block_on: a future that wakes itself, then returns Pending");
    let start = Instant::now();
    block_on(yield_now());
    println!("{:.4}: ready", start.elapsed().as_secs_f64());
}
// ANCHOR_END: main
