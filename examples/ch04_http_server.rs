//! Chapter 4: T4's small web app, as an HTTP/1.1 server on our reactor.
//!
//! Two routes, as the tutorial's aiohttp app: `GET /` waits 0.5 s and
//! returns an HTML heading "Index"; `GET /hello/{name}` waits 0.5 s and
//! greets the name. Each request is a task, so ten slow requests take about
//! 0.5 s in all, on one thread.
//!
//! `cargo run --example ch04_http_server` listens on 127.0.0.1:8000
//! (`--port N` to change it, 0 for a free port) until Ctrl-C. Try
//! `curl http://127.0.0.1:8000/hello/reader`, or the chapter's client,
//! `cargo run --example ch04_http_client`.
//!
//! Bad input gets an answer and never stops the server: a malformed
//! request 400, a head over 8 KiB 431, an unknown path 404, a method other
//! than GET 405. A client that takes longer than the read timeout
//! (`--read-timeout-ms`, default 5000) to send its request is disconnected;
//! one that resets the connection is forgotten. Out of file descriptors,
//! the server waits a little before accepting again.

use std::error::Error;
use std::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use stepio_examples::{cli, servers};
use stepio_reactor::{TcpListener, TcpStream, serve};
use stepio_timer_wheel::{sleep, timeout};

/// The longest request head (request line and headers) the server reads.
const MAX_HEAD: usize = 8 * 1024;

// ANCHOR: routes
/// A response: status code and reason, and an HTML body.
#[derive(Debug, PartialEq, Eq)]
pub struct Response {
    status: u16,
    reason: &'static str,
    body: String,
}

/// The app: what each route answers. Slow on purpose, as the tutorial's.
async fn route(method: &str, path: &str) -> Response {
    let name = path
        .strip_prefix("/hello/")
        .filter(|name| !name.is_empty() && !name.contains('/'));
    if path != "/" && name.is_none() {
        return Response::error(404, "Not Found");
    }
    if method != "GET" {
        return Response::error(405, "Method Not Allowed");
    }
    sleep(Duration::from_millis(500)).await;
    match name {
        None => Response::ok("<h1>Index</h1>".to_owned()),
        Some(name) => Response::ok(format!("<h1>Hello, {}</h1>", escape_html(name))),
    }
}
// ANCHOR_END: routes

// ANCHOR: connection
/// Serves one connection: read the request head (within the read
/// timeout), answer, close.
async fn handle(mut stream: TcpStream, peer: SocketAddr, config: Config) {
    let Config { read_timeout, log } = config;
    let start = Instant::now();
    let head = match timeout(read_timeout, read_head(&mut stream)).await {
        Err(_) => return report(log, peer, "too slow: closed after the read timeout"),
        Ok(Err(Head::Gone(err))) => {
            return report(log, peer, &format!("gone before its request: {err}"));
        }
        Ok(Err(Head::TooLarge)) => {
            Err(Response::error(431, "Request Header Fields Too Large"))
        }
        Ok(Ok(head)) => parse_request_line(&head),
    };
    let (request, response) = match head {
        Ok((method, path)) => (format!("{method} {path}"), route(&method, &path).await),
        Err(response) => ("(bad request)".to_owned(), response),
    };
    // A client that stops reading must not hold its task for ever either.
    let sent = timeout(read_timeout, stream.write_all(&response.to_bytes())).await;
    let outcome = match sent {
        Ok(Ok(())) => format!("{} {}", response.status, response.reason),
        Ok(Err(err)) => format!("{} not sent: {err}", response.status),
        Err(_) => format!("{} not sent: the client stopped reading", response.status),
    };
    report(
        log,
        peer,
        &format!("{request} -> {outcome} ({:.3} s)", start.elapsed().as_secs_f64()),
    );
}

fn report(log: bool, peer: SocketAddr, what: &str) {
    if log {
        // Not `println!`: a stdout that nobody reads would stop the loop.
        stepio_reactor::log_line(format!("{peer} {what}"));
    }
}

/// Why no request head could be read.
enum Head {
    /// Over `MAX_HEAD` bytes without the blank line that ends a head.
    TooLarge,
    /// The connection closed or failed first.
    Gone(io::Error),
}

/// Reads up to the blank line that ends the request head.
async fn read_head(stream: &mut TcpStream) -> Result<Vec<u8>, Head> {
    let mut head = Vec::new();
    let mut buf = [0; 1024];
    loop {
        let n = stream.read(&mut buf).await.map_err(Head::Gone)?;
        if n == 0 {
            return Err(Head::Gone(io::ErrorKind::UnexpectedEof.into()));
        }
        // Look for the blank line only where it could be new.
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&buf[..n]);
        match head[from..].windows(4).position(|w| w == b"\r\n\r\n") {
            Some(end) if from + end <= MAX_HEAD => {
                head.truncate(from + end);
                return Ok(head);
            }
            _ if head.len() > MAX_HEAD => return Err(Head::TooLarge),
            _ => {}
        }
    }
}
// ANCHOR_END: connection

// ANCHOR: parse
/// The method and path of a request head, or the error response to send.
/// The header lines are checked for form and otherwise ignored.
fn parse_request_line(head: &[u8]) -> Result<(String, String), Response> {
    let bad = || Response::error(400, "Bad Request");
    let head = std::str::from_utf8(head).map_err(|_| bad())?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let mut parts = request_line.split(' ');
    let (Some(method), Some(path), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let is_token = !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase());
    if !is_token || !path.starts_with('/') || !matches!(version, "HTTP/1.0" | "HTTP/1.1")
    {
        return Err(bad());
    }
    if lines.any(|line| {
        line.split_once(':').is_none_or(|(name, _)| name.is_empty() || name.contains(' '))
    }) {
        return Err(bad());
    }
    Ok((method.to_owned(), path.to_owned()))
}
// ANCHOR_END: parse

impl Response {
    fn ok(body: String) -> Response {
        Response { status: 200, reason: "OK", body }
    }

    fn error(status: u16, reason: &'static str) -> Response {
        Response { status, reason, body: format!("<h1>{status} {reason}</h1>") }
    }

    /// The response as bytes on the wire. Every response closes the
    /// connection: no keep-alive, to keep the server short.
    fn to_bytes(&self) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, self.reason);
        if self.status == 405 {
            head.push_str("Allow: GET\r\n");
        }
        let _ = write!(
            head,
            "Content-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        );
        [head.into_bytes(), self.body.clone().into_bytes()].concat()
    }
}

/// `text` with the characters that mean something in HTML escaped.
fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// How the server treats its connections.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// How long a client has to send its request head (and to take in the
    /// response) before it is disconnected.
    pub read_timeout: Duration,
    /// Whether to print a line per connection.
    pub log: bool,
}

/// Serves on 127.0.0.1 (port 8000, or `--port N`) until stopped.
pub fn main() -> Result<(), Box<dyn Error>> {
    let port: u16 = cli::flag("--port", 8000)?;
    let read_timeout = Duration::from_millis(cli::flag("--read-timeout-ms", 5000)?);
    stepio_reactor::run(async move {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        println!("serving on http://{}", listener.local_addr()?);
        let config = Config { read_timeout, log: true };
        serve(listener, move |stream, peer| handle(stream, peer, config)).await
    })??;
    Ok(())
}

/// Starts the server on a free port, on a thread of its own with its own
/// loop, printing nothing, and returns its address (for the tour).
pub fn start_in_thread() -> io::Result<SocketAddr> {
    let config = Config { read_timeout: Duration::from_secs(5), log: false };
    servers::start_in_thread(move |listener| {
        serve(listener, move |stream, peer| handle(stream, peer, config))
    })
}
