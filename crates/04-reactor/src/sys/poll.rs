//! `poll(2)`: the readiness call before epoll, which chapter 4.1 measures.
//!
//! Each call passes the whole list of descriptors in, and the kernel looks
//! at every one of them and writes an answer into each: the cost grows with
//! the number watched, however few are ready. Like the epoll wait, an
//! interrupted call is reported as "nothing ready" rather than retried.

use std::ffi::{c_int, c_short};
use std::io;
use std::time::Duration;

use super::errno::cvt;

// ANCHOR: pollfd
/// One entry of the array `poll` reads and writes, as the kernel lays it
/// out: the descriptor, what to watch for, and what happened.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PollFd {
    pub(crate) fd: c_int,
    pub(crate) events: c_short,
    pub(crate) revents: c_short,
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
unsafe extern "C" {
    fn poll(fds: *mut PollFd, nfds: Nfds, timeout: c_int) -> c_int;
}

/// `nfds_t`: `unsigned long` on Linux, `unsigned int` on macOS and FreeBSD.
#[cfg(target_os = "linux")]
type Nfds = std::ffi::c_ulong;
#[cfg(any(target_os = "macos", target_os = "freebsd"))]
type Nfds = std::ffi::c_uint;
// ANCHOR_END: pollfd

pub(crate) const POLLIN: c_short = 0x001;
pub(crate) const POLLOUT: c_short = 0x004;
pub(crate) const POLLERR: c_short = 0x008;
pub(crate) const POLLHUP: c_short = 0x010;
pub(crate) const POLLNVAL: c_short = 0x020;

/// Waits until one of `fds` has an event, for at most `timeout` (`None`:
/// forever; rounded up to whole milliseconds), and returns how many
/// entries have a non-zero `revents`.
pub(crate) fn poll_fds(
    fds: &mut [PollFd],
    timeout: Option<Duration>,
) -> io::Result<usize> {
    let millis = timeout.map_or(-1, |t| {
        c_int::try_from(t.as_nanos().div_ceil(1_000_000)).unwrap_or(c_int::MAX)
    });
    let len = Nfds::try_from(fds.len()).unwrap_or(Nfds::MAX);
    // SAFETY: `fds` is `len` valid `pollfd` entries, borrowed mutably for the
    // call; the kernel reads and writes only those and keeps no pointer.
    match cvt(unsafe { poll(fds.as_mut_ptr(), len, millis) }) {
        Err(err) if err.kind() == io::ErrorKind::Interrupted => Ok(0),
        result => result.map(|n| n as usize),
    }
}
