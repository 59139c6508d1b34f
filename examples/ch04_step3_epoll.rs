//! Chapter 4.1, step 3: epoll. The kernel keeps the list of descriptors,
//! and a wait returns only the ready ones: the same turn as step 2 costs
//! the same with 1 or 1,000 connections.

use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::time::Instant;

use stepio_reactor::bare::{Epoll, Trigger};

const ROUNDS: u32 = 2_000;

// ANCHOR: turns
/// Times `ROUNDS` waits with `watched` descriptors, the last one ready.
fn turns(watched: usize) -> io::Result<()> {
    let pairs: Vec<_> =
        (0..watched).map(|_| UnixStream::pair()).collect::<Result<_, _>>()?;
    (&pairs[watched - 1].0).write_all(b"!")?;
    let mut epoll = Epoll::new()?;
    for (_, reader) in &pairs {
        epoll.add_readable(reader.as_raw_fd(), Trigger::Level)?; // once each
    }
    let mut ready = Vec::new();
    let start = Instant::now();
    for _ in 0..ROUNDS {
        epoll.wait(None, &mut ready)?; // only the ready ones come back
    }
    let per_turn = start.elapsed() / ROUNDS;
    println!(
        "{watched:>5} watched: {} ready, found by looking at {}",
        ready.len(),
        ready.len()
    );
    eprintln!(
        "measured: {watched:>5} watched: {:>7.1} µs a turn",
        per_turn.as_secs_f64() * 1e6
    );
    Ok(())
}
// ANCHOR_END: turns

/// Runs the scenario (the tour calls this too).
pub fn main() -> io::Result<()> {
    stepio_reactor::bare::raise_fd_limit(4_096)?;
    for watched in [1, 100, 1_000] {
        turns(watched)?;
    }
    Ok(())
}
