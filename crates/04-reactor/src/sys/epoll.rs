//! epoll: an instance, registrations on it, and the wait.
//!
//! The wait is the one call that is not retried when a signal interrupts
//! it: an interrupted wait is reported as "no events", and the loop turns
//! and waits again with a timeout computed afresh, so a timer is never made
//! late by a retry with the old timeout.

#![cfg_attr(not(target_os = "linux"), allow(unused_imports, dead_code))]

use std::ffi::{c_int, c_long, c_void};
use std::io;
use std::mem::MaybeUninit;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::Fd;
#[cfg(target_os = "linux")]
use super::errno::{ENOSYS, EPERM, cvt, retry};

// ANCHOR: epoll_event
/// One event of `epoll_wait`, as the kernel lays it out.
///
/// The kernel packs this struct on x86-64 only (12 bytes, `data` at offset
/// 4), for compatibility with 32-bit code; everywhere else it has natural
/// alignment (16 bytes, `data` at offset 8). Getting this wrong compiles
/// and then reads garbage tokens.
#[cfg_attr(target_arch = "x86_64", repr(C, packed))]
#[cfg_attr(not(target_arch = "x86_64"), repr(C))]
#[derive(Clone, Copy)]
pub(crate) struct EpollEvent {
    /// A mask of `EPOLL*` bits: what happened (or, for `epoll_ctl`, what to
    /// watch for).
    pub(crate) events: u32,
    /// Whatever we registered with the descriptor: our token.
    pub(crate) data: u64,
}
// ANCHOR_END: epoll_event

/// `struct timespec` on 64-bit Linux.
#[cfg(target_os = "linux")]
#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

// ANCHOR: ffi
#[cfg(target_os = "linux")]
unsafe extern "C" {
    fn epoll_create1(flags: c_int) -> c_int;
    fn epoll_ctl(epfd: c_int, op: c_int, fd: c_int, event: *mut EpollEvent) -> c_int;
    fn epoll_wait(
        epfd: c_int,
        events: *mut EpollEvent,
        maxevents: c_int,
        timeout: c_int,
    ) -> c_int;
    /// The raw system call entry point, for `epoll_pwait2` (glibc before
    /// 2.35 has no wrapper for it).
    fn syscall(number: c_long, ...) -> c_long;
}
// ANCHOR_END: ffi

pub(crate) const EPOLLIN: u32 = 0x001;
pub(crate) const EPOLLOUT: u32 = 0x004;
pub(crate) const EPOLLERR: u32 = 0x008;
pub(crate) const EPOLLHUP: u32 = 0x010;
pub(crate) const EPOLLRDHUP: u32 = 0x2000;
pub(crate) const EPOLLET: u32 = 1 << 31;

#[cfg(target_os = "linux")]
const EPOLL_CLOEXEC: c_int = 0o2_000_000;
#[cfg(target_os = "linux")]
const EPOLL_CTL_ADD: c_int = 1;
#[cfg(target_os = "linux")]
const EPOLL_CTL_DEL: c_int = 2;
#[cfg(target_os = "linux")]
const SYS_EPOLL_PWAIT2: c_long = 441;

// ANCHOR: epoll_fns
/// `epoll_create1(EPOLL_CLOEXEC)`: a new epoll instance.
#[cfg(target_os = "linux")]
pub(crate) fn epoll_new() -> io::Result<Fd> {
    // SAFETY: no pointers; the kernel checks the flags.
    retry(|| unsafe { epoll_create1(EPOLL_CLOEXEC) }).map(Fd)
}

/// Adds `fd` to `epoll`, watching `events`, with `token` as its data.
#[cfg(target_os = "linux")]
pub(crate) fn epoll_add(
    epoll: &Fd,
    fd: c_int,
    events: u32,
    token: u64,
) -> io::Result<()> {
    let mut event = EpollEvent { events, data: token };
    // SAFETY: `event` is a valid `epoll_event` for the duration of the call;
    // the kernel copies it and keeps no pointer.
    retry(|| unsafe { epoll_ctl(epoll.raw(), EPOLL_CTL_ADD, fd, &mut event) }).map(drop)
}

/// Removes `fd` from `epoll`.
#[cfg(target_os = "linux")]
pub(crate) fn epoll_delete(epoll: &Fd, fd: c_int) -> io::Result<()> {
    // SAFETY: since Linux 2.6.9 the event argument of EPOLL_CTL_DEL may be
    // null; the kernel reads no memory from us.
    retry(|| unsafe { epoll_ctl(epoll.raw(), EPOLL_CTL_DEL, fd, ptr::null_mut()) })
        .map(drop)
}

/// Whether `epoll_pwait2` is known to be missing (kernels before 5.11, or
/// a sandbox that refuses unknown system calls). Learned once per process.
#[cfg(target_os = "linux")]
static NO_PWAIT2: AtomicBool = AtomicBool::new(false);

/// Waits for events on `epoll` for at most `timeout` (`None`: forever), and
/// fills `events` with what happened. Returns the events that were written.
///
/// Uses `epoll_pwait2`, whose timeout is a `timespec` (nanoseconds), and
/// falls back to `epoll_wait`, whose timeout is in whole milliseconds,
/// rounded up so that a wait never ends before the deadline it was asked
/// for. A wait interrupted by a signal returns 0 events (see module docs).
#[cfg(target_os = "linux")]
pub(crate) fn epoll_wait_for<'a>(
    epoll: &Fd,
    events: &'a mut [MaybeUninit<EpollEvent>],
    timeout: Option<Duration>,
) -> io::Result<&'a [EpollEvent]> {
    let n = match epoll_wait_raw(epoll, events, timeout) {
        Err(err) if err.kind() == io::ErrorKind::Interrupted => 0,
        result => result?,
    };
    // SAFETY: the kernel wrote the first `n` events (`n <= events.len()`),
    // and `MaybeUninit<T>` has the layout of `T`.
    Ok(unsafe { std::slice::from_raw_parts(events.as_ptr().cast::<EpollEvent>(), n) })
}

/// One wait, checked by [`cvt`]: how many events the kernel wrote.
#[cfg(target_os = "linux")]
fn epoll_wait_raw(
    epoll: &Fd,
    events: &mut [MaybeUninit<EpollEvent>],
    timeout: Option<Duration>,
) -> io::Result<usize> {
    let max = c_int::try_from(events.len()).unwrap_or(c_int::MAX);
    let buffer = events.as_mut_ptr().cast::<EpollEvent>();
    if !NO_PWAIT2.load(Ordering::Relaxed) {
        let spec = timeout.map(|t| Timespec {
            tv_sec: i64::try_from(t.as_secs()).unwrap_or(i64::MAX),
            tv_nsec: i64::from(t.subsec_nanos()),
        });
        let spec_ptr = spec.as_ref().map_or(ptr::null(), |spec| spec as *const Timespec);
        // SAFETY: `buffer` has room for `max` events and the kernel writes at
        // most that many; `spec_ptr` is null or points at `spec`, alive for
        // the call; a null signal mask means "leave the mask alone".
        let result = cvt(unsafe {
            syscall(
                SYS_EPOLL_PWAIT2,
                epoll.raw(),
                buffer,
                max,
                spec_ptr,
                ptr::null::<c_void>(),
                0usize,
            )
        });
        match result {
            Err(err) if matches!(err.raw_os_error(), Some(ENOSYS | EPERM)) => {
                NO_PWAIT2.store(true, Ordering::Relaxed);
            }
            result => return result.map(|n| n as usize),
        }
    }
    let millis = timeout.map_or(-1, |t| {
        // Round up: 0.2 ms must not become a 0 ms wait (a busy loop),
        // nor 1.5 ms a 1 ms one (a timer woken early).
        let ms = t.as_nanos().div_ceil(1_000_000);
        c_int::try_from(ms).unwrap_or(c_int::MAX)
    });
    // SAFETY: as above: `buffer` has room for `max` events.
    cvt(unsafe { epoll_wait(epoll.raw(), buffer, max, millis) }).map(|n| n as usize)
}
// ANCHOR_END: epoll_fns

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use crate::sys::{eventfd_new, eventfd_reset, eventfd_signal};

    #[test]
    fn epoll_event_has_the_kernel_layout() {
        if cfg!(target_arch = "x86_64") {
            assert_eq!(std::mem::size_of::<EpollEvent>(), 12);
            assert_eq!(std::mem::offset_of!(EpollEvent, data), 4);
        } else {
            assert_eq!(std::mem::size_of::<EpollEvent>(), 16);
            assert_eq!(std::mem::offset_of!(EpollEvent, data), 8);
        }
    }

    #[test]
    fn a_failed_call_is_an_io_error_with_errno() {
        let epoll = epoll_new().unwrap();
        // Not an open descriptor: EBADF.
        let err = epoll_add(&epoll, 1 << 20, EPOLLIN, 0).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(9), "{err}");
    }

    #[test]
    fn eventfd_wakes_epoll_wait() {
        let epoll = epoll_new().unwrap();
        let efd = eventfd_new().unwrap();
        epoll_add(&epoll, efd.raw(), EPOLLIN | EPOLLET, 7).unwrap();
        let mut events = [MaybeUninit::uninit(); 4];
        assert_eq!(
            epoll_wait_for(&epoll, &mut events, Some(Duration::ZERO)).unwrap().len(),
            0
        );
        eventfd_signal(&efd).unwrap();
        eventfd_signal(&efd).unwrap();
        let ready = epoll_wait_for(&epoll, &mut events, None).unwrap();
        assert_eq!(ready.len(), 1);
        let (data, bits) = (ready[0].data, ready[0].events);
        assert_eq!((data, bits & EPOLLIN), (7, EPOLLIN));
        assert_eq!(eventfd_reset(&efd).unwrap(), 2);
    }
}

/// Elsewhere there is no epoll: asking for it says so.
#[cfg(not(target_os = "linux"))]
fn no_epoll() -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        "epoll is Linux's: use the poll(2) backend",
    )
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn epoll_new() -> io::Result<Fd> {
    Err(no_epoll())
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn epoll_add(_: &Fd, _: c_int, _: u32, _: u64) -> io::Result<()> {
    Err(no_epoll())
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn epoll_delete(_: &Fd, _: c_int) -> io::Result<()> {
    Err(no_epoll())
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn epoll_wait_for<'a>(
    _: &Fd,
    _: &'a mut [MaybeUninit<EpollEvent>],
    _: Option<Duration>,
) -> io::Result<&'a [EpollEvent]> {
    Err(no_epoll())
}
