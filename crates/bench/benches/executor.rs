//! Stage 7: a blocking job's round trip from a task to a worker thread and
//! back, one at a time and in batches of 16, on stepio's reactor loop
//! (the result comes back through the eventfd) and, with
//! `--features peers`, on tokio's current-thread runtime with
//! `spawn_blocking`, in the same run. The workload is in
//! `src/workloads.rs`, shared with `compare`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use stepio_bench::workloads::{self, JOBS};
use stepio_executor_bridge::ThreadPoolExecutor;

// ANCHOR: executor_bench
fn round_trips(c: &mut Criterion) {
    let mut group = c.benchmark_group("run_in_executor");
    group.throughput(Throughput::Elements(JOBS));
    group.sample_size(20);
    let event_loop = stepio_reactor::new_event_loop().unwrap();
    let pool = ThreadPoolExecutor::new(ThreadPoolExecutor::default_size());
    // One job at a time: submit, wait for the worker, get the result back.
    group.bench_function("stepio_serial_1000", |b| {
        b.iter(|| workloads::stepio_round_trips(&event_loop, &pool, 1))
    });
    // 16 jobs at once, then all 16 awaited, 1,000 jobs in all.
    group.bench_function("stepio_batches_of_16", |b| {
        b.iter(|| workloads::stepio_round_trips(&event_loop, &pool, 16))
    });
    #[cfg(feature = "peers")]
    {
        use stepio_bench::workloads::peers::tokio_round_trips;
        let runtime =
            tokio::runtime::Builder::new_current_thread().enable_io().build().unwrap();
        group.bench_function("tokio_spawn_blocking_serial_1000", |b| {
            b.iter(|| tokio_round_trips(&runtime, 1))
        });
        group.bench_function("tokio_spawn_blocking_batches_of_16", |b| {
            b.iter(|| tokio_round_trips(&runtime, 16))
        });
    }
    group.finish();
}
// ANCHOR_END: executor_bench

criterion_group!(benches, round_trips);
criterion_main!(benches);
