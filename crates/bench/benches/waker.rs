//! Stage 1: what a wake costs, with each waker, and what `block_on` adds.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Waker;
use std::thread;

use criterion::{Criterion, criterion_group, criterion_main};
use stepio_waker::{Parker, block_on, raw_waker, waker, yield_now};

fn wakers(c: &mut Criterion) {
    let mut group = c.benchmark_group("waker");
    let parker = Parker::new();
    let by_hand = raw_waker(parker.unparker());
    let safe = waker(parker.unparker());
    // A wake sets the parker's flag; the park_timeout(0) consumes it, so
    // every iteration does the same work.
    group.bench_function("raw_vtable/wake_by_ref+consume", |b| {
        b.iter(|| {
            by_hand.wake_by_ref();
            black_box(parker.park_timeout(std::time::Duration::ZERO));
        })
    });
    group.bench_function("std_wake/wake_by_ref+consume", |b| {
        b.iter(|| {
            safe.wake_by_ref();
            black_box(parker.park_timeout(std::time::Duration::ZERO));
        })
    });
    group.bench_function("raw_vtable/clone+drop", |b| {
        b.iter(|| drop(black_box(by_hand.clone())))
    });
    group.bench_function("noop/clone+drop", |b| {
        b.iter(|| drop(black_box(Waker::noop().clone())))
    });
    group.finish();
}

fn block_on_cost(c: &mut Criterion) {
    let mut group = c.benchmark_group("block_on");
    group.bench_function("ready_future", |b| b.iter(|| block_on(async { black_box(1) })));
    group.bench_function("yield_1000", |b| {
        b.iter(|| {
            block_on(async {
                for _ in 0..1000 {
                    yield_now().await;
                }
            })
        })
    });
    group.finish();
}

fn cross_thread(c: &mut Criterion) {
    // One round trip: wake a parked thread, and get woken back.
    let mut group = c.benchmark_group("parker");
    group.bench_function("cross_thread_round_trip", |b| {
        let here = Parker::new();
        let there = Parker::new();
        let wake_here = here.unparker();
        let wake_there = there.unparker();
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let echo = thread::spawn(move || {
            loop {
                there.park();
                if thread_stop.load(Ordering::Acquire) {
                    break;
                }
                wake_here.unpark();
            }
        });
        b.iter(|| {
            wake_there.unpark();
            here.park();
        });
        stop.store(true, Ordering::Release);
        wake_there.unpark();
        echo.join().unwrap();
    });
    group.finish();
}

criterion_group!(benches, wakers, block_on_cost, cross_thread);
criterion_main!(benches);
