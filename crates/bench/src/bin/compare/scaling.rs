//! The scaling table: tasks, sleeping tasks, idle connections and the seed
//! gather at 1e3 to 1e6 items, time and heap per item, for each runtime.

use std::future::pending;
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use async_executor::LocalExecutor;
use stepio::{create_task, gather, sleep, yield_now};
use stepio_bench::workloads::peers::smol_block_on;

use crate::measure::{Heap, Mark};
use stepio_bench::rounds::median;

/// The runtimes of the table, in column order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runtime {
    Stepio,
    Tokio,
    Smol,
    CPython,
}

impl Runtime {
    pub const RUST: [Runtime; 3] = [Runtime::Stepio, Runtime::Tokio, Runtime::Smol];

    pub fn name(self) -> &'static str {
        match self {
            Runtime::Stepio => "stepio",
            Runtime::Tokio => "tokio",
            Runtime::Smol => "smol",
            Runtime::CPython => "CPython",
        }
    }
}

/// What a row of the scaling table does with its `n` items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// Spawn `n` tasks and run each to its first `await` (a `pending()`).
    Tasks,
    /// The same, each task awaiting its own sleep of an hour.
    Sleeps,
    /// Accept `n` connections from another process, a task per connection
    /// waiting to read.
    Connections,
    /// The seed gather: `n` children that yield once, gathered.
    Gather,
}

impl Workload {
    pub fn name(self) -> &'static str {
        match self {
            Workload::Tasks => "pending tasks",
            Workload::Sleeps => "tasks in a 1 h sleep",
            Workload::Connections => "idle connections",
            Workload::Gather => "seed gather (yield once)",
        }
    }
}

/// One cell of the table: time and heap per item.
#[derive(Clone, Copy, Debug)]
pub struct Cell {
    pub workload: Workload,
    pub runtime: Runtime,
    pub n: usize,
    pub ns: f64,
    /// `None` where it is not measured (CPython).
    pub heap: Option<Heap>,
}

/// Runs `workload` once with `n` items on `runtime`: ns per item, heap per
/// item.
pub fn once(workload: Workload, runtime: Runtime, n: usize) -> (f64, Heap) {
    match (workload, runtime) {
        (Workload::Tasks, rt) => pending_tasks(rt, n, false),
        (Workload::Sleeps, rt) => pending_tasks(rt, n, true),
        (Workload::Connections, rt) => connections(rt, n),
        (Workload::Gather, Runtime::Stepio) => stepio_gather(n),
        (Workload::Gather, rt) => unreachable!("no gather row for {rt:?}"),
    }
}

/// A sleep far in the future, different for each task (no two timers share
/// a deadline).
fn an_hour(i: usize) -> Duration {
    Duration::from_secs(3600) + Duration::from_micros(i as u64)
}

/// `n` tasks, each counting itself in `started` and then waiting forever
/// (or for an hour): the time until every one has run to its `await`, and
/// what they hold on the heap then. Handles are kept in a vector allocated
/// before the count starts.
fn pending_tasks(runtime: Runtime, n: usize, sleeps: bool) -> (f64, Heap) {
    let started = Arc::new(AtomicUsize::new(0));
    match runtime {
        Runtime::Stepio => {
            let event_loop = stepio::new_event_loop().unwrap();
            let out = event_loop
                .run_until_complete(async {
                    let mut tasks = Vec::with_capacity(n);
                    let (mark, start) = (Mark::start(), Instant::now());
                    for i in 0..n {
                        let started = Arc::clone(&started);
                        tasks.push(create_task(async move {
                            started.fetch_add(1, Relaxed);
                            if sleeps {
                                sleep(an_hour(i)).await;
                            } else {
                                pending::<()>().await;
                            }
                        }));
                    }
                    while started.load(Relaxed) < n {
                        yield_now().await;
                    }
                    let time = start.elapsed().as_nanos() as f64 / n as f64;
                    (time, mark.finish(n))
                })
                .unwrap();
            event_loop.close().unwrap();
            out
        }
        Runtime::Tokio => {
            let runtime = crate::tokio_runtime();
            runtime.block_on(async {
                let mut tasks = Vec::with_capacity(n);
                let (mark, start) = (Mark::start(), Instant::now());
                for i in 0..n {
                    let started = Arc::clone(&started);
                    tasks.push(tokio::spawn(async move {
                        started.fetch_add(1, Relaxed);
                        if sleeps {
                            tokio::time::sleep(an_hour(i)).await;
                        } else {
                            pending::<()>().await;
                        }
                    }));
                }
                while started.load(Relaxed) < n {
                    tokio::task::yield_now().await;
                }
                let time = start.elapsed().as_nanos() as f64 / n as f64;
                (time, mark.finish(n))
            })
        }
        Runtime::Smol => {
            let executor = LocalExecutor::new();
            smol_block_on(&executor, true, async {
                let mut tasks = Vec::with_capacity(n);
                let (mark, start) = (Mark::start(), Instant::now());
                for i in 0..n {
                    let started = Arc::clone(&started);
                    tasks.push(executor.spawn(async move {
                        started.fetch_add(1, Relaxed);
                        if sleeps {
                            smol::Timer::after(an_hour(i)).await;
                        } else {
                            pending::<()>().await;
                        }
                    }));
                }
                while started.load(Relaxed) < n {
                    futures_lite::future::yield_now().await;
                }
                let time = start.elapsed().as_nanos() as f64 / n as f64;
                (time, mark.finish(n))
            })
        }
        Runtime::CPython => unreachable!("CPython runs only the gather"),
    }
}

/// The seed gather on the loop `stepio::run` builds: ns per child, and
/// what the heap holds per child while all wait for their second poll.
fn stepio_gather(n: usize) -> (f64, Heap) {
    let event_loop = stepio::new_event_loop().unwrap();
    let start = Instant::now();
    let outputs = event_loop
        .run_until_complete(gather((0..n).map(|i| async move {
            yield_now().await;
            i
        })))
        .unwrap()
        .unwrap();
    let time = start.elapsed().as_nanos() as f64 / n as f64;
    assert_eq!(outputs.len(), n);
    drop(outputs);
    event_loop.close().unwrap();
    (time, Heap::default())
}

/// Connections the client process opens before it waits for the server to
/// say "go": fewer than any listener's backlog (std's is 128), so that no
/// connection waits for a dropped SYN to be sent again (a second or more).
const BATCH: usize = 100;

/// Starts this program as `compare hold ADDR N`: another process that
/// opens `n` connections to `addr`, `BATCH` at a time, and keeps them until
/// its stdin closes.
fn clients(addr: SocketAddr, n: usize) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["hold", &addr.to_string(), &n.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("cannot start the client process")
}

/// The client process: `n` blocking connections to `addr`, waiting for a
/// line on stdin after each `BATCH`; a line on stdout once they are all
/// open; then held until stdin closes.
pub fn hold(addr: &str, n: usize) {
    let mut go = String::new();
    let connections: Vec<_> = (0..n)
        .map(|i| {
            let connection = std::net::TcpStream::connect(addr).expect("connect");
            crate::linger::reset_on_close(&connection);
            if (i + 1) % BATCH == 0 && i + 1 < n {
                go.clear();
                std::io::stdin().read_line(&mut go).expect("the server's go");
            }
            connection
        })
        .collect();
    println!("open");
    std::io::stdout().flush().unwrap();
    // Until stdin closes (a last "go" may come first).
    let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new());
    drop(connections);
}

/// Tells the client process that the server took the `i`-th connection:
/// after each whole batch, the client may go on.
fn accepted(child: &mut Child, i: usize) {
    if (i + 1) % BATCH == 0 {
        child.stdin.as_mut().unwrap().write_all(b"go\n").unwrap();
    }
}

// The client's connections close with a reset (`SO_LINGER` 0), so that none
// is left in TIME_WAIT: otherwise each run would leave thousands of the
// client's ephemeral ports (28,232 here) waiting for a minute, and the next
// runs' connects slowed down from 12 µs to over 100 µs as they ran short.

/// Ends the client process and waits for it.
fn release(mut child: Child) {
    drop(child.stdin.take());
    child.wait().unwrap();
}

/// Waits for the client process's line saying every connection is open.
fn wait_open(child: &mut Child) {
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "open");
}

/// `n` connections accepted, a task each waiting to read: ns per
/// connection (connect in the other process, accept, spawn, first poll)
/// and heap per connection once all wait (the kernel's socket buffers are
/// not on the heap).
fn connections(runtime: Runtime, n: usize) -> (f64, Heap) {
    let started = Arc::new(AtomicUsize::new(0));
    match runtime {
        Runtime::Stepio => {
            let event_loop = stepio::new_event_loop().unwrap();
            let out = event_loop
                .run_until_complete(async {
                    let mut listener = stepio::TcpListener::bind("127.0.0.1:0").unwrap();
                    let mut child = clients(listener.local_addr().unwrap(), n);
                    let mut tasks = Vec::with_capacity(n);
                    let (mark, start) = (Mark::start(), Instant::now());
                    for i in 0..n {
                        let (mut stream, _) = listener.accept().await.unwrap();
                        accepted(&mut child, i);
                        let started = Arc::clone(&started);
                        tasks.push(create_task(async move {
                            started.fetch_add(1, Relaxed);
                            let mut buf = [0; 1];
                            let _ = stream.read(&mut buf).await;
                        }));
                    }
                    while started.load(Relaxed) < n {
                        yield_now().await;
                    }
                    let time = start.elapsed().as_nanos() as f64 / n as f64;
                    let heap = mark.finish(n);
                    wait_open(&mut child);
                    release(child);
                    for task in tasks {
                        task.await.unwrap();
                    }
                    (time, heap)
                })
                .unwrap();
            event_loop.close().unwrap();
            out
        }
        Runtime::Tokio => {
            let runtime = crate::tokio_runtime();
            runtime.block_on(async {
                use tokio::io::AsyncReadExt;
                let listener =
                    tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let mut child = clients(listener.local_addr().unwrap(), n);
                let mut tasks = Vec::with_capacity(n);
                let (mark, start) = (Mark::start(), Instant::now());
                for i in 0..n {
                    let (mut stream, _) = listener.accept().await.unwrap();
                    accepted(&mut child, i);
                    let started = Arc::clone(&started);
                    tasks.push(tokio::spawn(async move {
                        started.fetch_add(1, Relaxed);
                        let mut buf = [0; 1];
                        let _ = stream.read(&mut buf).await;
                    }));
                }
                while started.load(Relaxed) < n {
                    tokio::task::yield_now().await;
                }
                let time = start.elapsed().as_nanos() as f64 / n as f64;
                let heap = mark.finish(n);
                wait_open(&mut child);
                release(child);
                for task in tasks {
                    task.await.unwrap();
                }
                (time, heap)
            })
        }
        Runtime::Smol => {
            let executor = LocalExecutor::new();
            smol_block_on(&executor, true, async {
                use futures_lite::AsyncReadExt;
                let listener = smol::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let mut child = clients(listener.local_addr().unwrap(), n);
                let mut tasks = Vec::with_capacity(n);
                let (mark, start) = (Mark::start(), Instant::now());
                for i in 0..n {
                    let (mut stream, _) = listener.accept().await.unwrap();
                    accepted(&mut child, i);
                    let started = Arc::clone(&started);
                    tasks.push(executor.spawn(async move {
                        started.fetch_add(1, Relaxed);
                        let mut buf = [0; 1];
                        let _ = stream.read(&mut buf).await;
                    }));
                }
                while started.load(Relaxed) < n {
                    futures_lite::future::yield_now().await;
                }
                let time = start.elapsed().as_nanos() as f64 / n as f64;
                let heap = mark.finish(n);
                wait_open(&mut child);
                release(child);
                for task in tasks {
                    task.await;
                }
                (time, heap)
            })
        }
        Runtime::CPython => unreachable!("CPython runs only the gather"),
    }
}

/// CPython's gather of `n`, ns per coroutine: the median of `rounds`;
/// `None` without python3.
pub fn cpython_gather(n: usize, rounds: usize) -> Option<f64> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/gather.py");
    let output = Command::new("python3")
        .args([script, "gather", &n.to_string(), &rounds.to_string()])
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    text.split_whitespace()
        .find_map(|pair| pair.strip_prefix("median_ns_per_task=")?.parse().ok())
}

/// Every cell of the table. Each count's runtimes take turns, `rounds`
/// times; a cell is the median time and the median heap.
pub fn table(counts: &[usize], connection_counts: &[usize]) -> Vec<Cell> {
    let mut cells = Vec::new();
    for workload in [Workload::Tasks, Workload::Sleeps, Workload::Connections] {
        let counts =
            if workload == Workload::Connections { connection_counts } else { counts };
        for &n in counts {
            eprintln!("  scaling: {} x {n}", workload.name());
            let rounds = if n >= 1_000_000 { 3 } else { 5 };
            let mut times = [Vec::new(), Vec::new(), Vec::new()];
            let mut bytes = [Vec::new(), Vec::new(), Vec::new()];
            for _ in 0..rounds {
                for (i, runtime) in Runtime::RUST.into_iter().enumerate() {
                    let (ns, heap) = once(workload, runtime, n);
                    times[i].push(ns);
                    bytes[i].push(heap.bytes);
                }
            }
            for (i, runtime) in Runtime::RUST.into_iter().enumerate() {
                // The median heap too: smol's reactor thread allocates and
                // frees on its own while a round counts.
                let heap = Heap { bytes: median(&bytes[i]), blocks: 0.0 };
                cells.push(Cell {
                    workload,
                    runtime,
                    n,
                    ns: median(&times[i]),
                    heap: Some(heap),
                });
            }
        }
    }
    for &n in counts {
        eprintln!("  scaling: seed gather x {n} (stepio, then CPython)");
        let rounds = if n >= 1_000_000 { 1 } else { 3 };
        let stepio: Vec<f64> = (0..rounds.max(3))
            .map(|_| once(Workload::Gather, Runtime::Stepio, n).0)
            .collect();
        cells.push(Cell {
            workload: Workload::Gather,
            runtime: Runtime::Stepio,
            n,
            ns: median(&stepio),
            heap: None,
        });
        if let Some(ns) = cpython_gather(n, rounds) {
            cells.push(Cell {
                workload: Workload::Gather,
                runtime: Runtime::CPython,
                n,
                ns,
                heap: None,
            });
        }
    }
    cells
}
