//! Streams, as asyncio's: [`open_connection`] and [`start_server`] give a
//! [`StreamReader`] and a [`StreamWriter`] over a TCP connection, and
//! [`create_subprocess_exec`](crate::create_subprocess_exec) gives them
//! over the pipes to a child.
//!
//! The reader keeps a buffer, so that it can read a line or up to a
//! separator. The writer is a transport: `write` never waits, its bytes go
//! out in the background, and [`drain`](StreamWriter::drain) waits while
//! more than the high-water mark is still unsent (flow control).

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::{Future, poll_fn};
use std::io;
use std::net::{Shutdown, SocketAddr, ToSocketAddrs};
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use stepio_reactor::{PipeReader, PipeWriter, TcpListener, TcpStream};

use crate::{Task, create_task};

/// asyncio's default limit on a line or a `readuntil` (64 KiB).
pub const LIMIT: usize = 64 * 1024;
/// Unsent bytes above which `drain` waits (asyncio's default, 64 KiB).
pub const HIGH_WATER: usize = 64 * 1024;
/// `drain` returns once no more than this is unsent (a quarter).
pub const LOW_WATER: usize = HIGH_WATER / 4;

/// Connects to `addr`, as `asyncio.open_connection()`.
///
/// # Errors
///
/// As [`TcpStream::connect`].
pub async fn open_connection(
    addr: impl ToSocketAddrs,
) -> io::Result<(StreamReader, StreamWriter)> {
    Ok(streams(TcpStream::connect(addr).await?))
}

/// The two ends of one connection.
fn streams(stream: TcpStream) -> (StreamReader, StreamWriter) {
    let stream = SharedTcp(Rc::new(RefCell::new(stream)));
    (StreamReader::new(stream.clone()), StreamWriter::new(stream))
}

// ANCHOR: transports
/// Where a reader's bytes come from, as asyncio's read transport: a TCP
/// connection, or a pipe from a child.
pub(crate) trait ReadTransport {
    fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>>;
}

/// Where a writer's bytes go, as asyncio's write transport.
pub(crate) trait WriteTransport {
    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8])
    -> Poll<io::Result<usize>>;
    /// No more bytes will come: the other end reads the end of the stream.
    fn close(&mut self) -> io::Result<()>;
}

/// A connection shared by its reader and its writer.
#[derive(Clone)]
struct SharedTcp(Rc<RefCell<TcpStream>>);

impl ReadTransport for SharedTcp {
    fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.0.borrow_mut().poll_read(cx, buf)
    }
}

impl WriteTransport for SharedTcp {
    fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.0.borrow_mut().poll_write(cx, buf)
    }

    fn close(&mut self) -> io::Result<()> {
        self.0.borrow().shutdown(Shutdown::Write)
    }
}

impl ReadTransport for PipeReader {
    fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        PipeReader::poll_read(self, cx, buf)
    }
}

/// A pipe to a child closes by being dropped.
impl WriteTransport for Option<PipeWriter> {
    fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self {
            Some(pipe) => pipe.poll_write(cx, buf),
            None => Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())),
        }
    }

    fn close(&mut self) -> io::Result<()> {
        drop(self.take());
        Ok(())
    }
}
// ANCHOR_END: transports

// ANCHOR: server
/// Listens on `addr` and runs `handler` in a task of its own for each
/// connection, as `asyncio.start_server()`.
///
/// # Errors
///
/// As [`TcpListener::bind`].
pub fn start_server<H, F>(addr: impl ToSocketAddrs, handler: H) -> io::Result<Server>
where
    H: Fn(StreamReader, StreamWriter) -> F + 'static,
    F: Future<Output = ()> + 'static,
{
    let listener = TcpListener::bind(addr)?;
    let addr = listener.local_addr()?;
    // Chapter 4's accept loop, with its care for a process out of
    // descriptors; each connection gets its streams and a task.
    let accepting = create_task(async move {
        let serving = stepio_reactor::serve(listener, move |stream, _peer| {
            let (reader, writer) = streams(stream);
            handler(reader, writer)
        });
        if let Err(err) = serving.await {
            stepio_reactor::log_error(format!("start_server: {err}"));
        }
    });
    Ok(Server { addr, accepting })
}

/// A server from [`start_server`]. Dropping it leaves it running; `close`
/// stops it accepting (connections already accepted go on).
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    accepting: Task<()>,
}

impl Server {
    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, as `Server.close()`.
    pub fn close(&self) {
        self.accepting.cancel();
    }
}
// ANCHOR_END: server

// ANCHOR: reader
/// The reading end, as `asyncio.StreamReader`.
pub struct StreamReader {
    transport: Box<dyn ReadTransport>,
    /// Bytes received and not yet read.
    buf: Vec<u8>,
    eof: bool,
}

impl StreamReader {
    pub(crate) fn new(transport: impl ReadTransport + 'static) -> StreamReader {
        StreamReader { transport: Box::new(transport), buf: Vec::new(), eof: false }
    }

    /// Receives more into the buffer (at most once); `false` at the end of
    /// the stream.
    async fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let mut chunk = [0; 4096];
        let n = poll_fn(|cx| self.transport.poll_read(cx, &mut chunk)).await?;
        self.buf.extend_from_slice(&chunk[..n]);
        self.eof = n == 0;
        Ok(n > 0)
    }

    fn take(&mut self, n: usize) -> Vec<u8> {
        self.buf.drain(..n.min(self.buf.len())).collect()
    }

    /// Up to `n` bytes, as `read(n)`: what is buffered, or else what the
    /// next receive brings; empty at the end of the stream.
    ///
    /// # Errors
    ///
    /// As `recv(2)`.
    pub async fn read(&mut self, n: usize) -> io::Result<Vec<u8>> {
        if self.buf.is_empty() {
            self.fill().await?;
        }
        Ok(self.take(n))
    }

    /// Everything until the end of the stream, as `read()` (`n = -1`).
    ///
    /// # Errors
    ///
    /// As `recv(2)`, or `read(2)` on a pipe.
    pub async fn read_to_end(&mut self) -> io::Result<Vec<u8>> {
        while self.fill().await? {}
        Ok(self.take(usize::MAX))
    }

    /// Exactly `n` bytes, as `readexactly(n)`.
    ///
    /// # Errors
    ///
    /// [`StreamError::IncompleteRead`] with what came, if the stream ends
    /// first; [`StreamError::Io`] as `recv(2)`.
    pub async fn readexactly(&mut self, n: usize) -> Result<Vec<u8>, StreamError> {
        while self.buf.len() < n {
            if !self.fill().await? {
                let partial = self.take(usize::MAX);
                return Err(StreamError::IncompleteRead { partial, expected: n });
            }
        }
        Ok(self.take(n))
    }

    /// The bytes up to and including `separator`, as `readuntil()`.
    ///
    /// # Errors
    ///
    /// [`StreamError::LimitOverrun`] if [`LIMIT`] bytes come without it
    /// (they stay buffered); [`StreamError::IncompleteRead`] if the stream
    /// ends first; [`StreamError::Io`].
    pub async fn readuntil(&mut self, separator: &[u8]) -> Result<Vec<u8>, StreamError> {
        assert!(!separator.is_empty(), "separator should be at least one-byte string");
        loop {
            if let Some(at) =
                self.buf.windows(separator.len()).position(|w| w == separator)
            {
                return Ok(self.take(at + separator.len()));
            }
            if self.buf.len() > LIMIT {
                return Err(StreamError::LimitOverrun { consumed: self.buf.len() });
            }
            if !self.fill().await? {
                let partial = self.take(usize::MAX);
                let expected = partial.len() + separator.len();
                return Err(StreamError::IncompleteRead { partial, expected });
            }
        }
    }

    /// One line, with its `\n`, as `readline()`: at the end of the stream,
    /// what is left (empty when nothing is).
    ///
    /// # Errors
    ///
    /// [`StreamError::LimitOverrun`] as `readuntil`; [`StreamError::Io`].
    pub async fn readline(&mut self) -> Result<Vec<u8>, StreamError> {
        match self.readuntil(b"\n").await {
            Err(StreamError::IncompleteRead { partial, .. }) => Ok(partial),
            other => other,
        }
    }

    /// Whether the stream ended and the buffer is empty, as `at_eof()`.
    pub fn at_eof(&self) -> bool {
        self.eof && self.buf.is_empty()
    }
}
// ANCHOR_END: reader

/// How a stream read fails, as asyncio's `IncompleteReadError`,
/// `LimitOverrunError` and `OSError`.
#[derive(Debug)]
pub enum StreamError {
    /// The stream ended after `partial`, before `expected` bytes.
    IncompleteRead {
        /// What came.
        partial: Vec<u8>,
        /// How many were needed.
        expected: usize,
    },
    /// No separator within the limit; `consumed` bytes are buffered.
    LimitOverrun {
        /// Bytes buffered without the separator.
        consumed: usize,
    },
    /// The socket failed.
    Io(io::Error),
}

impl From<io::Error> for StreamError {
    fn from(err: io::Error) -> StreamError {
        StreamError::Io(err)
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // asyncio's own words.
            StreamError::IncompleteRead { partial, expected } => write!(
                f,
                "{} bytes read on a total of {expected} expected bytes",
                partial.len()
            ),
            StreamError::LimitOverrun { .. } => {
                f.write_str("Separator is not found, and chunk exceed the limit")
            }
            StreamError::Io(err) => write!(f, "{err}"),
        }
    }
}

impl Error for StreamError {}

// ANCHOR: writer
/// The writing end, as `asyncio.StreamWriter`.
pub struct StreamWriter {
    state: Rc<RefCell<Sending>>,
}

/// What the writer and its sending task share.
struct Sending {
    transport: Box<dyn WriteTransport>,
    /// Written and not yet sent.
    unsent: Vec<u8>,
    /// A task is sending `unsent` in the background.
    sending: bool,
    /// `close` was called: shut down the sending side once all is sent.
    closing: bool,
    closed: bool,
    /// The first send error; every later call reports it.
    error: Option<io::ErrorKind>,
    /// `drain` and `wait_closed` callers.
    waiters: Vec<Waker>,
}

impl StreamWriter {
    pub(crate) fn new(transport: impl WriteTransport + 'static) -> StreamWriter {
        let sending = Sending {
            transport: Box::new(transport),
            unsent: Vec::new(),
            sending: false,
            closing: false,
            closed: false,
            error: None,
            waiters: Vec::new(),
        };
        StreamWriter { state: Rc::new(RefCell::new(sending)) }
    }
}

impl StreamWriter {
    /// Queues `data` to be sent, as `write()`: it never waits.
    pub fn write(&self, data: &[u8]) {
        self.state.borrow_mut().unsent.extend_from_slice(data);
        self.start_sending();
    }

    /// Waits while more than [`HIGH_WATER`] bytes are unsent, until no
    /// more than [`LOW_WATER`] are, as `drain()`.
    ///
    /// # Errors
    ///
    /// The error that stopped sending, if one did.
    pub async fn drain(&self) -> io::Result<()> {
        let over = self.state.borrow().unsent.len() > HIGH_WATER;
        poll_fn(|cx| {
            let mut state = self.state.borrow_mut();
            if let Some(kind) = state.error {
                return Poll::Ready(Err(io::Error::from(kind)));
            }
            if !over || state.unsent.len() <= LOW_WATER {
                return Poll::Ready(Ok(()));
            }
            state.waiters.push(cx.waker().clone());
            Poll::Pending
        })
        .await
    }

    /// Sends what is left, then closes the sending side, as `close()`.
    pub fn close(&self) {
        self.state.borrow_mut().closing = true;
        self.start_sending();
    }

    /// Waits until `close` has finished, as `wait_closed()`.
    ///
    /// # Errors
    ///
    /// The error that stopped sending, if one did.
    pub async fn wait_closed(&self) -> io::Result<()> {
        poll_fn(|cx| {
            let mut state = self.state.borrow_mut();
            if let Some(kind) = state.error {
                return Poll::Ready(Err(io::Error::from(kind)));
            }
            if state.closed {
                return Poll::Ready(Ok(()));
            }
            state.waiters.push(cx.waker().clone());
            Poll::Pending
        })
        .await
    }

    /// Starts the sending task unless one runs.
    fn start_sending(&self) {
        let mut state = self.state.borrow_mut();
        if state.sending || state.closed || state.error.is_some() {
            return;
        }
        state.sending = true;
        drop(state);
        create_task(send_all(Rc::clone(&self.state)));
    }
}

/// The background half of the writer: sends until nothing is left, then
/// closes if asked to, waking `drain` and `wait_closed` on the way.
async fn send_all(state: Rc<RefCell<Sending>>) {
    let result = poll_fn(|cx| {
        loop {
            let mut guard = state.borrow_mut();
            let sending = &mut *guard;
            if sending.unsent.is_empty() {
                return Poll::Ready(Ok(()));
            }
            let sent = match sending.transport.poll_write(cx, &sending.unsent) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(result) => result,
            };
            match sent {
                Ok(n) => {
                    sending.unsent.drain(..n);
                    if sending.unsent.len() <= LOW_WATER {
                        sending.waiters.drain(..).for_each(Waker::wake);
                    }
                }
                Err(err) => return Poll::Ready(Err(err)),
            }
        }
    })
    .await;
    let mut state = state.borrow_mut();
    state.sending = false;
    match result {
        Err(err) => state.error = Some(err.kind()),
        Ok(()) if state.closing => {
            let _ = state.transport.close();
            state.closed = true;
        }
        Ok(()) => {}
    }
    state.waiters.drain(..).for_each(Waker::wake);
}
// ANCHOR_END: writer

impl fmt::Debug for StreamReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamReader")
            .field("buffered", &self.buf.len())
            .field("eof", &self.eof)
            .finish()
    }
}

impl fmt::Debug for StreamWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("StreamWriter")
            .field("unsent", &state.unsent.len())
            .field("closed", &state.closed)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::{LIMIT, LOW_WATER, StreamError, open_connection, start_server};
    use crate::run;

    // ANCHOR: stream_tests
    #[test]
    fn lines_go_both_ways_and_close_ends_the_stream() {
        run(async {
            let server = start_server("127.0.0.1:0", |mut reader, writer| async move {
                while let Ok(line) = reader.readline().await {
                    if line.is_empty() {
                        break; // the client closed its side
                    }
                    writer.write(&line.to_ascii_uppercase());
                }
                writer.close();
                writer.wait_closed().await.unwrap();
            })
            .unwrap();
            let (mut reader, writer) =
                open_connection(server.local_addr()).await.unwrap();
            writer.write(b"hello\nworld\n");
            writer.drain().await.unwrap();
            assert_eq!(reader.readline().await.unwrap(), b"HELLO\n");
            assert_eq!(reader.readline().await.unwrap(), b"WORLD\n");
            writer.close();
            writer.wait_closed().await.unwrap();
            assert_eq!(reader.read(100).await.unwrap(), b"", "the server closed too");
            assert!(reader.at_eof());
            server.close();
        })
        .unwrap();
    }

    #[test]
    fn a_short_stream_and_a_missing_separator_are_clear_errors() {
        run(async {
            let server = start_server("127.0.0.1:0", |_, writer| async move {
                writer.write(b"abc");
                writer.write(&vec![b'x'; LIMIT + 10]);
                writer.close();
                writer.wait_closed().await.unwrap();
            })
            .unwrap();
            let (mut reader, _writer) =
                open_connection(server.local_addr()).await.unwrap();
            assert_eq!(reader.readexactly(3).await.unwrap(), b"abc");
            let err = reader.readuntil(b"\n").await.unwrap_err();
            assert!(
                matches!(err, StreamError::LimitOverrun { consumed } if consumed > LIMIT)
            );
            let err = reader.readexactly(LIMIT + 20).await.unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "{} bytes read on a total of {} expected bytes",
                    LIMIT + 10,
                    LIMIT + 20
                )
            );
            server.close();
        })
        .unwrap();
    }

    #[test]
    fn drain_waits_for_the_unsent_bytes_to_fall_below_the_low_mark() {
        const TOTAL: usize = 4 << 20;
        run(async {
            let server = start_server("127.0.0.1:0", |mut reader, writer| async move {
                let data = reader.readexactly(TOTAL).await.unwrap();
                assert!(data.iter().all(|&byte| byte == 7));
                writer.write(b"ok");
                writer.close();
            })
            .unwrap();
            let (mut reader, writer) =
                open_connection(server.local_addr()).await.unwrap();
            writer.write(&vec![7; TOTAL]);
            writer.drain().await.unwrap();
            assert!(writer.state.borrow().unsent.len() <= LOW_WATER);
            assert_eq!(reader.readexactly(2).await.unwrap(), b"ok");
            server.close();
        })
        .unwrap();
    }
    // ANCHOR_END: stream_tests
}
