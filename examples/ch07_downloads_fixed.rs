//! Chapter 7: T2's blocking downloads, made concurrent with
//! `run_in_executor`.
//!
//! Chapter 4 ran a blocking client inside the tasks: each read stopped the
//! loop, and the four downloads took 2.5 s one after another. Here the same
//! blocking client runs on the loop's default executor, one worker thread
//! per download; the loop only awaits the four results. They take as long
//! as the longest, about 1.0 s, as the async client did.

#[allow(dead_code)] // its file server and `report` are used here
#[path = "ch04_downloads.rs"]
mod ch04_downloads;

use std::error::Error;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Instant;

use stepio_examples::servers;
use stepio_executor_bridge::to_thread;
use stepio_gather::join_all;

use ch04_downloads::{FILES, file_server, report};

// ANCHOR: fetch
/// A plain blocking download: std's socket, no `async` anywhere. Every read
/// blocks the thread that calls it, which is why it must not be the loop's.
fn fetch(addr: SocketAddr, file: &str, start: Instant) -> io::Result<usize> {
    let mut stream = TcpStream::connect(addr)?;
    stream
        .write_all(format!("GET /{file} HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    report(file, &response, start)
}
// ANCHOR_END: fetch

// ANCHOR: main
/// Starts the file server, then runs the four blocking downloads on the
/// default executor.
pub fn main() -> Result<(), Box<dyn Error>> {
    let addr = servers::start_in_thread(file_server)?;
    println!("A local file server: 4 files of 1 to 4 chunks, one chunk every 0.25 s.");
    println!("Blocking client, on worker threads (run_in_executor):");
    let start = Instant::now();
    let sizes = stepio_reactor::run(async move {
        let downloads =
            FILES.iter().map(|file| to_thread(move || fetch(addr, file, start)));
        join_all(downloads).await
    })?;
    let mut total = 0;
    for size in sizes {
        total += size??;
    }
    println!(
        "  {total} bytes in {:.2} s: all downloads at once",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
// ANCHOR_END: main
