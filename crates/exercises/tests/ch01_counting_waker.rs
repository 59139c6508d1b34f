//! The checks of exercise `ch01_counting_waker`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch01_counting_waker.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::sync::Arc;

use crate::ch01_counting_waker::{WakeCounter, counting_waker};

#[test]
fn wake_by_ref_counts_and_keeps_the_waker() {
    let counter = Arc::new(WakeCounter::default());
    let waker = counting_waker(Arc::clone(&counter));
    waker.wake_by_ref();
    waker.wake_by_ref();
    assert_eq!(counter.wakes(), 2);
    drop(waker);
}

#[test]
fn wake_by_value_counts_and_releases_its_count() {
    let counter = Arc::new(WakeCounter::default());
    let waker = counting_waker(Arc::clone(&counter));
    assert_eq!(Arc::strong_count(&counter), 2, "the waker owns one count");
    waker.wake();
    assert_eq!(counter.wakes(), 1);
    assert_eq!(Arc::strong_count(&counter), 1, "wake() released the waker's count");
}

#[test]
fn clones_and_drops_balance() {
    let counter = Arc::new(WakeCounter::default());
    let waker = counting_waker(Arc::clone(&counter));
    let clones: Vec<_> = (0..5).map(|_| waker.clone()).collect();
    assert_eq!(Arc::strong_count(&counter), 7);
    assert!(clones.iter().all(|clone| clone.will_wake(&waker)));
    drop(clones);
    assert_eq!(Arc::strong_count(&counter), 2);
    drop(waker);
    assert_eq!(Arc::strong_count(&counter), 1);
    assert_eq!(counter.wakes(), 0, "cloning and dropping are not wakes");
}

#[test]
fn wakes_from_other_threads_are_counted() {
    let counter = Arc::new(WakeCounter::default());
    let waker = counting_waker(Arc::clone(&counter));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let waker = waker.clone();
            std::thread::spawn(move || {
                for _ in 0..100 {
                    waker.wake_by_ref();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(counter.wakes(), 400);
    drop(waker);
    assert_eq!(Arc::strong_count(&counter), 1);
}
