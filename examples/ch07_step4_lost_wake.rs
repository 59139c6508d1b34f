//! Chapter 7.2, step 4: the lost wake between a worker and a sleeping loop,
//! played step by step on one thread so that it happens on every run.
//!
//! The loop sleeps in epoll on a wake socket (asyncio's "self-pipe"). To
//! save a system call, a worker writes to the socket only when the loop
//! says it is asleep. Naively, the loop checks its queue and *then* says
//! so; a job that lands between the two is never announced.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use stepio_reactor::bare::{Epoll, Trigger};

/// What the loop has told the workers about itself.
#[derive(Clone, Copy, PartialEq, Debug)]
enum State {
    Running,
    Parked,
}

/// A loop's queue, its state, and the socket that wakes its epoll.
struct Loop {
    queue: VecDeque<&'static str>,
    state: State,
    wake: (UnixStream, UnixStream),
    epoll: Epoll,
}

// ANCHOR: worker
/// A worker hands the loop a job: push, and write only to a parked loop.
fn worker_sends(the_loop: &mut Loop) -> io::Result<()> {
    the_loop.queue.push_back("result");
    if the_loop.state == State::Parked {
        (&the_loop.wake.0).write_all(&[1])?;
    }
    Ok(())
}
// ANCHOR_END: worker

// ANCHOR: park
/// The loop goes to sleep, with the worker's step at the worst moment:
/// after the loop's last look at the queue. `fixed` announces the sleep
/// before that look instead of after it.
fn park(the_loop: &mut Loop, fixed: bool) -> io::Result<Duration> {
    if fixed {
        the_loop.state = State::Parked; // announce, then look
    }
    let empty = the_loop.queue.is_empty(); // the last look: nothing to do
    worker_sends(the_loop)?; // another thread, just now
    if !fixed {
        the_loop.state = State::Parked; // look, then announce
    }
    let start = Instant::now();
    if empty {
        // Sleep until the wake socket is readable (2 s at most, so it ends).
        the_loop.epoll.wait(Some(Duration::from_secs(2)), &mut Vec::new())?;
    }
    Ok(start.elapsed())
}
// ANCHOR_END: park

/// Runs the scenario (the tour calls this too).
pub fn main() -> io::Result<()> {
    for fixed in [false, true] {
        let wake = UnixStream::pair()?;
        let epoll = Epoll::new()?;
        epoll.add_readable(wake.1.as_raw_fd(), Trigger::Level)?;
        let mut the_loop =
            Loop { queue: VecDeque::new(), state: State::Running, wake, epoll };
        let slept = park(&mut the_loop, fixed)?;
        let name = if fixed { "announce, then look" } else { "look, then announce" };
        println!("{name}: slept {:.1} s with a job in the queue", slept.as_secs_f64());
    }
    Ok(())
}
