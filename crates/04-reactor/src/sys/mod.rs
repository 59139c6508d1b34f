//! The system calls this stage makes, declared by hand: no `libc` crate.
//!
//! Everything `unsafe` in the crate is in this module, split by concern:
//!
//! - [`errno`]: the one check every call's result goes through ([`cvt`]),
//!   and the retry around it for calls a signal may interrupt.
//! - [`epoll`]: the epoll instance, registrations and the wait.
//! - [`eventfd`]: the counter other threads write to wake the wait.
//! - [`poll`]: `poll(2)`, the call before epoll, for chapter 4.1's ladder
//!   and the reactor's second backend.
//! - [`pipe`]: the self-pipe that wakes a wait in `poll(2)`.
//! - [`process`]: child processes: `pidfd_open`, `kill`, and reads and
//!   the pipes std opened to a child.
//! - [`socket`]: TCP sockets, their options, and the C address structs.
//!
//! Each file declares its own `extern "C"` functions (glibc exports them
//! all under their own names) and wraps each in a safe function. Here is
//! the owner of a descriptor, [`Fd`], which closes it when dropped.
//!
//! The constants are Linux's, the same on x86-64 and aarch64; where macOS
//! and FreeBSD differ, theirs sit beside them under `cfg`. Those two are
//! compiled (`cargo check --target`) but not run: only Linux is tested.

mod epoll;
mod errno;
mod eventfd;
mod pipe;
mod poll;
mod process;
mod signal;
mod socket;

use std::ffi::c_int;
use std::io;

pub(crate) use epoll::{
    EPOLLERR, EPOLLET, EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLRDHUP, EpollEvent, epoll_add,
    epoll_delete, epoll_new, epoll_wait_for,
};
use errno::cvt;
use errno::retry;
pub(crate) use errno::{is_accept_worth_retrying, is_out_of_resources};
pub(crate) use eventfd::{eventfd_new, eventfd_reset, eventfd_signal};
pub(crate) use pipe::{pipe_drain, pipe_new, pipe_read, pipe_signal, pipe_write};
pub use poll::PollFd;
pub(crate) use poll::{POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, poll_fds};
pub(crate) use process::{fd_from_std, pidfd_open, send_signal};
#[cfg(test)]
pub(crate) use signal::raise_signal;
pub(crate) use signal::{
    SIGINT, StopWaiting, add_signal_pipe, catch_signal, release_signal,
    remove_signal_pipe, signal_is_default,
};
pub(crate) use socket::{
    local_addr, nodelay, peer_addr, set_linger, set_nodelay, take_error, tcp_accept,
    tcp_connect, tcp_listen, tcp_recv, tcp_send, tcp_shutdown, udp_bind, udp_recv_from,
    udp_send_to,
};

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
unsafe extern "C" {
    fn close(fd: c_int) -> c_int;
    fn getrlimit(resource: c_int, limit: *mut Rlimit) -> c_int;
    fn setrlimit(resource: c_int, limit: *const Rlimit) -> c_int;
}

// ANCHOR: fd
/// An open file descriptor, closed when dropped.
#[derive(Debug)]
pub(crate) struct Fd(c_int);

impl Fd {
    /// The raw number, for system calls and debugging.
    pub(crate) fn raw(&self) -> c_int {
        self.0
    }
}

impl Drop for Fd {
    fn drop(&mut self) {
        // Checked, but not retried on EINTR: on Linux the descriptor is
        // released even then, and a retry could close a descriptor that
        // another thread was just given. Nothing to do with an error here.
        // SAFETY: `self.0` is a descriptor this `Fd` owns (every `Fd` is made
        // from a fresh descriptor a system call returned), so no one else
        // closes it.
        let _ = cvt(unsafe { close(self.0) });
    }
}
// ANCHOR_END: fd

/// `struct rlimit`.
#[repr(C)]
struct Rlimit {
    rlim_cur: u64,
    rlim_max: u64,
}

/// Raises this process's soft limit on open files to at least `wanted`
/// (up to the hard limit), for tests and examples that open thousands of
/// sockets. Returns the limit now in force.
pub(crate) fn raise_fd_limit(wanted: u64) -> io::Result<u64> {
    #[cfg(target_os = "linux")]
    const RLIMIT_NOFILE: c_int = 7;
    #[cfg(any(target_os = "macos", target_os = "freebsd"))]
    const RLIMIT_NOFILE: c_int = 8;
    let mut limit = Rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: the kernel writes one `struct rlimit` into `limit`.
    retry(|| unsafe { getrlimit(RLIMIT_NOFILE, &mut limit) })?;
    if limit.rlim_cur < wanted {
        limit.rlim_cur = wanted.min(limit.rlim_max);
        // SAFETY: the kernel reads one `struct rlimit` from `limit`.
        retry(|| unsafe { setrlimit(RLIMIT_NOFILE, &limit) })?;
    }
    Ok(limit.rlim_cur)
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
unsafe extern "C" {
    fn fcntl(fd: c_int, cmd: c_int, ...) -> c_int;
}

/// Makes `fd` non-blocking: for descriptors made by calls that take no
/// such flag (std's pipes to a child, `pipe` and `accept` on macOS).
pub(crate) fn set_nonblocking(fd: &Fd) -> io::Result<()> {
    const F_GETFL: c_int = 3;
    const F_SETFL: c_int = 4;
    #[cfg(target_os = "linux")]
    const O_NONBLOCK: c_int = 0o4_000;
    #[cfg(any(target_os = "macos", target_os = "freebsd"))]
    const O_NONBLOCK: c_int = 4;
    // SAFETY: `fd` is open; these commands take an int argument, or none.
    let flags = retry(|| unsafe { fcntl(fd.raw(), F_GETFL) })?;
    // SAFETY: as above.
    retry(|| unsafe { fcntl(fd.raw(), F_SETFL, flags | O_NONBLOCK) }).map(drop)
}

/// Makes `fd` non-blocking and close-on-exec, where the call that made it
/// could not (no `SOCK_NONBLOCK` on macOS, no `pipe2`).
#[cfg(any(target_os = "macos", target_os = "freebsd"))]
pub(crate) fn set_nonblocking_cloexec(fd: &Fd) -> io::Result<()> {
    const F_SETFD: c_int = 2;
    const FD_CLOEXEC: c_int = 1;
    set_nonblocking(fd)?;
    // SAFETY: `fd` is open; `F_SETFD` takes an int argument.
    retry(|| unsafe { fcntl(fd.raw(), F_SETFD, FD_CLOEXEC) }).map(drop)
}
