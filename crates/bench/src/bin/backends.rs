//! The reactor's two backends side by side: a 64-byte echo round trip on
//! loopback while `n` other descriptors sit registered and idle. With epoll
//! a wait costs the same whatever `n`; `poll(2)` passes all `n` to the
//! kernel at every wait, and the kernel looks at each. Chapter 4.1 shows
//! the table this prints.
//!
//! ```console
//! cargo run --release -p stepio-bench --bin backends
//! ```

use stepio::{TcpListener, TcpStream};
use stepio_bench::echo;
use stepio_reactor::{Backend, new_event_loop_with};

/// Round trips per run: fewer beside 10,000 descriptors, where `poll(2)`
/// takes milliseconds for each.
fn round_trips(idle: usize) -> usize {
    if idle >= 10_000 { 200 } else { 2_000 }
}
const ROUNDS: usize = 5;

/// A connected pair on the running loop: both ends are registered.
async fn pair(listener: &mut TcpListener) -> (TcpStream, TcpStream) {
    let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// The median echo round trip in µs, with `idle` other descriptors
/// registered (idle connections, both ends in this loop).
fn echo_beside(backend: Backend, idle: usize) -> f64 {
    let event_loop = new_event_loop_with(backend).unwrap();
    let median = event_loop
        .run_until_complete(async move {
            let mut listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let mut idle_pairs = Vec::with_capacity(idle / 2);
            for _ in 0..idle / 2 {
                idle_pairs.push(pair(&mut listener).await);
            }
            let (client, server) = pair(&mut listener).await;
            let times = echo::round_trip_times(client, server, round_trips(idle)).await;
            drop(idle_pairs);
            times[times.len() / 2]
        })
        .unwrap();
    event_loop.close().unwrap();
    median
}

fn main() {
    println!("| registered, idle | epoll | poll(2) | poll / epoll |");
    println!("| ---: | ---: | ---: | ---: |");
    for idle in [10, 1_000, 10_000] {
        // The two take turns, ROUNDS times; each cell is the median round.
        let (mut epoll, mut poll) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            epoll.push(echo_beside(Backend::Epoll, idle));
            poll.push(echo_beside(Backend::Poll, idle));
        }
        let (epoll, poll) = (median(epoll), median(poll));
        println!("| {idle} | {epoll:.1} µs | {poll:.1} µs | {:.1}x |", poll / epoll);
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
