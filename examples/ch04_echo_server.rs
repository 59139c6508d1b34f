//! Chapter 4: an echo server. Every client gets a task; one thread serves
//! them all, waiting in one `epoll_wait`.
//!
//! `cargo run --example ch04_echo_server` listens on 127.0.0.1:8888 (change
//! it with `--port N`; 0 picks a free port) until you stop it with Ctrl-C.
//! Then run `cargo run --example ch04_echo_client` in another terminal.

use std::error::Error;
use std::io;
use std::net::SocketAddr;

use stepio_examples::{cli, servers};
use stepio_reactor::{TcpListener, TcpStream, serve};

// ANCHOR: echo
/// Sends back whatever the client sends, until it closes its side.
async fn echo(mut stream: TcpStream, peer: SocketAddr, log: bool) {
    if log {
        stepio_reactor::log_line(format!("{peer} connected"));
    }
    let mut buf = [0; 4096];
    loop {
        let n = match stream.read(&mut buf).await {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) => {
                eprintln!("{peer}: {err}");
                return;
            }
        };
        if let Err(err) = stream.write_all(&buf[..n]).await {
            eprintln!("{peer}: {err}");
            return;
        }
    }
    if log {
        stepio_reactor::log_line(format!("{peer} disconnected"));
    }
}
// ANCHOR_END: echo

// ANCHOR: main
/// Serves on 127.0.0.1 (port 8888, or `--port N`) until stopped.
pub fn main() -> Result<(), Box<dyn Error>> {
    let port: u16 = cli::flag("--port", 8888)?;
    stepio_reactor::run(async move {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        println!("echo server listening on {}", listener.local_addr()?);
        serve(listener, |stream, peer| echo(stream, peer, true)).await
    })??;
    Ok(())
}
// ANCHOR_END: main

/// Starts a quiet echo server on a free port, on a thread of its own with
/// its own loop, and returns its address (for the tour).
pub fn start_in_thread() -> io::Result<SocketAddr> {
    servers::start_in_thread(|listener| {
        serve(listener, |stream, peer| echo(stream, peer, false))
    })
}
