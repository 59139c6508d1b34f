//! Chapter 4.1, step 2: one thread watches every connection with
//! `poll(2)`. No thread per connection, but each turn hands the kernel the
//! whole list and then looks at the whole list for the few that are ready.
//! We time a turn with 1, 100 and 1,000 connections, one of them ready.

use std::io::{self, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::time::Instant;

use stepio_reactor::bare::{PollFd, poll};

const ROUNDS: u32 = 2_000;

// ANCHOR: turn
/// One turn of a poll loop: wait until something is ready, then find what.
/// Returns how many entries it looked at to find them.
fn turn(fds: &mut [PollFd], ready: &mut Vec<RawFd>) -> io::Result<usize> {
    poll(fds, None)?; // wait until something is ready
    ready.clear();
    for entry in fds.iter() {
        if entry.is_ready() {
            ready.push(entry.fd()); // collect the ready ones
        }
    }
    Ok(fds.len())
}
// ANCHOR_END: turn

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> io::Result<()> {
    stepio_reactor::bare::raise_fd_limit(4_096)?;
    for watched in [1, 100, 1_000] {
        // A connected pair stands in for a connection; the last one has
        // a byte waiting, so every turn finds exactly one ready.
        let pairs: Vec<_> =
            (0..watched).map(|_| UnixStream::pair()).collect::<Result<_, _>>()?;
        (&pairs[watched - 1].0).write_all(b"!")?;
        let mut fds: Vec<_> =
            pairs.iter().map(|(_, r)| PollFd::readable(r.as_raw_fd())).collect();
        let (mut ready, mut looked_at) = (Vec::new(), 0);
        let start = Instant::now();
        for _ in 0..ROUNDS {
            looked_at = turn(&mut fds, &mut ready)?;
        }
        let per_turn = start.elapsed() / ROUNDS;
        println!(
            "{watched:>5} watched: {} ready, found by looking at {looked_at}",
            ready.len()
        );
        eprintln!(
            "measured: {watched:>5} watched: {:>7.1} µs a turn",
            per_turn.as_secs_f64() * 1e6
        );
    }
    Ok(())
}
// ANCHOR_END: main
