//! Child processes: the descriptor that becomes readable when a child
//! exits (`pidfd_open`, Linux 5.3), signals to a child (`kill`), and the
//! pipes std opened to a child, taken over as non-blocking descriptors.

use std::ffi::c_int;
#[cfg(target_os = "linux")]
use std::ffi::c_long;
use std::io;
use std::os::fd::IntoRawFd;

use super::Fd;
use super::errno::retry;
#[cfg(target_os = "linux")]
use super::errno::{ENOSYS, EPERM};

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
unsafe extern "C" {
    fn kill(pid: c_int, signum: c_int) -> c_int;
}

#[cfg(target_os = "linux")]
unsafe extern "C" {
    fn syscall(number: c_long, ...) -> c_long;
}

/// Takes a descriptor std opened (a child's pipe end) as ours, made
/// non-blocking, so the reactor can watch it.
pub(crate) fn fd_from_std(owned: impl IntoRawFd) -> io::Result<Fd> {
    // From here on the descriptor is ours to close, which `Fd` does.
    let fd = Fd(owned.into_raw_fd());
    super::set_nonblocking(&fd)?;
    Ok(fd)
}

/// Sends `signum` to process `pid`. The caller makes sure `pid` is still
/// its unreaped child, so the number cannot name another process yet.
pub(crate) fn send_signal(pid: u32, signum: c_int) -> io::Result<()> {
    let pid = c_int::try_from(pid).map_err(io::Error::other)?;
    // SAFETY: no pointers.
    retry(|| unsafe { kill(pid, signum) }).map(drop)
}

/// A descriptor that becomes readable when process `pid` exits
/// (`pidfd_open(2)`, Linux 5.3, close-on-exec). `Unsupported` where the
/// kernel or the system has no such call: wait for `SIGCHLD` instead.
#[cfg(target_os = "linux")]
pub(crate) fn pidfd_open(pid: u32) -> io::Result<Fd> {
    const SYS_PIDFD_OPEN: c_long = 434; // the same on x86-64 and aarch64
    let pid = c_int::try_from(pid).map_err(io::Error::other)?;
    // SAFETY: no pointers; the flags argument is 0.
    match retry(|| unsafe { syscall(SYS_PIDFD_OPEN, pid, 0 as c_int) }) {
        Ok(fd) => Ok(Fd(fd as c_int)),
        // Older kernels (ENOSYS) and sandboxes that forbid the call (EPERM).
        Err(err) if matches!(err.raw_os_error(), Some(ENOSYS | EPERM)) => {
            Err(io::Error::new(io::ErrorKind::Unsupported, "pidfd_open is unavailable"))
        }
        Err(err) => Err(err),
    }
}

/// Nothing like a pidfd here: wait for `SIGCHLD` instead.
#[cfg(any(target_os = "macos", target_os = "freebsd"))]
pub(crate) fn pidfd_open(_pid: u32) -> io::Result<Fd> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "no pidfd on this system"))
}
