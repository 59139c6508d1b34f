//! `UdpSocket`: datagrams, on the same readiness protocol as TCP.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

use crate::net::each_addr;
use crate::reactor::Direction;
use crate::source::Source;
use crate::sys;

// ANCHOR: udp
/// A UDP socket on the running loop's reactor: each `send_to` sends one
/// datagram, each `recv_from` receives one, waiting while there is none.
pub struct UdpSocket {
    source: Source,
}

impl UdpSocket {
    /// A socket bound to `addr` (port 0: any free port).
    ///
    /// # Errors
    ///
    /// An address that cannot be bound, or no running loop with a reactor.
    pub fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        each_addr(addr, |addr| {
            Ok(UdpSocket { source: Source::new(sys::udp_bind(&addr)?)? })
        })
    }

    /// The address it is bound to.
    ///
    /// # Errors
    ///
    /// As `getsockname(2)`.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        sys::local_addr(self.source.fd())
    }

    /// Sends `buf` as one datagram to `addr`.
    ///
    /// # Errors
    ///
    /// As `sendto(2)` (a datagram too large for the network, say).
    pub async fn send_to(&self, buf: &[u8], addr: SocketAddr) -> io::Result<usize> {
        poll_fn(|cx| {
            self.source
                .poll_io(Direction::Write, cx, |fd| sys::udp_send_to(fd, buf, &addr))
        })
        .await
    }

    /// Receives one datagram into `buf`, and who sent it. A datagram
    /// longer than `buf` is cut short, as `recvfrom(2)` does.
    ///
    /// # Errors
    ///
    /// As `recvfrom(2)`.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        poll_fn(|cx| {
            self.source.poll_io(Direction::Read, cx, |fd| sys::udp_recv_from(fd, buf))
        })
        .await
    }
}
// ANCHOR_END: udp

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdpSocket").field("source", &self.source).finish()
    }
}
