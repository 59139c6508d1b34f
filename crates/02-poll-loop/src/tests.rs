use std::cell::{Cell, RefCell};
use std::future::{Future, poll_fn};
use std::io;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;

use stepio_waker::yield_now;

use super::*;
use stepio_waker::testing::within;

/// A shared list of events that callbacks and tasks append to.
#[derive(Clone, Default)]
struct Log(Rc<RefCell<Vec<String>>>);

impl Log {
    fn push(&self, event: impl Into<String>) {
        self.0.borrow_mut().push(event.into());
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

/// A future that is pending until `flag` is set. It hands its waker to
/// `waker_out` every time it is polled while pending.
fn wait_for_flag(
    flag: Arc<AtomicBool>,
    waker_out: Arc<Mutex<Option<Waker>>>,
) -> impl Future<Output = ()> {
    poll_fn(move |cx| {
        if flag.load(SeqCst) {
            return Poll::Ready(());
        }
        *waker_out.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    })
}

#[test]
fn call_soon_runs_callbacks_in_fifo_order() {
    let event_loop = EventLoop::new();
    let log = Log::default();
    for n in 0..5 {
        let log = log.clone();
        event_loop.call_soon(move || log.push(format!("cb{n}"))).unwrap();
    }
    event_loop.stop();
    event_loop.run_forever().unwrap();
    assert_eq!(log.take(), ["cb0", "cb1", "cb2", "cb3", "cb4"]);
}

#[test]
fn cancelled_handle_never_runs_and_drops_its_closure() {
    let event_loop = EventLoop::new();
    let log = Log::default();
    let captured = Rc::new(());
    let handle = {
        let log = log.clone();
        let captured = Rc::clone(&captured);
        event_loop.call_soon(move || log.push(format!("ran with {captured:?}"))).unwrap()
    };
    assert_eq!(Rc::strong_count(&captured), 2);
    handle.cancel();
    // Cancelling released what the closure captured, before any run.
    assert_eq!(Rc::strong_count(&captured), 1);
    assert!(handle.cancelled());
    event_loop.stop();
    event_loop.run_forever().unwrap();
    assert!(log.take().is_empty());
}

#[test]
fn callbacks_scheduled_during_a_turn_run_on_the_next_turn() {
    let event_loop = EventLoop::new();
    let log = Log::default();
    let inner_log = log.clone();
    let lp = event_loop.clone();
    event_loop
        .call_soon(move || {
            inner_log.push("first");
            let log = inner_log.clone();
            lp.call_soon(move || log.push("scheduled by first")).unwrap();
            // Stop now: the current turn ends, the new callback waits.
            lp.stop();
        })
        .unwrap();
    let log2 = log.clone();
    event_loop.call_soon(move || log2.push("second")).unwrap();
    event_loop.run_forever().unwrap();
    assert_eq!(log.take(), ["first", "second"]);

    // The next run picks up where the last one stopped.
    event_loop.stop();
    event_loop.run_forever().unwrap();
    assert_eq!(log.take(), ["scheduled by first"]);
}

#[test]
fn stop_before_run_forever_runs_one_turn() {
    let event_loop = EventLoop::new();
    let log = Log::default();
    let log2 = log.clone();
    event_loop.call_soon(move || log2.push("ran")).unwrap();
    event_loop.stop();
    event_loop.run_forever().unwrap();
    assert_eq!(log.take(), ["ran"]);
    assert!(!event_loop.is_running());
}

#[test]
fn run_forever_ends_when_a_task_calls_stop() {
    let event_loop = EventLoop::new();
    let log = Log::default();
    let task_log = log.clone();
    event_loop
        .spawn(async move {
            for n in 0..3 {
                task_log.push(format!("step {n}"));
                yield_now().await;
            }
            get_running_loop().unwrap().stop();
        })
        .unwrap();
    event_loop.run_forever().unwrap();
    assert_eq!(log.take(), ["step 0", "step 1", "step 2"]);
}

#[test]
fn run_until_complete_returns_the_output_and_may_borrow() {
    let event_loop = EventLoop::new();
    let words: Vec<String> = ["borrowed", "not", "moved"].map(String::from).to_vec();
    let count = event_loop
        .run_until_complete(async {
            yield_now().await;
            words.len()
        })
        .unwrap();
    assert_eq!(count, 3);
    assert_eq!(words.len(), 3);
}

#[test]
fn is_running_is_true_only_inside_a_run() {
    let event_loop = EventLoop::new();
    assert!(!event_loop.is_running());
    let inside = event_loop
        .run_until_complete(async { get_running_loop().unwrap().is_running() })
        .unwrap();
    assert!(inside);
    assert!(!event_loop.is_running());
}

#[test]
fn only_woken_tasks_are_polled() {
    let event_loop = EventLoop::new();
    let idle_polls = Rc::new(Cell::new(0));
    let counter = Rc::clone(&idle_polls);
    // This task never arranges a wake, so it must be polled once only.
    event_loop
        .spawn(poll_fn(move |_cx| {
            counter.set(counter.get() + 1);
            Poll::<()>::Pending
        }))
        .unwrap();
    // Meanwhile another task is woken 100 times.
    event_loop
        .run_until_complete(async {
            for _ in 0..100 {
                yield_now().await;
            }
        })
        .unwrap();
    assert_eq!(idle_polls.get(), 1);
    assert_eq!(event_loop.task_count(), 1);
}

#[test]
fn a_wake_during_its_own_poll_requeues_the_task() {
    let event_loop = EventLoop::new();
    let polls = Rc::new(Cell::new(0));
    let counter = Rc::clone(&polls);
    let done = event_loop.run_until_complete(poll_fn(move |cx| {
        counter.set(counter.get() + 1);
        if counter.get() == 3 {
            return Poll::Ready("done");
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }));
    assert_eq!(done.unwrap(), "done");
    assert_eq!(polls.get(), 3);
}

#[test]
fn many_wakes_before_a_poll_queue_the_task_once() {
    let event_loop = EventLoop::new();
    let polls = Rc::new(Cell::new(0));
    let counter = Rc::clone(&polls);
    event_loop
        .spawn(poll_fn(move |cx| {
            counter.set(counter.get() + 1);
            if counter.get() == 2 {
                return Poll::Ready(());
            }
            for _ in 0..10 {
                cx.waker().wake_by_ref();
            }
            Poll::Pending
        }))
        .unwrap();
    event_loop
        .run_until_complete(async {
            for _ in 0..5 {
                yield_now().await;
            }
        })
        .unwrap();
    assert_eq!(polls.get(), 2, "ten wakes, one extra poll");
}

#[test]
fn a_stale_waker_does_not_poll_the_task_that_reuses_its_slot() {
    let event_loop = EventLoop::new();
    let old_waker = Rc::new(RefCell::new(None::<Waker>));
    let store = Rc::clone(&old_waker);
    // The first task keeps its waker and finishes at once.
    event_loop
        .spawn(poll_fn(move |cx| {
            *store.borrow_mut() = Some(cx.waker().clone());
            Poll::Ready(())
        }))
        .unwrap();
    event_loop.run_until_complete(yield_now()).unwrap();
    assert_eq!(event_loop.task_count(), 0);

    // The second task takes over the freed slot and waits, counting polls.
    let polls = Rc::new(Cell::new(0));
    let counter = Rc::clone(&polls);
    event_loop
        .spawn(poll_fn(move |_cx| {
            counter.set(counter.get() + 1);
            Poll::<()>::Pending
        }))
        .unwrap();
    event_loop.run_until_complete(yield_now()).unwrap();
    assert_eq!(polls.get(), 1);

    // Waking the first task's waker must not poll the second task.
    old_waker.borrow_mut().take().unwrap().wake();
    event_loop
        .run_until_complete(async {
            yield_now().await;
            yield_now().await;
        })
        .unwrap();
    assert_eq!(polls.get(), 1);
}

#[test]
fn a_wake_from_another_thread_resumes_the_task() {
    let output = within(Duration::from_secs(10), || {
        let event_loop = EventLoop::new();
        let flag = Arc::new(AtomicBool::new(false));
        let slot: Arc<Mutex<Option<Waker>>> = Arc::new(Mutex::new(None));
        let (thread_flag, thread_slot) = (Arc::clone(&flag), Arc::clone(&slot));
        let helper = thread::spawn(move || {
            // Wait (without sleeping) until the task has handed over its waker.
            let waker = loop {
                if let Some(waker) = thread_slot.lock().unwrap().take() {
                    break waker;
                }
                thread::yield_now();
            };
            thread_flag.store(true, SeqCst);
            waker.wake();
        });
        let output = event_loop.run_until_complete(async move {
            wait_for_flag(flag, slot).await;
            "woken"
        });
        helper.join().unwrap();
        output.unwrap()
    });
    assert_eq!(output, "woken");
}

#[test]
fn stress_cross_thread_wakes_of_many_tasks() {
    // 8 tasks, each woken 500 times by its own thread. Each round the task
    // publishes a fresh waker and the thread wakes it; a lost wake stalls a
    // task for good, which `within` turns into a failure.
    const TASKS: usize = 8;
    const ROUNDS: usize = 500;
    let finished = within(Duration::from_secs(60), || {
        let event_loop = EventLoop::new();
        let finished = Rc::new(Cell::new(0));
        let mut helpers = Vec::new();
        for _ in 0..TASKS {
            // The thread answers each round by bumping `turn` and waking.
            let turn = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let slot: Arc<Mutex<Option<Waker>>> = Arc::new(Mutex::new(None));
            let (thread_turn, thread_slot) = (Arc::clone(&turn), Arc::clone(&slot));
            helpers.push(thread::spawn(move || {
                for round in 0..ROUNDS {
                    let waker = loop {
                        if let Some(waker) = thread_slot.lock().unwrap().take() {
                            break waker;
                        }
                        thread::yield_now();
                    };
                    thread_turn.store(round + 1, SeqCst);
                    waker.wake();
                }
            }));
            let finished = Rc::clone(&finished);
            event_loop
                .spawn(async move {
                    for round in 0..ROUNDS {
                        poll_fn(|cx| {
                            if turn.load(SeqCst) > round {
                                return Poll::Ready(());
                            }
                            *slot.lock().unwrap() = Some(cx.waker().clone());
                            Poll::Pending
                        })
                        .await;
                    }
                    finished.set(finished.get() + 1);
                    if finished.get() == TASKS {
                        get_running_loop().unwrap().stop();
                    }
                })
                .unwrap();
        }
        event_loop.run_forever().unwrap();
        for helper in helpers {
            helper.join().unwrap();
        }
        finished.get()
    });
    assert_eq!(finished, TASKS);
}

#[test]
fn running_a_running_loop_is_an_error() {
    let event_loop = EventLoop::new();
    let (forever, until) = event_loop
        .run_until_complete(async {
            let lp = get_running_loop().unwrap();
            (lp.run_forever().unwrap_err(), lp.run_until_complete(async {}).unwrap_err())
        })
        .unwrap();
    assert!(matches!(forever, LoopError::AlreadyRunning));
    assert!(matches!(until, LoopError::AlreadyRunning));
    assert_eq!(until.to_string(), "This event loop is already running");
}

#[test]
fn running_another_loop_inside_a_loop_is_an_error() {
    let outer = EventLoop::new();
    let err = outer
        .run_until_complete(async {
            let inner = EventLoop::new();
            inner.run_until_complete(async {}).unwrap_err()
        })
        .unwrap();
    assert!(matches!(err, LoopError::AnotherLoopRunning));
    assert_eq!(
        err.to_string(),
        "Cannot run the event loop while another loop is running"
    );
}

#[test]
fn run_inside_a_running_loop_says_so_as_asyncio_run_does() {
    let outer = EventLoop::new();
    let err =
        outer.run_until_complete(async { crate::run(async {}).unwrap_err() }).unwrap();
    assert!(matches!(err, LoopError::RunFromRunningLoop));
    assert_eq!(err.to_string(), "run() cannot be called from a running event loop");
    // The outer loop is untouched and runs on.
    assert_eq!(outer.run_until_complete(async { 7 }).unwrap(), 7);
}

#[test]
fn closing_a_running_loop_is_an_error() {
    let event_loop = EventLoop::new();
    let err = event_loop
        .run_until_complete(async { get_running_loop().unwrap().close().unwrap_err() })
        .unwrap();
    assert!(matches!(err, LoopError::CloseWhileRunning));
    assert_eq!(err.to_string(), "Cannot close a running event loop");
    assert!(!event_loop.is_closed());
}

#[test]
fn every_use_of_a_closed_loop_is_an_error() {
    let event_loop = EventLoop::new();
    event_loop.close().unwrap();
    assert!(event_loop.is_closed());
    // Closing again is allowed, as in asyncio.
    event_loop.close().unwrap();
    let errors = [
        event_loop.call_soon(|| {}).unwrap_err(),
        event_loop.spawn(async {}).unwrap_err(),
        event_loop.run_forever().unwrap_err(),
        event_loop.run_until_complete(async {}).unwrap_err(),
    ];
    for err in errors {
        assert!(matches!(err, LoopError::Closed), "{err:?}");
        assert_eq!(err.to_string(), "Event loop is closed");
    }
}

#[test]
fn stop_before_the_future_completes_is_an_error() {
    let event_loop = EventLoop::new();
    let err = event_loop
        .run_until_complete(async {
            get_running_loop().unwrap().stop();
            // Never completes.
            poll_fn(|_| Poll::<()>::Pending).await;
        })
        .unwrap_err();
    assert!(matches!(err, LoopError::StoppedBeforeComplete));
    assert_eq!(err.to_string(), "Event loop stopped before Future completed.");
    // The loop is usable again afterwards.
    assert_eq!(event_loop.run_until_complete(async { 1 }).unwrap(), 1);
}

#[test]
fn get_running_loop_outside_a_loop_is_an_error() {
    let err = get_running_loop().unwrap_err();
    assert!(matches!(err, LoopError::NoRunningLoop));
    assert_eq!(err.to_string(), "no running event loop");
}

#[test]
fn close_drops_pending_tasks_and_cancels_callbacks() {
    let event_loop = EventLoop::new();
    let alive = Rc::new(());
    let held = Rc::clone(&alive);
    event_loop
        .spawn(async move {
            let _held = held;
            poll_fn(|_| Poll::<()>::Pending).await;
        })
        .unwrap();
    event_loop.run_until_complete(yield_now()).unwrap();
    let handle = event_loop.call_soon(|| panic!("must not run")).unwrap();
    assert_eq!(Rc::strong_count(&alive), 2);
    event_loop.close().unwrap();
    assert_eq!(Rc::strong_count(&alive), 1, "the pending task was dropped");
    assert!(handle.cancelled());
}

#[test]
fn a_panicking_callback_is_reported_and_the_loop_goes_on() {
    let event_loop = EventLoop::new();
    let reports = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&reports);
    event_loop
        .set_exception_handler(move |report| sink.borrow_mut().push(report.clone()));
    let log = Log::default();
    event_loop.call_soon(|| panic!("boom")).unwrap();
    let log2 = log.clone();
    event_loop.call_soon(move || log2.push("after the panic")).unwrap();
    event_loop.stop();
    event_loop.run_forever().unwrap();
    assert_eq!(log.take(), ["after the panic"]);
    let reports = reports.borrow();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].source, PanicSource::Callback);
    assert_eq!(reports[0].message, "boom");
}

#[test]
fn a_panicking_task_is_reported_dropped_and_the_loop_goes_on() {
    let event_loop = EventLoop::new();
    let reports = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&reports);
    event_loop
        .set_exception_handler(move |report| sink.borrow_mut().push(report.clone()));
    let id = event_loop
        .spawn(async {
            yield_now().await;
            panic!("task {} failed", 7);
        })
        .unwrap();
    let output = event_loop
        .run_until_complete(async {
            for _ in 0..3 {
                yield_now().await;
            }
            "still running"
        })
        .unwrap();
    assert_eq!(output, "still running");
    assert_eq!(event_loop.task_count(), 0);
    let reports = reports.borrow();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].source, PanicSource::Task(id));
    assert_eq!(reports[0].message, "task 7 failed");
}

#[test]
fn a_panic_in_the_main_future_reaches_the_caller_and_leaves_the_loop_usable() {
    let event_loop = EventLoop::new();
    let lp = event_loop.clone();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        lp.run_until_complete(async { panic!("main failed") })
    }));
    assert!(caught.is_err());
    assert!(!event_loop.is_running());
    assert!(get_running_loop().is_err());
    assert_eq!(event_loop.run_until_complete(async { 5 }).unwrap(), 5);
}

/// A driver around another one that, on its first park, makes a callback
/// ready: the shape of a driver with timers.
struct OneShotDriver {
    inner: ThreadDriver,
    pending: Option<Handle>,
    parks: Rc<RefCell<Vec<Option<Duration>>>>,
}

impl Driver for OneShotDriver {
    fn park(
        &mut self,
        timeout: Option<Duration>,
        ready: &mut ReadyQueue,
    ) -> io::Result<()> {
        self.parks.borrow_mut().push(timeout);
        if let Some(handle) = self.pending.take() {
            ready.push(handle);
            // Something is ready now, so do not sleep.
            return self.inner.park(Some(Duration::ZERO), ready);
        }
        self.inner.park(timeout, ready)
    }

    fn unparker(&self) -> Arc<dyn Unpark> {
        self.inner.unparker()
    }
}

#[test]
fn a_custom_driver_can_make_callbacks_ready() {
    let log = Log::default();
    let parks = Rc::new(RefCell::new(Vec::new()));
    let log2 = log.clone();
    let driver = OneShotDriver {
        inner: ThreadDriver::new(),
        pending: Some(Handle::new(move || {
            log2.push("from the driver");
            get_running_loop().unwrap().stop();
        })),
        parks: Rc::clone(&parks),
    };
    let event_loop = EventLoop::with_driver(Box::new(driver));
    event_loop.run_forever().unwrap();
    assert_eq!(log.take(), ["from the driver"]);
    // Nothing was ready before the first park, so the loop offered to sleep.
    assert_eq!(parks.borrow()[0], None);
}

#[test]
fn run_closes_the_loop_it_made() {
    let output = run(async {
        let lp = get_running_loop().unwrap();
        assert!(lp.is_running());
        lp
    })
    .unwrap();
    assert!(output.is_closed());
}

/// A `Runnable` as a later stage queues through the extension points:
/// counts its runs, and checks it ran on its loop.
struct CountingRunnable {
    runs: std::sync::atomic::AtomicUsize,
    scheduler: crate::Scheduler,
}

impl crate::Runnable for CountingRunnable {
    fn run(self: Arc<Self>, event_loop: &EventLoop) {
        assert!(self.scheduler.is_for(event_loop));
        self.runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

#[test]
fn scheduled_runnables_run_from_this_thread_and_others() {
    let event_loop = EventLoop::new();
    let scheduler = event_loop.scheduler();
    let task = Arc::new(CountingRunnable {
        runs: Default::default(),
        scheduler: scheduler.clone(),
    });
    let runs = || task.runs.load(std::sync::atomic::Ordering::Relaxed);

    // Before the run (the injection queue), from a callback (the ready queue
    // directly), and from another thread while the loop is parked.
    scheduler.schedule(Arc::clone(&task) as Arc<dyn crate::Runnable>);
    let (lp, sched, t) = (event_loop.clone(), scheduler.clone(), Arc::clone(&task));
    event_loop
        .call_soon(move || {
            sched.schedule(Arc::clone(&t) as Arc<dyn crate::Runnable>);
            let remote = (sched.clone(), Arc::clone(&t));
            std::thread::spawn(move || {
                remote.0.schedule(remote.1 as Arc<dyn crate::Runnable>)
            });
            let lp2 = lp.clone();
            let t = Arc::clone(&t);
            // Stop once the third run happened, whenever it comes.
            fn stop_after(lp: EventLoop, t: Arc<CountingRunnable>) {
                if t.runs.load(std::sync::atomic::Ordering::Relaxed) == 3 {
                    lp.stop();
                } else {
                    let again = lp.clone();
                    lp.call_soon(move || stop_after(again, t)).unwrap();
                }
            }
            stop_after(lp2, t);
        })
        .unwrap();
    event_loop.run_forever().unwrap();
    assert_eq!(runs(), 3);
}

#[test]
fn a_closed_loop_drops_what_is_scheduled_and_runs_its_close_hooks_once() {
    let event_loop = EventLoop::new();
    let scheduler = event_loop.scheduler();
    let task = Arc::new(CountingRunnable {
        runs: Default::default(),
        scheduler: scheduler.clone(),
    });
    scheduler.schedule(Arc::clone(&task) as Arc<dyn crate::Runnable>);
    let hooks = Rc::new(Cell::new(0));
    let counted = Rc::clone(&hooks);
    event_loop.on_close(move || counted.set(counted.get() + 1));
    event_loop.close().unwrap();
    event_loop.close().unwrap();
    assert_eq!(hooks.get(), 1);
    assert!(scheduler.is_closed());
    // The queued entry was dropped, and a new one is dropped at once.
    assert_eq!(Arc::strong_count(&task), 1);
    scheduler.schedule(Arc::clone(&task) as Arc<dyn crate::Runnable>);
    assert_eq!(Arc::strong_count(&task), 1);
    assert_eq!(task.runs.load(std::sync::atomic::Ordering::Relaxed), 0);
    let late = Rc::clone(&hooks);
    event_loop.on_close(move || late.set(late.get() + 10));
    assert_eq!(hooks.get(), 11, "a hook added after close runs at once");
}

#[test]
fn run_and_close_closes_the_loop_when_the_main_future_panics() {
    let event_loop = EventLoop::new();
    let closed = Rc::new(Cell::new(false));
    let flag = Rc::clone(&closed);
    event_loop.on_close(move || flag.set(true));
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        event_loop.run_and_close(async { panic!("the main future failed") })
    }));
    let payload = run.expect_err("the panic goes on to the caller");
    assert_eq!(panic_message(&*payload), "the main future failed");
    assert!(closed.get() && event_loop.is_closed());
    // And a run that ends normally closes it too.
    let event_loop = EventLoop::new();
    assert_eq!(event_loop.run_and_close(async { 7 }).unwrap(), 7);
    assert!(event_loop.is_closed());
}
