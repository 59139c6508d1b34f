//! Stage 4: the reactor. TCP echo on loopback (50 connections, 64-byte
//! messages, server and clients on one loop on one thread), beside tokio's
//! current-thread runtime with `--features peers`; and the cost of waking a
//! loop parked in `epoll_wait` from another thread.
//!
//! `cargo bench -p stepio-bench --features peers --bench reactor`

use std::future::poll_fn;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use stepio_bench::echo::{CONNECTIONS, Tasks, stepio_echo_rounds, stepio_echo_setup};
use stepio_poll_loop::EventLoop;

fn tcp_echo(c: &mut Criterion) {
    let mut group = c.benchmark_group("tcp_echo");
    // One element: one request (64 bytes out, 64 back); criterion's
    // elements per second are requests per second.
    group.throughput(Throughput::Elements(CONNECTIONS as u64));
    // Chapter 4's loop and tasks, then the assembled runtime's (stepio's
    // serve, stage 5's tasks).
    for (name, tasks) in [
        ("stepio_50_connections", Tasks::Loop),
        ("stepio_runtime_50_connections", Tasks::Runtime),
    ] {
        group.bench_function(name, |b| {
            let (event_loop, clients) = stepio_echo_setup(tasks);
            b.iter_custom(|iters| {
                let start = Instant::now();
                stepio_echo_rounds(&event_loop, tasks, &clients, iters);
                start.elapsed()
            });
            drop(clients);
            event_loop.close().unwrap();
        });
    }
    #[cfg(feature = "peers")]
    group.bench_function("tokio_50_connections", |b| {
        let (runtime, clients) = stepio_bench::echo::peers::tokio_echo_setup();
        b.iter_custom(|iters| {
            let start = Instant::now();
            stepio_bench::echo::peers::tokio_echo_rounds(&runtime, &clients, iters);
            start.elapsed()
        });
    });
    group.finish();
}

// ANCHOR: wake_bench
/// A round trip between a loop task and a plain thread: the thread wakes
/// the task's waker (the loop is parked), the task unparks the thread.
fn cross_thread_round_trips(event_loop: &EventLoop, iters: u64) -> Duration {
    // The task's waker, for the thread to wake; and the counts each side
    // has reached.
    let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
    let ping = Arc::new(AtomicU64::new(0));
    let pong = Arc::new(AtomicU64::new(0));
    let main_thread = thread::current();
    let helper = {
        let (slot, ping, pong) =
            (Arc::clone(&slot), Arc::clone(&ping), Arc::clone(&pong));
        thread::spawn(move || {
            for i in 1..=iters {
                while ping.load(Ordering::Acquire) < i {
                    thread::park();
                }
                pong.store(i, Ordering::Release);
                if let Some(waker) = slot.lock().unwrap().take() {
                    waker.wake();
                }
            }
            drop(main_thread);
        })
    };
    let start = Instant::now();
    event_loop
        .run_until_complete(async {
            for i in 1..=iters {
                ping.store(i, Ordering::Release);
                helper.thread().unpark();
                poll_fn(|cx| {
                    *slot.lock().unwrap() = Some(cx.waker().clone());
                    if pong.load(Ordering::Acquire) >= i {
                        Poll::Ready(())
                    } else {
                        Poll::Pending
                    }
                })
                .await;
            }
        })
        .unwrap();
    let elapsed = start.elapsed();
    helper.join().unwrap();
    elapsed
}
// ANCHOR_END: wake_bench

fn cross_thread_wake(c: &mut Criterion) {
    let mut group = c.benchmark_group("cross_thread_wake");
    group.bench_function("reactor_eventfd", |b| {
        let event_loop = stepio_reactor::new_event_loop().unwrap();
        b.iter_custom(|iters| cross_thread_round_trips(&event_loop, iters));
        event_loop.close().unwrap();
    });
    group.bench_function("stage2_thread_parker", |b| {
        let event_loop = stepio_timer_wheel::new_event_loop();
        b.iter_custom(|iters| cross_thread_round_trips(&event_loop, iters));
        event_loop.close().unwrap();
    });
    group.finish();
}

criterion_group!(benches, tcp_echo, cross_thread_wake);
criterion_main!(benches);
