//! What looking for I/O only every `LOOK_EVERY` busy turns costs a socket:
//! the round trip of a 64-byte echo on loopback, with the loop otherwise
//! idle and with a neighbour task that yields on every turn (so the loop is
//! never idle and parks with a zero timeout every turn). Also counts the
//! `epoll_wait` calls per round trip of chapter 5's ping-pong between two
//! tasks on the same full loop.
//!
//! ```console
//! cargo run --release -p stepio-bench --bin io_latency
//! ```

use std::cell::Cell;
use std::hint::black_box;
use std::rc::Rc;
use std::time::Instant;

use stepio::{TcpListener, TcpStream, create_task, get_running_loop, yield_now};
use stepio_bench::{echo, workloads};
use stepio_reactor::Registry;

const ROUND_TRIPS: usize = 20_000;

/// Median and 99th percentile echo round trip, in µs.
fn echo(busy_neighbour: bool) -> (f64, f64) {
    stepio::run(async move {
        let stop = Rc::new(Cell::new(false));
        if busy_neighbour {
            let stop = Rc::clone(&stop);
            create_task(async move {
                while !stop.get() {
                    yield_now().await;
                }
            });
        }
        let mut listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let times = echo::round_trip_times(client, server, ROUND_TRIPS).await;
        stop.set(true);
        (times[times.len() / 2], times[times.len() * 99 / 100])
    })
    .unwrap()
}

fn main() {
    println!("LOOK_EVERY = {}", stepio_reactor::LOOK_EVERY);
    for busy in [false, true] {
        let (median, p99) = echo(busy);
        println!(
            "echo round trip, {}: median {median:.1} µs, 99th percentile {p99:.1} µs",
            if busy { "a neighbour yielding every turn" } else { "loop otherwise idle" }
        );
    }
    let event_loop = stepio::new_event_loop().unwrap();
    let looks = || {
        event_loop
            .run_until_complete(async {
                get_running_loop().unwrap().extension::<Registry>().unwrap().looks()
            })
            .unwrap()
    };
    let (before, start) = (looks(), Instant::now());
    for _ in 0..10 {
        workloads::stepio_ping_pong_tasks(&event_loop);
    }
    let per_trip =
        start.elapsed().as_nanos() as f64 / (10 * workloads::ROUND_TRIPS) as f64;
    let looked = looks() - before;
    println!(
        "ping-pong between two tasks: {per_trip:.0} ns per round trip, {:.3} epoll_wait calls per round trip",
        looked as f64 / (10 * workloads::ROUND_TRIPS) as f64
    );
    black_box(event_loop.close()).unwrap();
}
