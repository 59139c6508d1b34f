//! Chapter 4: T4's small web app, as an HTTP/1.1 server on our reactor.
//!
//! Two routes, as the tutorial's aiohttp app: `GET /` waits 0.5 s and
//! returns an HTML heading "Index"; `GET /hello/{name}` waits 0.5 s and
//! greets the name. Each request is a task, so ten slow requests take about
//! 0.5 s in all, on one thread.
//!
//! `cargo run --example ch04_http_server` listens on 127.0.0.1:8000
//! (`--port N` to change it, 0 for a free port) until Ctrl-C, which stops
//! it gracefully: requests in flight are answered first (a second Ctrl-C
//! stops it at once). Try
//! `curl http://127.0.0.1:8000/hello/reader`, or the chapter's client,
//! `cargo run --example ch04_http_client`.
//!
//! Requests are read by `stepio_examples::http`, which every example
//! server shares: connections are kept alive (`--idle-timeout-ms`, default
//! 5000; `--max-requests`, default 100), and bad input gets a status that
//! says what was wrong (400, 408, 411, 413, 431, 501, 505), then a close;
//! an unknown path gets 404, a method other than GET 405. A client that
//! takes longer than the read timeout (`--read-timeout-ms`, default 5000)
//! to send its request is answered 408, or closed if it sent nothing; one
//! that resets the connection is forgotten. Out of file descriptors, the
//! server waits a little before accepting again.

use std::error::Error;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use stepio_examples::http::{Connection, Head, Limits, Next, Response, Status};
use stepio_examples::{cli, servers};
use stepio_reactor::{TcpListener, TcpStream, serve, serve_until};
use stepio_timer_wheel::sleep;

// ANCHOR: routes
/// The app: what each route answers. Slow on purpose, as the tutorial's.
async fn route(method: &str, path: &str) -> Response {
    let name = path
        .strip_prefix("/hello/")
        .filter(|name| !name.is_empty() && !name.contains('/'));
    if path != "/" && name.is_none() {
        return Response::error(Status::NOT_FOUND);
    }
    if method != "GET" {
        return Response::error(Status::METHOD_NOT_ALLOWED);
    }
    sleep(Duration::from_millis(500)).await;
    let body = match name {
        None => "<h1>Index</h1>".to_owned(),
        Some(name) => format!("<h1>Hello, {}</h1>", escape_html(name)),
    };
    Response::html(Status::OK, body)
}
// ANCHOR_END: routes

// ANCHOR: connection
/// Serves one connection: requests one after another while both sides
/// keep it alive, then closes it.
async fn handle(stream: TcpStream, peer: SocketAddr, config: Config) {
    let mut connection = Connection::new(stream, config.limits);
    let refused = loop {
        let start = Instant::now();
        let request = match connection.next_request().await {
            Next::Request(request) => request,
            Next::Closed(why) => {
                report(config.log, peer, &why);
                break false;
            }
            Next::Refuse(status) => {
                let response = Response::error(status);
                let sent = connection.respond(&response, false).await;
                report(config.log, peer, &outcome("(refused)", status, &sent, start));
                break true;
            }
        };
        let Head { method, path, .. } = &request.head;
        let response = route(method, path).await;
        let keep_alive = connection.keep_alive(&request);
        let sent = connection.respond(&response, keep_alive).await;
        let line = outcome(&format!("{method} {path}"), response.status, &sent, start);
        report(config.log, peer, &line);
        if sent.is_err() || !keep_alive {
            break false;
        }
    };
    connection.close(refused).await;
}

/// A log line for one request: what it asked, and what it got.
fn outcome(
    request: &str,
    status: Status,
    sent: &io::Result<()>,
    start: Instant,
) -> String {
    let took = start.elapsed().as_secs_f64();
    match sent {
        Ok(()) => format!("{request} -> {} {} ({took:.3} s)", status.code, status.reason),
        Err(err) => format!("{request} -> {} not sent: {err} ({took:.3} s)", status.code),
    }
}

fn report(log: bool, peer: SocketAddr, what: &str) {
    if log {
        // Not `println!`: a stdout that nobody reads would stop the loop.
        stepio_reactor::log_line(format!("{peer} {what}"));
    }
}
// ANCHOR_END: connection

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
    /// What a request may be, and how long the server waits for one.
    pub limits: Limits,
    /// Whether to print a line per request.
    pub log: bool,
}

/// Serves on 127.0.0.1 (port 8000, or `--port N`) until stopped.
pub fn main() -> Result<(), Box<dyn Error>> {
    let port: u16 = cli::flag("--port", 8000)?;
    let limits = Limits {
        read_timeout: Duration::from_millis(cli::flag("--read-timeout-ms", 5000)?),
        idle_timeout: Duration::from_millis(cli::flag("--idle-timeout-ms", 5000)?),
        max_requests: cli::flag("--max-requests", 100)?,
        ..Limits::default()
    };
    stepio_reactor::run(async move {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        // The first Ctrl-C stops accepting, lets the requests in flight be
        // answered, then ends the program with status 0; a second one ends
        // it at once. Caught from here on, before anyone knows the address.
        let ctrl_c = stepio_reactor::ctrl_c()?;
        let stop = async {
            ctrl_c.await;
            stepio_reactor::log_error("stopping: answering the requests in flight");
        };
        println!("serving on http://{}", listener.local_addr()?);
        let config = Config { limits, log: true };
        serve_until(listener, move |stream, peer| handle(stream, peer, config), stop)
            .await
    })??;
    Ok(())
}

/// Starts the server on a free port, on a thread of its own with its own
/// loop, printing nothing, and returns its address (for the tour).
pub fn start_in_thread() -> io::Result<SocketAddr> {
    let config = Config { limits: Limits::default(), log: false };
    servers::start_in_thread(move |listener| {
        serve(listener, move |stream, peer| handle(stream, peer, config))
    })
}
