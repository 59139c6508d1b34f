//! The checks of exercise `ch07_mini_pool`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch07_mini_pool.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::Duration;

use crate::ch07_mini_pool::MiniPool;
use crate::support::within;

#[test]
fn every_job_runs_and_dropping_waits_for_them() {
    let count = within(Duration::from_secs(20), || {
        let count = Arc::new(AtomicUsize::new(0));
        let pool = MiniPool::new(3);
        for _ in 0..1000 {
            let count = Arc::clone(&count);
            pool.execute(move || {
                count.fetch_add(1, Ordering::SeqCst);
            });
        }
        drop(pool); // waits for the queued jobs
        count.load(Ordering::SeqCst)
    });
    assert_eq!(count, 1000);
}

#[test]
fn jobs_run_on_at_most_n_named_threads() {
    let names = within(Duration::from_secs(20), || {
        let names = Arc::new(Mutex::new(BTreeSet::new()));
        let pool = MiniPool::new(2);
        for _ in 0..200 {
            let names = Arc::clone(&names);
            pool.execute(move || {
                names
                    .lock()
                    .unwrap()
                    .insert(thread::current().name().unwrap_or("unnamed").to_owned());
            });
        }
        drop(pool);
        Arc::try_unwrap(names).unwrap().into_inner().unwrap()
    });
    assert!(!names.is_empty() && names.len() <= 2, "{names:?}");
    assert!(
        names.iter().all(|name| name == "mini-pool-0" || name == "mini-pool-1"),
        "{names:?}"
    );
}

#[test]
fn two_workers_run_two_jobs_at_once() {
    within(Duration::from_secs(20), || {
        // Each job waits for the other at a barrier: they finish only if
        // both run at the same time, on two workers.
        let barrier = Arc::new(Barrier::new(2));
        let pool = MiniPool::new(2);
        for _ in 0..2 {
            let barrier = Arc::clone(&barrier);
            pool.execute(move || {
                barrier.wait();
            });
        }
        drop(pool);
    });
}

#[test]
fn a_panicking_job_does_not_kill_its_worker() {
    let order = within(Duration::from_secs(20), || {
        let order = Arc::new(Mutex::new(Vec::new()));
        let pool = MiniPool::new(1);
        pool.execute(|| panic!("this job fails"));
        for n in 0..3 {
            let order = Arc::clone(&order);
            pool.execute(move || order.lock().unwrap().push(n));
        }
        drop(pool);
        Arc::try_unwrap(order).unwrap().into_inner().unwrap()
    });
    assert_eq!(
        order,
        [0, 1, 2],
        "the one worker ran every job after the panic, in order"
    );
}
