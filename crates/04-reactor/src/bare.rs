//! The readiness calls, bare: `poll(2)`, and epoll without the reactor.
//!
//! A safe face on the system calls and nothing else: no registry, no
//! wakers, no loop. Chapter 4.1 climbs through them before it builds the
//! [`Reactor`](crate::Reactor): how the cost of `poll` grows with the
//! descriptors watched, how epoll's does not, and what level- and
//! edge-triggered mean. The reactor makes the same epoll calls through
//! [`Registry`](crate::Registry), edge-triggered.
//!
//! ```
//! use std::io::Write;
//! use std::os::fd::AsRawFd;
//! use std::os::unix::net::UnixStream;
//! use std::time::Duration;
//!
//! use stepio_reactor::bare::{Epoll, PollFd, Trigger, poll};
//!
//! let (mut writer, reader) = UnixStream::pair()?;
//! writer.write_all(b"!")?;
//!
//! let mut fds = [PollFd::readable(reader.as_raw_fd())];
//! assert_eq!(poll(&mut fds, Some(Duration::ZERO))?, 1);
//! assert!(fds[0].is_ready());
//!
//! let mut epoll = Epoll::new()?;
//! epoll.add_readable(reader.as_raw_fd(), Trigger::Level)?;
//! let mut ready = Vec::new();
//! epoll.wait(Some(Duration::ZERO), &mut ready)?;
//! assert_eq!(ready, [reader.as_raw_fd()]);
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io;
use std::mem::MaybeUninit;
use std::os::fd::RawFd;
use std::time::Duration;

pub use crate::sys::PollFd;
use crate::sys::{self, EPOLLET, EPOLLIN, EpollEvent, Fd};

impl PollFd {
    /// An entry that watches `fd` for reading (and, as always, for errors
    /// and hang-ups).
    pub fn readable(fd: RawFd) -> PollFd {
        PollFd { fd, events: sys::POLLIN, revents: 0 }
    }

    /// The descriptor this entry watches.
    pub fn fd(&self) -> RawFd {
        self.fd
    }

    /// Whether the last [`poll`] found this descriptor readable, hung up,
    /// in error, or not open at all: anything a read would report at once.
    pub fn is_ready(&self) -> bool {
        self.revents & (sys::POLLIN | sys::POLLERR | sys::POLLHUP | sys::POLLNVAL) != 0
    }
}

/// `poll(2)`: waits until at least one of `fds` is ready, for at most
/// `timeout` (`None`: forever; rounded up to whole milliseconds), and
/// returns how many are. The kernel looks at every entry on every call and
/// writes each one's answer back into it, so finding *which* are ready
/// means looking at every entry again: see [`PollFd::is_ready`].
///
/// # Errors
///
/// As the system call (`EINVAL` for more entries than the limit on open
/// files, `ENOMEM`); an interrupted call returns `Ok(0)`.
pub fn poll(fds: &mut [PollFd], timeout: Option<Duration>) -> io::Result<usize> {
    sys::poll_fds(fds, timeout)
}

/// How epoll reports a descriptor that stays readable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// At every wait, as long as there is something to read (as `poll`).
    Level,
    /// Once each time new data arrives (`EPOLLET`): read until "would
    /// block", or the rest waits unreported until more arrives.
    Edge,
}

/// An epoll instance that watches descriptors for reading and reports
/// them by number.
#[derive(Debug)]
pub struct Epoll {
    fd: Fd,
    events: Vec<MaybeUninit<EpollEvent>>,
}

impl Epoll {
    /// A new epoll instance.
    ///
    /// # Errors
    ///
    /// When the process is out of file descriptors.
    pub fn new() -> io::Result<Epoll> {
        Ok(Epoll { fd: sys::epoll_new()?, events: vec![MaybeUninit::uninit(); 256] })
    }

    /// Starts watching `fd` for reading. The kernel keeps the list: each
    /// descriptor is handed over once, not at every wait.
    ///
    /// # Errors
    ///
    /// `EBADF` when `fd` is not open, `EEXIST` when it is watched already.
    pub fn add_readable(&self, fd: RawFd, trigger: Trigger) -> io::Result<()> {
        let edge = if trigger == Trigger::Edge { EPOLLET } else { 0 };
        let token = u64::try_from(fd).map_err(|_| io::ErrorKind::InvalidInput)?;
        sys::epoll_add(&self.fd, fd, EPOLLIN | edge, token)
    }

    /// Waits for at most `timeout` (`None`: forever) and replaces the
    /// contents of `ready` with the descriptors reported: only those, so
    /// the work after the wait does not grow with the number watched.
    ///
    /// # Errors
    ///
    /// As `epoll_wait`; an interrupted wait reports nothing.
    pub fn wait(
        &mut self,
        timeout: Option<Duration>,
        ready: &mut Vec<RawFd>,
    ) -> io::Result<()> {
        ready.clear();
        let events = sys::epoll_wait_for(&self.fd, &mut self.events, timeout)?;
        // Tokens were made from non-negative descriptors in `add_readable`.
        ready.extend(events.iter().map(|event| event.data as RawFd));
        Ok(())
    }
}

/// Raises this process's soft limit on open files to at least `wanted`, up
/// to the hard limit, and returns the limit now in force. A server that
/// holds thousands of connections needs this on systems whose soft limit
/// is 1,024.
///
/// # Errors
///
/// As `getrlimit` and `setrlimit`.
pub fn raise_fd_limit(wanted: u64) -> io::Result<u64> {
    sys::raise_fd_limit(wanted)
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::os::fd::AsRawFd;
    use std::os::unix::net::UnixStream;

    use super::*;

    /// Counts the waits, out of three, that report `reader`.
    fn reports(trigger: Trigger) -> usize {
        let (mut writer, reader) = UnixStream::pair().unwrap();
        let mut epoll = Epoll::new().unwrap();
        epoll.add_readable(reader.as_raw_fd(), trigger).unwrap();
        writer.write_all(b"x").unwrap();
        let mut ready = Vec::new();
        (0..3)
            .filter(|_| {
                epoll.wait(Some(Duration::ZERO), &mut ready).unwrap();
                ready == [reader.as_raw_fd()]
            })
            .count()
    }

    #[test]
    fn level_reports_at_every_wait_and_edge_once() {
        assert_eq!(reports(Trigger::Level), 3);
        assert_eq!(reports(Trigger::Edge), 1);
    }

    #[test]
    fn poll_marks_only_the_ready_entry() {
        let pairs: Vec<_> = (0..5).map(|_| UnixStream::pair().unwrap()).collect();
        (&pairs[3].0).write_all(b"x").unwrap();
        let mut fds: Vec<_> =
            pairs.iter().map(|(_, r)| PollFd::readable(r.as_raw_fd())).collect();
        assert_eq!(poll(&mut fds, Some(Duration::ZERO)).unwrap(), 1);
        let ready: Vec<bool> = fds.iter().map(PollFd::is_ready).collect();
        assert_eq!(ready, [false, false, false, true, false]);
        let mut byte = [0];
        (&pairs[3].1).read_exact(&mut byte).unwrap();
        assert_eq!(poll(&mut fds, Some(Duration::ZERO)).unwrap(), 0);
    }

    #[test]
    fn a_closed_descriptor_is_reported_not_a_crash() {
        let mut fds = [PollFd::readable(-1), PollFd::readable(i32::MAX)];
        // A negative fd is skipped; one that is not open gets POLLNVAL.
        assert_eq!(poll(&mut fds, Some(Duration::ZERO)).unwrap(), 1);
        assert!(!fds[0].is_ready() && fds[1].is_ready());
        let epoll = Epoll::new().unwrap();
        let err = epoll.add_readable(i32::MAX, Trigger::Level).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(9)); // EBADF
    }
}
