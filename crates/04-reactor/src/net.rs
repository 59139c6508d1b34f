//! Async TCP: [`TcpListener`] and [`TcpStream`], usable from tasks.
//!
//! Every operation is a non-blocking system call made through
//! `Source::poll_io`: try it; if the kernel says "would block", wait for
//! epoll's next edge, then try again. Reads and writes take `&mut self`,
//! so at most one task waits in each direction of a socket, which is what
//! the reactor's one waker per direction expects. [`TcpStream::split`] gives
//! a reading half and a writing half to use at the same time.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::net::{Shutdown, SocketAddr, ToSocketAddrs};
use std::task::{Context, Poll};
use std::time::Duration;

use crate::reactor::Direction;
use crate::source::Source;
use crate::sys;

// ANCHOR: listener
/// A TCP socket listening for connections, as asyncio's server socket.
pub struct TcpListener {
    source: Source,
}

impl TcpListener {
    /// How many connections the kernel queues before they are accepted.
    pub const BACKLOG: u32 = 1024;

    /// Binds to `addr` and listens. Port 0 asks the kernel for a free port
    /// ([`local_addr`](TcpListener::local_addr) says which).
    ///
    /// # Errors
    ///
    /// An address that does not resolve or cannot be bound (in use,
    /// not permitted), or no running loop with a reactor on this thread.
    pub fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        each_addr(addr, |addr| {
            let fd = sys::tcp_listen(&addr, TcpListener::BACKLOG)
                .map_err(|err| explained(err, "cannot listen on", addr))?;
            Ok(TcpListener { source: Source::new(fd)? })
        })
    }

    /// The address the listener is bound to.
    ///
    /// # Errors
    ///
    /// As `getsockname(2)`; not expected on a bound socket.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        sys::local_addr(self.source.fd())
    }

    /// Waits for a connection and accepts it.
    ///
    /// # Errors
    ///
    /// As `accept4(2)`. When the process is out of file descriptors
    /// (`EMFILE`, see [`is_out_of_resources`]), the connection stays in the
    /// queue and the listener stays readable, so calling `accept` again at
    /// once fails again at once: back off first (asyncio waits a second).
    pub async fn accept(&mut self) -> io::Result<(TcpStream, SocketAddr)> {
        poll_fn(|cx| self.poll_accept(cx)).await
    }

    /// `accept` as a poll function, for hand-written futures.
    ///
    /// # Errors
    ///
    /// As [`accept`](TcpListener::accept).
    pub fn poll_accept(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        self.source.poll_io(Direction::Read, cx, sys::tcp_accept).map(|result| {
            let (fd, peer) = result?;
            Ok((TcpStream { source: Source::new(fd)? }, peer))
        })
    }
}

/// Whether `err` means the process or system ran out of something an
/// `accept` needs (file descriptors, buffers, memory). A server that gets
/// one should wait a little before accepting again, as asyncio does.
pub fn is_out_of_resources(err: &io::Error) -> bool {
    sys::is_out_of_resources(err)
}
// ANCHOR_END: listener

impl TcpListener {
    /// Accepts a connection waiting in the kernel's queue, without
    /// waiting for one (and whatever epoll has said so far): `None` when
    /// the queue is empty. For a server that stops, to serve what it had
    /// already let in.
    ///
    /// # Errors
    ///
    /// As [`accept`](TcpListener::accept).
    pub fn accept_queued(&mut self) -> io::Result<Option<(TcpStream, SocketAddr)>> {
        match sys::tcp_accept(self.source.fd()) {
            Ok((fd, peer)) => Ok(Some((TcpStream { source: Source::new(fd)? }, peer))),
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => Ok(None),
            Err(err) => Err(err),
        }
    }
}

// ANCHOR: stream
/// A TCP connection.
pub struct TcpStream {
    source: Source,
}

impl TcpStream {
    /// Connects to `addr` (each of its addresses in turn, until one
    /// accepts), without blocking the loop.
    ///
    /// # Errors
    ///
    /// The last address's error (refused, unreachable...), or no running
    /// loop with a reactor on this thread.
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        let mut last_err = None;
        for addr in addr.to_socket_addrs()? {
            match TcpStream::connect_one(addr).await {
                Ok(stream) => return Ok(stream),
                Err(err) => last_err = Some(explained(err, "cannot connect to", addr)),
            }
        }
        Err(last_err.unwrap_or_else(no_addresses))
    }

    async fn connect_one(addr: SocketAddr) -> io::Result<TcpStream> {
        // Registered after `connect` starts: a socket that is not connecting
        // yet reports a hang-up, which would look like a failed connection.
        let (fd, done) = sys::tcp_connect(&addr)?;
        let stream = TcpStream { source: Source::new(fd)? };
        if !done {
            // A connection in progress becomes writable when it is made,
            // or when it failed; SO_ERROR tells which.
            poll_fn(|cx| stream.source.poll_ready(Direction::Write, cx)).await;
            if let Some(err) = sys::take_error(stream.source.fd())? {
                return Err(err);
            }
        }
        Ok(stream)
    }
}
// ANCHOR_END: stream

impl TcpStream {
    /// The local address of the connection.
    ///
    /// # Errors
    ///
    /// As `getsockname(2)`.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        sys::local_addr(self.source.fd())
    }

    /// The address of the other end.
    ///
    /// # Errors
    ///
    /// As `getpeername(2)`: `NotConnected` once the peer is gone.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        sys::peer_addr(self.source.fd())
    }

    /// Turns Nagle's algorithm off (`true`) or on: with it off, small writes
    /// are sent at once, which request-response protocols want.
    ///
    /// # Errors
    ///
    /// As `setsockopt(2)`.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        sys::set_nodelay(self.source.fd(), nodelay)
    }

    /// Whether Nagle's algorithm is off.
    ///
    /// # Errors
    ///
    /// As `getsockopt(2)`.
    pub fn nodelay(&self) -> io::Result<bool> {
        sys::nodelay(self.source.fd())
    }

    /// Sets `SO_LINGER`. With `Some(Duration::ZERO)`, dropping the stream
    /// resets the connection (the peer gets `ECONNRESET`) instead of
    /// closing it in order. Tests use it to play a rude client.
    ///
    /// # Errors
    ///
    /// As `setsockopt(2)`.
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        sys::set_linger(self.source.fd(), linger)
    }

    /// Shuts down reading, writing or both. Shutting down writing sends
    /// end-of-stream to the peer, whose reads then return 0.
    ///
    /// # Errors
    ///
    /// As `shutdown(2)`: `NotConnected` if the peer is gone.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        let how = match how {
            Shutdown::Read => 0,
            Shutdown::Write => 1,
            Shutdown::Both => 2,
        };
        sys::tcp_shutdown(self.source.fd(), how)
    }

    /// A reading half and a writing half, to read and write at once (from
    /// two futures of one task, for example).
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        (ReadHalf { source: &self.source }, WriteHalf { source: &self.source })
    }

    /// Reads some bytes into `buf`: how many, or 0 at end of stream.
    ///
    /// # Errors
    ///
    /// As `recv(2)`: `ConnectionReset` if the peer reset the connection.
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.split().0.read(buf).await
    }

    /// Reads exactly `buf.len()` bytes.
    ///
    /// # Errors
    ///
    /// `UnexpectedEof` if the stream ends first; otherwise as `read`.
    pub async fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<()> {
        self.split().0.read_exact(buf).await
    }

    /// Reads until end of stream, appending to `buf`; returns how many bytes.
    ///
    /// # Errors
    ///
    /// As `read`.
    pub async fn read_to_end(&mut self, buf: &mut Vec<u8>) -> io::Result<usize> {
        self.split().0.read_to_end(buf).await
    }

    /// Writes some bytes of `buf`; returns how many.
    ///
    /// # Errors
    ///
    /// As `send(2)`: `BrokenPipe` or `ConnectionReset` when the peer is gone.
    pub async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.split().1.write(buf).await
    }

    /// Writes all of `buf`.
    ///
    /// # Errors
    ///
    /// As `write`; `WriteZero` if the socket accepts no more bytes.
    pub async fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.split().1.write_all(buf).await
    }

    /// `read` as a poll function, for hand-written futures.
    ///
    /// # Errors
    ///
    /// As [`read`](TcpStream::read).
    pub fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.split().0.poll_read(cx, buf)
    }

    /// `write` as a poll function, for hand-written futures.
    ///
    /// # Errors
    ///
    /// As [`write`](TcpStream::write).
    pub fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.split().1.poll_write(cx, buf)
    }
}

// ANCHOR: halves
/// The reading half of a [`TcpStream`], from [`TcpStream::split`].
pub struct ReadHalf<'a> {
    source: &'a Source,
}

/// The writing half of a [`TcpStream`], from [`TcpStream::split`].
pub struct WriteHalf<'a> {
    source: &'a Source,
}

impl ReadHalf<'_> {
    /// As [`TcpStream::poll_read`].
    ///
    /// # Errors
    ///
    /// As [`TcpStream::read`].
    pub fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let result = std::task::ready!(
            self.source.poll_io(Direction::Read, cx, |fd| sys::tcp_recv(fd, buf))
        );
        if let Ok(n) = result {
            // A short read emptied the socket's buffer: the next read would
            // say "would block". Forget the readiness now and save that
            // system call; new data brings a new edge.
            if 0 < n && n < buf.len() {
                self.source.clear_ready(Direction::Read);
            }
        }
        Poll::Ready(result)
    }
}
// ANCHOR_END: halves

impl ReadHalf<'_> {
    /// As [`TcpStream::read`].
    ///
    /// # Errors
    ///
    /// As [`TcpStream::read`].
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_read(cx, buf)).await
    }

    /// As [`TcpStream::read_exact`].
    ///
    /// # Errors
    ///
    /// As [`TcpStream::read_exact`].
    pub async fn read_exact(&mut self, mut buf: &mut [u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match self.read(buf).await? {
                0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                n => buf = &mut buf[n..],
            }
        }
        Ok(())
    }

    /// As [`TcpStream::read_to_end`].
    ///
    /// # Errors
    ///
    /// As [`TcpStream::read_to_end`].
    pub async fn read_to_end(&mut self, buf: &mut Vec<u8>) -> io::Result<usize> {
        let start = buf.len();
        let mut chunk = [0; 16 * 1024];
        loop {
            match self.read(&mut chunk).await? {
                0 => return Ok(buf.len() - start),
                n => buf.extend_from_slice(&chunk[..n]),
            }
        }
    }
}

impl WriteHalf<'_> {
    /// As [`TcpStream::poll_write`].
    ///
    /// # Errors
    ///
    /// As [`TcpStream::write`].
    pub fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = std::task::ready!(
            self.source.poll_io(Direction::Write, cx, |fd| sys::tcp_send(fd, buf))
        );
        if let Ok(n) = result {
            // A short write filled the send buffer: as for reads.
            if 0 < n && n < buf.len() {
                self.source.clear_ready(Direction::Write);
            }
        }
        Poll::Ready(result)
    }

    /// As [`TcpStream::write`].
    ///
    /// # Errors
    ///
    /// As [`TcpStream::write`].
    pub async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_write(cx, buf)).await
    }

    /// As [`TcpStream::write_all`].
    ///
    /// # Errors
    ///
    /// As [`TcpStream::write_all`].
    pub async fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match self.write(buf).await? {
                0 => return Err(io::ErrorKind::WriteZero.into()),
                n => buf = &buf[n..],
            }
        }
        Ok(())
    }
}

/// Tries `f` on each address `addr` resolves to; the first success, or the
/// last error.
pub(crate) fn each_addr<T>(
    addr: impl ToSocketAddrs,
    mut f: impl FnMut(SocketAddr) -> io::Result<T>,
) -> io::Result<T> {
    let mut last_err = None;
    for addr in addr.to_socket_addrs()? {
        match f(addr) {
            Ok(value) => return Ok(value),
            Err(err) => last_err = Some(err),
        }
    }
    Err(last_err.unwrap_or_else(no_addresses))
}

/// `err` said for a person: what was being done, to which address, and
/// for the usual mistakes what to do. Only those kinds are reworded, and
/// they keep their kind; any other error (out of descriptors, say) comes
/// back as it was, with its OS error code.
fn explained(err: io::Error, doing: &str, addr: SocketAddr) -> io::Error {
    let advice = match err.kind() {
        io::ErrorKind::AddrInUse => {
            "the address is in use (is another server running there? \
             pick another port, or port 0 for any free one)"
        }
        io::ErrorKind::ConnectionRefused => {
            "nothing listens there (is the server running, on that port?)"
        }
        io::ErrorKind::AddrNotAvailable => "this machine has no such address",
        io::ErrorKind::PermissionDenied => {
            "not allowed (ports below 1024 need privileges)"
        }
        _ => return err,
    };
    io::Error::new(err.kind(), format!("{doing} {addr}: {advice} ({err})"))
}

fn no_addresses() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "the address resolved to no socket address",
    )
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpListener")
            .field("addr", &self.local_addr().ok())
            .field("fd", &self.source.fd().raw())
            .finish()
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpStream")
            .field("local", &self.local_addr().ok())
            .field("peer", &self.peer_addr().ok())
            .field("fd", &self.source.fd().raw())
            .finish()
    }
}

impl fmt::Debug for ReadHalf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadHalf").field("fd", &self.source.fd().raw()).finish()
    }
}

impl fmt::Debug for WriteHalf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteHalf").field("fd", &self.source.fd().raw()).finish()
    }
}

#[cfg(test)]
impl TcpStream {
    pub(crate) fn source_token(&self) -> crate::Token {
        self.source.token()
    }

    pub(crate) fn raw_fd(&self) -> std::ffi::c_int {
        self.source.fd().raw()
    }
}

#[cfg(test)]
impl TcpListener {
    pub(crate) fn source_token(&self) -> crate::Token {
        self.source.token()
    }
}
