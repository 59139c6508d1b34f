//! The system calls this stage makes, declared by hand: no `libc` crate.
//!
//! Everything `unsafe` in the crate is in this module. Each system call has
//! an `extern "C"` declaration (glibc exports them all under their own
//! names), a safe wrapper, and goes through one helper, [`cvt`], that turns
//! the C convention (`-1` and `errno`) into an [`io::Error`] and retries a
//! call that a signal interrupted (`EINTR`).
//!
//! Two calls do not retry: `close`, because on Linux the descriptor is
//! released even when `close` reports `EINTR` (a retry could close a
//! descriptor that another thread just opened), and `epoll_wait`, where an
//! interrupted wait is reported as "no events": the loop then turns and waits
//! again with a timeout computed afresh, so a timer is never made late by a
//! retry with the old timeout.
//!
//! The constants are Linux's, the same on x86-64 and aarch64.

use std::ffi::{c_int, c_long, c_uint, c_void};
use std::io;
use std::mem::{self, MaybeUninit};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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
#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

/// `struct sockaddr_in`: an IPv4 address and port, both in network order.
#[repr(C)]
#[derive(Clone, Copy)]
struct SockaddrIn {
    sin_family: u16,
    sin_port: u16,
    sin_addr: [u8; 4],
    sin_zero: [u8; 8],
}

/// `struct sockaddr_in6`.
#[repr(C)]
#[derive(Clone, Copy)]
struct SockaddrIn6 {
    sin6_family: u16,
    sin6_port: u16,
    sin6_flowinfo: u32,
    sin6_addr: [u8; 16],
    sin6_scope_id: u32,
}

/// `struct sockaddr_storage`: room for any socket address.
#[repr(C, align(8))]
struct SockaddrStorage {
    ss_family: u16,
    _data: [u8; 126],
}

/// `struct linger`, for `SO_LINGER`.
#[repr(C)]
struct Linger {
    l_onoff: c_int,
    l_linger: c_int,
}

/// `struct rlimit`.
#[cfg(test)]
#[repr(C)]
struct Rlimit {
    rlim_cur: u64,
    rlim_max: u64,
}

// ANCHOR: ffi
unsafe extern "C" {
    fn epoll_create1(flags: c_int) -> c_int;
    fn epoll_ctl(epfd: c_int, op: c_int, fd: c_int, event: *mut EpollEvent) -> c_int;
    fn epoll_wait(epfd: c_int, events: *mut EpollEvent, maxevents: c_int, timeout: c_int) -> c_int;
    /// The raw system call entry point, for `epoll_pwait2` (glibc before
    /// 2.35 has no wrapper for it).
    fn syscall(number: c_long, ...) -> c_long;
    fn eventfd(initval: c_uint, flags: c_int) -> c_int;
    fn read(fd: c_int, buf: *mut c_void, count: usize) -> isize;
    fn write(fd: c_int, buf: *const c_void, count: usize) -> isize;
    fn close(fd: c_int) -> c_int;
    fn socket(domain: c_int, ty: c_int, protocol: c_int) -> c_int;
    fn bind(fd: c_int, addr: *const c_void, len: u32) -> c_int;
    fn listen(fd: c_int, backlog: c_int) -> c_int;
    fn accept4(fd: c_int, addr: *mut c_void, len: *mut u32, flags: c_int) -> c_int;
    fn connect(fd: c_int, addr: *const c_void, len: u32) -> c_int;
    fn getsockopt(fd: c_int, level: c_int, name: c_int, value: *mut c_void, len: *mut u32) -> c_int;
    fn setsockopt(fd: c_int, level: c_int, name: c_int, value: *const c_void, len: u32) -> c_int;
    fn getsockname(fd: c_int, addr: *mut c_void, len: *mut u32) -> c_int;
    fn getpeername(fd: c_int, addr: *mut c_void, len: *mut u32) -> c_int;
    fn shutdown(fd: c_int, how: c_int) -> c_int;
    #[cfg(test)]
    fn getrlimit(resource: c_int, limit: *mut Rlimit) -> c_int;
    #[cfg(test)]
    fn setrlimit(resource: c_int, limit: *const Rlimit) -> c_int;
    fn recv(fd: c_int, buf: *mut c_void, len: usize, flags: c_int) -> isize;
    fn send(fd: c_int, buf: *const c_void, len: usize, flags: c_int) -> isize;
}
// ANCHOR_END: ffi

pub(crate) const EPOLLIN: u32 = 0x001;
pub(crate) const EPOLLOUT: u32 = 0x004;
pub(crate) const EPOLLERR: u32 = 0x008;
pub(crate) const EPOLLHUP: u32 = 0x010;
pub(crate) const EPOLLRDHUP: u32 = 0x2000;
pub(crate) const EPOLLET: u32 = 1 << 31;

const EPOLL_CLOEXEC: c_int = 0o2_000_000;
const EPOLL_CTL_ADD: c_int = 1;
const EPOLL_CTL_DEL: c_int = 2;
const EFD_CLOEXEC: c_int = 0o2_000_000;
const EFD_NONBLOCK: c_int = 0o4_000;
const SYS_EPOLL_PWAIT2: c_long = 441;

const AF_INET: c_int = 2;
const AF_INET6: c_int = 10;
const SOCK_STREAM: c_int = 1;
const SOCK_NONBLOCK: c_int = 0o4_000;
const SOCK_CLOEXEC: c_int = 0o2_000_000;
const SOL_SOCKET: c_int = 1;
const SO_REUSEADDR: c_int = 2;
const SO_ERROR: c_int = 4;
const SO_LINGER: c_int = 13;
const IPPROTO_TCP: c_int = 6;
const TCP_NODELAY: c_int = 1;
const MSG_NOSIGNAL: c_int = 0x4000;

const EINPROGRESS: i32 = 115;
const EMFILE: i32 = 24;
const ENFILE: i32 = 23;
const ENOBUFS: i32 = 105;
const ENOMEM: i32 = 12;
const ENOSYS: i32 = 38;
const EPERM: i32 = 1;

// ANCHOR: cvt
/// The one helper every system call goes through: runs `call`, maps the C
/// error convention (a return of `-1`, the reason in `errno`) to an
/// [`io::Error`], and runs `call` again when a signal interrupted it.
fn cvt<T: MinusOne>(mut call: impl FnMut() -> T) -> io::Result<T> {
    loop {
        let result = call();
        if !result.is_minus_one() {
            return Ok(result);
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// The return types of system calls: `int` and `ssize_t`.
trait MinusOne: Copy {
    fn is_minus_one(self) -> bool;
}

impl MinusOne for c_int {
    fn is_minus_one(self) -> bool {
        self == -1
    }
}

impl MinusOne for isize {
    fn is_minus_one(self) -> bool {
        self == -1
    }
}

impl MinusOne for c_long {
    fn is_minus_one(self) -> bool {
        self == -1
    }
}
// ANCHOR_END: cvt

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
        // SAFETY: `self.0` is a descriptor this `Fd` owns (every `Fd` is made
        // from a fresh descriptor a system call returned), so no one else
        // closes it. Not retried on EINTR: see the module docs.
        unsafe { close(self.0) };
    }
}
// ANCHOR_END: fd

// ANCHOR: epoll_fns
/// `epoll_create1(EPOLL_CLOEXEC)`: a new epoll instance.
pub(crate) fn epoll_new() -> io::Result<Fd> {
    // SAFETY: no pointers; the kernel checks the flags.
    cvt(|| unsafe { epoll_create1(EPOLL_CLOEXEC) }).map(Fd)
}

/// Adds `fd` to `epoll`, watching `events`, with `token` as its data.
pub(crate) fn epoll_add(epoll: &Fd, fd: c_int, events: u32, token: u64) -> io::Result<()> {
    let mut event = EpollEvent { events, data: token };
    // SAFETY: `event` is a valid `epoll_event` for the duration of the call;
    // the kernel copies it and keeps no pointer.
    cvt(|| unsafe { epoll_ctl(epoll.raw(), EPOLL_CTL_ADD, fd, &mut event) }).map(drop)
}

/// Removes `fd` from `epoll`.
pub(crate) fn epoll_delete(epoll: &Fd, fd: c_int) -> io::Result<()> {
    // SAFETY: since Linux 2.6.9 the event argument of EPOLL_CTL_DEL may be
    // null; the kernel reads no memory from us.
    cvt(|| unsafe { epoll_ctl(epoll.raw(), EPOLL_CTL_DEL, fd, ptr::null_mut()) }).map(drop)
}

/// Whether `epoll_pwait2` is known to be missing (kernels before 5.11, or
/// a sandbox that refuses unknown system calls). Learned once per process.
static NO_PWAIT2: AtomicBool = AtomicBool::new(false);

/// Waits for events on `epoll` for at most `timeout` (`None`: forever), and
/// fills `events` with what happened. Returns the events that were written.
///
/// Uses `epoll_pwait2`, whose timeout is a `timespec` (nanoseconds), and
/// falls back to `epoll_wait`, whose timeout is in whole milliseconds,
/// rounded up so that a wait never ends before the deadline it was asked
/// for. A wait interrupted by a signal returns 0 events (see module docs).
pub(crate) fn epoll_wait_for<'a>(
    epoll: &Fd,
    events: &'a mut [MaybeUninit<EpollEvent>],
    timeout: Option<Duration>,
) -> io::Result<&'a [EpollEvent]> {
    let n = epoll_wait_raw(epoll, events, timeout)?;
    // SAFETY: the kernel wrote the first `n` events (`n <= events.len()`),
    // and `MaybeUninit<T>` has the layout of `T`.
    Ok(unsafe { std::slice::from_raw_parts(events.as_ptr().cast::<EpollEvent>(), n) })
}

/// `epoll_wait_for` without the slice: how many events the kernel wrote.
fn epoll_wait_raw(
    epoll: &Fd,
    events: &mut [MaybeUninit<EpollEvent>],
    timeout: Option<Duration>,
) -> io::Result<usize> {
    let max = c_int::try_from(events.len()).unwrap_or(c_int::MAX);
    let buffer = events.as_mut_ptr().cast::<EpollEvent>();
    let result = if !NO_PWAIT2.load(Ordering::Relaxed) {
        let spec = timeout.map(|t| Timespec {
            tv_sec: i64::try_from(t.as_secs()).unwrap_or(i64::MAX),
            tv_nsec: i64::from(t.subsec_nanos()),
        });
        let spec_ptr = spec.as_ref().map_or(ptr::null(), |spec| spec as *const Timespec);
        // SAFETY: `buffer` has room for `max` events and the kernel writes at
        // most that many; `spec_ptr` is null or points at `spec`, alive for
        // the call; a null signal mask means "leave the mask alone".
        let n = unsafe {
            syscall(SYS_EPOLL_PWAIT2, epoll.raw(), buffer, max, spec_ptr, ptr::null::<c_void>(), 0usize)
        };
        if n == -1 {
            let err = io::Error::last_os_error();
            if matches!(err.raw_os_error(), Some(ENOSYS | EPERM)) {
                NO_PWAIT2.store(true, Ordering::Relaxed);
                return epoll_wait_raw(epoll, events, timeout);
            }
            Err(err)
        } else {
            Ok(n as usize)
        }
    } else {
        let millis = timeout.map_or(-1, |t| {
            // Round up: 0.2 ms must not become a 0 ms wait (a busy loop),
            // nor 1.5 ms a 1 ms one (a timer woken early).
            let ms = t.as_nanos().div_ceil(1_000_000);
            c_int::try_from(ms).unwrap_or(c_int::MAX)
        });
        // SAFETY: as above: `buffer` has room for `max` events.
        let n = unsafe { epoll_wait(epoll.raw(), buffer, max, millis) };
        if n == -1 { Err(io::Error::last_os_error()) } else { Ok(n as usize) }
    };
    match result {
        Err(err) if err.kind() == io::ErrorKind::Interrupted => Ok(0),
        other => other,
    }
}
// ANCHOR_END: epoll_fns

// ANCHOR: eventfd_fns
/// A non-blocking eventfd with counter 0.
pub(crate) fn eventfd_new() -> io::Result<Fd> {
    // SAFETY: no pointers; the kernel checks the flags.
    cvt(|| unsafe { eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) }).map(Fd)
}

/// Adds 1 to an eventfd's counter, making it readable.
pub(crate) fn eventfd_signal(fd: &Fd) -> io::Result<()> {
    let one: u64 = 1;
    // SAFETY: the kernel reads exactly 8 bytes from `one`, alive for the call.
    cvt(|| unsafe { write(fd.raw(), (&raw const one).cast(), 8) }).map(drop)
}

/// Reads (and so resets) an eventfd's counter.
pub(crate) fn eventfd_reset(fd: &Fd) -> io::Result<u64> {
    let mut count: u64 = 0;
    // SAFETY: the kernel writes exactly 8 bytes into `count`.
    cvt(|| unsafe { read(fd.raw(), (&raw mut count).cast(), 8) }).map(|_| count)
}
// ANCHOR_END: eventfd_fns

// ANCHOR: socket_fns
/// A non-blocking TCP socket for the family of `addr`.
fn tcp_socket(addr: &SocketAddr) -> io::Result<Fd> {
    let domain = if addr.is_ipv4() { AF_INET } else { AF_INET6 };
    // SAFETY: no pointers; the kernel checks the arguments.
    cvt(|| unsafe { socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) }).map(Fd)
}

/// A non-blocking socket bound to `addr` and listening, with room for
/// `backlog` connections that are not accepted yet.
pub(crate) fn tcp_listen(addr: &SocketAddr, backlog: u32) -> io::Result<Fd> {
    let fd = tcp_socket(addr)?;
    // Lets a restarted server bind its port at once, instead of waiting for
    // the old connections' TIME_WAIT to end.
    set_int_option(&fd, SOL_SOCKET, SO_REUSEADDR, 1)?;
    let (storage, len) = encode_addr(addr);
    // SAFETY: `storage` holds a valid address of `len` bytes.
    cvt(|| unsafe { bind(fd.raw(), (&raw const storage).cast(), len) })?;
    let backlog = c_int::try_from(backlog).unwrap_or(c_int::MAX);
    // SAFETY: no pointers.
    cvt(|| unsafe { listen(fd.raw(), backlog) })?;
    Ok(fd)
}

/// Starts connecting a new non-blocking socket to `addr`. Returns the socket
/// and whether the connection is already made (it is usually still in
/// progress: wait until the socket is writable, then ask [`take_error`]).
pub(crate) fn tcp_connect(addr: &SocketAddr) -> io::Result<(Fd, bool)> {
    let fd = tcp_socket(addr)?;
    let (storage, len) = encode_addr(addr);
    // SAFETY: `storage` holds a valid address of `len` bytes.
    match cvt(|| unsafe { connect(fd.raw(), (&raw const storage).cast(), len) }) {
        Ok(_) => Ok((fd, true)),
        Err(err) if err.raw_os_error() == Some(EINPROGRESS) => Ok((fd, false)),
        Err(err) => Err(err),
    }
}

/// Accepts a connection: a new non-blocking socket and the peer's address.
/// `WouldBlock` when no connection is waiting.
pub(crate) fn tcp_accept(listener: &Fd) -> io::Result<(Fd, SocketAddr)> {
    let mut storage = MaybeUninit::<SockaddrStorage>::zeroed();
    let mut len = mem::size_of::<SockaddrStorage>() as u32;
    // SAFETY: `storage` has room for `len` bytes, and the kernel writes at
    // most `len` bytes of address into it and the real length into `len`.
    let fd = cvt(|| unsafe {
        accept4(listener.raw(), storage.as_mut_ptr().cast(), &mut len, SOCK_NONBLOCK | SOCK_CLOEXEC)
    })
    .map(Fd)?;
    // SAFETY: zeroed, then filled by the kernel: initialized either way.
    let addr = decode_addr(unsafe { storage.assume_init_ref() }, len)?;
    Ok((fd, addr))
}

/// Whether `err` is the process or the system running out of descriptors,
/// buffers or memory.
pub(crate) fn is_out_of_resources(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(EMFILE | ENFILE | ENOBUFS | ENOMEM))
}

/// The pending error of a socket (`SO_ERROR`), cleared by reading it: how a
/// non-blocking `connect` reports that it failed.
pub(crate) fn take_error(fd: &Fd) -> io::Result<Option<io::Error>> {
    let code = get_int_option(fd, SOL_SOCKET, SO_ERROR)?;
    Ok((code != 0).then(|| io::Error::from_raw_os_error(code)))
}

/// The address a socket is bound to.
pub(crate) fn local_addr(fd: &Fd) -> io::Result<SocketAddr> {
    socket_addr(fd, getsockname)
}

/// The address of a connected socket's peer.
pub(crate) fn peer_addr(fd: &Fd) -> io::Result<SocketAddr> {
    socket_addr(fd, getpeername)
}

/// Calls `getsockname` or `getpeername`.
fn socket_addr(
    fd: &Fd,
    get: unsafe extern "C" fn(c_int, *mut c_void, *mut u32) -> c_int,
) -> io::Result<SocketAddr> {
    let mut storage = MaybeUninit::<SockaddrStorage>::zeroed();
    let mut len = mem::size_of::<SockaddrStorage>() as u32;
    // SAFETY: as in `tcp_accept`: room for `len` bytes, written by the kernel.
    cvt(|| unsafe { get(fd.raw(), storage.as_mut_ptr().cast(), &mut len) })?;
    // SAFETY: zeroed, then filled by the kernel.
    decode_addr(unsafe { storage.assume_init_ref() }, len)
}

/// Receives into `buf`; `Ok(0)` at end of stream, `WouldBlock` when nothing
/// has arrived yet.
pub(crate) fn tcp_recv(fd: &Fd, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
    cvt(|| unsafe { recv(fd.raw(), buf.as_mut_ptr().cast(), buf.len(), 0) }).map(|n| n as usize)
}

/// Sends from `buf`; `WouldBlock` when the send buffer is full.
///
/// `MSG_NOSIGNAL`: writing to a connection the peer reset returns `EPIPE`
/// instead of killing the whole process with `SIGPIPE`.
pub(crate) fn tcp_send(fd: &Fd, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for reads of `buf.len()` bytes.
    cvt(|| unsafe { send(fd.raw(), buf.as_ptr().cast(), buf.len(), MSG_NOSIGNAL) }).map(|n| n as usize)
}

/// `shutdown(2)`: 0 for reads, 1 for writes, 2 for both.
pub(crate) fn tcp_shutdown(fd: &Fd, how: c_int) -> io::Result<()> {
    // SAFETY: no pointers.
    cvt(|| unsafe { shutdown(fd.raw(), how) }).map(drop)
}

/// Sets `TCP_NODELAY`: small writes go out at once instead of waiting to be
/// merged (Nagle's algorithm).
pub(crate) fn set_nodelay(fd: &Fd, on: bool) -> io::Result<()> {
    set_int_option(fd, IPPROTO_TCP, TCP_NODELAY, c_int::from(on))
}

/// Whether `TCP_NODELAY` is set.
pub(crate) fn nodelay(fd: &Fd) -> io::Result<bool> {
    get_int_option(fd, IPPROTO_TCP, TCP_NODELAY).map(|value| value != 0)
}

/// Sets `SO_LINGER`. `Some(Duration::ZERO)` makes `close` reset the
/// connection (send RST) instead of ending it gracefully.
pub(crate) fn set_linger(fd: &Fd, linger: Option<Duration>) -> io::Result<()> {
    let value = Linger {
        l_onoff: c_int::from(linger.is_some()),
        l_linger: linger.map_or(0, |d| c_int::try_from(d.as_secs()).unwrap_or(c_int::MAX)),
    };
    let len = mem::size_of::<Linger>() as u32;
    // SAFETY: `value` is a valid `struct linger` of `len` bytes.
    cvt(|| unsafe { setsockopt(fd.raw(), SOL_SOCKET, SO_LINGER, (&raw const value).cast(), len) }).map(drop)
}

fn set_int_option(fd: &Fd, level: c_int, name: c_int, value: c_int) -> io::Result<()> {
    let len = mem::size_of::<c_int>() as u32;
    // SAFETY: the kernel reads `len` bytes from `value`, alive for the call.
    cvt(|| unsafe { setsockopt(fd.raw(), level, name, (&raw const value).cast(), len) }).map(drop)
}

fn get_int_option(fd: &Fd, level: c_int, name: c_int) -> io::Result<c_int> {
    let mut value: c_int = 0;
    let mut len = mem::size_of::<c_int>() as u32;
    // SAFETY: the kernel writes at most `len` bytes into `value`.
    cvt(|| unsafe { getsockopt(fd.raw(), level, name, (&raw mut value).cast(), &mut len) })?;
    Ok(value)
}
// ANCHOR_END: socket_fns

/// Raises this process's soft limit on open files to at least `wanted`
/// (up to the hard limit), for tests that open thousands of sockets.
/// Returns the limit now in force.
#[cfg(test)]
pub(crate) fn raise_fd_limit(wanted: u64) -> io::Result<u64> {
    const RLIMIT_NOFILE: c_int = 7;
    let mut limit = Rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: the kernel writes one `struct rlimit` into `limit`.
    cvt(|| unsafe { getrlimit(RLIMIT_NOFILE, &mut limit) })?;
    if limit.rlim_cur < wanted {
        limit.rlim_cur = wanted.min(limit.rlim_max);
        // SAFETY: the kernel reads one `struct rlimit` from `limit`.
        cvt(|| unsafe { setrlimit(RLIMIT_NOFILE, &limit) })?;
    }
    Ok(limit.rlim_cur)
}

// ANCHOR: addr
/// `addr` as the C structs the kernel expects, and their length.
fn encode_addr(addr: &SocketAddr) -> (SockaddrStorage, u32) {
    // SAFETY: all-zero bytes are a valid `SockaddrStorage` (integers only).
    let mut storage: SockaddrStorage = unsafe { mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(v4) => {
            let c = SockaddrIn {
                sin_family: AF_INET as u16,
                sin_port: v4.port().to_be(),
                sin_addr: v4.ip().octets(),
                sin_zero: [0; 8],
            };
            // SAFETY: `SockaddrStorage` is larger than `SockaddrIn` and at
            // least as aligned, so the write stays inside `storage`.
            unsafe { ptr::write((&raw mut storage).cast::<SockaddrIn>(), c) };
            mem::size_of::<SockaddrIn>()
        }
        SocketAddr::V6(v6) => {
            let c = SockaddrIn6 {
                sin6_family: AF_INET6 as u16,
                sin6_port: v6.port().to_be(),
                sin6_flowinfo: v6.flowinfo().to_be(),
                sin6_addr: v6.ip().octets(),
                sin6_scope_id: v6.scope_id(),
            };
            // SAFETY: as above, `SockaddrIn6` fits in `SockaddrStorage`.
            unsafe { ptr::write((&raw mut storage).cast::<SockaddrIn6>(), c) };
            mem::size_of::<SockaddrIn6>()
        }
    };
    (storage, len as u32)
}

/// The address the kernel wrote into `storage` (`len` bytes of it).
fn decode_addr(storage: &SockaddrStorage, len: u32) -> io::Result<SocketAddr> {
    let len = len as usize;
    match c_int::from(storage.ss_family) {
        AF_INET if len >= mem::size_of::<SockaddrIn>() => {
            // SAFETY: the family says the bytes are a `sockaddr_in`, the
            // length says they are all there, and `storage` is aligned enough.
            let c = unsafe { &*(storage as *const SockaddrStorage).cast::<SockaddrIn>() };
            Ok(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::from(c.sin_addr), u16::from_be(c.sin_port))))
        }
        AF_INET6 if len >= mem::size_of::<SockaddrIn6>() => {
            // SAFETY: as above, for `sockaddr_in6`.
            let c = unsafe { &*(storage as *const SockaddrStorage).cast::<SockaddrIn6>() };
            Ok(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(c.sin6_addr),
                u16::from_be(c.sin6_port),
                u32::from_be(c.sin6_flowinfo),
                c.sin6_scope_id,
            )))
        }
        family => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("unexpected socket address (family {family}, {len} bytes)"),
        )),
    }
}
// ANCHOR_END: addr

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoll_event_has_the_kernel_layout() {
        if cfg!(target_arch = "x86_64") {
            assert_eq!(mem::size_of::<EpollEvent>(), 12);
            assert_eq!(mem::offset_of!(EpollEvent, data), 4);
        } else {
            assert_eq!(mem::size_of::<EpollEvent>(), 16);
            assert_eq!(mem::offset_of!(EpollEvent, data), 8);
        }
        assert_eq!(mem::size_of::<SockaddrIn>(), 16);
        assert_eq!(mem::size_of::<SockaddrIn6>(), 28);
        assert_eq!(mem::size_of::<SockaddrStorage>(), 128);
    }

    #[test]
    fn addresses_round_trip_through_the_c_structs() {
        for addr in ["127.0.0.1:8000", "[::1]:443", "[fe80::1%3]:9", "0.0.0.0:0"] {
            let addr: SocketAddr = addr.parse().unwrap();
            let (storage, len) = encode_addr(&addr);
            assert_eq!(decode_addr(&storage, len).unwrap(), addr);
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
        assert_eq!(epoll_wait_for(&epoll, &mut events, Some(Duration::ZERO)).unwrap().len(), 0);
        eventfd_signal(&efd).unwrap();
        eventfd_signal(&efd).unwrap();
        let ready = epoll_wait_for(&epoll, &mut events, None).unwrap();
        assert_eq!(ready.len(), 1);
        let (data, bits) = (ready[0].data, ready[0].events);
        assert_eq!((data, bits & EPOLLIN), (7, EPOLLIN));
        assert_eq!(eventfd_reset(&efd).unwrap(), 2);
    }
}
