//! Stage 7: a blocking job's round trip from a task to a worker thread and
//! back, one at a time and in batches of 16, on stepio's reactor loop
//! (the result comes back through the eventfd) and, with
//! `--features peers`, on tokio's current-thread runtime with
//! `spawn_blocking`, in the same run.

use std::hint::black_box;

#[cfg(feature = "peers")]
use criterion::{BenchmarkGroup, measurement::WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use stepio_executor_bridge::{LoopExecutor, ThreadPoolExecutor};
use stepio_gather::join_all;
use stepio_poll_loop::get_running_loop;

const ROUND_TRIPS: u64 = 1000;
const BATCH: u64 = 16;

// ANCHOR: executor_bench
fn round_trips(c: &mut Criterion) {
    let mut group = c.benchmark_group("run_in_executor");
    group.throughput(Throughput::Elements(ROUND_TRIPS));
    group.sample_size(20);
    let event_loop = stepio_reactor::new_event_loop().unwrap();
    let pool = ThreadPoolExecutor::new(ThreadPoolExecutor::default_size());
    // One job at a time: submit, wait for the worker, get the result back.
    group.bench_function("stepio_serial_1000", |b| {
        b.iter(|| {
            event_loop
                .run_until_complete(async {
                    let event_loop = get_running_loop().unwrap();
                    for n in 0..ROUND_TRIPS {
                        let job = event_loop.run_in_executor(Some(&pool), move || black_box(n)).unwrap();
                        black_box(job.await.unwrap());
                    }
                })
                .unwrap()
        })
    });
    // 16 jobs at once, then all 16 awaited, 1,000 jobs in all.
    group.bench_function("stepio_batches_of_16", |b| {
        b.iter(|| {
            event_loop
                .run_until_complete(async {
                    let event_loop = get_running_loop().unwrap();
                    for batch in 0..ROUND_TRIPS / BATCH {
                        let jobs = (0..BATCH).map(|n| {
                            event_loop
                                .run_in_executor(Some(&pool), move || black_box(batch * BATCH + n))
                                .unwrap()
                        });
                        for output in join_all(jobs).await {
                            black_box(output.unwrap());
                        }
                    }
                })
                .unwrap()
        })
    });
    #[cfg(feature = "peers")]
    peers::round_trips(&mut group);
    group.finish();
}
// ANCHOR_END: executor_bench

#[cfg(feature = "peers")]
mod peers {
    use super::*;
    use tokio::runtime::Builder;

    pub fn round_trips(group: &mut BenchmarkGroup<'_, WallTime>) {
        let runtime = Builder::new_current_thread().enable_io().build().unwrap();
        group.bench_function("tokio_spawn_blocking_serial_1000", |b| {
            b.iter(|| {
                runtime.block_on(async {
                    for n in 0..ROUND_TRIPS {
                        black_box(tokio::task::spawn_blocking(move || black_box(n)).await.unwrap());
                    }
                })
            })
        });
        group.bench_function("tokio_spawn_blocking_batches_of_16", |b| {
            b.iter(|| {
                runtime.block_on(async {
                    for batch in 0..ROUND_TRIPS / BATCH {
                        let jobs: Vec<_> = (0..BATCH)
                            .map(|n| tokio::task::spawn_blocking(move || black_box(batch * BATCH + n)))
                            .collect();
                        for job in jobs {
                            black_box(job.await.unwrap());
                        }
                    }
                })
            })
        });
    }
}

criterion_group!(benches, round_trips);
criterion_main!(benches);
