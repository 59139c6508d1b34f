//! Stage 6: gathering 100,000 tasks, and the seed workloads of T1 and T3
//! with their sleeps scaled to zero, on stepio and, with
//! `--features peers`, on tokio's current-thread runtime and smol's
//! `LocalExecutor` in the same run. The CPython side is
//! `python3 crates/bench/python/gather.py`.

use std::hint::black_box;
use std::time::Duration;

#[cfg(feature = "peers")]
use criterion::{BenchmarkGroup, measurement::WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use stepio_bench::workloads;
use stepio_gather::gather;
use stepio_poll_loop::EventLoop;
use stepio_tasks::create_task;
use stepio_timer_wheel::sleep;
use stepio_waker::yield_now;

const CHILDREN: u64 = workloads::GATHERED;

// ANCHOR: gather_bench
fn gather_100_000(c: &mut Criterion) {
    let mut group = c.benchmark_group("gather_100000");
    group.throughput(Throughput::Elements(CHILDREN));
    group.sample_size(10);
    // Each child yields once (asyncio's `await sleep(0)`), then returns its
    // number; the gather gives all 100,000 in order.
    let event_loop = EventLoop::new();
    group.bench_function("stepio_gather_yield_once", |b| {
        b.iter(|| black_box(workloads::stepio_gather(&event_loop)))
    });
    // No gather: the same tasks, their handles awaited one by one in
    // order. The difference is what the ready list costs.
    group.bench_function("stepio_spawn_await_in_order_yield_once", |b| {
        b.iter(|| {
            event_loop
                .run_until_complete(async {
                    let tasks: Vec<_> = (0..CHILDREN)
                        .map(|n| {
                            create_task(async move {
                                yield_now().await;
                                black_box(n)
                            })
                        })
                        .collect();
                    let mut outputs = Vec::with_capacity(tasks.len());
                    for task in tasks {
                        outputs.push(task.await.unwrap());
                    }
                    black_box(outputs.len())
                })
                .unwrap()
        })
    });
    // The same through stepio's `sleep(0)`, which goes through the timers.
    let timer_loop = stepio_timer_wheel::new_event_loop();
    group.bench_function("stepio_gather_sleep_0", |b| {
        b.iter(|| {
            let outputs = timer_loop
                .run_until_complete(gather((0..CHILDREN).map(|n| async move {
                    sleep(Duration::ZERO).await;
                    black_box(n)
                })))
                .unwrap();
            black_box(outputs.unwrap().len())
        })
    });
    #[cfg(feature = "peers")]
    peers::gather(&mut group);
    group.finish();
}
// ANCHOR_END: gather_bench

// ANCHOR: seed_bench
fn seed_workloads(c: &mut Criterion) {
    let mut group = c.benchmark_group("seed_workloads");
    let event_loop = EventLoop::new();
    // T3's count_down and T1's hello with their sleeps scaled to zero.
    group.bench_function("stepio_count_down_sleep_0", |b| {
        b.iter(|| workloads::stepio_count_down(&event_loop, 1))
    });
    group.bench_function("stepio_hello_sleep_0", |b| {
        b.iter(|| workloads::stepio_hello(&event_loop))
    });
    #[cfg(feature = "peers")]
    peers::seeds(&mut group);
    group.finish();
}
// ANCHOR_END: seed_bench

#[cfg(feature = "peers")]
mod peers {
    use super::*;
    use async_executor::LocalExecutor;
    use futures_lite::future;
    use tokio::runtime::{Builder, Runtime};
    use tokio::task::JoinSet;

    fn tokio_runtime() -> Runtime {
        Builder::new_current_thread().enable_time().build().unwrap()
    }

    // ANCHOR: gather_peers
    pub fn gather(group: &mut BenchmarkGroup<'_, WallTime>) {
        let runtime = tokio_runtime();
        // tokio's closest to gather: spawn each, then await the handles in
        // order, so that the outputs come in argument order.
        group.bench_function("tokio_spawn_await_in_order_yield_once", |b| {
            b.iter(|| {
                runtime.block_on(tokio_in_order(|n| async move {
                    tokio::task::yield_now().await;
                    black_box(n)
                }))
            })
        });
        // A `JoinSet` gives outputs in completion order.
        group.bench_function("tokio_joinset_yield_once", |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let mut set = JoinSet::new();
                    for n in 0..CHILDREN {
                        set.spawn(async move {
                            tokio::task::yield_now().await;
                            black_box(n)
                        });
                    }
                    let mut outputs = Vec::with_capacity(CHILDREN as usize);
                    while let Some(output) = set.join_next().await {
                        outputs.push(output.unwrap());
                    }
                    black_box(outputs.len())
                })
            })
        });
        group.bench_function("tokio_spawn_await_in_order_sleep_0", |b| {
            b.iter(|| {
                runtime.block_on(tokio_in_order(|n| async move {
                    tokio::time::sleep(Duration::ZERO).await;
                    black_box(n)
                }))
            })
        });
        let executor = LocalExecutor::new();
        group.bench_function("smol_spawn_await_in_order_yield_once", |b| {
            b.iter(|| {
                future::block_on(executor.run(async {
                    let tasks: Vec<_> = (0..CHILDREN)
                        .map(|n| {
                            executor.spawn(async move {
                                future::yield_now().await;
                                black_box(n)
                            })
                        })
                        .collect();
                    let mut outputs = Vec::with_capacity(tasks.len());
                    for task in tasks {
                        outputs.push(task.await);
                    }
                    black_box(outputs.len())
                }))
            })
        });
    }
    // ANCHOR_END: gather_peers

    /// Spawns `child(n)` for every child on tokio, then awaits the handles
    /// in order; gives how many outputs came back.
    async fn tokio_in_order<F>(child: impl Fn(u64) -> F) -> usize
    where
        F: Future<Output = u64> + Send + 'static,
    {
        let tasks: Vec<_> = (0..CHILDREN).map(|n| tokio::spawn(child(n))).collect();
        let mut outputs = Vec::with_capacity(tasks.len());
        for task in tasks {
            outputs.push(task.await.unwrap());
        }
        black_box(outputs.len())
    }

    async fn tokio_count_down(name: char) -> char {
        for n in (1..=3).rev() {
            tokio::task::yield_now().await;
            black_box((name, n));
        }
        name
    }

    async fn tokio_hello(n: u32) -> u32 {
        tokio::task::yield_now().await;
        black_box(n)
    }

    async fn smol_count_down(name: char) -> char {
        for n in (1..=3).rev() {
            future::yield_now().await;
            black_box((name, n));
        }
        name
    }

    async fn smol_hello(n: u32) -> u32 {
        future::yield_now().await;
        black_box(n)
    }

    pub fn seeds(group: &mut BenchmarkGroup<'_, WallTime>) {
        let runtime = tokio_runtime();
        group.bench_function("tokio_count_down_sleep_0", |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let tasks =
                        ['A', 'B', 'C'].map(|name| tokio::spawn(tokio_count_down(name)));
                    for task in tasks {
                        black_box(task.await.unwrap());
                    }
                })
            })
        });
        group.bench_function("tokio_hello_sleep_0", |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let tasks = [1, 2].map(|n| tokio::spawn(tokio_hello(n)));
                    for task in tasks {
                        black_box(task.await.unwrap());
                    }
                })
            })
        });
        let executor = LocalExecutor::new();
        group.bench_function("smol_count_down_sleep_0", |b| {
            b.iter(|| {
                future::block_on(executor.run(async {
                    let tasks =
                        ['A', 'B', 'C'].map(|name| executor.spawn(smol_count_down(name)));
                    for task in tasks {
                        black_box(task.await);
                    }
                }))
            })
        });
        group.bench_function("smol_hello_sleep_0", |b| {
            b.iter(|| {
                future::block_on(executor.run(async {
                    let tasks = [1, 2].map(|n| executor.spawn(smol_hello(n)));
                    for task in tasks {
                        black_box(task.await);
                    }
                }))
            })
        });
    }
}

criterion_group!(benches, gather_100_000, seed_workloads);
criterion_main!(benches);
