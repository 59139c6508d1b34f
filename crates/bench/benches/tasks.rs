//! Stage 5: what a task costs. Spawning, yielding, and a ping-pong through
//! a one-shot, on stepio's loop and, with `--features peers`, on tokio's
//! current-thread runtime and smol's `LocalExecutor` in the same run. The
//! workloads are in `src/workloads.rs`, shared with `compare`.

#[cfg(feature = "peers")]
use criterion::{BenchmarkGroup, measurement::WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use stepio_bench::workloads::{self, ROUND_TRIPS, SPAWNED, TASKS, YIELDS};
use stepio_poll_loop::EventLoop;

fn spawn(c: &mut Criterion) {
    let mut group = c.benchmark_group("task_spawn");
    group.throughput(Throughput::Elements(SPAWNED));
    let event_loop = EventLoop::new();
    group.bench_function("stepio_spawn_1000_await_all", |b| {
        b.iter(|| workloads::stepio_spawn(&event_loop))
    });
    #[cfg(feature = "peers")]
    peers::spawn(&mut group);
    group.finish();
}

fn yields(c: &mut Criterion) {
    let mut group = c.benchmark_group("task_yield");
    group.throughput(Throughput::Elements(TASKS * YIELDS));
    group.sample_size(20);
    let event_loop = EventLoop::new();
    group.bench_function("stepio_200_tasks_x_1000_yields", |b| {
        b.iter(|| workloads::stepio_yields(&event_loop))
    });
    #[cfg(feature = "peers")]
    peers::yields(&mut group);
    group.finish();
}

fn ping_pong(c: &mut Criterion) {
    let mut group = c.benchmark_group("task_ping_pong");
    group.throughput(Throughput::Elements(ROUND_TRIPS));
    let event_loop = EventLoop::new();
    group.bench_function("stepio_bare_future_1000_round_trips", |b| {
        b.iter(|| workloads::stepio_ping_pong(&event_loop))
    });
    #[cfg(feature = "peers")]
    peers::ping_pong(&mut group);
    group.finish();
}

/// The same workloads on tokio's current-thread runtime (no drivers, as
/// stepio's `EventLoop::new()`) and on smol's `LocalExecutor`.
#[cfg(feature = "peers")]
mod peers {
    use super::*;
    use async_executor::LocalExecutor;
    use stepio_bench::workloads::peers::*;
    use tokio::runtime::{Builder, Runtime};

    fn tokio_runtime() -> Runtime {
        Builder::new_current_thread().build().unwrap()
    }

    pub fn spawn(group: &mut BenchmarkGroup<'_, WallTime>) {
        let runtime = tokio_runtime();
        group.bench_function("tokio_spawn_1000_await_all", |b| {
            b.iter(|| tokio_spawn(&runtime))
        });
        let executor = LocalExecutor::new();
        group.bench_function("smol_spawn_1000_await_all", |b| {
            b.iter(|| smol_spawn(&executor, false))
        });
    }

    pub fn yields(group: &mut BenchmarkGroup<'_, WallTime>) {
        let runtime = tokio_runtime();
        group.bench_function("tokio_200_tasks_x_1000_yields", |b| {
            b.iter(|| tokio_yields(&runtime))
        });
        let executor = LocalExecutor::new();
        group.bench_function("smol_200_tasks_x_1000_yields", |b| {
            b.iter(|| smol_yields(&executor, false))
        });
    }

    pub fn ping_pong(group: &mut BenchmarkGroup<'_, WallTime>) {
        let runtime = tokio_runtime();
        group.bench_function("tokio_oneshot_1000_round_trips", |b| {
            b.iter(|| tokio_ping_pong(&runtime))
        });
        let executor = LocalExecutor::new();
        group.bench_function("smol_channel_1000_round_trips", |b| {
            b.iter(|| smol_ping_pong(&executor))
        });
    }
}

criterion_group!(benches, spawn, yields, ping_pong);
criterion_main!(benches);
