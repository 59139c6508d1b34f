//! eventfd: a kernel counter, readable while it is not zero. Another thread
//! writes to it to wake a loop that waits in epoll.

#![cfg_attr(not(target_os = "linux"), allow(unused_imports, dead_code))]

use std::ffi::{c_int, c_uint, c_void};
use std::io;

use super::Fd;
use super::errno::retry;

#[cfg(target_os = "linux")]
unsafe extern "C" {
    fn eventfd(initval: c_uint, flags: c_int) -> c_int;
    fn read(fd: c_int, buf: *mut c_void, count: usize) -> isize;
    fn write(fd: c_int, buf: *const c_void, count: usize) -> isize;
}

#[cfg(target_os = "linux")]
const EFD_CLOEXEC: c_int = 0o2_000_000;
#[cfg(target_os = "linux")]
const EFD_NONBLOCK: c_int = 0o4_000;

// ANCHOR: eventfd_fns
/// A non-blocking eventfd with counter 0.
#[cfg(target_os = "linux")]
pub(crate) fn eventfd_new() -> io::Result<Fd> {
    // SAFETY: no pointers; the kernel checks the flags.
    retry(|| unsafe { eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) }).map(Fd)
}

/// Adds 1 to an eventfd's counter, making it readable.
#[cfg(target_os = "linux")]
pub(crate) fn eventfd_signal(fd: &Fd) -> io::Result<()> {
    let one: u64 = 1;
    // SAFETY: the kernel reads exactly 8 bytes from `one`, alive for the call.
    retry(|| unsafe { write(fd.raw(), (&raw const one).cast(), 8) }).map(drop)
}

/// Reads (and so resets) an eventfd's counter.
#[cfg(target_os = "linux")]
pub(crate) fn eventfd_reset(fd: &Fd) -> io::Result<u64> {
    let mut count: u64 = 0;
    // SAFETY: the kernel writes exactly 8 bytes into `count`.
    retry(|| unsafe { read(fd.raw(), (&raw mut count).cast(), 8) }).map(|_| count)
}
// ANCHOR_END: eventfd_fns

/// Elsewhere there is no eventfd (the `poll(2)` backend uses a pipe).
#[cfg(not(target_os = "linux"))]
pub(crate) fn eventfd_new() -> io::Result<Fd> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "eventfd is Linux's"))
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn eventfd_signal(_: &Fd) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "eventfd is Linux's"))
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn eventfd_reset(_: &Fd) -> io::Result<u64> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "eventfd is Linux's"))
}
