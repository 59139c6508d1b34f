//! Chapter 4: many echo clients at once, on one thread.
//!
//! Start `cargo run --example ch04_echo_server` first, then
//! `cargo run --example ch04_echo_client` (options: `--port N`, default
//! 8888; `--clients N`, default 10). Each client connects, sends three
//! lines and checks that each comes back.

use std::error::Error;
use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use stepio_examples::cli;
use stepio_reactor::TcpStream;
use stepio_waker::join_vec;

// ANCHOR: client
/// One client: three messages, each echoed before the next is sent.
async fn client(id: usize, addr: SocketAddr) -> io::Result<usize> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    for n in 1..=3 {
        let message = format!("client {id}, message {n}\n");
        stream.write_all(message.as_bytes()).await?;
        let mut echoed = vec![0; message.len()];
        stream.read_exact(&mut echoed).await?;
        if echoed != message.as_bytes() {
            return Err(io::Error::other(format!("client {id}: the echo differs")));
        }
    }
    Ok(3)
}
// ANCHOR_END: client

// ANCHOR: run
/// Runs `clients` clients against the server at `addr`, all at once.
pub fn run(addr: SocketAddr, clients: usize) -> Result<(), Box<dyn Error>> {
    let start = Instant::now();
    let results =
        stepio_reactor::run(join_vec((1..=clients).map(|id| client(id, addr))))?;
    let mut echoed = 0;
    for (id, result) in (1..=clients).zip(results) {
        let n = result?;
        println!("client {id}: {n} messages echoed");
        echoed += n;
    }
    println!(
        "{clients} clients, {echoed} messages, {:.2} s in all",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
// ANCHOR_END: run

/// Connects to 127.0.0.1 (port 8888, or `--port N`).
pub fn main() -> Result<(), Box<dyn Error>> {
    let port: u16 = cli::flag("--port", 8888)?;
    let clients: usize = cli::flag("--clients", 10)?;
    run(SocketAddr::from(([127, 0, 0, 1], port)), clients)
}
