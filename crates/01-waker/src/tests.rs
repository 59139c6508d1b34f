use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

use super::*;
use crate::testing::within;

/// The number of strong references to a parker's shared state.
fn owners(unparker: &Unparker) -> usize {
    Arc::strong_count(&unparker.inner)
}

/// Checks that clones and drops of wakers made by `make` balance exactly.
fn check_counts(make: fn(Unparker) -> Waker) {
    let parker = Parker::new();
    let unparker = parker.unparker();
    // The parker and `unparker` each hold one count.
    assert_eq!(owners(&unparker), 2);

    let waker = make(parker.unparker());
    assert_eq!(owners(&unparker), 3, "a new waker owns one count");

    let clones: Vec<Waker> = (0..10).map(|_| waker.clone()).collect();
    assert_eq!(owners(&unparker), 13, "each clone owns one count");

    waker.wake_by_ref();
    assert_eq!(owners(&unparker), 13, "wake_by_ref keeps the count");

    for clone in clones {
        clone.wake();
    }
    assert_eq!(owners(&unparker), 3, "wake by value gives its count back");

    drop(waker);
    assert_eq!(owners(&unparker), 2, "drop gives its count back");
}

#[test]
fn raw_waker_counts_balance() {
    check_counts(raw_waker);
}

#[test]
fn safe_waker_counts_balance() {
    check_counts(waker);
}

#[test]
fn raw_waker_unparks() {
    let parker = Parker::new();
    let waker = raw_waker(parker.unparker());
    waker.wake_by_ref();
    assert!(parker.park_timeout(Duration::ZERO), "wake_by_ref left a notification");
    waker.wake();
    assert!(parker.park_timeout(Duration::ZERO), "wake left a notification");
}

#[test]
fn clones_will_wake_each_other() {
    let parker = Parker::new();
    let first = raw_waker(parker.unparker());
    let second = first.clone();
    assert!(first.will_wake(&second));
}

#[test]
fn unpark_before_park_is_not_lost() {
    within(Duration::from_secs(10), || {
        let parker = Parker::new();
        parker.unparker().unpark();
        // The notification is already there, so this returns at once.
        parker.park();
    });
}

#[test]
fn notifications_do_not_accumulate() {
    let parker = Parker::new();
    let unparker = parker.unparker();
    unparker.unpark();
    unparker.unpark();
    assert!(parker.park_timeout(Duration::ZERO));
    assert!(!parker.park_timeout(Duration::ZERO), "two unparks wake one park");
}

#[test]
fn park_timeout_times_out() {
    let parker = Parker::new();
    let start = Instant::now();
    assert!(!parker.park_timeout(Duration::from_millis(5)));
    assert!(start.elapsed() >= Duration::from_millis(5));
}

#[test]
fn park_timeout_with_huge_timeout_still_wakes() {
    within(Duration::from_secs(10), || {
        let parker = Parker::new();
        let unparker = parker.unparker();
        thread::spawn(move || unparker.unpark());
        assert!(parker.park_timeout(Duration::MAX));
    });
}

/// A future that stays pending until `flag` is set, then completes.
struct Flag {
    flag: Arc<AtomicBool>,
    polls: usize,
    on_first_poll: Option<Box<dyn FnOnce(Waker) + Send>>,
}

impl Future for Flag {
    type Output = usize;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        self.polls += 1;
        if self.flag.load(SeqCst) {
            return Poll::Ready(self.polls);
        }
        if let Some(start) = self.on_first_poll.take() {
            start(cx.waker().clone());
        }
        Poll::Pending
    }
}

/// A `Flag` whose first pending poll starts a thread that sets the flag and
/// wakes the waker it was given.
fn woken_by_a_thread() -> Flag {
    let flag = Arc::new(AtomicBool::new(false));
    let thread_flag = Arc::clone(&flag);
    Flag {
        flag,
        polls: 0,
        on_first_poll: Some(Box::new(move |waker: Waker| {
            thread::spawn(move || {
                thread_flag.store(true, SeqCst);
                waker.wake();
            });
        })),
    }
}

#[test]
fn block_on_is_woken_from_another_thread() {
    let polls = within(Duration::from_secs(10), || block_on(woken_by_a_thread()));
    // Once pending, once ready: the thread was not spinning. (A spurious
    // condvar wake-up could add a poll, which is allowed but rare.)
    assert!(polls >= 2);
}

#[test]
fn block_on_with_wake_during_poll_is_not_lost() {
    // The future wakes itself while being polled, before returning Pending.
    let polls = within(Duration::from_secs(10), || {
        let mut remaining = 3;
        block_on(std::future::poll_fn(move |cx| {
            if remaining == 0 {
                return Poll::Ready(remaining);
            }
            remaining -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }))
    });
    assert_eq!(polls, 0);
}

#[test]
fn stress_cross_thread_wakes() {
    // Many rounds of "pending, then woken from another thread". A lost wake
    // makes one round hang, and `within` turns that into a failure.
    const ROUNDS: usize = 2_000;
    let completed = within(Duration::from_secs(60), || {
        let mut completed = 0;
        for _ in 0..ROUNDS {
            block_on(woken_by_a_thread());
            completed += 1;
        }
        completed
    });
    assert_eq!(completed, ROUNDS);
}

#[test]
fn stress_parker_ping_pong() {
    // Two threads hand a turn back and forth through two parkers.
    const ROUNDS: usize = 20_000;
    let total = within(Duration::from_secs(60), || {
        let main = Parker::new();
        let other = Parker::new();
        let wake_main = main.unparker();
        let wake_other = other.unparker();
        let counter = Arc::new(AtomicUsize::new(0));
        let thread_counter = Arc::clone(&counter);
        let handle = thread::spawn(move || {
            for _ in 0..ROUNDS {
                other.park();
                thread_counter.fetch_add(1, SeqCst);
                wake_main.unpark();
            }
        });
        for round in 0..ROUNDS {
            wake_other.unpark();
            main.park();
            // The other thread counted this round before unparking us.
            assert!(counter.load(SeqCst) > round);
        }
        handle.join().unwrap();
        counter.load(SeqCst)
    });
    assert_eq!(total, ROUNDS);
}

#[test]
fn delay_never_completes_early() {
    let delay = Delay::new(Duration::from_millis(20));
    let deadline = delay.deadline();
    within(Duration::from_secs(10), move || block_on(delay));
    assert!(Instant::now() >= deadline);
}

#[test]
fn join_returns_both_outputs_in_order() {
    let (a, b) = within(Duration::from_secs(10), || {
        block_on(join(
            async {
                Delay::new(Duration::from_millis(30)).await;
                "a"
            },
            async {
                Delay::new(Duration::from_millis(30)).await;
                "b"
            },
        ))
    });
    assert_eq!((a, b), ("a", "b"));
}

#[test]
fn yield_now_is_pending_exactly_once() {
    let mut polls = 0;
    let mut future = Box::pin(yield_now());
    let parker = Parker::new();
    let waker = waker(parker.unparker());
    let mut cx = Context::from_waker(&waker);
    while future.as_mut().poll(&mut cx).is_pending() {
        polls += 1;
        assert!(parker.park_timeout(Duration::ZERO), "yield_now woke its task");
    }
    assert_eq!(polls, 1);
}
