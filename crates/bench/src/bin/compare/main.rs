//! `compare`: every workload of the performance targets on stepio, tokio's
//! current-thread runtime and smol's `LocalExecutor`, in one process, the
//! runtimes taking turns round by round; the seed workloads against
//! CPython's asyncio in the same run; instruction counts under callgrind
//! when valgrind is installed; and the scaling table, with its figure.
//!
//! ```console
//! cargo run --release -p stepio-bench --features peers --bin compare -- \
//!     --svg book/src/figures/scaling.svg > crates/bench/results/compare.md
//! ```
//!
//! Every ratio is stepio's over the peer's (below 1.0: stepio is faster or
//! smaller), taken round by round: the table shows the median of the
//! per-round ratios and, in brackets, their 10th to 90th percentile. A
//! target is met only when that whole spread is on its side. `--quick`
//! runs fewer rounds and counts (for trying the program, not for quoting);
//! `--tasks-only` stops after the task rows.

mod linger;
mod measure;
mod plot;
mod scaling;

use std::future::{Future, pending, poll_fn};
use std::hint::black_box;
use std::pin::{Pin, pin};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use async_executor::LocalExecutor;
use stepio::{EventLoop, ThreadPoolExecutor, create_task, gather, sleep, yield_now};
use stepio_bench::echo;
use stepio_bench::workloads::{self, peers};
use tokio::runtime::{Builder, Runtime};

use measure::{Counting, Heap, Mark};
use scaling::Workload;
use stepio_bench::rounds::{Spread, interleave, median};

#[global_allocator]
static HEAP: Counting = Counting;

/// tokio's current-thread runtime with its I/O and time drivers: what
/// `#[tokio::main(flavor = "current_thread")]` builds.
fn tokio_runtime() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

/// tokio's current-thread runtime with no drivers: like stepio's bare
/// `EventLoop::new()` (a thread parker, no epoll, no timers).
fn tokio_bare() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

/// How many rounds the timed rows take (`--quick`: fewer).
struct Plan {
    rounds: usize,
}

/// One row: stepio's median, each peer's median and ratio, the target.
struct Row {
    workload: String,
    unit: &'static str,
    stepio: f64,
    /// tokio, smol: (median, ratio of stepio over it).
    peers: [Option<(f64, Spread)>; 2],
    target: Target,
}

/// "stepio / peer at most `at_most`", for the peers it names.
#[derive(Clone, Copy)]
struct Target {
    text: &'static str,
    tokio: bool,
    smol: bool,
    at_most: f64,
}

const fn target(text: &'static str, tokio: bool, smol: bool, at_most: f64) -> Target {
    Target { text, tokio, smol, at_most }
}

impl Row {
    /// A row from per-round times: stepio's, then tokio's and smol's (each
    /// may be missing).
    fn timed(
        workload: impl Into<String>,
        unit: &'static str,
        times: &[Vec<f64>],
        tokio: Option<usize>,
        smol: Option<usize>,
        target: Target,
    ) -> Row {
        let peer = |i: Option<usize>| {
            i.map(|i| (median(&times[i]), Spread::of(&times[0], &times[i])))
        };
        Row {
            workload: workload.into(),
            unit,
            stepio: median(&times[0]),
            peers: [peer(tokio), peer(smol)],
            target,
        }
    }

    /// Met when every peer the target names is there and the ratio's whole
    /// spread is at or under the bound.
    fn met(&self) -> bool {
        let wanted = [self.target.tokio, self.target.smol];
        wanted.iter().zip(&self.peers).all(|(wanted, peer)| match (wanted, peer) {
            (false, _) => true,
            (true, Some((_, ratio))) => ratio.high <= self.target.at_most,
            (true, None) => false,
        })
    }
}

fn fmt_time(value: f64) -> String {
    if value >= 1e6 {
        format!("{:.2} ms", value / 1e6)
    } else if value >= 1e3 {
        format!("{:.2} µs", value / 1e3)
    } else {
        format!("{value:.1} ns")
    }
}

fn fmt_value(unit: &str, value: f64) -> String {
    if unit.starts_with("bytes") || unit.starts_with("blocks") {
        format!("{value:.0}")
    } else {
        fmt_time(value)
    }
}

// ---------------------------------------------------------------- tasks

/// One task workload on each runtime.
struct TaskWorkload {
    name: &'static str,
    ops: u64,
    stepio: fn(&EventLoop),
    tokio: fn(&Runtime),
    smol: fn(&LocalExecutor<'_>, bool),
}

/// A task row on the loop `stepio::run` builds (and tokio and smol with
/// their drivers on), or on the bare loops (`full` false).
fn task_row(plan: &Plan, full: bool, workload: &TaskWorkload, target: Target) -> Row {
    let event_loop =
        if full { stepio::new_event_loop().unwrap() } else { EventLoop::new() };
    let runtime = if full { tokio_runtime() } else { tokio_bare() };
    let executor = LocalExecutor::new();
    let times = interleave(
        plan.rounds,
        workload.ops,
        &mut [
            &mut || (workload.stepio)(&event_loop),
            &mut || (workload.tokio)(&runtime),
            &mut || (workload.smol)(&executor, full),
        ],
    );
    event_loop.close().unwrap();
    let loops = if full { "full loop" } else { "bare loop" };
    Row::timed(
        format!("{}, {loops}", workload.name),
        "per op",
        &times,
        Some(1),
        Some(2),
        target,
    )
}

fn task_rows(plan: &Plan) -> Vec<Row> {
    let spawn = TaskWorkload {
        name: "spawn 1,000 empty tasks, await all",
        ops: workloads::SPAWNED,
        stepio: workloads::stepio_spawn,
        tokio: peers::tokio_spawn,
        smol: peers::smol_spawn,
    };
    let yields = TaskWorkload {
        name: "200 tasks x 1,000 yields",
        ops: workloads::TASKS * workloads::YIELDS,
        stepio: workloads::stepio_yields,
        tokio: peers::tokio_yields,
        smol: peers::smol_yields,
    };
    let ping_pong = TaskWorkload {
        name: "ping-pong, two spawned tasks, one-shot per leg",
        ops: workloads::ROUND_TRIPS,
        stepio: workloads::stepio_ping_pong_tasks,
        tokio: peers::tokio_ping_pong_tasks,
        smol: peers::smol_ping_pong_tasks,
    };
    // The targets are for the full loop; the bare rows show what the
    // drivers cost.
    let targets = [
        target("<= 0.6x tokio and smol", true, true, 0.6),
        target("<= 0.8x tokio", true, false, 0.8),
        target("<= 0.8x tokio", true, false, 0.8),
    ];
    let mut rows = Vec::new();
    for full in [true, false] {
        for (workload, target) in [&spawn, &yields, &ping_pong].into_iter().zip(targets) {
            let target = if full {
                target
            } else {
                self::target("(for comparison)", false, false, 0.0)
            };
            rows.push(task_row(plan, full, workload, target));
        }
    }
    for row in &mut rows {
        row.unit = if row.workload.starts_with("spawn") {
            "per task"
        } else if row.workload.starts_with("200") {
            "per yield"
        } else {
            "per round trip"
        };
    }
    rows
}

// --------------------------------------------------------------- memory

/// Heap per gather child: `n` children that wait forever, gathered, on
/// the loop `stepio::run` builds, measured once all have started.
fn stepio_gather_child(n: usize) -> Heap {
    let event_loop = stepio::new_event_loop().unwrap();
    let heap = event_loop
        .run_until_complete(async {
            let started = Arc::new(AtomicUsize::new(0));
            let mark = Mark::start();
            let mut gathered = pin!(gather((0..n).map(|_| {
                let started = Arc::clone(&started);
                async move {
                    started.fetch_add(1, Relaxed);
                    pending::<()>().await;
                }
            })));
            poll_fn(|cx| {
                assert!(gathered.as_mut().poll(cx).is_pending());
                Poll::Ready(())
            })
            .await;
            while started.load(Relaxed) < n {
                yield_now().await;
            }
            mark.finish(n)
        })
        .unwrap();
    event_loop.close().unwrap();
    heap
}

/// Bytes (and blocks) per pending task, per task in a sleep, per gather
/// child: exact counts, no spread. Peers' "gather child" is a spawned task
/// whose handle is kept, as their users gather.
fn memory_rows() -> Vec<Row> {
    const N: usize = 10_000;
    let mut rows = Vec::new();
    let at = |workload, runtime| scaling::once(workload, runtime, N).1;
    let row = |name: &str, unit, stepio: f64, tokio: f64, smol: f64, target| Row {
        workload: name.to_owned(),
        unit,
        stepio,
        peers: [
            Some((tokio, Spread::exact(stepio / tokio))),
            Some((smol, Spread::exact(stepio / smol))),
        ],
        target,
    };
    use scaling::Runtime::{Smol, Stepio, Tokio};
    for (workload, name) in [
        (Workload::Tasks, "heap per task awaiting pending(), 10,000 live"),
        (Workload::Sleeps, "heap per task awaiting its own 1 h sleep, 10,000 live"),
    ] {
        let (s, t, m) = (at(workload, Stepio), at(workload, Tokio), at(workload, Smol));
        rows.push(row(
            name,
            "bytes",
            s.bytes,
            t.bytes,
            m.bytes,
            target("<= 1.0x smol", false, true, 1.0),
        ));
    }
    let child = stepio_gather_child(N);
    let (t, m) = (at(Workload::Tasks, Tokio), at(Workload::Tasks, Smol));
    rows.push(row(
        "heap per gather child (peers: a spawned task, handle kept)",
        "bytes",
        child.bytes,
        t.bytes,
        m.bytes,
        target("<= 1.0x smol", false, true, 1.0),
    ));
    rows.push(row(
        "allocations per gather child (the same)",
        "blocks",
        child.blocks,
        t.blocks,
        m.blocks,
        target("<= 1.0x smol (one block)", false, true, 1.0),
    ));
    rows
}

// --------------------------------------------------------------- timers

/// A sleep made and polled once (its timer filed), then dropped (its timer
/// cancelled), 10,000 times a round, beside `live` other pending sleeps;
/// tokio with its time driver alone.
fn timer_insert_cancel(plan: &Plan, live: usize) -> Row {
    const N: u64 = 10_000;
    let mut cx = Context::from_waker(Waker::noop());
    let delay = |i: u64| Duration::from_millis(1_000 + i * 7);
    let event_loop = stepio::new_event_loop().unwrap();
    let runtime = Builder::new_current_thread().enable_time().build().unwrap();
    let mut stepio_live: Vec<Pin<Box<dyn Future<Output = ()>>>> = Vec::new();
    let mut tokio_live: Vec<Pin<Box<dyn Future<Output = ()>>>> = Vec::new();
    event_loop
        .run_until_complete(async {
            for i in 0..live {
                let mut sleep: Pin<Box<dyn Future<Output = ()>>> =
                    Box::pin(sleep(Duration::from_secs(1_000 + i as u64)));
                let _ = sleep.as_mut().poll(&mut cx);
                stepio_live.push(sleep);
            }
        })
        .unwrap();
    runtime.block_on(async {
        for i in 0..live {
            let mut sleep: Pin<Box<dyn Future<Output = ()>>> =
                Box::pin(tokio::time::sleep(Duration::from_secs(1_000 + i as u64)));
            let _ = sleep.as_mut().poll(&mut cx);
            tokio_live.push(sleep);
        }
    });
    let times = interleave(
        plan.rounds,
        N,
        &mut [
            &mut || {
                event_loop
                    .run_until_complete(async {
                        let mut cx = Context::from_waker(Waker::noop());
                        for i in 0..N {
                            let mut sleep = pin!(sleep(delay(i)));
                            let _ = sleep.as_mut().poll(&mut cx);
                        }
                    })
                    .unwrap()
            },
            &mut || {
                runtime.block_on(async {
                    let mut cx = Context::from_waker(Waker::noop());
                    for i in 0..N {
                        let mut sleep = pin!(tokio::time::sleep(delay(i)));
                        let _ = sleep.as_mut().poll(&mut cx);
                    }
                })
            },
        ],
    );
    drop(stepio_live);
    event_loop.close().unwrap();
    drop(tokio_live);
    let live = if live == 0 { "0 live" } else { "100,000 live" };
    Row::timed(
        format!("timer insert + cancel, {live} (tokio: timers only)"),
        "per timer",
        &times,
        Some(1),
        None,
        target("<= 0.5x tokio", true, false, 0.5),
    )
}

/// How late `sleep(1 ms)` wakes: each round's median of 20.
fn lateness(plan: &Plan) -> Row {
    const N: usize = 20;
    const DELAY: Duration = Duration::from_millis(1);
    let event_loop = stepio::new_event_loop().unwrap();
    let runtime = tokio_runtime();
    let (mut stepio_late, mut tokio_late) = (Vec::new(), Vec::new());
    for _ in 0..plan.rounds {
        stepio_late.push(
            event_loop
                .run_until_complete(async {
                    let mut late = Vec::with_capacity(N);
                    for _ in 0..N {
                        let deadline = Instant::now() + DELAY;
                        sleep(DELAY).await;
                        late.push((Instant::now() - deadline).as_nanos() as f64);
                    }
                    median(&late)
                })
                .unwrap(),
        );
        tokio_late.push(runtime.block_on(async {
            let mut late = Vec::with_capacity(N);
            for _ in 0..N {
                let deadline = Instant::now() + DELAY;
                tokio::time::sleep(DELAY).await;
                late.push((Instant::now() - deadline).as_nanos() as f64);
            }
            median(&late)
        }));
    }
    event_loop.close().unwrap();
    Row::timed(
        "sleep(1 ms) lateness, median",
        "late",
        &[stepio_late, tokio_late],
        Some(1),
        None,
        target("stay ahead: <= 1.0x tokio", true, false, 1.0),
    )
}

/// 100,000 tasks that sleep 1 to 100 ms, all awaited (floor: 100 ms).
fn many_sleeps(plan: &Plan) -> Row {
    const N: u64 = 100_000;
    let delay = |i: u64| Duration::from_micros(1_000 + (i * 7_919) % 99_000);
    let executor = LocalExecutor::new();
    let times = interleave(
        plan.rounds.min(7),
        N,
        &mut [
            &mut || {
                stepio::run(async move {
                    let tasks: Vec<_> =
                        (0..N).map(|i| create_task(sleep(delay(i)))).collect();
                    for task in tasks {
                        task.await.unwrap();
                    }
                })
                .unwrap();
            },
            &mut || {
                tokio_runtime().block_on(async move {
                    let tasks: Vec<_> = (0..N)
                        .map(|i| tokio::spawn(tokio::time::sleep(delay(i))))
                        .collect();
                    for task in tasks {
                        task.await.unwrap();
                    }
                })
            },
            &mut || {
                peers::smol_block_on(&executor, true, async {
                    let tasks: Vec<_> = (0..N)
                        .map(|i| {
                            executor.spawn(async move {
                                smol::Timer::after(delay(i)).await;
                            })
                        })
                        .collect();
                    for task in tasks {
                        task.await;
                    }
                })
            },
        ],
    );
    Row::timed(
        "100,000 tasks sleeping 1-100 ms, await all",
        "per task",
        &times,
        Some(1),
        Some(2),
        target("<= 0.9x tokio and smol", true, true, 0.9),
    )
}

// -------------------------------------------------------- thread pool, I/O

fn run_in_executor(plan: &Plan, batch: u64) -> Row {
    let event_loop = stepio::new_event_loop().unwrap();
    let pool = ThreadPoolExecutor::new(ThreadPoolExecutor::default_size());
    let runtime = tokio_runtime();
    let times = interleave(
        plan.rounds,
        workloads::JOBS,
        &mut [
            &mut || workloads::stepio_round_trips(&event_loop, &pool, batch),
            &mut || peers::tokio_round_trips(&runtime, batch),
        ],
    );
    event_loop.close().unwrap();
    Row::timed(
        if batch == 1 {
            "run_in_executor round trip, serial (tokio: spawn_blocking)"
        } else {
            "run_in_executor, batches of 16 (tokio: spawn_blocking)"
        },
        "per job",
        &times,
        Some(1),
        None,
        target("stay ahead: <= 1.0x tokio", true, false, 1.0),
    )
}

/// TCP echo: 50 connections, a 64-byte message each per round, server and
/// clients on one loop. Time per request; the target is a throughput.
fn echo_50(plan: &Plan) -> Row {
    const ROUNDS_PER_SAMPLE: u64 = 20;
    let tasks = echo::Tasks::Runtime;
    let (event_loop, clients) = echo::stepio_echo_setup(tasks);
    let (runtime, tokio_clients) = echo::peers::tokio_echo_setup();
    let times = interleave(
        plan.rounds,
        ROUNDS_PER_SAMPLE * 50,
        &mut [
            &mut || {
                echo::stepio_echo_rounds(&event_loop, tasks, &clients, ROUNDS_PER_SAMPLE)
            },
            &mut || {
                echo::peers::tokio_echo_rounds(
                    &runtime,
                    &tokio_clients,
                    ROUNDS_PER_SAMPLE,
                )
            },
        ],
    );
    Row::timed(
        "TCP echo, 50 connections, 64 B, one thread",
        "per request",
        &times,
        Some(1),
        None,
        // 1.1x the requests per second is 1 / 1.1 of the time.
        target(">= 1.1x tokio requests/s (<= 0.91x time)", true, false, 1.0 / 1.1),
    )
}

// ---------------------------------------------------------------- seeds

/// A seed workload against CPython: `blocks` times, stepio's median of a
/// few rounds, then one run of the Python script; the ratio per block.
fn seed(
    name: &str,
    unit: &'static str,
    blocks: usize,
    stepio: &mut dyn FnMut() -> f64,
    python_args: &[&str],
    key: &str,
) -> Option<(String, &'static str, f64, f64, Spread)> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/gather.py");
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..blocks {
        ours.push(median(&(0..5).map(|_| stepio()).collect::<Vec<_>>()));
        let output =
            Command::new("python3").arg(script).args(python_args).output().ok()?;
        let text = String::from_utf8(output.stdout).ok()?;
        theirs.push(
            text.split_whitespace()
                .find_map(|pair| pair.strip_prefix(key)?.parse().ok())?,
        );
    }
    Some((
        name.to_owned(),
        unit,
        median(&ours),
        median(&theirs),
        Spread::of(&theirs, &ours),
    ))
}

fn seeds(plan: &Plan) -> Vec<(String, &'static str, f64, f64, Spread)> {
    let blocks = if plan.rounds < 10 { 1 } else { 3 };
    let event_loop = stepio::new_event_loop().unwrap();
    let mut rows = Vec::new();
    rows.extend(seed(
        "gather 100,000 tasks that yield once",
        "per task",
        blocks,
        &mut || {
            let start = Instant::now();
            black_box(workloads::stepio_gather(&event_loop));
            start.elapsed().as_nanos() as f64 / workloads::GATHERED as f64
        },
        &["gather", "100000", "2"],
        "median_ns_per_task=",
    ));
    rows.extend(seed(
        "count_down: three tasks + wait, sleeps 0",
        "per run",
        blocks,
        &mut || {
            let start = Instant::now();
            workloads::stepio_count_down(&event_loop, 1000);
            start.elapsed().as_nanos() as f64 / 1000.0
        },
        &["count_down", "2"],
        "median_ns_per_iter=",
    ));
    event_loop.close().unwrap();
    rows
}

// ------------------------------------------------------- instructions

/// `compare one WORKLOAD RUNTIME ROUNDS`: one workload, on the full loops,
/// for callgrind to count.
fn one(workload: &str, runtime: &str, rounds: u32) {
    let event_loop = stepio::new_event_loop().unwrap();
    let tokio = tokio_runtime();
    let executor = LocalExecutor::new();
    for _ in 0..rounds {
        match (workload, runtime) {
            ("spawn", "stepio") => workloads::stepio_spawn(&event_loop),
            ("spawn", "tokio") => peers::tokio_spawn(&tokio),
            ("spawn", "smol") => peers::smol_spawn(&executor, true),
            ("yield", "stepio") => workloads::stepio_yields(&event_loop),
            ("yield", "tokio") => peers::tokio_yields(&tokio),
            ("yield", "smol") => peers::smol_yields(&executor, true),
            ("ping-pong", "stepio") => workloads::stepio_ping_pong_tasks(&event_loop),
            ("ping-pong", "tokio") => peers::tokio_ping_pong_tasks(&tokio),
            ("ping-pong", "smol") => peers::smol_ping_pong_tasks(&executor, true),
            ("count_down", "stepio") => workloads::stepio_count_down(&event_loop, 1000),
            other => panic!("compare one: no workload {other:?}"),
        }
    }
    event_loop.close().unwrap();
}

/// Instructions per op under callgrind: the difference between 3 rounds and
/// 1 (so set-up cancels out), over 2 rounds' ops. `None` without valgrind.
fn instructions(workload: &str, runtime: &str, ops: u64) -> Option<f64> {
    let count = |rounds: u32| -> Option<f64> {
        let output = Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
            .arg(std::env::current_exe().ok()?)
            .args(["one", workload, runtime, &rounds.to_string()])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&output.stderr);
        let line = text.lines().find(|line| line.contains("Collected :"))?;
        line.rsplit(':').next()?.trim().parse().ok()
    };
    Some((count(3)? - count(1)?) / (2 * ops) as f64)
}

fn instruction_table() {
    let workloads = [
        ("spawn", "spawn + await, per task", workloads::SPAWNED),
        ("yield", "yield, per yield", workloads::TASKS * workloads::YIELDS),
        ("ping-pong", "ping-pong (two tasks), per round trip", workloads::ROUND_TRIPS),
    ];
    println!("| instructions (callgrind, full loops) | stepio | tokio | smol |");
    println!("| --- | ---: | ---: | ---: |");
    for (workload, name, ops) in workloads {
        let counts: Vec<String> = ["stepio", "tokio", "smol"]
            .iter()
            .map(|runtime| {
                instructions(workload, runtime, ops)
                    .map_or("-".into(), |n| format!("{n:.0}"))
            })
            .collect();
        println!("| {name} | {} |", counts.join(" | "));
    }
}

// ----------------------------------------------------------------- main

fn print_rows(rows: &[Row]) {
    println!(
        "| workload | stepio | tokio | smol | stepio / tokio | stepio / smol | target | met |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |");
    for row in rows {
        let peer =
            |i: usize| row.peers[i].map_or("-".into(), |(v, _)| fmt_value(row.unit, v));
        let ratio = |i: usize| row.peers[i].map_or("-".into(), |(_, r)| r.show());
        let met = if !row.target.tokio && !row.target.smol {
            "-"
        } else if row.met() {
            "yes"
        } else {
            "**no**"
        };
        println!(
            "| {} | {} {} | {} | {} | {} | {} | {} | {met} |",
            row.workload,
            fmt_value(row.unit, row.stepio),
            row.unit,
            peer(0),
            peer(1),
            ratio(0),
            ratio(1),
            row.target.text,
        );
    }
}

fn print_scaling(cells: &[scaling::Cell], counts: &[usize]) {
    print!("| items | runtime |");
    for n in counts {
        print!(" {n} |");
    }
    println!();
    print!("| --- | --- |");
    for _ in counts {
        print!(" ---: |");
    }
    println!();
    for workload in
        [Workload::Tasks, Workload::Sleeps, Workload::Connections, Workload::Gather]
    {
        for runtime in [
            scaling::Runtime::Stepio,
            scaling::Runtime::Tokio,
            scaling::Runtime::Smol,
            scaling::Runtime::CPython,
        ] {
            let row: Vec<&scaling::Cell> = cells
                .iter()
                .filter(|cell| cell.workload == workload && cell.runtime == runtime)
                .collect();
            if row.is_empty() {
                continue;
            }
            print!("| {} | {} |", workload.name(), runtime.name());
            for n in counts {
                match row.iter().find(|cell| cell.n == *n) {
                    Some(cell) => match cell.heap {
                        Some(heap) => {
                            print!(" {} · {:.0} B |", fmt_time(cell.ns), heap.bytes)
                        }
                        None => print!(" {} |", fmt_time(cell.ns)),
                    },
                    None => print!(" - |"),
                }
            }
            println!();
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["hold", addr, n] => return scaling::hold(addr, n.parse().unwrap()),
        ["one", workload, runtime, rounds] => {
            return one(workload, runtime, rounds.parse().unwrap());
        }
        ["connections", n] => {
            for runtime in scaling::Runtime::RUST {
                let (ns, heap) =
                    scaling::once(Workload::Connections, runtime, n.parse().unwrap());
                println!("{}: {} · {:.0} B", runtime.name(), fmt_time(ns), heap.bytes);
            }
            return;
        }
        _ => {}
    }
    let quick = args.contains(&"--quick");
    let svg = args.iter().position(|arg| *arg == "--svg").and_then(|i| args.get(i + 1));
    let plan = Plan { rounds: if quick { 5 } else { 21 } };
    let (counts, connection_counts): (&[usize], &[usize]) = if quick {
        (&[1_000, 10_000], &[1_000])
    } else {
        // Connections: each is a descriptor in this process and one in the
        // client's, and the limit here is 20,000 per process.
        (&[1_000, 10_000, 100_000, 1_000_000], &[1_000, 10_000])
    };

    eprintln!("task rows (full loop, then bare)...");
    let mut rows = task_rows(&plan);
    if args.contains(&"--tasks-only") {
        return print_rows(&rows);
    }
    eprintln!("memory rows...");
    rows.extend(memory_rows());
    eprintln!("timer rows...");
    rows.push(timer_insert_cancel(&plan, 0));
    rows.push(timer_insert_cancel(&plan, 100_000));
    rows.push(lateness(&plan));
    rows.push(many_sleeps(&plan));
    eprintln!("thread pool and TCP echo...");
    rows.push(run_in_executor(&plan, 1));
    rows.push(run_in_executor(&plan, 16));
    rows.push(echo_50(&plan));
    eprintln!("seed workloads against CPython...");
    let seeds = seeds(&plan);
    let instructions = Command::new("valgrind").arg("--version").output().is_ok();
    eprintln!("scaling table...");
    let cells = scaling::table(counts, connection_counts);

    println!(
        "Ratios are stepio's over the peer's, per round, {} rounds taking turns: \
         the median, and (in brackets) the 10th-90th percentile. Met: the whole \
         spread is within the target.",
        plan.rounds
    );
    println!();
    print_rows(&rows);
    println!();
    println!(
        "| seed workload | stepio | CPython asyncio | CPython / stepio | target | met |"
    );
    println!("| --- | ---: | ---: | ---: | --- | --- |");
    for (name, unit, ours, theirs, ratio) in &seeds {
        println!(
            "| {name} | {} {unit} | {} | {} | >= 30x | {} |",
            fmt_time(*ours),
            fmt_time(*theirs),
            ratio.show(),
            if ratio.low >= 30.0 { "yes" } else { "**no**" }
        );
    }
    if seeds.is_empty() {
        println!("| (no python3: not measured) | | | | | |");
    }
    println!();
    if instructions {
        eprintln!("instruction counts (valgrind)...");
        instruction_table();
    } else {
        println!("(valgrind is not installed: no instruction counts)");
    }
    println!();
    println!(
        "Scaling: time per item · heap per item (bytes the allocator handed out \
         and not yet freed; malloc's own overhead and kernel buffers not counted)."
    );
    println!();
    let mut all_counts = counts.to_vec();
    all_counts.extend(connection_counts.iter().filter(|n| !counts.contains(n)));
    all_counts.sort_unstable();
    print_scaling(&cells, &all_counts);
    let missed: Vec<&str> = rows
        .iter()
        .filter(|row| (row.target.tokio || row.target.smol) && !row.met())
        .map(|row| row.workload.as_str())
        .collect();
    println!();
    println!(
        "Missed: {}",
        if missed.is_empty() { "none".into() } else { missed.join("; ") }
    );
    if let Some(path) = svg {
        std::fs::write(path, plot::svg(&cells)).expect("cannot write the figure");
        eprintln!("wrote {path}");
    }
}
