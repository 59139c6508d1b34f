//! The workloads that both the criterion benches (`benches/`) and the
//! `compare` program run: one definition of each, so that both measure the
//! same thing. Each function runs one iteration.

use std::hint::black_box;

use stepio_executor_bridge::{LoopExecutor, ThreadPoolExecutor};
use stepio_gather::{ReturnWhen, gather, join_all, wait};
use stepio_poll_loop::{EventLoop, get_running_loop};
use stepio_tasks::{BareFuture, LoopTasks, create_task};
use stepio_waker::yield_now;

/// Tasks spawned (and awaited) per iteration of the spawn workload.
pub const SPAWNED: u64 = 1000;
/// Tasks of the yield workload, and the yields each makes.
pub const TASKS: u64 = 200;
/// Yields per task.
pub const YIELDS: u64 = 1000;
/// Round trips per iteration of the ping-pong workload.
pub const ROUND_TRIPS: u64 = 1000;
/// Children of the gather workload.
pub const GATHERED: u64 = 100_000;
/// Jobs per iteration of the thread-pool workload.
pub const JOBS: u64 = 1000;

// ANCHOR: spawn
/// Spawns 1,000 empty tasks, then awaits every handle.
pub fn stepio_spawn(event_loop: &EventLoop) {
    event_loop
        .run_until_complete(async {
            let tasks: Vec<_> =
                (0..SPAWNED).map(|n| create_task(async move { black_box(n) })).collect();
            for task in tasks {
                black_box(task.await.unwrap());
            }
        })
        .unwrap();
}
// ANCHOR_END: spawn

/// 200 tasks that each yield 1,000 times: a wake, a requeue and a poll.
pub fn stepio_yields(event_loop: &EventLoop) {
    event_loop
        .run_until_complete(async {
            let tasks: Vec<_> = (0..TASKS)
                .map(|_| {
                    create_task(async {
                        for _ in 0..YIELDS {
                            yield_now().await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
        })
        .unwrap();
}

// ANCHOR: ping_pong
/// The ball two tasks pass: a number, the one-shot for the reply, and the
/// one-shot the next ball will come through. The same protocol runs on
/// every runtime, with its own one-shot.
#[derive(Clone)]
struct Ball {
    n: u64,
    reply: BareFuture<u64>,
    next: BareFuture<Ball>,
}

/// Returns each ball with its number plus one, `ROUND_TRIPS` times.
async fn pong(mut inbox: BareFuture<Ball>) {
    for _ in 0..ROUND_TRIPS {
        let ball = inbox.await.unwrap();
        ball.reply.set_result(ball.n + 1).unwrap();
        inbox = ball.next;
    }
}

/// Sends `ROUND_TRIPS` balls through `to_pong` and the one-shots after it,
/// awaiting each reply; returns the last number.
async fn ping(mut to_pong: BareFuture<Ball>) -> u64 {
    let event_loop = get_running_loop().unwrap();
    let mut n = 0;
    for _ in 0..ROUND_TRIPS {
        let reply = event_loop.create_future();
        let next = event_loop.create_future();
        to_pong.set_result(Ball { n, reply: reply.clone(), next: next.clone() }).unwrap();
        n = reply.await.unwrap();
        to_pong = next;
    }
    n
}

/// 1,000 round trips between the main future and a `pong` task.
pub fn stepio_ping_pong(event_loop: &EventLoop) {
    event_loop
        .run_until_complete(async {
            let first = get_running_loop().unwrap().create_future::<Ball>();
            let pong = create_task(pong(first.clone()));
            assert_eq!(ping(first).await, ROUND_TRIPS);
            pong.await.unwrap();
        })
        .unwrap();
}

/// 1,000 round trips between two spawned tasks, `ping` and `pong`: the main
/// future only awaits them, as in most programs.
pub fn stepio_ping_pong_tasks(event_loop: &EventLoop) {
    event_loop
        .run_until_complete(async {
            let first = get_running_loop().unwrap().create_future::<Ball>();
            let pong = create_task(pong(first.clone()));
            let ping = create_task(ping(first));
            assert_eq!(ping.await.unwrap(), ROUND_TRIPS);
            pong.await.unwrap();
        })
        .unwrap();
}
// ANCHOR_END: ping_pong

/// Gathers 100,000 children that each yield once (asyncio's `await
/// sleep(0)`) and return their number.
pub fn stepio_gather(event_loop: &EventLoop) -> usize {
    let outputs = event_loop
        .run_until_complete(gather((0..GATHERED).map(|n| async move {
            yield_now().await;
            black_box(n)
        })))
        .unwrap();
    outputs.unwrap().len()
}

/// T3's count_down with its sleeps scaled to zero: three tasks that each
/// count 3, 2, 1, yielding before each count.
async fn count_down(name: char) -> char {
    for n in (1..=3).rev() {
        yield_now().await;
        black_box((name, n));
    }
    name
}

/// `runs` count_downs one after the other inside one run of the loop (as
/// the CPython script does), each three tasks waited on with `wait`.
pub fn stepio_count_down(event_loop: &EventLoop, runs: u64) {
    event_loop
        .run_until_complete(async {
            for _ in 0..runs {
                let tasks = ['A', 'B', 'C'].map(|name| create_task(count_down(name)));
                black_box(wait(tasks, ReturnWhen::AllCompleted, None).await.done.len());
            }
        })
        .unwrap();
}

/// T1's hello with its sleep scaled to zero.
async fn hello(n: u32) -> u32 {
    yield_now().await;
    black_box(n)
}

/// T1's two hellos, gathered.
pub fn stepio_hello(event_loop: &EventLoop) {
    black_box(
        event_loop.run_until_complete(gather([hello(1), hello(2)])).unwrap().unwrap(),
    );
}

// ANCHOR: round_trips
/// 1,000 jobs from the loop to `pool` and back: one at a time when `batch`
/// is 1, else `batch` at once, awaited together.
pub fn stepio_round_trips(event_loop: &EventLoop, pool: &ThreadPoolExecutor, batch: u64) {
    event_loop
        .run_until_complete(async {
            let event_loop = get_running_loop().unwrap();
            for round in 0..JOBS / batch {
                let job = |n| {
                    event_loop
                        .run_in_executor(Some(pool), move || black_box(round * batch + n))
                        .unwrap()
                };
                if batch == 1 {
                    black_box(job(0).await.unwrap());
                } else {
                    for output in join_all((0..batch).map(job)).await {
                        black_box(output.unwrap());
                    }
                }
            }
        })
        .unwrap();
}
// ANCHOR_END: round_trips

/// The same workloads on tokio's current-thread runtime and on smol's
/// `LocalExecutor` (async-executor, whose tasks are async-task's).
#[cfg(feature = "peers")]
pub mod peers {
    use std::hint::black_box;

    use async_executor::LocalExecutor;
    use futures_lite::future;
    use tokio::runtime::Runtime;
    use tokio::sync::oneshot;

    use super::{JOBS, ROUND_TRIPS, SPAWNED, TASKS, YIELDS};

    /// [`stepio_spawn`](super::stepio_spawn) on tokio.
    pub fn tokio_spawn(runtime: &Runtime) {
        runtime.block_on(async {
            let tasks: Vec<_> =
                (0..SPAWNED).map(|n| tokio::spawn(async move { black_box(n) })).collect();
            for task in tasks {
                black_box(task.await.unwrap());
            }
        })
    }

    /// Runs `body` on `executor`: under smol's `block_on` (its reactor and
    /// timers on, as a program that calls `smol::block_on` has them) when
    /// `full`, else under futures-lite's, which only parks the thread.
    pub fn smol_block_on<T>(
        executor: &LocalExecutor<'_>,
        full: bool,
        body: impl std::future::Future<Output = T>,
    ) -> T {
        if full {
            smol::block_on(executor.run(body))
        } else {
            future::block_on(executor.run(body))
        }
    }

    /// [`stepio_spawn`](super::stepio_spawn) on smol.
    pub fn smol_spawn(executor: &LocalExecutor<'_>, full: bool) {
        smol_block_on(executor, full, async {
            let tasks: Vec<_> = (0..SPAWNED)
                .map(|n| executor.spawn(async move { black_box(n) }))
                .collect();
            for task in tasks {
                black_box(task.await);
            }
        })
    }

    /// [`stepio_yields`](super::stepio_yields) on tokio.
    pub fn tokio_yields(runtime: &Runtime) {
        runtime.block_on(async {
            let tasks: Vec<_> = (0..TASKS)
                .map(|_| {
                    tokio::spawn(async {
                        for _ in 0..YIELDS {
                            tokio::task::yield_now().await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
        })
    }

    /// [`stepio_yields`](super::stepio_yields) on smol.
    pub fn smol_yields(executor: &LocalExecutor<'_>, full: bool) {
        smol_block_on(executor, full, async {
            let tasks: Vec<_> = (0..TASKS)
                .map(|_| {
                    executor.spawn(async {
                        for _ in 0..YIELDS {
                            future::yield_now().await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await;
            }
        })
    }

    struct TokioBall {
        n: u64,
        reply: oneshot::Sender<u64>,
        next: oneshot::Receiver<TokioBall>,
    }

    struct SmolBall {
        n: u64,
        reply: async_channel::Sender<u64>,
        next: async_channel::Receiver<SmolBall>,
    }

    /// [`stepio_ping_pong`](super::stepio_ping_pong) with tokio's one-shots.
    pub fn tokio_ping_pong(runtime: &Runtime) {
        runtime.block_on(async {
            let (to_pong, first) = oneshot::channel::<TokioBall>();
            let pong = tokio::spawn(tokio_pong(first));
            assert_eq!(tokio_ping(to_pong).await, ROUND_TRIPS);
            pong.await.unwrap();
        })
    }

    /// Returns each ball with its number plus one, through tokio's one-shots.
    async fn tokio_pong(mut inbox: oneshot::Receiver<TokioBall>) {
        for _ in 0..ROUND_TRIPS {
            let ball = inbox.await.unwrap();
            ball.reply.send(ball.n + 1).unwrap();
            inbox = ball.next;
        }
    }

    /// Sends the balls and awaits each reply; returns the last number.
    async fn tokio_ping(mut to_pong: oneshot::Sender<TokioBall>) -> u64 {
        let mut n = 0;
        for _ in 0..ROUND_TRIPS {
            let (reply_tx, reply_rx) = oneshot::channel();
            let (next_tx, next_rx) = oneshot::channel();
            assert!(
                to_pong.send(TokioBall { n, reply: reply_tx, next: next_rx }).is_ok()
            );
            n = reply_rx.await.unwrap();
            to_pong = next_tx;
        }
        n
    }

    /// [`stepio_ping_pong`](super::stepio_ping_pong) on smol, which has no
    /// one-shot of its own: a channel of capacity 1 is what its users
    /// reach for.
    pub fn smol_ping_pong(executor: &LocalExecutor<'_>) {
        future::block_on(executor.run(async {
            let (mut to_pong, first) = async_channel::bounded::<SmolBall>(1);
            let pong = executor.spawn(async move {
                let mut inbox = first;
                for _ in 0..ROUND_TRIPS {
                    let ball = inbox.recv().await.unwrap();
                    ball.reply.send(ball.n + 1).await.unwrap();
                    inbox = ball.next;
                }
            });
            let mut n = 0;
            for _ in 0..ROUND_TRIPS {
                let (reply_tx, reply_rx) = async_channel::bounded(1);
                let (next_tx, next_rx) = async_channel::bounded(1);
                to_pong
                    .send(SmolBall { n, reply: reply_tx, next: next_rx })
                    .await
                    .unwrap();
                n = reply_rx.recv().await.unwrap();
                to_pong = next_tx;
            }
            pong.await;
            assert_eq!(n, ROUND_TRIPS);
        }))
    }

    /// tokio's side of [`stepio_ping_pong_tasks`](super::stepio_ping_pong_tasks):
    /// two spawned tasks, a tokio one-shot per leg.
    pub fn tokio_ping_pong_tasks(runtime: &Runtime) {
        runtime.block_on(async {
            let (to_pong, first) = oneshot::channel::<TokioBall>();
            let pong = tokio::spawn(tokio_pong(first));
            let ping = tokio::spawn(tokio_ping(to_pong));
            assert_eq!(ping.await.unwrap(), ROUND_TRIPS);
            pong.await.unwrap();
        })
    }

    struct SmolOneShotBall {
        n: u64,
        reply: futures_channel::oneshot::Sender<u64>,
        next: futures_channel::oneshot::Receiver<SmolOneShotBall>,
    }

    /// smol's side of [`stepio_ping_pong_tasks`](super::stepio_ping_pong_tasks):
    /// two spawned tasks, a one-shot per leg (futures-channel's, since smol
    /// has no one-shot of its own).
    pub fn smol_ping_pong_tasks(executor: &LocalExecutor<'_>, full: bool) {
        use futures_channel::oneshot;
        smol_block_on(executor, full, async {
            let (to_pong, first) = oneshot::channel::<SmolOneShotBall>();
            let pong = executor.spawn(async move {
                let mut inbox = first;
                for _ in 0..ROUND_TRIPS {
                    let ball = inbox.await.unwrap();
                    ball.reply.send(ball.n + 1).unwrap();
                    inbox = ball.next;
                }
            });
            let ping = executor.spawn(async move {
                let (mut to_pong, mut n) = (to_pong, 0);
                for _ in 0..ROUND_TRIPS {
                    let (reply_tx, reply_rx) = oneshot::channel();
                    let (next_tx, next_rx) = oneshot::channel();
                    let ball = SmolOneShotBall { n, reply: reply_tx, next: next_rx };
                    assert!(to_pong.send(ball).is_ok());
                    n = reply_rx.await.unwrap();
                    to_pong = next_tx;
                }
                n
            });
            assert_eq!(ping.await, ROUND_TRIPS);
            pong.await;
        })
    }

    /// [`stepio_round_trips`](super::stepio_round_trips) through tokio's
    /// `spawn_blocking`; each batch's handles awaited in order.
    pub fn tokio_round_trips(runtime: &Runtime, batch: u64) {
        runtime.block_on(async {
            for round in 0..JOBS / batch {
                let jobs: Vec<_> = (0..batch)
                    .map(|n| {
                        tokio::task::spawn_blocking(move || black_box(round * batch + n))
                    })
                    .collect();
                for job in jobs {
                    black_box(job.await.unwrap());
                }
            }
        })
    }
}
