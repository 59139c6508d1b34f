//! Stage 5: what a task costs. Spawning, yielding, and a ping-pong through
//! a one-shot, on stepio's loop and, with `--features peers`, on tokio's
//! current-thread runtime and smol's `LocalExecutor` in the same run.

use std::hint::black_box;

#[cfg(feature = "peers")]
use criterion::{BenchmarkGroup, measurement::WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use stepio_poll_loop::EventLoop;
use stepio_tasks::{BareFuture, LoopTasks, create_task};
use stepio_waker::yield_now;

const SPAWNED: u64 = 1000;
const TASKS: u64 = 200;
const YIELDS: u64 = 1000;
const ROUNDS: u64 = 1000;

// ANCHOR: spawn_bench
fn spawn(c: &mut Criterion) {
    let mut group = c.benchmark_group("task_spawn");
    group.throughput(Throughput::Elements(SPAWNED));
    let event_loop = EventLoop::new();
    // Create 1,000 empty tasks, then await every handle.
    group.bench_function("stepio_spawn_1000_await_all", |b| {
        b.iter(|| {
            event_loop
                .run_until_complete(async {
                    let tasks: Vec<_> =
                        (0..SPAWNED).map(|n| create_task(async move { black_box(n) })).collect();
                    for task in tasks {
                        black_box(task.await.unwrap());
                    }
                })
                .unwrap()
        })
    });
    #[cfg(feature = "peers")]
    peers::spawn(&mut group);
    group.finish();
}
// ANCHOR_END: spawn_bench

fn yields(c: &mut Criterion) {
    let mut group = c.benchmark_group("task_yield");
    group.throughput(Throughput::Elements(TASKS * YIELDS));
    group.sample_size(20);
    let event_loop = EventLoop::new();
    // 200 tasks that each yield 1,000 times: a wake, a requeue and a poll.
    group.bench_function("stepio_200_tasks_x_1000_yields", |b| {
        b.iter(|| {
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
                .unwrap()
        })
    });
    #[cfg(feature = "peers")]
    peers::yields(&mut group);
    group.finish();
}

// ANCHOR: ping_pong_bench
/// The ball two tasks pass: a number, the one-shot for the reply, and the
/// one-shot the next ball will come through. The same protocol runs on
/// every runtime, with its own one-shot.
#[derive(Clone)]
struct Ball {
    n: u64,
    reply: BareFuture<u64>,
    next: BareFuture<Ball>,
}

/// 1,000 round trips between this task and a `pong` task.
async fn stepio_ping_pong() {
    let event_loop = stepio_poll_loop::get_running_loop().unwrap();
    let first = event_loop.create_future::<Ball>();
    let mut to_pong = first.clone();
    let pong = create_task(async move {
        let mut inbox = first;
        for _ in 0..ROUNDS {
            let ball = inbox.await.unwrap();
            ball.reply.set_result(ball.n + 1).unwrap();
            inbox = ball.next;
        }
    });
    let mut n = 0;
    for _ in 0..ROUNDS {
        let reply = event_loop.create_future();
        let next = event_loop.create_future();
        to_pong.set_result(Ball { n, reply: reply.clone(), next: next.clone() }).unwrap();
        n = reply.await.unwrap();
        to_pong = next;
    }
    pong.await.unwrap();
    assert_eq!(n, ROUNDS);
}

fn ping_pong(c: &mut Criterion) {
    let mut group = c.benchmark_group("task_ping_pong");
    group.throughput(Throughput::Elements(ROUNDS));
    let event_loop = EventLoop::new();
    group.bench_function("stepio_bare_future_1000_round_trips", |b| {
        b.iter(|| event_loop.run_until_complete(stepio_ping_pong()).unwrap())
    });
    #[cfg(feature = "peers")]
    peers::ping_pong(&mut group);
    group.finish();
}
// ANCHOR_END: ping_pong_bench

/// The same workloads on tokio's current-thread runtime and on smol's
/// `LocalExecutor` (async-executor, whose tasks are async-task's).
#[cfg(feature = "peers")]
mod peers {
    use super::*;
    use async_executor::LocalExecutor;
    use futures_lite::future;
    use tokio::runtime::{Builder, Runtime};
    use tokio::sync::oneshot;

    fn tokio_runtime() -> Runtime {
        Builder::new_current_thread().build().unwrap()
    }

    pub fn spawn(group: &mut BenchmarkGroup<'_, WallTime>) {
        let runtime = tokio_runtime();
        group.bench_function("tokio_spawn_1000_await_all", |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let tasks: Vec<_> =
                        (0..SPAWNED).map(|n| tokio::task::spawn(async move { black_box(n) })).collect();
                    for task in tasks {
                        black_box(task.await.unwrap());
                    }
                })
            })
        });
        let executor = LocalExecutor::new();
        group.bench_function("smol_spawn_1000_await_all", |b| {
            b.iter(|| {
                future::block_on(executor.run(async {
                    let tasks: Vec<_> =
                        (0..SPAWNED).map(|n| executor.spawn(async move { black_box(n) })).collect();
                    for task in tasks {
                        black_box(task.await);
                    }
                }))
            })
        });
    }

    pub fn yields(group: &mut BenchmarkGroup<'_, WallTime>) {
        let runtime = tokio_runtime();
        group.bench_function("tokio_200_tasks_x_1000_yields", |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let tasks: Vec<_> = (0..TASKS)
                        .map(|_| {
                            tokio::task::spawn(async {
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
            })
        });
        let executor = LocalExecutor::new();
        group.bench_function("smol_200_tasks_x_1000_yields", |b| {
            b.iter(|| {
                future::block_on(executor.run(async {
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
                }))
            })
        });
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

    pub fn ping_pong(group: &mut BenchmarkGroup<'_, WallTime>) {
        let runtime = tokio_runtime();
        group.bench_function("tokio_oneshot_1000_round_trips", |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let (mut to_pong, first) = oneshot::channel::<TokioBall>();
                    let pong = tokio::task::spawn(async move {
                        let mut inbox = first;
                        for _ in 0..ROUNDS {
                            let ball = inbox.await.unwrap();
                            ball.reply.send(ball.n + 1).unwrap();
                            inbox = ball.next;
                        }
                    });
                    let mut n = 0;
                    for _ in 0..ROUNDS {
                        let (reply_tx, reply_rx) = oneshot::channel();
                        let (next_tx, next_rx) = oneshot::channel();
                        let ball = TokioBall { n, reply: reply_tx, next: next_rx };
                        assert!(to_pong.send(ball).is_ok());
                        n = reply_rx.await.unwrap();
                        to_pong = next_tx;
                    }
                    pong.await.unwrap();
                    assert_eq!(n, ROUNDS);
                })
            })
        });
        // smol has no one-shot of its own; a channel of capacity 1 is what
        // its users reach for.
        let executor = LocalExecutor::new();
        group.bench_function("smol_channel_1000_round_trips", |b| {
            b.iter(|| {
                future::block_on(executor.run(async {
                    let (mut to_pong, first) = async_channel::bounded::<SmolBall>(1);
                    let pong = executor.spawn(async move {
                        let mut inbox = first;
                        for _ in 0..ROUNDS {
                            let ball = inbox.recv().await.unwrap();
                            ball.reply.send(ball.n + 1).await.unwrap();
                            inbox = ball.next;
                        }
                    });
                    let mut n = 0;
                    for _ in 0..ROUNDS {
                        let (reply_tx, reply_rx) = async_channel::bounded(1);
                        let (next_tx, next_rx) = async_channel::bounded(1);
                        to_pong.send(SmolBall { n, reply: reply_tx, next: next_rx }).await.unwrap();
                        n = reply_rx.recv().await.unwrap();
                        to_pong = next_tx;
                    }
                    pong.await;
                    assert_eq!(n, ROUNDS);
                }))
            })
        });
    }
}

criterion_group!(benches, spawn, yields, ping_pong);
criterion_main!(benches);
