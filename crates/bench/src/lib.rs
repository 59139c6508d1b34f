//! Benchmarks for the stepio stages. Run them with
//! `cargo bench -p stepio-bench`, or one group with
//! `cargo bench -p stepio-bench --bench poll_loop`.
//!
//! - `benches/waker.rs`: stage 1 (wakers, parker, `block_on`).
//! - `benches/poll_loop.rs`: stage 2 (`call_soon`, spawning, wake-and-poll).
//! - `benches/timers.rs`: stage 3 (the wheel beside a heap and a sorted
//!   map, firing a million timers, 100,000 sleeps on the loop).
//! - `benches/reactor.rs`: stage 4 (TCP echo, 50 connections; waking a
//!   loop parked in `epoll_wait` from another thread).
//! - `src/workloads.rs`: the workloads the benches and `compare` share.
//! - `src/bin/compare/`: every performance target, side by side, taking
//!   turns; heap per task; the scaling table and its figure.
//! - `src/bin/io_latency.rs`: what looking for I/O every `LOOK_EVERY` busy
//!   turns costs a socket and saves ping-pong.
//! - `src/bin/idle_cpu.rs`: how much CPU an idle loop burns.
//! - `src/bin/timer_lateness.rs`: how late `sleep(1 ms)` wakes.
//!
//! This is the only crate of the workspace with a registry dependency
//! (criterion), and it is a dev-dependency: the library itself uses std only.

#![forbid(unsafe_code)]

pub mod echo;
pub mod rounds;
pub mod timer_queues;
pub mod workloads;

use std::fs;
use std::time::Duration;

/// CPU time the calling thread has used so far, from
/// `/proc/thread-self/schedstat` (Linux; nanosecond resolution).
///
/// # Errors
///
/// When the file cannot be read or parsed (not Linux, or no procfs).
pub fn thread_cpu_time() -> std::io::Result<Duration> {
    let text = fs::read_to_string("/proc/thread-self/schedstat")?;
    let nanos = text
        .split_whitespace()
        .next()
        .and_then(|field| field.parse::<u64>().ok())
        .ok_or_else(|| {
            std::io::Error::other("unexpected /proc/thread-self/schedstat format")
        })?;
    Ok(Duration::from_nanos(nanos))
}
