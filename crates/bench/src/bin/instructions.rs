//! Runs one of the task workloads a fixed number of times, for counting
//! instructions with callgrind, which is exact where a timer on a shared
//! machine is not:
//!
//! ```console
//! cargo build --release -p stepio-bench --bin instructions
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/instructions yield 5
//! ```
//!
//! `spawn N` runs the spawn workload (1,000 tasks) N times, `yield N` the
//! yield workload (200 tasks x 1,000 yields) N times, both on stage 2's
//! loop as the criterion benches do. `traced` after them turns tracing on,
//! to count what tracing costs when it is on. Chapter 9 compares the counts
//! before and after debug mode and tracing were added.

use stepio::LoopDebug;
use stepio_bench::workloads;
use stepio_poll_loop::EventLoop;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: instructions spawn|yield ROUNDS [traced]";
    let (Some(workload), Some(rounds)) = (args.first(), args.get(1)) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let Ok(rounds) = rounds.parse::<u32>() else {
        eprintln!("{usage}: ROUNDS must be a number, not {rounds:?}");
        std::process::exit(2);
    };
    let event_loop = EventLoop::new();
    if args.get(2).is_some_and(|arg| arg == "traced") {
        event_loop.start_tracing();
    }
    for _ in 0..rounds {
        match workload.as_str() {
            "spawn" => workloads::stepio_spawn(&event_loop),
            "yield" => workloads::stepio_yields(&event_loop),
            other => {
                eprintln!("{usage}: unknown workload {other:?}");
                std::process::exit(2);
            }
        }
    }
}
