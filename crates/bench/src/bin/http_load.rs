//! Sends GET requests to an HTTP server for a fixed time from many
//! connections at once, and prints requests per second: the figure
//! chapter 4 gives for the web app with and without keep-alive.
//!
//! ```text
//! cargo build --release --example ch04_http_server -p stepio-examples
//! target/release/examples/ch04_http_server --port 8000 > /dev/null &
//! cargo run --release -p stepio-bench --bin http_load -- 127.0.0.1:8000
//! ```
//!
//! Options: `--connections N` (50), `--seconds S` (3), `--path P`
//! (`/nowhere`, a route that answers at once), and `--close`, which opens a
//! new connection for every request (`Connection: close`) instead of
//! keeping each one open. Every connection runs as a task on one stepio
//! loop; loopback only.

use std::error::Error;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use stepio::{TcpStream, gather};

fn flag<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|arg| arg == name)
        .and_then(|at| args.get(at + 1)?.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let addr: SocketAddr = args
        .first()
        .ok_or(
            "usage: http_load ADDR [--connections N] [--seconds S] [--path P] [--close]",
        )?
        .parse()?;
    if !addr.ip().is_loopback() {
        return Err("http_load only loads servers on loopback".into());
    }
    let connections: usize = flag(&args, "--connections", 50);
    let seconds: f64 = flag(&args, "--seconds", 3.0);
    let path: String = flag(&args, "--path", "/nowhere".to_owned());
    let close = args.iter().any(|arg| arg == "--close");
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let counts = stepio::run(gather(
        (0..connections)
            .map(|_| client(addr, path.clone(), close, until))
            .collect::<Vec<_>>(),
    ))?
    .map_err(|err| format!("a client task failed: {err}"))?;
    let secs = start.elapsed().as_secs_f64();
    let mut total = 0;
    for count in counts {
        total += count?;
    }
    let how = if close { "a connection per request" } else { "keep-alive" };
    println!(
        "{total} requests in {secs:.2} s from {connections} connections ({how}): \
         {:.0} requests/s",
        total as f64 / secs
    );
    Ok(())
}

/// Requests `path` one after another until `until`; the count answered.
async fn client(
    addr: SocketAddr,
    path: String,
    close: bool,
    until: Instant,
) -> std::io::Result<u64> {
    let connection = if close { "close" } else { "keep-alive" };
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: {connection}\r\n\r\n"
    );
    let mut answered = 0;
    let mut stream = None;
    let mut buf = vec![0; 64 * 1024];
    while Instant::now() < until {
        let open = match &mut stream {
            Some(open) => open,
            None => stream.insert(TcpStream::connect(addr).await?),
        };
        open.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        let done = loop {
            let n = open.read(&mut buf).await?;
            if n == 0 {
                break response_complete(&response);
            }
            response.extend_from_slice(&buf[..n]);
            if response_complete(&response) {
                break true;
            }
        };
        if !done {
            return Err(std::io::Error::other(
                "the server closed before its response ended",
            ));
        }
        answered += 1;
        let closes = close || find(&response, b"\r\nConnection: close\r\n").is_some();
        if closes {
            stream = None;
        }
    }
    Ok(answered)
}

/// Whether `response` holds a whole head and the body its `Content-Length`
/// announces.
fn response_complete(response: &[u8]) -> bool {
    let Some(end) = find(response, b"\r\n\r\n") else { return false };
    let head = String::from_utf8_lossy(&response[..end]);
    let length = head
        .split("\r\n")
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    response.len() >= end + 4 + length
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
