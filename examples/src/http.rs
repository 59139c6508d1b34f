//! One HTTP/1.x request reader for every server of the examples: the web
//! app of chapter 4, its file server, and chapter 8's site.
//!
//! It reads strictly and answers what it refuses with a status that says
//! why, then closes:
//!
//! | status | when |
//! | --- | --- |
//! | 400 Bad Request | a malformed request line or header line, a control byte (NUL, a bare CR or LF) in the head, HTTP/1.1 without exactly one `Host`, a bad `Content-Length` |
//! | 408 Request Timeout | part of a request, then nothing for [`Limits::read_timeout`] |
//! | 411 Length Required | `POST`, `PUT` or `PATCH` without `Content-Length` |
//! | 413 Content Too Large | a body over [`Limits::max_body`] |
//! | 431 Request Header Fields Too Large | a head over [`Limits::max_head`] |
//! | 501 Not Implemented | `Transfer-Encoding` (chunked bodies are not read) |
//! | 505 HTTP Version Not Supported | `HTTP/x.y` other than 1.0 and 1.1 |
//!
//! A [`Connection`] serves requests one after another on one socket
//! (keep-alive, as aiohttp serves the tutorial's app): HTTP/1.1 keeps the
//! connection unless the client sends `Connection: close`, HTTP/1.0 only
//! if it sends `Connection: keep-alive`; a connection closes after
//! [`Limits::max_requests`] requests, or after [`Limits::idle_timeout`]
//! without a new one.

use std::io;
use std::net::Shutdown;
use std::time::Duration;

use stepio_reactor::TcpStream;
use stepio_timer_wheel::timeout;

/// What a [`Connection`] accepts, and for how long it waits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The longest request head (request line and headers): 431 beyond.
    pub max_head: usize,
    /// The longest request body: 413 beyond.
    pub max_body: usize,
    /// How long a request may take to arrive once it has begun (and the
    /// first request once the connection is open): 408 after it, or a
    /// silent close when not a byte came.
    pub read_timeout: Duration,
    /// How long a kept-alive connection waits for its next request.
    pub idle_timeout: Duration,
    /// Requests on one connection; the last response says `Connection: close`.
    pub max_requests: u32,
}

impl Default for Limits {
    /// 8 KiB of head, 64 KiB of body, 5 s to send a request, 5 s idle, 100
    /// requests a connection. (aiohttp's defaults are 8 KiB lines, 1 MiB
    /// bodies, a 75 s idle time and no cap; ours are tighter, for a demo
    /// server that anyone on the machine can reach.)
    fn default() -> Limits {
        Limits {
            max_head: 8 * 1024,
            max_body: 64 * 1024,
            read_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(5),
            max_requests: 100,
        }
    }
}

/// A status code and its reason phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    /// The number, as 404.
    pub code: u16,
    /// The words, as "Not Found".
    pub reason: &'static str,
}

#[allow(missing_docs)] // Each is named after its reason phrase.
impl Status {
    pub const OK: Status = Status { code: 200, reason: "OK" };
    pub const BAD_REQUEST: Status = Status { code: 400, reason: "Bad Request" };
    pub const NOT_FOUND: Status = Status { code: 404, reason: "Not Found" };
    pub const METHOD_NOT_ALLOWED: Status =
        Status { code: 405, reason: "Method Not Allowed" };
    pub const REQUEST_TIMEOUT: Status = Status { code: 408, reason: "Request Timeout" };
    pub const LENGTH_REQUIRED: Status = Status { code: 411, reason: "Length Required" };
    pub const CONTENT_TOO_LARGE: Status =
        Status { code: 413, reason: "Content Too Large" };
    pub const HEADERS_TOO_LARGE: Status =
        Status { code: 431, reason: "Request Header Fields Too Large" };
    pub const NOT_IMPLEMENTED: Status = Status { code: 501, reason: "Not Implemented" };
    pub const VERSION_NOT_SUPPORTED: Status =
        Status { code: 505, reason: "HTTP Version Not Supported" };
}

/// A request's head, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// `GET`, `POST`...
    pub method: String,
    /// The request target, as sent (always starts with `/`).
    pub path: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor_version: u8,
    /// Every header, name and value as sent (the value without the spaces
    /// around it).
    pub headers: Vec<(String, String)>,
    /// The body's length, from `Content-Length` (0 without one).
    pub content_length: usize,
}

impl Head {
    /// The first header called `name` (in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| &**v)
    }

    /// Whether the client asks to keep the connection after this request.
    pub fn wants_keep_alive(&self) -> bool {
        let says = |option: &str| {
            self.headers.iter().any(|(name, value)| {
                name.eq_ignore_ascii_case("connection")
                    && value
                        .split(',')
                        .any(|token| token.trim().eq_ignore_ascii_case(option))
            })
        };
        if self.minor_version == 0 { says("keep-alive") } else { !says("close") }
    }
}

/// A whole request: its head and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The request line and headers.
    pub head: Head,
    /// `Content-Length` bytes of body.
    pub body: Vec<u8>,
}

// ANCHOR: parse
/// Parses a request head, without the blank line that ends it, or says
/// which status refuses it. `max_body` is the longest `Content-Length`
/// allowed.
pub fn parse_head(head: &[u8], max_body: usize) -> Result<Head, Status> {
    let bad = Status::BAD_REQUEST;
    // Lines end in CRLF; a bare CR or LF left inside a line is a control
    // byte, which neither the request line nor a header line may hold.
    let mut lines = split_lines(head);
    let (method, path, minor_version) = parse_request_line(lines.next().ok_or(bad)?)?;
    let mut headers = Vec::new();
    for line in lines {
        headers.push(parse_header_line(line)?);
    }
    let mut head = Head { method, path, minor_version, headers, content_length: 0 };
    let named = |name: &'static str| {
        head.headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name))
    };
    let hosts = named("host").count();
    if hosts > 1 || (minor_version == 1 && hosts == 0) {
        return Err(bad);
    }
    if named("transfer-encoding").next().is_some() {
        return Err(Status::NOT_IMPLEMENTED);
    }
    let mut length = None;
    for (_, value) in named("content-length") {
        for item in value.split(',') {
            let item = item.trim_matches([' ', '\t']);
            if item.is_empty() || !item.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad);
            }
            // Too many digits for a usize is too large for any limit.
            let n = item.parse::<usize>().unwrap_or(usize::MAX);
            if length.is_some_and(|seen| seen != n) {
                return Err(bad);
            }
            length = Some(n);
        }
    }
    match length {
        Some(n) if n > max_body => return Err(Status::CONTENT_TOO_LARGE),
        Some(n) => head.content_length = n,
        None if matches!(&*head.method, "POST" | "PUT" | "PATCH") => {
            return Err(Status::LENGTH_REQUIRED);
        }
        None => {}
    }
    Ok(head)
}
// ANCHOR_END: parse

/// The lines of `head`, split at each CRLF.
fn split_lines(head: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(head);
    std::iter::from_fn(move || {
        let text = rest?;
        match find(text, b"\r\n") {
            Some(end) => {
                rest = Some(&text[end + 2..]);
                Some(&text[..end])
            }
            None => rest.take(),
        }
    })
}

/// `METHOD /target HTTP/1.x`, with single spaces.
fn parse_request_line(line: &[u8]) -> Result<(String, String, u8), Status> {
    let bad = Status::BAD_REQUEST;
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(path), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad);
    };
    // Methods are tokens, and every method in use is in capitals.
    if method.is_empty() || !method.iter().all(u8::is_ascii_uppercase) {
        return Err(bad);
    }
    if path.first() != Some(&b'/') || !path.iter().all(|b| b.is_ascii_graphic()) {
        return Err(bad);
    }
    let minor_version = match version {
        b"HTTP/1.0" => 0,
        b"HTTP/1.1" => 1,
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            return Err(Status::VERSION_NOT_SUPPORTED);
        }
        _ => return Err(bad),
    };
    // Both are ASCII: checked above.
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    Ok((text(method), text(path), minor_version))
}

/// `Name: value`: a token for the name, no space before the colon, and no
/// control byte in the value but tabs.
fn parse_header_line(line: &[u8]) -> Result<(String, String), Status> {
    let bad = Status::BAD_REQUEST;
    let colon = line.iter().position(|&b| b == b':').ok_or(bad)?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.is_empty() || !name.iter().all(|&b| is_token_byte(b)) {
        return Err(bad);
    }
    if value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(bad);
    }
    let value = value.trim_ascii();
    Ok((
        String::from_utf8_lossy(name).into_owned(),
        String::from_utf8_lossy(value).into_owned(),
    ))
}

/// A byte that may appear in a token (RFC 9110, section 5.6.2).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// What [`Connection::next_request`] found.
#[derive(Debug)]
pub enum Next {
    /// A request to answer.
    Request(Request),
    /// A request refused: answer with this status, then close.
    Refuse(Status),
    /// Nothing to answer: the client closed, failed, or stayed silent.
    Closed(String),
}

/// A connection to one client, read one request at a time.
#[derive(Debug)]
pub struct Connection {
    stream: TcpStream,
    limits: Limits,
    /// Bytes read and not yet part of a request (the start of the next one,
    /// when a client sends several at once).
    buffered: Vec<u8>,
    /// Requests read so far.
    served: u32,
}

impl Connection {
    /// A connection on `stream`, read within `limits`.
    pub fn new(stream: TcpStream, limits: Limits) -> Connection {
        Connection { stream, limits, buffered: Vec::new(), served: 0 }
    }

    // ANCHOR: next_request
    /// Reads the next request. The first must begin within the read
    /// timeout, the next ones within the idle timeout; once begun, each must
    /// be whole within the read timeout.
    pub async fn next_request(&mut self) -> Next {
        let Limits { read_timeout, idle_timeout, .. } = self.limits;
        let wait = if self.served == 0 { read_timeout } else { idle_timeout };
        if self.buffered.is_empty() {
            match timeout(wait, self.fill()).await {
                Err(_) => return Next::Closed("silent: closed after the timeout".into()),
                Ok(Err(err)) => return Next::Closed(err.to_string()),
                Ok(Ok(())) => {}
            }
        }
        match timeout(read_timeout, self.read_request()).await {
            Err(_) => Next::Refuse(Status::REQUEST_TIMEOUT),
            Ok(next) => next,
        }
    }

    // ANCHOR_END: next_request

    /// Whether the response to `request` may keep the connection open.
    pub fn keep_alive(&self, request: &Request) -> bool {
        request.head.wants_keep_alive() && self.served < self.limits.max_requests
    }

    /// Sends `response`; a client that stops reading has the read timeout
    /// to take it in.
    pub async fn respond(
        &mut self,
        response: &Response,
        keep_alive: bool,
    ) -> io::Result<()> {
        let bytes = response.to_bytes(keep_alive);
        timeout(self.limits.read_timeout, self.stream.write_all(&bytes))
            .await
            .unwrap_or_else(|_| {
                Err(io::Error::new(io::ErrorKind::TimedOut, "the client stopped reading"))
            })
    }

    /// Answers `status` (an error page), and closes.
    pub async fn refuse(mut self, status: Status) {
        let _ = self.respond(&Response::error(status), false).await;
        self.close(true).await;
    }

    /// The socket, to write a response in pieces.
    pub fn stream(&mut self) -> &mut TcpStream {
        &mut self.stream
    }

    // ANCHOR: close
    /// Closes the connection. When the client may still be sending (a
    /// refused request, or requests sent ahead), it first stops writing and
    /// reads what comes, for a second at most: closing a socket with unread
    /// bytes sends a reset, which can destroy the response before the
    /// client reads it.
    pub async fn close(mut self, refused: bool) {
        if refused || !self.buffered.is_empty() {
            let _ = self.stream.shutdown(Shutdown::Write);
            let mut sink = [0; 4096];
            let drain = async {
                let mut total = 0;
                while total < 256 * 1024 {
                    match self.stream.read(&mut sink).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => total += n,
                    }
                }
            };
            let _ = timeout(Duration::from_secs(1), drain).await;
        }
    }
    // ANCHOR_END: close

    /// Reads more bytes into the buffer; an error at end of stream.
    async fn fill(&mut self) -> io::Result<()> {
        let mut buf = [0; 4096];
        let n = self.stream.read(&mut buf).await?;
        if n == 0 {
            let what = if self.buffered.is_empty() {
                "the client closed the connection"
            } else {
                "the client closed mid-request"
            };
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, what));
        }
        self.buffered.extend_from_slice(&buf[..n]);
        Ok(())
    }

    /// Reads one head and its body from the buffer and the socket.
    async fn read_request(&mut self) -> Next {
        let max_head = self.limits.max_head;
        let mut scanned: usize = 0;
        let end = loop {
            // A client may send empty lines before a request: skip them.
            let blank =
                self.buffered.iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
            self.buffered.drain(..blank);
            scanned = scanned.saturating_sub(blank);
            let from = scanned.saturating_sub(3);
            if let Some(at) = find(&self.buffered[from..], b"\r\n\r\n") {
                break from + at;
            }
            scanned = self.buffered.len();
            if scanned > max_head {
                return Next::Refuse(Status::HEADERS_TOO_LARGE);
            }
            if let Err(err) = self.fill().await {
                return Next::Closed(err.to_string());
            }
        };
        if end > max_head {
            return Next::Refuse(Status::HEADERS_TOO_LARGE);
        }
        let head = match parse_head(&self.buffered[..end], self.limits.max_body) {
            Ok(head) => head,
            Err(status) => return Next::Refuse(status),
        };
        let whole = end + 4 + head.content_length;
        while self.buffered.len() < whole {
            if let Err(err) = self.fill().await {
                return Next::Closed(err.to_string());
            }
        }
        let body = self.buffered[end + 4..whole].to_vec();
        self.buffered.drain(..whole);
        self.served += 1;
        Next::Request(Request { head, body })
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A response: status, extra headers, and a body of `content_type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status line's code and reason.
    pub status: Status,
    /// Headers besides `Content-Type`, `Content-Length` and `Connection`.
    pub headers: Vec<(&'static str, String)>,
    /// The body's media type.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// An HTML page.
    pub fn html(status: Status, body: String) -> Response {
        Response {
            status,
            headers: Vec::new(),
            content_type: "text/html; charset=utf-8",
            body: body.into_bytes(),
        }
    }

    /// A page that says `status` (with `Allow: GET` for 405).
    pub fn error(status: Status) -> Response {
        let mut response =
            Response::html(status, format!("<h1>{} {}</h1>", status.code, status.reason));
        if status == Status::METHOD_NOT_ALLOWED {
            response.headers.push(("Allow", "GET".to_owned()));
        }
        response
    }

    /// The response's head, for a body of `length` bytes.
    pub fn head(&self, length: usize, keep_alive: bool) -> String {
        let Status { code, reason } = self.status;
        let mut head = format!("HTTP/1.1 {code} {reason}\r\n");
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        let connection = if keep_alive { "keep-alive" } else { "close" };
        head.push_str(&format!(
            "Content-Type: {}\r\nContent-Length: {length}\r\nConnection: {connection}\r\n\r\n",
            self.content_type
        ));
        head
    }

    /// Head and body, as bytes on the wire.
    pub fn to_bytes(&self, keep_alive: bool) -> Vec<u8> {
        [self.head(self.body.len(), keep_alive).as_bytes(), &self.body].concat()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::mpsc;
    use std::thread;

    use stepio_reactor::TcpListener;

    use super::*;

    /// What a connection reads of `sent`, from a client that keeps its end
    /// open until the server is done: each request's path and body length,
    /// or the status that refused it, or "closed".
    fn read_all(sent: &[u8]) -> Vec<String> {
        let sent = sent.to_vec();
        let limits =
            Limits { read_timeout: Duration::from_millis(300), ..Limits::default() };
        stepio_reactor::run(async move {
            let mut listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = listener.local_addr().unwrap();
            let (done, wait) = mpsc::channel::<()>();
            let client = thread::spawn(move || {
                let mut client = std::net::TcpStream::connect(addr).unwrap();
                client.write_all(&sent).unwrap();
                let _ = wait.recv();
            });
            let mut connection =
                Connection::new(listener.accept().await.unwrap().0, limits);
            let mut seen = Vec::new();
            loop {
                match connection.next_request().await {
                    Next::Request(Request { head, body }) => {
                        seen.push(format!("{} {}", head.path, body.len()));
                    }
                    Next::Refuse(status) => break seen.push(status.code.to_string()),
                    Next::Closed(_) => break seen.push("closed".to_owned()),
                }
            }
            done.send(()).unwrap();
            client.join().unwrap();
            seen
        })
        .unwrap()
    }

    #[test]
    fn a_connection_reads_requests_until_its_client_goes_quiet() {
        let two = b"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody\
                    \r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n";
        assert_eq!(read_all(two), ["/a 4", "/b 0", "closed"]);
        // Half a request, then nothing: a timeout, which the client hears.
        assert_eq!(read_all(b"GET / HTTP/1.1\r\n"), ["408"]);
        assert_eq!(
            read_all(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\nab"),
            ["408"]
        );
        assert_eq!(read_all(&[b'a'; 9000]), ["431"]);
        assert_eq!(read_all(b""), ["closed"]);
    }

    fn parse(head: &str) -> Result<Head, u16> {
        parse_head(head.as_bytes(), 100).map_err(|status| status.code)
    }

    #[test]
    fn a_good_head_is_read_whole() {
        let head =
            parse("POST /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Length:  12 \r\nX-A:\t1")
                .unwrap();
        assert_eq!(
            (&*head.method, &*head.path, head.minor_version),
            ("POST", "/a?b=1", 1)
        );
        assert_eq!((head.content_length, head.header("x-a")), (12, Some("1")));
        assert!(head.wants_keep_alive());
        assert!(!parse("GET / HTTP/1.0").unwrap().wants_keep_alive());
        assert!(
            parse("GET / HTTP/1.0\r\nConnection: Keep-Alive").unwrap().wants_keep_alive()
        );
        assert!(
            !parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: te, close")
                .unwrap()
                .wants_keep_alive()
        );
    }

    #[test]
    fn each_fault_has_its_status() {
        let cases = [
            ("HELLO", 400),
            ("get / HTTP/1.1\r\nHost: x", 400),
            ("GET  / HTTP/1.1\r\nHost: x", 400),
            ("GET nowhere HTTP/1.1\r\nHost: x", 400),
            ("GET /a\0b HTTP/1.1\r\nHost: x", 400),
            ("GET / HTTP/1.1", 400),
            ("GET / HTTP/1.1\r\nHost: x\r\nHost: y", 400),
            ("GET / HTTP/1.1\r\nHost: x\r\nX: a\0b", 400),
            ("GET / HTTP/1.1\r\nHost: x\nX: y", 400),
            ("GET / HTTP/1.1\r\nHost : x", 400),
            ("GET / HTTP/1.1\r\nHost: x\r\n folded", 400),
            ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1", 400),
            ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2", 400),
            ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2", 400),
            ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 101", 413),
            ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999", 413),
            ("POST / HTTP/1.1\r\nHost: x", 411),
            ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked", 501),
            ("GET / HTTP/2.0\r\nHost: x", 505),
            ("GET / HTTP/1.1x\r\nHost: x", 400),
        ];
        for (head, status) in cases {
            assert_eq!(parse(head).map(|_| ()), Err(status), "{head:?}");
        }
        assert!(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3").is_ok());
    }

    #[test]
    fn a_response_says_whether_the_connection_stays() {
        let response = Response::error(Status::METHOD_NOT_ALLOWED);
        let bytes = String::from_utf8(response.to_bytes(false)).unwrap();
        assert!(bytes.starts_with("HTTP/1.1 405 Method Not Allowed\r\nAllow: GET\r\n"));
        assert!(bytes.contains("\r\nContent-Length: 31\r\nConnection: close\r\n\r\n"));
        assert!(bytes.ends_with("<h1>405 Method Not Allowed</h1>"));
    }
}
