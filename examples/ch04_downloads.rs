//! Chapter 4: T2's concurrent downloads, against a local file server.
//!
//! The example starts its own file server (on a thread with its own loop,
//! on a free loopback port): `file1.bin` to `file4.bin`, of 1 to 4 chunks of
//! 64 KiB, one chunk every 0.25 s, like a slow network. Then it downloads
//! the four files twice, one task per file both times:
//!
//! 1. With a blocking client inside the tasks (std's `TcpStream`), the
//!    tutorial's mistake: each read blocks the whole loop, so the tasks run
//!    one after another: 0.25 + 0.5 + 0.75 + 1.0 = 2.5 s.
//! 2. With the reactor's `TcpStream`: the loop waits for all four sockets at
//!    once, and the downloads take as long as the longest, 1.0 s.

use std::error::Error;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use stepio_examples::http::{Connection, Limits, Next, Response, Status};
use stepio_examples::servers;
use stepio_reactor::{TcpListener, TcpStream, serve};
use stepio_timer_wheel::sleep;
use stepio_waker::join_vec;

const CHUNK: usize = 64 * 1024;
const CHUNK_EVERY: Duration = Duration::from_millis(250);
/// The files the server has: `fileN.bin` is N chunks long.
pub const FILES: [&str; 4] = ["file1.bin", "file2.bin", "file3.bin", "file4.bin"];

// ANCHOR: file_server
/// The file server: `GET /fileN.bin` sends N chunks, one every 0.25 s.
pub async fn file_server(listener: TcpListener) -> io::Result<()> {
    serve(listener, |stream, _peer| async move {
        // One request a connection, read by the examples' shared reader.
        let mut connection = Connection::new(stream, Limits::default());
        let path = match connection.next_request().await {
            Next::Request(request) if request.head.method == "GET" => request.head.path,
            Next::Request(_) => {
                return connection.refuse(Status::METHOD_NOT_ALLOWED).await;
            }
            Next::Refuse(status) => return connection.refuse(status).await,
            Next::Closed(_) => return,
        };
        let chunks = FILES
            .iter()
            .position(|file| path.strip_prefix('/') == Some(file))
            .map_or(0, |index| index + 1);
        let status = if chunks == 0 { Status::NOT_FOUND } else { Status::OK };
        let response = Response {
            content_type: "application/octet-stream",
            ..Response::html(status, String::new())
        };
        let head = response.head(chunks * CHUNK, false);
        let stream = connection.stream();
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        for _ in 0..chunks {
            sleep(CHUNK_EVERY).await;
            if stream.write_all(&[b'x'; CHUNK]).await.is_err() {
                return;
            }
        }
    })
    .await
}
// ANCHOR_END: file_server

// ANCHOR: blocking
/// The tutorial's mistake: an `async fn` that calls a blocking client.
/// Every `read` here stops the whole loop until bytes arrive.
async fn download_blocking(
    addr: SocketAddr,
    file: &str,
    start: Instant,
) -> io::Result<usize> {
    let mut stream = std::net::TcpStream::connect(addr)?;
    let request = format!("GET /{file} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    stream.write_all(request.as_bytes())?;
    // Reads chunk by chunk until the server closes; each read blocks.
    let mut received = Vec::new();
    stream.read_to_end(&mut received)?;
    report(file, &received, start)
}
// ANCHOR_END: blocking

// ANCHOR: async
/// The same download with the reactor's socket: each read that has to
/// wait returns `Pending`, and the loop runs the other downloads.
async fn download(addr: SocketAddr, file: &str, start: Instant) -> io::Result<usize> {
    let mut stream = TcpStream::connect(addr).await?;
    let request = format!("GET /{file} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    // Reads chunk by chunk until the server closes; each read that finds
    // nothing yet returns `Pending`.
    let mut received = Vec::new();
    stream.read_to_end(&mut received).await?;
    report(file, &received, start)
}
// ANCHOR_END: async

/// Prints one finished download (its body size and when it finished).
pub fn report(file: &str, response: &[u8], start: Instant) -> io::Result<usize> {
    if !response.starts_with(b"HTTP/1.1 200 ") {
        return Err(io::Error::other(format!("{file}: the server did not send it")));
    }
    let body = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|end| response.len() - end - 4);
    let body =
        body.ok_or_else(|| io::Error::other(format!("{file}: no HTTP response")))?;
    println!("  {file}: {body:>6} bytes, done at {:.2} s", start.elapsed().as_secs_f64());
    Ok(body)
}

// ANCHOR: main
/// Starts the file server, then downloads the four files both ways.
pub fn main() -> Result<(), Box<dyn Error>> {
    let addr = servers::start_in_thread(file_server)?;
    println!("A local file server: 4 files of 1 to 4 chunks, one chunk every 0.25 s.");

    println!("Blocking client inside the tasks (the mistake):");
    let start = Instant::now();
    let downloads = FILES.iter().map(|file| download_blocking(addr, file, start));
    let sizes = stepio_reactor::run(join_vec(downloads))?;
    let total: usize = sizes.into_iter().sum::<io::Result<usize>>()?;
    println!(
        "  {total} bytes in {:.2} s: one download after another",
        start.elapsed().as_secs_f64()
    );

    println!("Async client:");
    let start = Instant::now();
    let downloads = FILES.iter().map(|file| download(addr, file, start));
    let sizes = stepio_reactor::run(join_vec(downloads))?;
    let total: usize = sizes.into_iter().sum::<io::Result<usize>>()?;
    println!(
        "  {total} bytes in {:.2} s: all downloads at once",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
// ANCHOR_END: main
