//! Stage 2: the baseline costs of the loop, which later stages must beat.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use stepio_poll_loop::EventLoop;
use stepio_waker::yield_now;

fn call_soon(c: &mut Criterion) {
    let mut group = c.benchmark_group("call_soon");
    const N: u64 = 1000;
    group.throughput(Throughput::Elements(N));
    let event_loop = EventLoop::new();
    // Schedule N callbacks and run them in one turn.
    group.bench_function("schedule_and_run_1000", |b| {
        b.iter(|| {
            for n in 0..N {
                event_loop
                    .call_soon(move || {
                        black_box(n);
                    })
                    .unwrap();
            }
            event_loop.stop();
            event_loop.run_forever().unwrap();
        })
    });
    group.finish();
}

fn spawn(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn");
    const N: u64 = 1000;
    group.throughput(Throughput::Elements(N));
    let event_loop = EventLoop::new();
    // Spawn N empty tasks and run them to the end (one turn runs them all).
    group.bench_function("spawn_and_run_1000_empty_tasks", |b| {
        b.iter(|| {
            for _ in 0..N {
                event_loop.spawn(async {}).unwrap();
            }
            event_loop.stop();
            event_loop.run_forever().unwrap();
        })
    });
    group.finish();
}

fn wake_and_poll(c: &mut Criterion) {
    let mut group = c.benchmark_group("wake_and_poll");
    const YIELDS: u64 = 1000;
    const TASKS: u64 = 200;
    let event_loop = EventLoop::new();
    group.throughput(Throughput::Elements(YIELDS));
    // One task woken 1,000 times: the cost of one wake + requeue + poll.
    group.bench_function("1_task_x_1000_yields", |b| {
        b.iter(|| {
            event_loop
                .run_until_complete(async {
                    for _ in 0..YIELDS {
                        yield_now().await;
                    }
                })
                .unwrap()
        })
    });
    group.throughput(Throughput::Elements(YIELDS * TASKS));
    group.sample_size(20);
    // The brief's workload: 200 tasks x 1,000 yields each.
    group.bench_function("200_tasks_x_1000_yields", |b| {
        b.iter_batched(
            EventLoop::new,
            |event_loop| {
                for _ in 0..TASKS {
                    event_loop
                        .spawn(async {
                            for _ in 0..YIELDS {
                                yield_now().await;
                            }
                        })
                        .unwrap();
                }
                let lp = event_loop.clone();
                event_loop
                    .run_until_complete(async move {
                        while lp.task_count() > 0 {
                            yield_now().await;
                        }
                    })
                    .unwrap();
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, call_soon, spawn, wake_and_poll);
criterion_main!(benches);
