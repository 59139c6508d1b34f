//! Stage 3: the timer wheel beside asyncio's lazy heap and a sorted map,
//! and timers on the running loop.

use std::hint::black_box;
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
        for (id, deadline) in spread_deadlines(live, 10 * SECOND).into_iter().enumerate() {
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
    group.finish();
}

criterion_group!(benches, insert_cancel_all, fire_million_all, many_sleeps);
criterion_main!(benches);
