//! No task is leaked: with an allocator that counts live allocations, a
//! scenario with every kind of task (completed, cancelled while waiting or
//! before its first poll, panicked, detached, never run, waiting on a bare
//! future) leaves nothing behind once its loop is closed and dropped.
//!
//! One test in its own binary, so that no other test allocates meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::pending;
use std::sync::atomic::{AtomicIsize, Ordering};

use stepio_poll_loop::EventLoop;
use stepio_tasks::{LoopTasks, create_task};
use stepio_waker::yield_now;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is passed on to `System` unchanged; the counter only
// observes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract for `alloc` is passed on as it is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(1, Ordering::Relaxed);
        // SAFETY: `ptr` came from `System.alloc` above, with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One loop with every kind of task, closed and dropped at the end.
fn scenario() {
    let event_loop = EventLoop::new();
    event_loop.set_exception_handler(|_| {});
    let never_polled = event_loop.create_task(async { 1 }).unwrap();
    never_polled.cancel();
    let future = event_loop.create_future::<u32>();
    let waiter = future.clone();
    let waiting_on_future = event_loop.create_task(waiter).unwrap();
    event_loop
        .run_until_complete(async {
            let completed = create_task(async { vec![1u8; 100] });
            let panicked = create_task(async { panic!("boom") });
            drop(create_task(async { panic!("detached") }));
            drop(create_task(async { yield_now().await }));
            let sleeper = create_task(pending::<()>());
            yield_now().await;
            sleeper.cancel();
            // A task that holds its own handle's output type alive in a cycle
            // through a done callback.
            let callback_task = create_task(async { String::from("x") });
            callback_task.add_done_callback(|task| drop(task.result()));
            assert_eq!(completed.await.unwrap().len(), 100);
            assert!(panicked.await.is_err());
            assert!(sleeper.await.unwrap_err().is_cancelled());
            callback_task.await.unwrap();
            yield_now().await;
        })
        .unwrap();
    // Pending when the loop closes: never run at all, and waiting forever.
    let never_run = event_loop.create_task(async { String::from("never") }).unwrap();
    drop(event_loop.create_task(pending::<()>()).unwrap());
    event_loop.close().unwrap();
    assert!(never_run.cancelled());
    assert!(never_polled.cancelled());
    assert!(waiting_on_future.cancelled());
    drop((never_run, never_polled, waiting_on_future, future));
    drop(event_loop);
}

#[test]
fn every_task_is_freed_once_the_loop_is_closed_and_dropped() {
    std::panic::set_hook(Box::new(|_| {}));
    // The first run allocates what lives as long as the thread (its
    // thread-locals); only the runs after it are counted.
    scenario();
    let before = LIVE.load(Ordering::Relaxed);
    for _ in 0..3 {
        scenario();
    }
    let after = LIVE.load(Ordering::Relaxed);
    let _ = std::panic::take_hook();
    assert_eq!(after - before, 0, "{} allocations leaked by 3 runs", after - before);
}
