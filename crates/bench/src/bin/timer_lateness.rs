//! How late does `sleep(1 ms)` wake? 2,000 sleeps of 1 ms, one after the
//! other, on the loop; each one's lateness is the time from its deadline to
//! the moment the awaiting task runs again. Beside it, the same for
//! `std::thread::sleep(1 ms)`: the floor the operating system sets (Linux
//! lets a sleeping thread's timer run late by its "timer slack", 50 µs by
//! default, to batch wake-ups).
//!
//! `cargo run --release -p stepio-bench --bin timer_lateness`
//! (add `--features peers` for tokio's figures beside ours)

use std::time::{Duration, Instant};

use stepio_timer_wheel::{new_event_loop, sleep};

const ROUNDS: usize = 2_000;
const DELAY: Duration = Duration::from_millis(1);

/// Median, 99th percentile and maximum, in microseconds.
fn summary(mut late: Vec<Duration>) -> String {
    late.sort_unstable();
    let at =
        |q: f64| late[((late.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e6;
    format!("median {:6.1} µs, p99 {:7.1} µs, max {:8.1} µs", at(0.5), at(0.99), at(1.0))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut thread_late = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let deadline = Instant::now() + DELAY;
        std::thread::sleep(DELAY);
        thread_late.push(Instant::now() - deadline);
    }

    let event_loop = new_event_loop();
    let loop_late = event_loop.run_until_complete(async {
        let mut late = Vec::with_capacity(ROUNDS);
        for _ in 0..ROUNDS {
            let deadline = Instant::now() + DELAY;
            sleep(DELAY).await;
            late.push(Instant::now() - deadline);
        }
        late
    })?;
    event_loop.close()?;

    println!("lateness of a 1 ms sleep, {ROUNDS} rounds each:");
    println!("  std::thread::sleep (the OS floor): {}", summary(thread_late));
    println!("  stepio sleep on the loop:          {}", summary(loop_late));
    #[cfg(feature = "peers")]
    println!("  tokio sleep, current_thread:       {}", summary(tokio_lateness()));
    Ok(())
}

/// The same rounds on tokio's current-thread runtime (`--features peers`).
#[cfg(feature = "peers")]
fn tokio_lateness() -> Vec<Duration> {
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    runtime.block_on(async {
        let mut late = Vec::with_capacity(ROUNDS);
        for _ in 0..ROUNDS {
            let deadline = Instant::now() + DELAY;
            tokio::time::sleep(DELAY).await;
            late.push(Instant::now() - deadline);
        }
        late
    })
}
