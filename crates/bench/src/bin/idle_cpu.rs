//! Measures the CPU an idle event loop uses: the loop waits 2 s for a wake
//! from another thread, and we read the loop thread's CPU time around it.
//! Three rounds, each on a new loop, because one round is noisy (a
//! scheduler migration or a page fault can cost a millisecond).
//!
//! `cargo run --release -p stepio-bench --bin idle_cpu`

use std::future::poll_fn;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

use stepio_bench::thread_cpu_time;
use stepio_poll_loop::EventLoop;

const IDLE: Duration = Duration::from_secs(2);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for round in 1..=3 {
        let (wall, cpu) = idle_round()?;
        println!(
            "round {round}: idle loop {:.3} s wall, {:.3} ms CPU on the loop thread ({:.4}% of one core)",
            wall.as_secs_f64(),
            cpu.as_secs_f64() * 1e3,
            100.0 * cpu.as_secs_f64() / wall.as_secs_f64()
        );
    }
    Ok(())
}

/// One idle wait of `IDLE`: returns the wall time and the loop thread's CPU time.
fn idle_round() -> Result<(Duration, Duration), Box<dyn std::error::Error>> {
    let event_loop = EventLoop::new();
    let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
    let thread_slot = Arc::clone(&slot);
    let waker_thread = thread::spawn(move || {
        thread::sleep(IDLE);
        if let Some(waker) = thread_slot.lock().unwrap().take() {
            waker.wake();
        }
    });

    let cpu_before = thread_cpu_time()?;
    let wall_start = Instant::now();
    let mut waited = false;
    event_loop.run_until_complete(poll_fn(|cx| {
        if waited {
            return Poll::Ready(());
        }
        waited = true;
        *slot.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }))?;
    let wall = wall_start.elapsed();
    let cpu = thread_cpu_time()? - cpu_before;
    waker_thread.join().unwrap();
    Ok((wall, cpu))
}
