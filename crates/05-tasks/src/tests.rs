use std::cell::{Cell, RefCell};
use std::future::{Future, pending};
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use stepio_poll_loop::{
    Driver, EventLoop, PanicSource, ReadyQueue, ThreadDriver, Unpark,
};
use stepio_timer_wheel::{Clock, LoopTime, event_loop_with, sleep};
use stepio_waker::yield_now;

use super::*;

/// Records that a value was dropped: a task's future holds one.
struct DropFlag(Rc<Cell<bool>>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

fn drop_flag() -> (DropFlag, Rc<Cell<bool>>) {
    let flag = Rc::new(Cell::new(false));
    (DropFlag(Rc::clone(&flag)), flag)
}

/// Collects what the loop's exception handler receives.
fn capture_reports(event_loop: &EventLoop) -> Rc<RefCell<Vec<String>>> {
    let reports = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&reports);
    event_loop.set_exception_handler(move |report| {
        assert_eq!(report.source, PanicSource::NeverRetrieved);
        sink.borrow_mut().push(report.to_string());
    });
    reports
}

#[test]
fn a_task_created_before_the_run_gives_its_result() {
    let event_loop = EventLoop::new();
    let task = event_loop.create_task(async { "task finished" }).unwrap();
    assert!(!task.done());
    // asyncio: result() on a pending task raises InvalidStateError.
    assert!(matches!(task.result(), Err(TaskError::InvalidState(_))));

    // Awaited through another future, so that the handle stays here.
    let done = event_loop.create_future::<()>();
    let waiter = done.clone();
    task.add_done_callback(move |_| waiter.set_result(()).unwrap());
    event_loop.run_until_complete(done).unwrap().unwrap();

    assert!(task.done());
    assert!(!task.cancelled());
    assert_eq!(task.result().unwrap(), "task finished");
    assert_eq!(task.exception().unwrap().map(|err| err.to_string()), None);
    event_loop.close().unwrap();
}

#[test]
fn awaiting_a_task_moves_its_output_out() {
    let event_loop = EventLoop::new();
    let output = event_loop
        .run_until_complete(async {
            let inner = create_task(async { vec![1, 2, 3] });
            let outer = create_task(async move { inner.await.unwrap().len() });
            outer.await
        })
        .unwrap();
    assert_eq!(output.unwrap(), 3);
    assert_eq!(event_loop.pending_tasks(), 0);
}

#[test]
fn ids_and_names_count_per_loop() {
    let event_loop = EventLoop::new();
    let first = event_loop.create_task(async {}).unwrap();
    let second = event_loop.create_task(async {}).unwrap();
    assert_eq!((first.id(), first.name()), (1, "Task-1".to_owned()));
    assert_eq!(second.name(), "Task-2");
    second.set_name("downloader");
    assert_eq!(second.name(), "downloader");
    let repr = format!("{second:?}");
    assert!(repr.starts_with("<Task pending name='downloader' created at "), "{repr}");
    assert!(repr.contains("tests.rs"), "the creation site is the caller: {repr}");
    event_loop.run_until_complete(yield_now()).unwrap();
    assert!(format!("{second:?}").starts_with("<Task finished"));
}

#[test]
fn create_task_on_a_closed_loop_is_an_error() {
    let event_loop = EventLoop::new();
    event_loop.close().unwrap();
    let err = event_loop.create_task(async {}).unwrap_err();
    assert_eq!(err.to_string(), "Event loop is closed");
}

#[test]
fn create_task_outside_a_running_loop_panics_with_the_reason() {
    let panic = std::panic::catch_unwind(|| drop(create_task(async {}))).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert_eq!(message, "create_task: no running event loop");
}

#[test]
fn a_task_cancelled_before_its_first_poll_is_never_polled() {
    let event_loop = EventLoop::new();
    let polled = Rc::new(Cell::new(false));
    let (flag, dropped) = drop_flag();
    let seen = Rc::clone(&polled);
    let task = event_loop
        .create_task(async move {
            let _flag = flag;
            seen.set(true);
        })
        .unwrap();
    assert!(task.cancel());
    // Not done yet: cancellation happens when the loop next runs the task.
    assert!(!task.done());
    let outcome = event_loop.run_until_complete(task).unwrap();
    assert!(outcome.unwrap_err().is_cancelled());
    assert!(!polled.get());
    assert!(dropped.get());
}

#[test]
fn a_task_cancelled_while_waiting_drops_its_future_at_once() {
    // A simulated clock: the task sleeps 60 s, which would pass at once if
    // the cancellation did not end it first.
    let event_loop = event_loop_with(ThreadDriver::new(), Clock::simulated());
    let (flag, dropped) = drop_flag();
    let after_sleep = Rc::new(Cell::new(false));
    let reached = Rc::clone(&after_sleep);
    let outcome = event_loop
        .run_until_complete(async move {
            let sleeper = create_task(async move {
                let _flag = flag;
                sleep(Duration::from_secs(60)).await;
                reached.set(true);
            });
            yield_now().await; // the sleeper starts and waits
            assert!(!sleeper.done());
            assert!(sleeper.cancel());
            assert!(
                sleeper.cancel(),
                "a second cancel before it lands is still accepted"
            );
            sleeper.await
        })
        .unwrap();
    assert!(outcome.unwrap_err().is_cancelled());
    assert!(dropped.get());
    assert!(!after_sleep.get());
    assert!(event_loop.time() < 1.0, "the 60 s sleep did not run: {}", event_loop.time());
}

#[test]
fn a_task_that_cancels_itself_stops_at_its_next_await() {
    let event_loop = EventLoop::new();
    let steps = Rc::new(RefCell::new(Vec::new()));
    let log = Rc::clone(&steps);
    let task = event_loop
        .create_task(async move {
            log.borrow_mut().push("before cancel");
            assert!(current_task().unwrap().cancel());
            // Still running: cancellation waits for an await that suspends.
            log.borrow_mut().push("after cancel");
            yield_now().await;
            log.borrow_mut().push("after await");
        })
        .unwrap();
    let outcome = event_loop.run_until_complete(task).unwrap();
    assert!(outcome.unwrap_err().is_cancelled());
    assert_eq!(*steps.borrow(), ["before cancel", "after cancel"]);
}

#[test]
fn a_task_that_cancels_itself_and_returns_ends_cancelled_as_in_asyncio() {
    let event_loop = EventLoop::new();
    let task = event_loop
        .create_task(async {
            current_task().unwrap().cancel();
            5
        })
        .unwrap();
    assert!(event_loop.run_until_complete(task).unwrap().unwrap_err().is_cancelled());
}

#[test]
fn cancelling_a_finished_task_does_nothing_and_says_so() {
    let event_loop = EventLoop::new();
    let task = event_loop.create_task(async { 7 }).unwrap();
    event_loop.run_until_complete(yield_now()).unwrap();
    assert!(task.done());
    assert!(!task.cancel());
    assert!(!task.cancelled());
    assert_eq!(task.result().unwrap(), 7);
}

#[test]
fn current_task_is_none_outside_tasks() {
    let event_loop = EventLoop::new();
    assert!(current_task().is_none());
    let inside =
        event_loop.run_until_complete(async { current_task().is_none() }).unwrap();
    assert!(inside, "run_until_complete's own future is not a task");
    let task =
        event_loop.create_task(async { current_task().map(|task| task.name()) }).unwrap();
    assert_eq!(
        event_loop.run_until_complete(task).unwrap().unwrap().as_deref(),
        Some("Task-1")
    );
}

#[test]
fn done_callbacks_run_through_the_loop_in_order() {
    let event_loop = EventLoop::new();
    let calls = Rc::new(RefCell::new(Vec::new()));
    let task = event_loop.create_task(async { 10 }).unwrap();
    for n in 1..=3 {
        let calls = Rc::clone(&calls);
        task.add_done_callback(move |task| {
            calls.borrow_mut().push((n, task.result().unwrap()))
        });
    }
    // The task finishes in the first turn; its callbacks are scheduled with
    // call_soon, so they run in the next one.
    let observed = Rc::clone(&calls);
    event_loop
        .run_until_complete(async move {
            yield_now().await;
            assert!(
                observed.borrow().is_empty(),
                "callbacks are not called inside the task's step"
            );
            yield_now().await;
        })
        .unwrap();
    assert_eq!(*calls.borrow(), [(1, 10), (2, 10), (3, 10)]);

    // One added after the task finished is still called, on the next turn.
    let late = Rc::clone(&calls);
    task.add_done_callback(move |task| {
        late.borrow_mut().push((4, task.result().unwrap()))
    });
    assert_eq!(calls.borrow().len(), 3);
    event_loop.run_until_complete(yield_now()).unwrap();
    assert_eq!(calls.borrow().last(), Some(&(4, 10)));
}

#[test]
fn run_until_complete_returns_after_the_tasks_done_callbacks_ran() {
    // T5: ensure_future, add_done_callback, run_until_complete(future).
    let event_loop = EventLoop::new();
    let printed = Rc::new(RefCell::new(Vec::new()));
    let task = event_loop.ensure_future(async { "ends" }).unwrap();
    let log = Rc::clone(&printed);
    task.add_done_callback(move |task| log.borrow_mut().push(task.result().unwrap()));
    let output = event_loop.run_until_complete(task).unwrap().unwrap();
    assert_eq!(
        *printed.borrow(),
        ["ends"],
        "the callback ran before run_until_complete returned"
    );
    assert_eq!(output, "ends");

    let future = event_loop.create_future::<u8>();
    let log = Rc::clone(&printed);
    future.add_done_callback(move |_| log.borrow_mut().push("future"));
    let setter = future.clone();
    drop(event_loop.create_task(async move { setter.set_result(1).unwrap() }).unwrap());
    event_loop.run_until_complete(future).unwrap().unwrap();
    assert_eq!(printed.borrow().last(), Some(&"future"));
}

#[test]
fn a_finished_task_tells_its_awaiter_and_callbacks_in_the_order_they_came() {
    let event_loop = EventLoop::new();
    let order = Rc::new(RefCell::new(Vec::new()));
    event_loop
        .run_until_complete({
            let order = Rc::clone(&order);
            async move {
                let task = Rc::new(create_task(yield_now()));
                let note = |what: &'static str| {
                    let order = Rc::clone(&order);
                    move |_: &Task<()>| order.borrow_mut().push(what)
                };
                task.add_done_callback(note("callback before"));
                let watcher = create_task({
                    let (task, order) = (Rc::clone(&task), Rc::clone(&order));
                    async move {
                        std::future::poll_fn(|cx| task.poll_done(cx)).await;
                        order.borrow_mut().push("awaiter");
                    }
                });
                yield_now().await; // the watcher waits now
                task.add_done_callback(note("callback after"));
                task.add_done_callback(note("another after"));
                watcher.await.unwrap();
            }
        })
        .unwrap();
    assert_eq!(
        *order.borrow(),
        ["callback before", "awaiter", "callback after", "another after"]
    );
}

#[test]
fn a_bare_future_tells_its_waiters_and_callbacks_in_the_order_they_came() {
    let event_loop = EventLoop::new();
    let order = Rc::new(RefCell::new(Vec::new()));
    let future = event_loop.create_future::<u8>();
    let note = |what: &'static str| {
        let order = Rc::clone(&order);
        move |_: &BareFuture<u8>| order.borrow_mut().push(what)
    };
    let waiter = |what: &'static str| {
        let (future, order) = (future.clone(), Rc::clone(&order));
        async move {
            future.await.unwrap();
            order.borrow_mut().push(what);
        }
    };
    event_loop
        .run_until_complete(async {
            future.add_done_callback(note("callback 1"));
            let first = create_task(waiter("waiter 1"));
            yield_now().await;
            future.add_done_callback(note("callback 2"));
            let second = create_task(waiter("waiter 2"));
            yield_now().await;
            future.set_result(7).unwrap();
            first.await.unwrap();
            second.await.unwrap();
        })
        .unwrap();
    assert_eq!(*order.borrow(), ["callback 1", "waiter 1", "callback 2", "waiter 2"]);
}

#[test]
fn a_panic_becomes_the_tasks_error_and_the_loop_goes_on() {
    let event_loop = EventLoop::new();
    let reports = capture_reports(&event_loop);
    let (bad, good) = event_loop
        .run_until_complete(async {
            let bad = create_task(async {
                yield_now().await;
                panic!("boom");
            });
            let good = create_task(async {
                for _ in 0..3 {
                    yield_now().await;
                }
                "still running"
            });
            (bad.await, good.await)
        })
        .unwrap();
    match bad.unwrap_err() {
        TaskError::Panicked(message) => assert_eq!(message, "boom"),
        other => panic!("expected a panic, got {other:?}"),
    }
    assert_eq!(good.unwrap(), "still running");
    assert!(reports.borrow().is_empty(), "an awaited panic was retrieved");
}

#[test]
fn exception_returns_the_panic_of_a_finished_task() {
    let event_loop = EventLoop::new();
    let reports = capture_reports(&event_loop);
    let task = event_loop.create_task(async { panic!("bad input") }).unwrap();
    event_loop.run_until_complete(yield_now()).unwrap();
    assert!(matches!(task.exception(), Ok(Some(TaskError::Panicked(_)))));
    assert!(task.result().unwrap_err().is_panic());
    drop(task);
    assert!(reports.borrow().is_empty());
}

#[test]
fn a_panic_nobody_looked_at_is_reported_when_the_handle_drops() {
    let event_loop = EventLoop::new();
    let reports = capture_reports(&event_loop);
    let task = event_loop.create_task(async { panic!("lost") }).unwrap();
    task.set_name("worker");
    event_loop.run_until_complete(yield_now()).unwrap();
    assert!(task.done());
    assert!(reports.borrow().is_empty(), "the handle may still look");
    drop(task);
    let reports = reports.borrow();
    assert_eq!(reports.len(), 1);
    assert!(
        reports[0].starts_with("Task exception was never retrieved: worker (created at "),
        "{}",
        reports[0]
    );
    assert!(reports[0].ends_with("panicked: lost"), "{}", reports[0]);
}

#[test]
fn a_detached_task_that_panics_is_reported_when_it_finishes() {
    let event_loop = EventLoop::new();
    let reports = capture_reports(&event_loop);
    drop(event_loop.create_task(async { panic!("detached") }).unwrap());
    event_loop.run_until_complete(yield_now()).unwrap();
    assert_eq!(reports.borrow().len(), 1);
    // A cancelled task is not a failure to report.
    let task = event_loop.create_task(pending::<()>()).unwrap();
    task.cancel();
    drop(task);
    event_loop.run_until_complete(yield_now()).unwrap();
    assert_eq!(reports.borrow().len(), 1);
}

#[test]
fn a_done_callback_that_looks_at_the_panic_retrieves_it() {
    let event_loop = EventLoop::new();
    let reports = capture_reports(&event_loop);
    let task = event_loop.create_task(async { panic!("seen") }).unwrap();
    let seen = Rc::new(Cell::new(false));
    let saw = Rc::clone(&seen);
    task.add_done_callback(move |task| saw.set(task.exception().unwrap().is_some()));
    drop(task);
    event_loop
        .run_until_complete(async {
            yield_now().await;
            yield_now().await;
        })
        .unwrap();
    assert!(seen.get());
    assert!(reports.borrow().is_empty());
}

#[test]
fn dropping_a_handle_detaches_the_task() {
    let event_loop = EventLoop::new();
    let finished = Rc::new(Cell::new(false));
    let flag = Rc::clone(&finished);
    drop(
        event_loop
            .create_task(async move {
                yield_now().await;
                flag.set(true);
            })
            .unwrap(),
    );
    assert_eq!(event_loop.pending_tasks(), 1);
    event_loop
        .run_until_complete(async {
            yield_now().await;
            yield_now().await;
        })
        .unwrap();
    assert!(finished.get());
    assert_eq!(event_loop.pending_tasks(), 0);
}

#[test]
fn closing_the_loop_cancels_pending_tasks() {
    let event_loop = EventLoop::new();
    let (flag, dropped) = drop_flag();
    let waiting = event_loop
        .create_task(async move {
            let _flag = flag;
            pending::<()>().await;
        })
        .unwrap();
    event_loop.stop();
    event_loop.run_forever().unwrap();
    assert!(!waiting.done());
    let never_run = event_loop.create_task(async {}).unwrap();
    event_loop.close().unwrap();
    assert!(dropped.get());
    assert!(waiting.cancelled());
    assert!(never_run.cancelled());
    assert_eq!(event_loop.pending_tasks(), 0);
}

#[test]
fn dropping_an_unclosed_loop_drops_the_futures_of_its_tasks() {
    let (flag, dropped) = drop_flag();
    let task = {
        let event_loop = EventLoop::new();
        event_loop
            .create_task(async move {
                let _flag = flag;
                pending::<()>().await;
            })
            .unwrap()
    };
    assert!(dropped.get());
    assert!(task.cancelled());
}

#[test]
fn a_bare_future_is_awaited_by_many_tasks() {
    let event_loop = EventLoop::new();
    let future = event_loop.create_future::<String>();
    let waiters: Vec<_> = (0..3)
        .map(|n| {
            let future = future.clone();
            event_loop
                .create_task(async move { format!("{n}: {}", future.await.unwrap()) })
                .unwrap()
        })
        .collect();
    let setter = future.clone();
    let results = event_loop
        .run_until_complete(async move {
            yield_now().await; // every waiter is parked on the future now
            assert!(!setter.done());
            setter.set_result("ready".to_owned()).unwrap();
            let mut results = Vec::new();
            for waiter in waiters {
                results.push(waiter.await.unwrap());
            }
            results
        })
        .unwrap();
    assert_eq!(results, ["0: ready", "1: ready", "2: ready"]);
    assert_eq!(future.result().unwrap(), "ready");
}

#[test]
fn completing_a_bare_future_twice_is_an_error_not_a_panic() {
    let event_loop = EventLoop::new();
    let future = event_loop.create_future::<u32>();
    assert!(matches!(future.result(), Err(TaskError::InvalidState(_))));
    future.set_result(1).unwrap();
    let err = future.set_result(2).unwrap_err();
    assert_eq!(err.to_string(), "invalid state");
    assert!(future.set_exception(io::Error::other("late")).is_err());
    assert!(!future.cancel());
    assert_eq!(future.result().unwrap(), 1);
}

#[test]
fn a_bare_future_carries_an_exception_or_a_cancellation_to_its_waiters() {
    let event_loop = EventLoop::new();
    let failed = event_loop.create_future::<u32>();
    let cancelled = event_loop.create_future::<u32>();
    let (f, c) = (failed.clone(), cancelled.clone());
    let outcome = event_loop
        .run_until_complete(async move {
            let a = create_task(f);
            let b = create_task(c);
            yield_now().await;
            failed.set_exception(io::Error::other("disk on fire")).unwrap();
            assert!(cancelled.cancel());
            (a.await.unwrap(), b.await.unwrap())
        })
        .unwrap();
    match outcome.0 {
        Err(TaskError::Exception(err)) => assert_eq!(err.to_string(), "disk on fire"),
        other => panic!("expected the exception, got {other:?}"),
    }
    assert!(outcome.1.unwrap_err().is_cancelled());
}

#[test]
fn bare_future_done_callbacks_run_in_order_through_the_loop() {
    let event_loop = EventLoop::new();
    let future = event_loop.create_future::<u8>();
    let calls = Rc::new(RefCell::new(Vec::new()));
    for n in 0..3 {
        let calls = Rc::clone(&calls);
        future.add_done_callback(move |future| {
            calls.borrow_mut().push((n, future.result().unwrap()))
        });
    }
    future.set_result(9).unwrap();
    assert!(calls.borrow().is_empty());
    event_loop.run_until_complete(yield_now()).unwrap();
    assert_eq!(*calls.borrow(), [(0, 9), (1, 9), (2, 9)]);
}

#[test]
fn a_waiter_that_gives_up_frees_its_place() {
    let event_loop = EventLoop::new();
    let future = event_loop.create_future::<u8>();
    let impatient = future.clone();
    let task = event_loop.create_task(impatient).unwrap();
    event_loop.run_until_complete(yield_now()).unwrap();
    task.cancel();
    event_loop.run_until_complete(yield_now()).unwrap();
    assert!(task.cancelled());
    // The cancelled waiter's clone is dropped; a new waiter reuses its place
    // and is woken as usual.
    let patient = future.clone();
    let task = event_loop.create_task(patient).unwrap();
    event_loop.run_until_complete(yield_now()).unwrap();
    future.set_result(3).unwrap();
    assert_eq!(event_loop.run_until_complete(task).unwrap().unwrap().unwrap(), 3);
}

/// A future that hands out its waker and then waits for `n` polls.
struct PollCounter {
    polls: Rc<Cell<usize>>,
    waker: Rc<RefCell<Option<Waker>>>,
    until: usize,
}

impl Future for PollCounter {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.polls.set(self.polls.get() + 1);
        *self.waker.borrow_mut() = Some(cx.waker().clone());
        if self.polls.get() >= self.until { Poll::Ready(()) } else { Poll::Pending }
    }
}

#[test]
fn a_task_woken_many_times_before_it_runs_is_polled_once() {
    let event_loop = EventLoop::new();
    let polls = Rc::new(Cell::new(0));
    let waker = Rc::new(RefCell::new(None));
    let counter =
        PollCounter { polls: Rc::clone(&polls), waker: Rc::clone(&waker), until: 3 };
    let task = event_loop.create_task(counter).unwrap();
    event_loop.run_until_complete(yield_now()).unwrap();
    assert_eq!(polls.get(), 1);

    let waker = waker.borrow().clone().unwrap();
    for _ in 0..10 {
        waker.wake_by_ref();
    }
    event_loop.run_until_complete(yield_now()).unwrap();
    assert_eq!(polls.get(), 2, "ten wakes, one poll");

    // Waking a finished task is harmless, here and from another thread.
    waker.wake_by_ref();
    event_loop.run_until_complete(yield_now()).unwrap();
    assert!(task.done());
    let remote = waker.clone();
    thread::spawn(move || remote.wake()).join().unwrap();
    waker.wake();
    event_loop.run_until_complete(yield_now()).unwrap();
    assert_eq!(polls.get(), 3);
    assert_eq!(event_loop.run_until_complete(task).unwrap().ok(), Some(()));
}

/// A driver that counts unparks: a wake on the loop's own thread must not
/// need one.
struct CountingDriver {
    inner: ThreadDriver,
    unparks: Arc<AtomicUsize>,
}

struct CountingUnpark {
    inner: Arc<dyn Unpark>,
    unparks: Arc<AtomicUsize>,
}

impl Unpark for CountingUnpark {
    fn unpark(&self) {
        self.unparks.fetch_add(1, Ordering::Relaxed);
        self.inner.unpark();
    }
}

impl Driver for CountingDriver {
    fn park(
        &mut self,
        timeout: Option<Duration>,
        ready: &mut ReadyQueue,
    ) -> io::Result<()> {
        self.inner.park(timeout, ready)
    }

    fn unparker(&self) -> Arc<dyn Unpark> {
        Arc::new(CountingUnpark {
            inner: self.inner.unparker(),
            unparks: Arc::clone(&self.unparks),
        })
    }
}

#[test]
fn a_wake_on_the_loops_own_thread_takes_the_fast_path() {
    let unparks = Arc::new(AtomicUsize::new(0));
    let driver =
        CountingDriver { inner: ThreadDriver::new(), unparks: Arc::clone(&unparks) };
    let event_loop = EventLoop::with_driver(Box::new(driver));
    event_loop
        .run_until_complete(async {
            let task = create_task(async {
                for _ in 0..1_000 {
                    yield_now().await;
                }
            });
            task.await.unwrap();
        })
        .unwrap();
    // The awaiting future (not a task) is woken once, through its flag.
    assert!(
        unparks.load(Ordering::Relaxed) <= 1,
        "{} unparks",
        unparks.load(Ordering::Relaxed)
    );
}

#[test]
fn wakes_from_other_threads_are_never_lost() {
    const TASKS: usize = 8;
    const ROUNDS: usize = 2_000;
    // The loop runs on its own thread so that this one can give up on it:
    // a lost wake-up fails the test instead of hanging it.
    let (done_tx, done_rx) = mpsc::channel();
    let runner = thread::spawn(move || {
        let event_loop = EventLoop::new();
        let total = event_loop
            .run_until_complete(async {
                let tasks: Vec<_> =
                    (0..TASKS).map(|_| create_task(ping_a_thread(ROUNDS))).collect();
                let mut total = 0;
                for task in tasks {
                    total += task.await.unwrap();
                }
                total
            })
            .unwrap();
        done_tx.send(total).unwrap();
    });
    let total = done_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("a wake-up was lost: the loop hangs");
    assert_eq!(total, TASKS * ROUNDS);
    runner.join().unwrap();
}

/// `rounds` round trips to a helper thread that sets a flag and wakes us.
async fn ping_a_thread(rounds: usize) -> usize {
    struct Ping {
        flag: Arc<AtomicBool>,
        waker: Arc<Mutex<Option<Waker>>>,
    }
    impl Future for Ping {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            *self.waker.lock().unwrap() = Some(cx.waker().clone());
            if self.flag.swap(false, Ordering::AcqRel) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }
    }
    let flag = Arc::new(AtomicBool::new(false));
    let waker = Arc::new(Mutex::new(None::<Waker>));
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let helper = {
        let (flag, waker) = (Arc::clone(&flag), Arc::clone(&waker));
        thread::spawn(move || {
            for () in go_rx {
                flag.store(true, Ordering::Release);
                if let Some(waker) = waker.lock().unwrap().take() {
                    waker.wake();
                }
            }
        })
    };
    let mut count = 0;
    for _ in 0..rounds {
        go_tx.send(()).unwrap();
        Ping { flag: Arc::clone(&flag), waker: Arc::clone(&waker) }.await;
        count += 1;
    }
    drop(go_tx);
    helper.join().unwrap();
    count
}

#[test]
fn a_done_callback_dropped_by_close_still_releases_its_task() {
    let event_loop = EventLoop::new();
    let reports = capture_reports(&event_loop);
    let task = event_loop.create_task(async { panic!("unseen") }).unwrap();
    task.add_done_callback(|_| unreachable!("the loop closes before it runs"));
    drop(task);
    // The task finishes in this turn; its callback is queued for the next,
    // which never comes: close drops it, and the panic is reported then.
    event_loop.stop();
    event_loop.run_forever().unwrap();
    assert!(reports.borrow().is_empty());
    event_loop.close().unwrap();
    assert_eq!(reports.borrow().len(), 1);
}

// ---------------------------------------------------------------- observer

#[test]
fn tasks_report_their_lives_to_the_loops_observer() {
    use std::any::Any;
    use std::sync::{Arc, Mutex};

    use stepio_poll_loop::{Observer, TaskEvent};

    use crate::TaskRenamed;

    /// Keeps every task event and rename, in order.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl Observer for Recorder {
        fn event(&self, event: &dyn Any) {
            let line = if let Some(event) = event.downcast_ref::<TaskEvent>() {
                match event {
                    TaskEvent::Spawned { number, .. } => format!("spawned {number}"),
                    TaskEvent::Done { number, end } => format!("done {number} {end:?}"),
                    TaskEvent::PendingAtClose { number } => {
                        format!("pending at close {number}")
                    }
                    TaskEvent::Woken { .. } => return,
                    other => format!("{other:?}"),
                }
            } else if let Some(TaskRenamed { number, name }) =
                event.downcast_ref::<TaskRenamed>()
            {
                format!("renamed {number} {name}")
            } else {
                return;
            };
            self.0.lock().unwrap().push(line);
        }
    }

    let event_loop = EventLoop::new();
    let recorder = Arc::new(Recorder::default());
    assert!(event_loop.set_observer(Arc::clone(&recorder) as Arc<dyn Observer>));
    event_loop.set_exception_handler(|_| {}); // the panic below is expected
    let forever = event_loop.create_task(pending::<()>()).unwrap();
    forever.set_name("forever");
    event_loop
        .run_until_complete(async {
            let ok = create_task(async { 1 });
            let bad = create_task(async { panic!("boom") });
            let doomed = create_task(pending::<()>());
            doomed.cancel();
            let _ = (ok.await, bad.await, doomed.await);
        })
        .unwrap();
    event_loop.close().unwrap();
    assert_eq!(
        *recorder.0.lock().unwrap(),
        [
            "spawned 1",
            "renamed 1 forever",
            "spawned 2",
            "spawned 3",
            "spawned 4",
            "done 2 Finished",
            "done 3 Panicked",
            "done 4 Cancelled",
            "done 0 Finished",
            "pending at close 1",
            "done 1 Cancelled",
        ]
    );
}
