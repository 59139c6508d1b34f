//! Chapter 4.1, step 1: the server a newcomer writes first, a thread per
//! connection with blocking reads. It is correct and simple; here it holds
//! 1,000 connections that send nothing, and we count what that costs.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::{self, JoinHandle};

use stepio_examples::status::status_field;

const CONNECTIONS: usize = 1_000;

// ANCHOR: serve
/// Accepts one connection and serves it on a thread of its own, echoing
/// until the client hangs up. A server calls this in a loop for ever.
fn accept_one(listener: &TcpListener) -> io::Result<JoinHandle<()>> {
    let (mut stream, _) = listener.accept()?;
    Ok(thread::spawn(move || {
        let mut buf = [0; 1024];
        // Blocks this thread until the client sends or hangs up.
        while let Ok(n @ 1..) = stream.read(&mut buf) {
            if stream.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    }))
}
// ANCHOR_END: serve

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() -> io::Result<()> {
    // 2,000 sockets: more than the 1,024 some systems allow by default.
    stepio_reactor::bare::raise_fd_limit(4_096)?;
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let before =
        ["Threads", "VmRSS", "VmSize"].map(|name| status_field(name).unwrap_or(0));
    let (mut clients, mut threads) = (Vec::new(), Vec::new());
    for _ in 0..CONNECTIONS {
        // A client that connects and sends nothing, and its server thread.
        clients.push(TcpStream::connect(listener.local_addr()?)?);
        threads.push(accept_one(&listener)?);
    }
    let after =
        ["Threads", "VmRSS", "VmSize"].map(|name| status_field(name).unwrap_or(0));
    let [added, resident, reserved] =
        [0, 1, 2].map(|i| after[i].saturating_sub(before[i]));
    println!("{} idle connections: {added} threads more than before", clients.len());
    drop(clients); // every client hangs up, and so every server thread ends
    threads.into_iter().for_each(|thread| thread.join().expect("a server thread"));
    println!("after the hang-ups, every server thread has ended");
    let (resident, reserved) = (resident / 1024, reserved / 1024);
    eprintln!("measured: +{resident} MiB resident, +{reserved} MiB of address space");
    Ok(())
}
// ANCHOR_END: main
