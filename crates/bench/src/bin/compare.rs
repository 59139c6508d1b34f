//! `compare`: every workload of the brief's performance table, on stepio,
//! tokio's current-thread runtime and smol's `LocalExecutor`, in one
//! process, one after the other; then the seed workloads on CPython's
//! asyncio (`crates/bench/python/gather.py`, if `python3` is there). Prints
//! a markdown table of medians and ratios.
//!
//! ```console
//! cargo run --release -p stepio-bench --features peers --bin compare
//! ```
//!
//! Each workload runs a few warm-up rounds, then `ROUNDS` timed rounds; the
//! table shows the median per operation. Ratios are stepio's time over the
//! peer's (below 1.0: stepio is faster), except where the brief's target is
//! a throughput (echo) or a multiple of CPython, which are said so.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::process::Command;
use std::task::{Context, Waker};
use std::time::{Duration, Instant};

use async_executor::LocalExecutor;
use stepio::{EventLoop, ThreadPoolExecutor, create_task, sleep};
use stepio_bench::echo;
use stepio_bench::workloads::{self, peers};
use tokio::runtime::{Builder, Runtime};

const ROUNDS: usize = 15;

/// The median of `rounds` timings of `round`, divided by `ops`: ns per op.
fn measure(rounds: usize, ops: u64, mut round: impl FnMut()) -> f64 {
    for _ in 0..2 {
        round();
    }
    let mut times: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            round();
            start.elapsed().as_nanos() as f64 / ops as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// [`measure`] for several runners at once, taking turns round by round,
/// so that a slow stretch of a shared machine hits them all alike.
fn measure_each(rounds: usize, ops: u64, runners: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    for runner in runners.iter_mut() {
        runner();
        runner();
    }
    let mut times = vec![Vec::with_capacity(rounds); runners.len()];
    for _ in 0..rounds {
        for (runner, times) in runners.iter_mut().zip(&mut times) {
            let start = Instant::now();
            runner();
            times.push(start.elapsed().as_nanos() as f64 / ops as f64);
        }
    }
    times.into_iter().map(median).collect()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// tokio's current-thread runtime with its I/O and time drivers, for the
/// rows that use timers, sockets or the blocking pool.
fn tokio_runtime() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

/// tokio's current-thread runtime with no drivers, for the task rows: like
/// stepio's `EventLoop::new()` there (a thread parker, no epoll, no timers)
/// and smol's `LocalExecutor` under `block_on`.
fn tokio_bare() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

/// One row of the table.
struct Row {
    workload: &'static str,
    unit: &'static str,
    stepio: f64,
    tokio: Option<f64>,
    smol: Option<f64>,
    target: &'static str,
    /// Whether the target is met, from the figures.
    met: bool,
}

fn ratio(stepio: f64, peer: Option<f64>) -> String {
    peer.map_or("-".into(), |peer| format!("{:.2}x", stepio / peer))
}

fn fmt(value: f64) -> String {
    if value >= 1e6 {
        format!("{:.2} ms", value / 1e6)
    } else if value >= 1e3 {
        format!("{:.2} µs", value / 1e3)
    } else {
        format!("{value:.1} ns")
    }
}

// ---------------------------------------------------------------- tasks

fn spawn_1000() -> Row {
    let event_loop = EventLoop::new();
    let (runtime, executor) = (tokio_bare(), LocalExecutor::new());
    let times = measure_each(
        ROUNDS * 4,
        workloads::SPAWNED,
        &mut [
            &mut || workloads::stepio_spawn(&event_loop),
            &mut || peers::tokio_spawn(&runtime),
            &mut || peers::smol_spawn(&executor),
        ],
    );
    let (stepio, tokio, smol) = (times[0], times[1], times[2]);
    Row {
        workload: "spawn 1,000 empty tasks and await all",
        unit: "per task",
        stepio,
        tokio: Some(tokio),
        smol: Some(smol),
        target: "<= 1.0x smol",
        met: stepio <= smol,
    }
}

fn yields() -> Row {
    let event_loop = EventLoop::new();
    let (runtime, executor) = (tokio_bare(), LocalExecutor::new());
    let times = measure_each(
        ROUNDS,
        workloads::TASKS * workloads::YIELDS,
        &mut [
            &mut || workloads::stepio_yields(&event_loop),
            &mut || peers::tokio_yields(&runtime),
            &mut || peers::smol_yields(&executor),
        ],
    );
    let (stepio, tokio, smol) = (times[0], times[1], times[2]);
    Row {
        workload: "200 tasks x 1,000 yields",
        unit: "per yield",
        stepio,
        tokio: Some(tokio),
        smol: Some(smol),
        target: "<= 1.0x tokio",
        met: stepio <= tokio,
    }
}

/// Two tasks pass a number back and forth 1,000 times, each pass through a
/// one-shot (chapter 5's ball protocol).
fn ping_pong() -> Row {
    let event_loop = EventLoop::new();
    let (runtime, executor) = (tokio_bare(), LocalExecutor::new());
    let times = measure_each(
        ROUNDS * 2,
        workloads::ROUND_TRIPS,
        &mut [
            &mut || workloads::stepio_ping_pong(&event_loop),
            &mut || peers::tokio_ping_pong(&runtime),
            &mut || peers::smol_ping_pong(&executor),
        ],
    );
    let (stepio, tokio, smol) = (times[0], times[1], times[2]);
    Row {
        workload: "ping-pong through one-shots (tokio oneshot, smol async-channel)",
        unit: "per round trip",
        stepio,
        tokio: Some(tokio),
        smol: Some(smol),
        target: "<= 1.0x tokio",
        met: stepio <= tokio,
    }
}

// --------------------------------------------------------------- timers

/// A sleep made and polled once (its timer filed), then dropped (its timer
/// cancelled), beside `live` other pending sleeps.
fn timer_insert_cancel(live: usize, tokio_io: bool) -> Row {
    const N: u64 = 10_000;
    let event_loop = stepio::new_event_loop().unwrap();
    let stepio = event_loop
        .run_until_complete(async {
            let mut cx = Context::from_waker(Waker::noop());
            let mut waiting: Vec<_> = (0..live)
                .map(|i| {
                    Box::pin(sleep(Duration::from_millis(1_000 + i as u64 % 9_000_000)))
                })
                .collect();
            for sleep in &mut waiting {
                let _ = sleep.as_mut().poll(&mut cx);
            }
            measure(ROUNDS, N, || {
                for i in 0..N {
                    let mut sleep = pin!(sleep(Duration::from_millis(1_000 + i * 7)));
                    let _ = sleep.as_mut().poll(&mut cx);
                }
            })
        })
        .unwrap();
    event_loop.close().unwrap();
    // Inside its runtime, as stepio's is inside its loop; with its I/O
    // driver on (as stepio's loop has epoll), or with timers alone.
    let runtime = if tokio_io {
        tokio_runtime()
    } else {
        Builder::new_current_thread().enable_time().build().unwrap()
    };
    let tokio = runtime.block_on(async {
        let mut cx = Context::from_waker(Waker::noop());
        let mut waiting: Vec<_> = (0..live)
            .map(|i| {
                Box::pin(tokio::time::sleep(Duration::from_millis(
                    1_000 + i as u64 % 9_000_000,
                )))
            })
            .collect();
        for sleep in &mut waiting {
            let _ = sleep.as_mut().poll(&mut cx);
        }
        measure(ROUNDS, N, || {
            for i in 0..N {
                let mut sleep =
                    pin!(tokio::time::sleep(Duration::from_millis(1_000 + i * 7)));
                let _ = sleep.as_mut().poll(&mut cx);
            }
        })
    });
    Row {
        workload: match (live, tokio_io) {
            (0, true) => "timer insert + cancel, 0 live timers",
            (_, true) => "timer insert + cancel, 100,000 live",
            (0, false) => "the same, 0 live, tokio with timers only",
            (_, false) => "the same, 100,000 live, tokio with timers only",
        },
        unit: "per timer",
        stepio,
        tokio: Some(tokio),
        smol: None,
        target: "<= 0.5x tokio",
        met: stepio <= 0.5 * tokio,
    }
}

/// How late `sleep(1 ms)` wakes, median of 300.
fn lateness() -> Row {
    const N: usize = 300;
    const DELAY: Duration = Duration::from_millis(1);
    let stepio = stepio::run(async {
        let mut late = Vec::with_capacity(N);
        for _ in 0..N {
            let deadline = Instant::now() + DELAY;
            sleep(DELAY).await;
            late.push((Instant::now() - deadline).as_nanos() as f64);
        }
        median(late)
    })
    .unwrap();
    let tokio = tokio_runtime().block_on(async {
        let mut late = Vec::with_capacity(N);
        for _ in 0..N {
            let deadline = Instant::now() + DELAY;
            tokio::time::sleep(DELAY).await;
            late.push((Instant::now() - deadline).as_nanos() as f64);
        }
        median(late)
    });
    Row {
        workload: "sleep(1 ms) lateness, median",
        unit: "late",
        stepio,
        tokio: Some(tokio),
        smol: None,
        target: "<= 100 µs",
        met: stepio <= 100_000.0,
    }
}

/// 100,000 tasks that sleep 1 to 100 ms, all fired.
fn many_sleeps() -> Row {
    const N: u64 = 100_000;
    let delay = |i: u64| Duration::from_micros(1_000 + (i * 7_919) % 99_000);
    let mut stepio_run = || {
        stepio::run(async move {
            let tasks: Vec<_> = (0..N).map(|i| create_task(sleep(delay(i)))).collect();
            for task in tasks {
                task.await.unwrap();
            }
        })
        .unwrap();
    };
    let mut tokio_run = || {
        tokio_runtime().block_on(async move {
            let tasks: Vec<_> =
                (0..N).map(|i| tokio::spawn(tokio::time::sleep(delay(i)))).collect();
            for task in tasks {
                task.await.unwrap();
            }
        })
    };
    let times = measure_each(5, N, &mut [&mut stepio_run, &mut tokio_run]);
    let (stepio, tokio) = (times[0], times[1]);
    Row {
        workload: "100,000 sleeps of 1-100 ms fired",
        unit: "per sleep",
        stepio,
        tokio: Some(tokio),
        smol: None,
        target: "<= 1.0x tokio",
        met: stepio <= tokio,
    }
}

// -------------------------------------------------------- thread pool, I/O

fn run_in_executor(batch: u64) -> Row {
    let event_loop = stepio::new_event_loop().unwrap();
    let pool = ThreadPoolExecutor::new(ThreadPoolExecutor::default_size());
    let runtime = tokio_runtime();
    let times = measure_each(
        ROUNDS,
        workloads::JOBS,
        &mut [
            &mut || workloads::stepio_round_trips(&event_loop, &pool, batch),
            &mut || peers::tokio_round_trips(&runtime, batch),
        ],
    );
    let (stepio, tokio) = (times[0], times[1]);
    Row {
        workload: if batch == 1 {
            "run_in_executor round trip, serial"
        } else {
            "run_in_executor, batches of 16"
        },
        unit: "per job",
        stepio,
        tokio: Some(tokio),
        smol: None,
        target: "<= 1.0x tokio spawn_blocking",
        met: stepio <= tokio,
    }
}

/// TCP echo: 50 connections, a 64-byte message each per round, server and
/// clients on one loop. Time per request; the target is a throughput.
fn echo_50() -> Row {
    const ROUNDS_PER_SAMPLE: u64 = 20;
    let tasks = echo::Tasks::Runtime;
    let (event_loop, clients) = echo::stepio_echo_setup(tasks);
    let mut stepio_run =
        || echo::stepio_echo_rounds(&event_loop, tasks, &clients, ROUNDS_PER_SAMPLE);
    let (runtime, clients) = echo::peers::tokio_echo_setup();
    let mut tokio_run =
        || echo::peers::tokio_echo_rounds(&runtime, &clients, ROUNDS_PER_SAMPLE);
    let times = measure_each(
        ROUNDS,
        ROUNDS_PER_SAMPLE * 50,
        &mut [&mut stepio_run, &mut tokio_run],
    );
    let (stepio, tokio) = (times[0], times[1]);
    Row {
        workload: "TCP echo, 50 connections, 64 bytes, one thread",
        unit: "per request",
        stepio,
        tokio: Some(tokio),
        smol: None,
        target: ">= 1.0x tokio requests/s",
        met: stepio <= tokio,
    }
}

// ---------------------------------------------------------------- seeds

fn gather_100_000() -> Row {
    let event_loop = EventLoop::new();
    let stepio = measure(7, workloads::GATHERED, || {
        black_box(workloads::stepio_gather(&event_loop));
    });
    Row {
        workload: "gather 100,000 tasks that yield once",
        unit: "per task",
        stepio,
        tokio: None,
        smol: None,
        target: ">= 30x CPython",
        met: false, // decided once CPython's figure is in
    }
}

fn count_down_sleep_0() -> Row {
    // As the CPython script does: many runs inside one running loop.
    const RUNS: u64 = 1000;
    let event_loop = EventLoop::new();
    let stepio =
        measure(ROUNDS, RUNS, || workloads::stepio_count_down(&event_loop, RUNS));
    Row {
        workload: "count_down, three tasks + wait, sleeps 0",
        unit: "per run",
        stepio,
        tokio: None,
        smol: None,
        target: ">= 30x CPython",
        met: false,
    }
}

/// CPython's figures from `crates/bench/python/gather.py`: ns per task for
/// the gather, ns per run for count_down; `None` without python3.
fn cpython() -> Option<(f64, f64)> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/gather.py");
    let output = Command::new("python3").arg(script).output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let field = |line_start: &str, key: &str| -> Option<f64> {
        let line = text.lines().find(|line| line.starts_with(line_start))?;
        line.split_whitespace().find_map(|pair| pair.strip_prefix(key)?.parse().ok())
    };
    Some((
        field("gather_100000_yield_once", "median_ns_per_task=")?,
        field("count_down_sleep0", "median_ns_per_iter=")?,
    ))
}

fn main() {
    eprintln!("running every workload (about half a minute)...");
    let mut rows = vec![
        spawn_1000(),
        yields(),
        ping_pong(),
        timer_insert_cancel(0, true),
        timer_insert_cancel(100_000, true),
        timer_insert_cancel(0, false),
        timer_insert_cancel(100_000, false),
        lateness(),
        many_sleeps(),
        run_in_executor(1),
        run_in_executor(16),
        echo_50(),
    ];
    let mut seeds = vec![gather_100_000(), count_down_sleep_0()];
    eprintln!("running CPython's side (python3 crates/bench/python/gather.py)...");
    let python = cpython();

    println!("| workload | stepio | tokio | smol | vs tokio | vs smol | target | met |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |");
    for row in &rows {
        println!(
            "| {} | {} {} | {} | {} | {} | {} | {} | {} |",
            row.workload,
            fmt(row.stepio),
            row.unit,
            row.tokio.map_or("-".into(), fmt),
            row.smol.map_or("-".into(), fmt),
            ratio(row.stepio, row.tokio),
            ratio(row.stepio, row.smol),
            row.target,
            if row.met { "yes" } else { "**no**" },
        );
    }
    println!();
    println!(
        "| seed workload | stepio | CPython asyncio | CPython / stepio | target | met |"
    );
    println!("| --- | ---: | ---: | ---: | --- | --- |");
    for (row, python) in seeds.iter_mut().zip([python.map(|p| p.0), python.map(|p| p.1)])
    {
        let times = python.map(|python| python / row.stepio);
        row.met = times.is_some_and(|times| times >= 30.0);
        println!(
            "| {} | {} {} | {} | {} | {} | {} |",
            row.workload,
            fmt(row.stepio),
            row.unit,
            python.map_or("(no python3)".into(), fmt),
            times.map_or("-".into(), |times| format!("{times:.0}x")),
            row.target,
            if row.met { "yes" } else { "**no**" },
        );
    }
    rows.append(&mut seeds);
    let missed: Vec<&str> =
        rows.iter().filter(|row| !row.met).map(|row| row.workload).collect();
    println!();
    println!(
        "Missed: {}",
        if missed.is_empty() { "none".to_owned() } else { missed.join("; ") }
    );
}
