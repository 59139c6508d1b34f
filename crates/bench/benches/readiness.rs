//! Chapter 4.1's ladder: one turn of a readiness loop with 1, 100 and 1,000
//! descriptors watched, one of them ready. `poll(2)` hands the kernel the
//! whole list on every call and the loop looks at every answer; epoll keeps
//! the list in the kernel and returns only the ready one.
//!
//! The waits are blocking (no timeout), as a loop's are: something is
//! ready, so they return at once. A blocking `poll` costs more per
//! descriptor than one with a zero timeout, since the kernel hooks itself
//! onto every socket's wait queue before it finds one ready; the last
//! benchmark shows the zero-timeout call at 1,000.
//!
//! `cargo bench -p stepio-bench --bench readiness`

use std::hint::black_box;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use stepio_reactor::bare::{Epoll, PollFd, Trigger, poll, raise_fd_limit};

/// `watched` connected pairs; the last reader has a byte waiting.
fn pairs(watched: usize) -> Vec<(UnixStream, UnixStream)> {
    let pairs: Vec<_> = (0..watched).map(|_| UnixStream::pair().unwrap()).collect();
    (&pairs[watched - 1].0).write_all(b"!").unwrap();
    pairs
}

fn one_turn(c: &mut Criterion) {
    raise_fd_limit(4_096).unwrap();
    let mut group = c.benchmark_group("readiness_turn");
    for watched in [1, 100, 1_000] {
        let pairs = pairs(watched);
        let mut fds: Vec<_> = pairs
            .iter()
            .map(|(_, reader)| PollFd::readable(reader.as_raw_fd()))
            .collect();
        group.bench_function(format!("poll_{watched}_watched"), |b| {
            b.iter(|| {
                poll(&mut fds, None).unwrap();
                black_box(fds.iter().filter(|entry| entry.is_ready()).count())
            });
        });
        if watched == 1_000 {
            group.bench_function("poll_1000_watched_zero_timeout", |b| {
                b.iter(|| {
                    poll(&mut fds, Some(Duration::ZERO)).unwrap();
                    black_box(fds.iter().filter(|entry| entry.is_ready()).count())
                });
            });
        }
        let mut epoll = Epoll::new().unwrap();
        for (_, reader) in &pairs {
            epoll.add_readable(reader.as_raw_fd(), Trigger::Level).unwrap();
        }
        let mut ready = Vec::new();
        group.bench_function(format!("epoll_{watched}_watched"), |b| {
            b.iter(|| {
                epoll.wait(None, &mut ready).unwrap();
                black_box(ready.len())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, one_turn);
criterion_main!(benches);
