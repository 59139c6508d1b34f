//! Stage 3: the timer wheel beside asyncio's lazy heap and a sorted map,
//! and timers on the running loop.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Waker};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use stepio_bench::timer_queues::{LazyHeap, SortedMap, TimerQueue, spread_deadlines};
use stepio_timer_wheel::{TimerWheel, new_event_loop, sleep};

const SECOND: u64 = 1_000_000_000;

/// One insert and one cancel, with `live` other timers waiting (spread
/// over 10 s).
fn insert_cancel<Q: TimerQueue>(c: &mut Criterion, name: &str, make: impl Fn() -> Q) {
    let mut group = c.benchmark_group("timer_insert_cancel");
    for live in [0, 100_000] {
        let mut queue = make();
        for (id, deadline) in spread_deadlines(live, 10 * SECOND).into_iter().enumerate()
        {
            queue.insert(deadline, id as u32);
        }
        let deadlines = spread_deadlines(4096, 10 * SECOND);
        let mut i = 0;
        group.bench_function(BenchmarkId::new(name, format!("{live}_live")), |b| {
            b.iter(|| {
                i = (i + 1) % deadlines.len();
                let key = queue.insert(black_box(deadlines[i]), 0);
                queue.cancel(key);
            })
        });
    }
    group.finish();
}

fn insert_cancel_all(c: &mut Criterion) {
    insert_cancel(c, "wheel", TimerWheel::<u32>::new);
    insert_cancel(c, "lazy_heap", LazyHeap::default);
    insert_cancel(c, "btree_map", SortedMap::default);
    sleep_register_drop(c);
}

/// The same on the running loop, as a task sees it: a `sleep` polled once
/// (which files its timer) and dropped (which cancels it). This is the
/// figure to hold beside tokio's.
fn sleep_register_drop(c: &mut Criterion) {
    let mut group = c.benchmark_group("timer_insert_cancel");
    let mut cx = Context::from_waker(Waker::noop());
    let event_loop = new_event_loop();
    event_loop
        .run_until_complete(async {
            for live in [0, 100_000] {
                let mut waiting: Vec<_> = spread_deadlines(live, 10 * SECOND)
                    .into_iter()
                    .map(|deadline| Box::pin(sleep(Duration::from_nanos(deadline))))
                    .collect();
                for sleep in &mut waiting {
                    let _ = sleep.as_mut().poll(&mut cx);
                }
                let deadlines = spread_deadlines(4096, 10 * SECOND);
                let mut i = 0;
                group.bench_function(
                    BenchmarkId::new("stepio_sleep", format!("{live}_live")),
                    |b| {
                        b.iter(|| {
                            i = (i + 1) % deadlines.len();
                            let mut sleep = pin!(sleep(Duration::from_nanos(black_box(
                                deadlines[i]
                            ))));
                            let _ = sleep.as_mut().poll(&mut cx);
                        })
                    },
                );
            }
        })
        .unwrap();
    event_loop.close().unwrap();
    #[cfg(feature = "peers")]
    peers::tokio_sleep_register_drop(&mut group);
    group.finish();
}

/// Insert 1,000,000 timers spread over 10 s, then fire them all, advancing
/// 1 ms at a time as a loop would.
fn fire_million<Q: TimerQueue>(c: &mut Criterion, name: &str, make: impl Fn() -> Q) {
    const N: usize = 1_000_000;
    let deadlines = spread_deadlines(N, 10 * SECOND);
    let mut group = c.benchmark_group("timer_fire_1m");
    group.sample_size(10);
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function(name, |b| {
        let mut fired = Vec::with_capacity(N);
        b.iter(|| {
            let mut queue = make();
            for (id, &deadline) in deadlines.iter().enumerate() {
                queue.insert(deadline, id as u32);
            }
            fired.clear();
            let mut now = 0;
            while now <= 10 * SECOND {
                queue.advance(now, &mut fired);
                now += 1_000_000;
            }
            assert_eq!(fired.len(), N);
        })
    });
    group.finish();
}

fn fire_million_all(c: &mut Criterion) {
    fire_million(c, "wheel", TimerWheel::<u32>::new);
    fire_million(c, "lazy_heap", LazyHeap::default);
    fire_million(c, "btree_map", SortedMap::default);
}

/// 100,000 tasks, each sleeping 1-100 ms, on a new loop: the time until
/// the last one wakes (at least 100 ms).
fn many_sleeps(c: &mut Criterion) {
    const N: u64 = 100_000;
    let mut group = c.benchmark_group("loop_sleeps");
    group.sample_size(10);
    group.throughput(Throughput::Elements(N));
    group.bench_function("100k_sleeps_1_to_100_ms", |b| {
        b.iter(|| {
            let event_loop = new_event_loop();
            for i in 0..N {
                let delay = Duration::from_micros(1_000 + (i * 7_919) % 99_000);
                event_loop.spawn(sleep(delay)).unwrap();
            }
            while event_loop.task_count() > 0 {
                event_loop.run_until_complete(sleep(Duration::from_millis(1))).unwrap();
            }
            event_loop.close().unwrap();
        })
    });
    // One sleep of 1 ms, awaited over and over: 1 ms plus the lateness.
    let event_loop = new_event_loop();
    group.throughput(Throughput::Elements(1));
    group.bench_function("sleep_1ms", |b| {
        b.iter(|| event_loop.run_until_complete(sleep(Duration::from_millis(1))).unwrap())
    });
    #[cfg(feature = "peers")]
    peers::tokio_sleeps(&mut group);
    group.finish();
}

/// tokio's current-thread runtime doing the same work, for ratios taken in
/// one run (`--features peers`).
#[cfg(feature = "peers")]
mod peers {
    use super::*;
    use criterion::BenchmarkGroup;
    use criterion::measurement::WallTime;
    use tokio::runtime::{Builder, Runtime};

    fn runtime() -> Runtime {
        Builder::new_current_thread().enable_time().build().unwrap()
    }

    pub fn tokio_sleep_register_drop(group: &mut BenchmarkGroup<'_, WallTime>) {
        let runtime = runtime();
        let _entered = runtime.enter();
        let mut cx = Context::from_waker(Waker::noop());
        for live in [0, 100_000] {
            let mut waiting: Vec<_> = spread_deadlines(live, 10 * SECOND)
                .into_iter()
                .map(|deadline| {
                    Box::pin(tokio::time::sleep(Duration::from_nanos(deadline)))
                })
                .collect();
            for sleep in &mut waiting {
                let _ = sleep.as_mut().poll(&mut cx);
            }
            let deadlines = spread_deadlines(4096, 10 * SECOND);
            let mut i = 0;
            group.bench_function(
                BenchmarkId::new("tokio_sleep", format!("{live}_live")),
                |b| {
                    b.iter(|| {
                        i = (i + 1) % deadlines.len();
                        let mut sleep = pin!(tokio::time::sleep(Duration::from_nanos(
                            black_box(deadlines[i])
                        )));
                        let _ = sleep.as_mut().poll(&mut cx);
                    })
                },
            );
        }
    }

    pub fn tokio_sleeps(group: &mut BenchmarkGroup<'_, WallTime>) {
        const N: u64 = 100_000;
        group.throughput(Throughput::Elements(N));
        group.bench_function("tokio_100k_sleeps_1_to_100_ms", |b| {
            b.iter(|| {
                runtime().block_on(async {
                    let mut set = tokio::task::JoinSet::new();
                    for i in 0..N {
                        let delay = Duration::from_micros(1_000 + (i * 7_919) % 99_000);
                        set.spawn(tokio::time::sleep(delay));
                    }
                    while set.join_next().await.is_some() {}
                })
            })
        });
        let runtime = runtime();
        group.throughput(Throughput::Elements(1));
        group.bench_function("tokio_sleep_1ms", |b| {
            b.iter(|| {
                runtime.block_on(async {
                    tokio::time::sleep(Duration::from_millis(1)).await
                })
            })
        });
    }
}

/// The cost the timer driver adds to a busy turn: a task yielding 1,000
/// times, with no timers, and with 1,000 sleeps of about an hour pending.
fn busy_turns(c: &mut Criterion) {
    let mut group = c.benchmark_group("loop_turn");
    group.throughput(Throughput::Elements(1000));
    for pending in [0, 1000] {
        let event_loop = new_event_loop();
        for deadline in spread_deadlines(pending, 3600 * SECOND) {
            event_loop
                .spawn(sleep(Duration::from_secs(3600) + Duration::from_nanos(deadline)))
                .unwrap();
        }
        group.bench_function(format!("yield_1000_with_{pending}_timers"), |b| {
            b.iter(|| {
                event_loop
                    .run_until_complete(async {
                        for _ in 0..1000 {
                            stepio_waker::yield_now().await;
                        }
                    })
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, insert_cancel_all, fire_million_all, many_sleeps, busy_turns);
criterion_main!(benches);
