//! TCP sockets: made non-blocking and close-on-exec in the same call,
//! their options, and the C address structs `SocketAddr` converts to.

use std::ffi::{c_int, c_void};
use std::io;
use std::mem::{self, MaybeUninit};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::ptr;
use std::time::Duration;

use super::Fd;
use super::errno::{EINPROGRESS, retry};

/// The type of an address family field: Linux's is 16 bits; the BSDs'
/// (macOS among them) is 8, after an 8-bit length.
#[cfg(target_os = "linux")]
type Family = u16;
#[cfg(not(target_os = "linux"))]
type Family = u8;

/// `struct sockaddr_in`: an IPv4 address and port, both in network order.
#[repr(C)]
#[derive(Clone, Copy)]
struct SockaddrIn {
    #[cfg(not(target_os = "linux"))]
    sin_len: u8,
    sin_family: Family,
    sin_port: u16,
    sin_addr: [u8; 4],
    sin_zero: [u8; 8],
}

/// `struct sockaddr_in6`.
#[repr(C)]
#[derive(Clone, Copy)]
struct SockaddrIn6 {
    #[cfg(not(target_os = "linux"))]
    sin6_len: u8,
    sin6_family: Family,
    sin6_port: u16,
    sin6_flowinfo: u32,
    sin6_addr: [u8; 16],
    sin6_scope_id: u32,
}

/// `struct sockaddr_storage`: room for any socket address.
#[repr(C, align(8))]
struct SockaddrStorage {
    #[cfg(not(target_os = "linux"))]
    ss_len: u8,
    ss_family: Family,
    _data: [u8; 126],
}

/// `struct linger`, for `SO_LINGER`.
#[repr(C)]
struct Linger {
    l_onoff: c_int,
    l_linger: c_int,
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
unsafe extern "C" {
    fn socket(domain: c_int, ty: c_int, protocol: c_int) -> c_int;
    fn bind(fd: c_int, addr: *const c_void, len: u32) -> c_int;
    fn listen(fd: c_int, backlog: c_int) -> c_int;
    fn connect(fd: c_int, addr: *const c_void, len: u32) -> c_int;
    fn getsockopt(
        fd: c_int,
        level: c_int,
        name: c_int,
        value: *mut c_void,
        len: *mut u32,
    ) -> c_int;
    fn setsockopt(
        fd: c_int,
        level: c_int,
        name: c_int,
        value: *const c_void,
        len: u32,
    ) -> c_int;
    fn getsockname(fd: c_int, addr: *mut c_void, len: *mut u32) -> c_int;
    fn getpeername(fd: c_int, addr: *mut c_void, len: *mut u32) -> c_int;
    fn shutdown(fd: c_int, how: c_int) -> c_int;
    fn recv(fd: c_int, buf: *mut c_void, len: usize, flags: c_int) -> isize;
    fn send(fd: c_int, buf: *const c_void, len: usize, flags: c_int) -> isize;
    fn sendto(
        fd: c_int,
        buf: *const c_void,
        len: usize,
        flags: c_int,
        addr: *const c_void,
        addr_len: u32,
    ) -> isize;
    fn recvfrom(
        fd: c_int,
        buf: *mut c_void,
        len: usize,
        flags: c_int,
        addr: *mut c_void,
        addr_len: *mut u32,
    ) -> isize;
}

#[cfg(target_os = "linux")]
unsafe extern "C" {
    fn accept4(fd: c_int, addr: *mut c_void, len: *mut u32, flags: c_int) -> c_int;
}

#[cfg(any(target_os = "macos", target_os = "freebsd"))]
unsafe extern "C" {
    fn accept(fd: c_int, addr: *mut c_void, len: *mut u32) -> c_int;
}

const AF_INET: c_int = 2;
#[cfg(target_os = "linux")]
const AF_INET6: c_int = 10;
#[cfg(target_os = "macos")]
const AF_INET6: c_int = 30;
#[cfg(target_os = "freebsd")]
const AF_INET6: c_int = 28;
const SOCK_STREAM: c_int = 1;
const SOCK_DGRAM: c_int = 2;
const IPPROTO_TCP: c_int = 6;
const TCP_NODELAY: c_int = 1;
#[cfg(target_os = "linux")]
mod consts {
    use std::ffi::c_int;
    pub(super) const SOCK_NONBLOCK: c_int = 0o4_000;
    pub(super) const SOCK_CLOEXEC: c_int = 0o2_000_000;
    pub(super) const SOL_SOCKET: c_int = 1;
    pub(super) const SO_REUSEADDR: c_int = 2;
    pub(super) const SO_ERROR: c_int = 4;
    pub(super) const SO_LINGER: c_int = 13;
    pub(super) const MSG_NOSIGNAL: c_int = 0x4000;
}
#[cfg(any(target_os = "macos", target_os = "freebsd"))]
mod consts {
    use std::ffi::c_int;
    pub(super) const SOL_SOCKET: c_int = 0xffff;
    pub(super) const SO_REUSEADDR: c_int = 0x0004;
    pub(super) const SO_ERROR: c_int = 0x1007;
    /// macOS's `SO_LINGER` counts in clock ticks; `SO_LINGER_SEC`, seconds.
    #[cfg(target_os = "macos")]
    pub(super) const SO_LINGER: c_int = 0x1080;
    #[cfg(target_os = "freebsd")]
    pub(super) const SO_LINGER: c_int = 0x0080;
    /// macOS has no `MSG_NOSIGNAL`: each socket is set `SO_NOSIGPIPE`.
    #[cfg(target_os = "macos")]
    pub(super) const SO_NOSIGPIPE: c_int = 0x1022;
    #[cfg(target_os = "macos")]
    pub(super) const MSG_NOSIGNAL: c_int = 0;
    #[cfg(target_os = "freebsd")]
    pub(super) const MSG_NOSIGNAL: c_int = 0x20000;
}
use consts::*;

// ANCHOR: socket_fns
/// A non-blocking TCP socket for the family of `addr`.
fn tcp_socket(addr: &SocketAddr) -> io::Result<Fd> {
    new_socket(addr, SOCK_STREAM)
}

/// A non-blocking socket of type `ty` for the family of `addr`.
#[cfg(target_os = "linux")]
fn new_socket(addr: &SocketAddr, ty: c_int) -> io::Result<Fd> {
    let domain = if addr.is_ipv4() { AF_INET } else { AF_INET6 };
    // SAFETY: no pointers; the kernel checks the arguments.
    retry(|| unsafe { socket(domain, ty | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) }).map(Fd)
}

/// Elsewhere: the socket, then its flags, one call each.
#[cfg(any(target_os = "macos", target_os = "freebsd"))]
fn new_socket(addr: &SocketAddr, ty: c_int) -> io::Result<Fd> {
    let domain = if addr.is_ipv4() { AF_INET } else { AF_INET6 };
    // SAFETY: no pointers; the kernel checks the arguments.
    let fd = retry(|| unsafe { socket(domain, ty, 0) }).map(Fd)?;
    prepare_accepted(&fd)?;
    Ok(fd)
}

/// Non-blocking and close-on-exec (and, on macOS, no `SIGPIPE`).
#[cfg(any(target_os = "macos", target_os = "freebsd"))]
fn prepare_accepted(fd: &Fd) -> io::Result<()> {
    super::set_nonblocking_cloexec(fd)?;
    #[cfg(target_os = "macos")]
    set_int_option(fd, SOL_SOCKET, SO_NOSIGPIPE, 1)?;
    Ok(())
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
    retry(|| unsafe { bind(fd.raw(), (&raw const storage).cast(), len) })?;
    let backlog = c_int::try_from(backlog).unwrap_or(c_int::MAX);
    // SAFETY: no pointers.
    retry(|| unsafe { listen(fd.raw(), backlog) })?;
    Ok(fd)
}

/// Starts connecting a new non-blocking socket to `addr`. Returns the socket
/// and whether the connection is already made (it is usually still in
/// progress: wait until the socket is writable, then ask [`take_error`]).
pub(crate) fn tcp_connect(addr: &SocketAddr) -> io::Result<(Fd, bool)> {
    let fd = tcp_socket(addr)?;
    let (storage, len) = encode_addr(addr);
    // SAFETY: `storage` holds a valid address of `len` bytes.
    match retry(|| unsafe { connect(fd.raw(), (&raw const storage).cast(), len) }) {
        Ok(_) => Ok((fd, true)),
        Err(err) if err.raw_os_error() == Some(EINPROGRESS) => Ok((fd, false)),
        Err(err) => Err(err),
    }
}

/// A non-blocking UDP socket bound to `addr`.
pub(crate) fn udp_bind(addr: &SocketAddr) -> io::Result<Fd> {
    let fd = new_socket(addr, SOCK_DGRAM)?;
    let (storage, len) = encode_addr(addr);
    // SAFETY: `storage` holds a valid address of `len` bytes.
    retry(|| unsafe { bind(fd.raw(), (&raw const storage).cast(), len) })?;
    Ok(fd)
}

/// Sends one datagram to `addr`; `WouldBlock` when the buffer is full.
pub(crate) fn udp_send_to(fd: &Fd, buf: &[u8], addr: &SocketAddr) -> io::Result<usize> {
    let (storage, len) = encode_addr(addr);
    // SAFETY: `buf` is valid for reads of `buf.len()` bytes, and `storage`
    // holds a valid address of `len` bytes; both outlive the call.
    retry(|| unsafe {
        sendto(
            fd.raw(),
            buf.as_ptr().cast(),
            buf.len(),
            0,
            (&raw const storage).cast(),
            len,
        )
    })
    .map(|n| n as usize)
}

/// Receives one datagram into `buf` (the rest of a longer one is lost, as
/// `recvfrom(2)` does), and the sender's address; `WouldBlock` when none
/// is waiting.
pub(crate) fn udp_recv_from(fd: &Fd, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
    let mut storage = MaybeUninit::<SockaddrStorage>::zeroed();
    let mut len = mem::size_of::<SockaddrStorage>() as u32;
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes; `storage` has
    // room for `len` bytes of address, and the kernel writes no more.
    let n = retry(|| unsafe {
        recvfrom(
            fd.raw(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            0,
            storage.as_mut_ptr().cast(),
            &mut len,
        )
    })?;
    // SAFETY: zeroed, then filled by the kernel.
    let addr = decode_addr(unsafe { storage.assume_init_ref() }, len)?;
    Ok((n as usize, addr))
}

/// Accepts a connection: a new non-blocking socket and the peer's address.
/// `WouldBlock` when no connection is waiting.
pub(crate) fn tcp_accept(listener: &Fd) -> io::Result<(Fd, SocketAddr)> {
    let mut storage = MaybeUninit::<SockaddrStorage>::zeroed();
    let mut len = mem::size_of::<SockaddrStorage>() as u32;
    // SAFETY: `storage` has room for `len` bytes, and the kernel writes at
    // most `len` bytes of address into it and the real length into `len`.
    #[cfg(target_os = "linux")]
    let fd = retry(|| unsafe {
        accept4(
            listener.raw(),
            storage.as_mut_ptr().cast(),
            &mut len,
            SOCK_NONBLOCK | SOCK_CLOEXEC,
        )
    })
    .map(Fd)?;
    #[cfg(any(target_os = "macos", target_os = "freebsd"))]
    let fd = {
        // SAFETY: as above.
        let fd = retry(|| unsafe {
            accept(listener.raw(), storage.as_mut_ptr().cast(), &mut len)
        })
        .map(Fd)?;
        prepare_accepted(&fd)?;
        fd
    };
    // SAFETY: zeroed, then filled by the kernel: initialized either way.
    let addr = decode_addr(unsafe { storage.assume_init_ref() }, len)?;
    Ok((fd, addr))
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
    retry(|| unsafe { get(fd.raw(), storage.as_mut_ptr().cast(), &mut len) })?;
    // SAFETY: zeroed, then filled by the kernel.
    decode_addr(unsafe { storage.assume_init_ref() }, len)
}

/// Receives into `buf`; `Ok(0)` at end of stream, `WouldBlock` when nothing
/// has arrived yet.
pub(crate) fn tcp_recv(fd: &Fd, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
    retry(|| unsafe { recv(fd.raw(), buf.as_mut_ptr().cast(), buf.len(), 0) })
        .map(|n| n as usize)
}

/// Sends from `buf`; `WouldBlock` when the send buffer is full.
///
/// `MSG_NOSIGNAL`: writing to a connection the peer reset returns `EPIPE`
/// instead of killing the whole process with `SIGPIPE`.
pub(crate) fn tcp_send(fd: &Fd, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for reads of `buf.len()` bytes.
    retry(|| unsafe { send(fd.raw(), buf.as_ptr().cast(), buf.len(), MSG_NOSIGNAL) })
        .map(|n| n as usize)
}

/// `shutdown(2)`: 0 for reads, 1 for writes, 2 for both.
pub(crate) fn tcp_shutdown(fd: &Fd, how: c_int) -> io::Result<()> {
    // SAFETY: no pointers.
    retry(|| unsafe { shutdown(fd.raw(), how) }).map(drop)
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
        l_linger: linger
            .map_or(0, |d| c_int::try_from(d.as_secs()).unwrap_or(c_int::MAX)),
    };
    let len = mem::size_of::<Linger>() as u32;
    // SAFETY: `value` is a valid `struct linger` of `len` bytes.
    retry(|| unsafe {
        setsockopt(fd.raw(), SOL_SOCKET, SO_LINGER, (&raw const value).cast(), len)
    })
    .map(drop)
}

fn set_int_option(fd: &Fd, level: c_int, name: c_int, value: c_int) -> io::Result<()> {
    let len = mem::size_of::<c_int>() as u32;
    // SAFETY: the kernel reads `len` bytes from `value`, alive for the call.
    retry(|| unsafe { setsockopt(fd.raw(), level, name, (&raw const value).cast(), len) })
        .map(drop)
}

fn get_int_option(fd: &Fd, level: c_int, name: c_int) -> io::Result<c_int> {
    let mut value: c_int = 0;
    let mut len = mem::size_of::<c_int>() as u32;
    // SAFETY: the kernel writes at most `len` bytes into `value`.
    retry(|| unsafe {
        getsockopt(fd.raw(), level, name, (&raw mut value).cast(), &mut len)
    })?;
    Ok(value)
}
// ANCHOR_END: socket_fns

// ANCHOR: addr
/// `addr` as the C structs the kernel expects, and their length.
fn encode_addr(addr: &SocketAddr) -> (SockaddrStorage, u32) {
    // SAFETY: all-zero bytes are a valid `SockaddrStorage` (integers only).
    let mut storage: SockaddrStorage = unsafe { mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(v4) => {
            let c = SockaddrIn {
                #[cfg(not(target_os = "linux"))]
                sin_len: mem::size_of::<SockaddrIn>() as u8,
                sin_family: AF_INET as Family,
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
                #[cfg(not(target_os = "linux"))]
                sin6_len: mem::size_of::<SockaddrIn6>() as u8,
                sin6_family: AF_INET6 as Family,
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
            Ok(SocketAddr::V4(SocketAddrV4::new(
                Ipv4Addr::from(c.sin_addr),
                u16::from_be(c.sin_port),
            )))
        }
        AF_INET6 if len >= mem::size_of::<SockaddrIn6>() => {
            // SAFETY: as above, for `sockaddr_in6`.
            let c =
                unsafe { &*(storage as *const SockaddrStorage).cast::<SockaddrIn6>() };
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
    fn address_structs_have_the_kernel_sizes() {
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
}
