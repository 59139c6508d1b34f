//! A self-pipe: how another thread wakes a loop that waits in `poll(2)`,
//! which has no eventfd to watch. A byte written to one end makes the other
//! readable; the loop reads every byte out again after it wakes.

use std::ffi::{c_int, c_void};
use std::io;

use super::Fd;
use super::errno::retry;

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
unsafe extern "C" {
    fn read(fd: c_int, buf: *mut c_void, count: usize) -> isize;
    fn write(fd: c_int, buf: *const c_void, count: usize) -> isize;
}

#[cfg(target_os = "linux")]
unsafe extern "C" {
    fn pipe2(fds: *mut c_int, flags: c_int) -> c_int;
}

#[cfg(any(target_os = "macos", target_os = "freebsd"))]
unsafe extern "C" {
    fn pipe(fds: *mut c_int) -> c_int;
}

/// A non-blocking pipe: (the end to read, the end to write).
#[cfg(target_os = "linux")]
pub(crate) fn pipe_new() -> io::Result<(Fd, Fd)> {
    const O_CLOEXEC: c_int = 0o2_000_000;
    const O_NONBLOCK: c_int = 0o4_000;
    let mut fds: [c_int; 2] = [-1; 2];
    // SAFETY: the kernel writes two descriptors into `fds`, alive for the call.
    retry(|| unsafe { pipe2(fds.as_mut_ptr(), O_CLOEXEC | O_NONBLOCK) })?;
    Ok((Fd(fds[0]), Fd(fds[1])))
}

/// A non-blocking pipe: (the end to read, the end to write).
#[cfg(any(target_os = "macos", target_os = "freebsd"))]
pub(crate) fn pipe_new() -> io::Result<(Fd, Fd)> {
    let mut fds: [c_int; 2] = [-1; 2];
    // SAFETY: the kernel writes two descriptors into `fds`, alive for the call.
    retry(|| unsafe { pipe(fds.as_mut_ptr()) })?;
    let (read, write) = (Fd(fds[0]), Fd(fds[1]));
    super::set_nonblocking_cloexec(&read)?;
    super::set_nonblocking_cloexec(&write)?;
    Ok((read, write))
}

/// Writes one byte, making the read end readable. A full pipe is fine: it
/// is readable already, and the loop will wake.
pub(crate) fn pipe_signal(fd: &Fd) -> io::Result<()> {
    let byte = 1u8;
    // SAFETY: the kernel reads one byte from `byte`, alive for the call.
    match retry(|| unsafe { write(fd.raw(), (&raw const byte).cast(), 1) }) {
        Err(err) if err.kind() == io::ErrorKind::WouldBlock => Ok(()),
        other => other.map(drop),
    }
}

/// Reads every byte waiting, so that the next wait sleeps again.
pub(crate) fn pipe_drain(fd: &Fd) -> io::Result<()> {
    let mut buf = [0u8; 64];
    loop {
        // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
        match retry(|| unsafe { read(fd.raw(), buf.as_mut_ptr().cast(), buf.len()) }) {
            Ok(n) if n as usize == buf.len() => continue,
            Ok(_) => return Ok(()),
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => return Ok(()),
            Err(err) => return Err(err),
        }
    }
}

/// Reads what is waiting into `buf`; `WouldBlock` when nothing is, `Ok(0)`
/// once every writer has closed the pipe.
pub(crate) fn pipe_read(fd: &Fd, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
    retry(|| unsafe { read(fd.raw(), buf.as_mut_ptr().cast(), buf.len()) })
        .map(|n| n as usize)
}

/// Writes from `buf`; `WouldBlock` when the pipe is full, `BrokenPipe`
/// when its reader has closed it (a Rust program ignores `SIGPIPE`: std
/// sets that up before `main`).
pub(crate) fn pipe_write(fd: &Fd, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: the kernel reads at most `buf.len()` bytes from `buf`.
    retry(|| unsafe { write(fd.raw(), buf.as_ptr().cast(), buf.len()) })
        .map(|n| n as usize)
}
