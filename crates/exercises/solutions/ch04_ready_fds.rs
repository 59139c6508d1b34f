//! Exercise ch04_ready_fds: which descriptors are ready to read, with one
//! `poll(2)` call.
//!
//! Read first: chapter 4.1 of the book, "Step 2: one thread, and `poll(2)`"
//! (`book/src/ch04-1-readiness.md`).
//!
//! One thread can watch many sockets if one call waits for all of them.
//! Write `ready_to_read`: build a `PollFd` per descriptor, hand the list to
//! `poll` with the timeout (`None`: wait until something is ready), then
//! look at every entry and return the descriptors the kernel marked ready,
//! in the order they were given. Data waiting, a peer that hung up and an
//! error all count as ready: a read would return at once.
//! Check with `cargo exercises verify ch04_ready_fds`.

use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

use stepio_reactor::bare::{PollFd, poll};

/// The descriptors of `fds` that a read would not block on, in the order
/// given, after waiting at most `timeout` (`None`: until one is ready).
///
/// # Errors
///
/// What `poll` returns.
pub fn ready_to_read(fds: &[RawFd], timeout: Option<Duration>) -> io::Result<Vec<RawFd>> {
    let mut entries: Vec<PollFd> = fds.iter().map(|&fd| PollFd::readable(fd)).collect();
    // The count says how many, not which: the answers are in the entries.
    poll(&mut entries, timeout)?;
    Ok(entries.iter().filter(|entry| entry.is_ready()).map(PollFd::fd).collect())
}
