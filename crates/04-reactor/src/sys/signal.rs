//! Signals: a C handler that writes the signal's number to a pipe, which
//! the loop watches like any socket. Writing one byte to a pipe is one of
//! the few things a signal handler may safely do.

use std::ffi::{c_int, c_void};
use std::io;
use std::sync::atomic::{AtomicI32, Ordering};

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
unsafe extern "C" {
    fn signal(signum: c_int, handler: usize) -> usize;
    fn write(fd: c_int, buf: *const c_void, count: usize) -> isize;
}

const SIG_DFL: usize = 0;
const SIG_ERR: usize = usize::MAX;

/// The write end of the running loop's signal pipe; -1 for none.
static PIPE: AtomicI32 = AtomicI32::new(-1);

/// The handler the kernel calls: one byte, the signal's number, into the
/// pipe. Only async-signal-safe calls here: an atomic load and `write`.
extern "C" fn on_signal(signum: c_int) {
    let fd = PIPE.load(Ordering::Relaxed);
    if fd >= 0 {
        let byte = signum as u8;
        // SAFETY: one byte from `byte`, alive for the call; a full pipe
        // (EAGAIN) only loses a repeat of a signal already waiting.
        unsafe { write(fd, (&raw const byte).cast(), 1) };
    }
}

/// Sends signals from now on to `fd` (a pipe's non-blocking write end).
pub(crate) fn set_signal_pipe(fd: c_int) {
    PIPE.store(fd, Ordering::Relaxed);
}

/// Catches `signum` with [`on_signal`].
pub(crate) fn catch_signal(signum: c_int) -> io::Result<()> {
    let handler = on_signal as extern "C" fn(c_int) as usize;
    // SAFETY: `on_signal` is an `extern "C" fn(c_int)`, as a handler must
    // be, and does only what a handler may.
    if unsafe { signal(signum, handler) } == SIG_ERR {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Gives `signum` back its default action.
pub(crate) fn default_signal(signum: c_int) {
    // SAFETY: `SIG_DFL` is a valid disposition for any catchable signal.
    unsafe { signal(signum, SIG_DFL) };
}

/// Sends `signum` to this thread, as a test's Ctrl-C would come.
#[cfg(test)]
pub(crate) fn raise_signal(signum: c_int) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
    unsafe extern "C" {
        fn raise(signum: c_int) -> c_int;
    }
    // SAFETY: no pointers; the caller has a handler for `signum` in place.
    super::errno::cvt(unsafe { raise(signum) }).map(drop)
}
