//! Signals: a C handler that writes the signal's number to a pipe of each
//! loop that has handlers, which the loop watches like any socket. Writing
//! one byte to a pipe is one of the few things a signal handler may safely
//! do.

use std::ffi::{c_int, c_void};
use std::io;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
unsafe extern "C" {
    fn signal(signum: c_int, handler: usize) -> usize;
    fn sigaction(signum: c_int, action: *const c_void, old: *mut Sigaction) -> c_int;
    fn write(fd: c_int, buf: *const c_void, count: usize) -> isize;
}

#[cfg(target_os = "linux")]
unsafe extern "C" {
    #[link_name = "__errno_location"]
    fn errno_location() -> *mut c_int;
}

#[cfg(any(target_os = "macos", target_os = "freebsd"))]
unsafe extern "C" {
    #[link_name = "__error"]
    fn errno_location() -> *mut c_int;
}

const SIG_DFL: usize = 0;
const SIG_ERR: usize = usize::MAX;
/// Ctrl-C's signal.
pub(crate) const SIGINT: c_int = 2;
const EINVAL: i32 = 22;

/// How many loops may have signal handlers at once.
const MAX_LOOPS: usize = 16;

/// The write ends of the pipes of the loops with handlers; -1 for a free
/// slot. Every signal goes to every loop; each runs only its own handlers.
static PIPES: [AtomicI32; MAX_LOOPS] = [const { AtomicI32::new(-1) }; MAX_LOOPS];

/// For each signal number, how many loops catch it, and the action it had
/// before the first did: the last one to stop gives that action back.
static CATCHING: Mutex<[(u32, usize); 65]> = Mutex::new([(0, SIG_DFL); 65]);

/// How many graceful stops wait for Ctrl-C. While any does, the handler
/// gives `SIGINT` its default action back at the first one, so that a
/// second Ctrl-C ends the process at once, even if the loop is stuck and
/// never reads its pipe.
static STOPS_WAITING: AtomicU32 = AtomicU32::new(0);

/// Holds on to `STOPS_WAITING` while it lives.
pub(crate) struct StopWaiting(());

// ANCHOR: on_signal
/// The handler the kernel calls: one byte, the signal's number, into each
/// loop's pipe. Only async-signal-safe calls here: atomics, `write` and
/// `signal`; and `errno` is left as the interrupted code had it.
extern "C" fn on_signal(signum: c_int) {
    // SAFETY: the calling thread's errno, a valid pointer for its life.
    let errno = unsafe { errno_location() };
    // SAFETY: as above.
    let saved = unsafe { *errno };
    if signum == SIGINT && STOPS_WAITING.load(Ordering::Relaxed) > 0 {
        // SAFETY: `SIG_DFL` is a valid disposition for `SIGINT`.
        unsafe { signal(SIGINT, SIG_DFL) };
    }
    let byte = signum as u8;
    for pipe in &PIPES {
        let fd = pipe.load(Ordering::Relaxed);
        if fd >= 0 {
            // SAFETY: one byte from `byte`, alive for the call; a full pipe
            // (EAGAIN) only loses a repeat of a signal already waiting.
            unsafe { write(fd, (&raw const byte).cast(), 1) };
        }
    }
    // SAFETY: as above.
    unsafe { *errno = saved };
}
// ANCHOR_END: on_signal

/// Sends every signal caught from now on to `fd` (a loop's pipe, its
/// non-blocking write end) too.
pub(crate) fn add_signal_pipe(fd: c_int) -> io::Result<()> {
    for pipe in &PIPES {
        if pipe.compare_exchange(-1, fd, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
            return Ok(());
        }
    }
    Err(io::Error::other(format!(
        "at most {MAX_LOOPS} event loops can have signal handlers at once"
    )))
}

/// Stops sending signals to `fd`, before it closes.
pub(crate) fn remove_signal_pipe(fd: c_int) {
    for pipe in &PIPES {
        let _ = pipe.compare_exchange(fd, -1, Ordering::Relaxed, Ordering::Relaxed);
    }
}

/// Catches `signum` with [`on_signal`], for one more loop.
pub(crate) fn catch_signal(signum: c_int) -> io::Result<()> {
    let mut catching = CATCHING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (count, before) = usize::try_from(signum)
        .ok()
        .and_then(|at| catching.get_mut(at))
        .ok_or_else(|| io::Error::from_raw_os_error(EINVAL))?;
    if *count == 0 {
        let handler = on_signal as extern "C" fn(c_int) as usize;
        // SAFETY: `on_signal` is an `extern "C" fn(c_int)`, as a handler
        // must be, and does only what a handler may.
        match unsafe { signal(signum, handler) } {
            SIG_ERR => return Err(io::Error::last_os_error()),
            // What std set up (SIGPIPE ignored, say) comes back later.
            previous => *before = previous,
        }
    }
    *count += 1;
    Ok(())
}

/// One loop fewer catches `signum`; the last gives it back the action it
/// had before.
pub(crate) fn release_signal(signum: c_int) {
    let mut catching = CATCHING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let Some((count, before)) =
        usize::try_from(signum).ok().and_then(|at| catching.get_mut(at))
    else {
        return;
    };
    *count = count.saturating_sub(1);
    if *count == 0 {
        // SAFETY: the action `signal` returned for this signal earlier.
        unsafe { signal(signum, *before) };
    }
}

impl StopWaiting {
    /// A graceful stop waits for Ctrl-C from now on, until this is dropped.
    pub(crate) fn new() -> StopWaiting {
        STOPS_WAITING.fetch_add(1, Ordering::Relaxed);
        StopWaiting(())
    }
}

impl Drop for StopWaiting {
    fn drop(&mut self) {
        STOPS_WAITING.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The start of `struct sigaction` on every supported system (the handler
/// comes first), with room for the rest, which we do not read.
#[repr(C)]
struct Sigaction {
    handler: usize,
    rest: [u64; 32],
}

/// Whether `signum` has its default action: not caught, not ignored (a
/// shell starts a background job with `SIGINT` ignored, for instance).
pub(crate) fn signal_is_default(signum: c_int) -> bool {
    let mut old = Sigaction { handler: SIG_ERR, rest: [0; 32] };
    // SAFETY: a null action only asks; the kernel writes the current one
    // into `old`, which is larger than any system's `struct sigaction`.
    let asked = unsafe { sigaction(signum, std::ptr::null(), &mut old) };
    asked == 0 && old.handler == SIG_DFL
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
