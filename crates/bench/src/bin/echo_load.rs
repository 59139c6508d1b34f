//! Runs the echo workload of `benches/reactor.rs` for a fixed number of
//! requests and prints requests per second, for `strace -c` to count the
//! system calls of (`--tokio`, with the `peers` feature, runs tokio's):
//!
//! ```text
//! cargo build --release -p stepio-bench --features peers --bin echo_load
//! strace -c -f target/release/echo_load 100000
//! ```

use std::time::Instant;

use stepio_bench::echo::{CONNECTIONS, Tasks, stepio_echo_rounds, stepio_echo_setup};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let tokio = args.iter().any(|arg| arg == "--tokio");
    let requests: u64 = args.iter().find_map(|arg| arg.parse().ok()).unwrap_or(100_000);
    let rounds = requests / CONNECTIONS as u64;
    let start = Instant::now();
    if tokio {
        run_tokio(rounds);
    } else {
        let (event_loop, clients) = stepio_echo_setup(Tasks::Runtime);
        let start = Instant::now();
        stepio_echo_rounds(&event_loop, Tasks::Runtime, &clients, rounds);
        report("stepio", rounds, start);
        drop(clients);
        event_loop.close().unwrap();
        return;
    }
    report("tokio", rounds, start);
}

fn report(name: &str, rounds: u64, start: Instant) {
    let requests = rounds * CONNECTIONS as u64;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name}: {requests} echo requests in {secs:.3} s: {:.0} requests/s",
        requests as f64 / secs
    );
}

#[cfg(feature = "peers")]
fn run_tokio(rounds: u64) {
    let (runtime, clients) = stepio_bench::echo::peers::tokio_echo_setup();
    stepio_bench::echo::peers::tokio_echo_rounds(&runtime, &clients, rounds);
}

#[cfg(not(feature = "peers"))]
fn run_tokio(_rounds: u64) {
    eprintln!(
        "--tokio needs the peers feature: cargo run -p stepio-bench --features peers --bin echo_load"
    );
    std::process::exit(2);
}
