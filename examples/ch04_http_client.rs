//! Chapter 4: ten requests at once to the web app of `ch04_http_server`.
//!
//! Every route waits 0.5 s before it answers. One request after another,
//! ten would take 5 s; sent at once, they take about 0.5 s in all, because
//! the server waits for all of them at the same time, on one thread.
//!
//! Start `cargo run --example ch04_http_server` first, then
//! `cargo run --example ch04_http_client` (`--port N`, default 8000).

use std::error::Error;
use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use stepio_examples::cli;
use stepio_reactor::TcpStream;
use stepio_waker::join_vec;

// ANCHOR: get
/// `GET path` on a new connection: the status line and the body.
pub async fn get(addr: SocketAddr, path: &str) -> io::Result<(String, String)> {
    let mut stream = TcpStream::connect(addr).await?;
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let response = String::from_utf8_lossy(&response);
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.lines().next().unwrap_or("").to_owned();
    Ok((status, body.to_owned()))
}
// ANCHOR_END: get

// ANCHOR: run
/// Sends ten requests to the server at `addr` at once, and prints the answers.
pub fn run(addr: SocketAddr) -> Result<(), Box<dyn Error>> {
    let paths = [
        "/",
        "/hello/ada",
        "/hello/alan",
        "/hello/grace",
        "/hello/linus",
        "/hello/barbara",
        "/hello/ken",
        "/hello/dennis",
        "/hello/edsger",
        "/hello/donald",
    ];
    let start = Instant::now();
    let responses =
        stepio_reactor::run(join_vec(paths.iter().map(|path| get(addr, path))))?;
    for (path, response) in paths.iter().zip(responses) {
        let (status, body) = response?;
        println!("GET {path:<15} {status}  {body}");
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "{} requests answered in {elapsed:.2} s (one at a time: about 5 s)",
        paths.len()
    );
    Ok(())
}
// ANCHOR_END: run

/// Sends the requests to 127.0.0.1 (port 8000, or `--port N`).
pub fn main() -> Result<(), Box<dyn Error>> {
    let port: u16 = cli::flag("--port", 8000)?;
    run(SocketAddr::from(([127, 0, 0, 1], port)))
}
