use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use stepio_poll_loop::{EventLoop, LoopError};
use stepio_tasks::{LoopTasks, create_task};

use super::*;
use stepio_waker::testing::within;

/// A gate a job waits at until the test opens it: jobs are held without
/// sleeping.
fn gate() -> (mpsc::Sender<()>, impl FnOnce() + Send + 'static) {
    let (open, wait) = mpsc::channel::<()>();
    (open, move || {
        let _ = wait.recv();
    })
}

// ------------------------------------------------------------------ pool

#[test]
fn jobs_submitted_from_many_threads_all_run() {
    let pool = ThreadPoolExecutor::new(4);
    let futures: Vec<ConcurrentFuture<usize>> = thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|thread| {
                let pool = pool.clone();
                scope.spawn(move || {
                    (0..250)
                        .map(|n| pool.submit(move || thread * 1000 + n).unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|handle| handle.join().unwrap()).collect()
    });
    let mut results: Vec<usize> =
        futures.iter().map(|future| future.result().unwrap()).collect();
    results.sort_unstable();
    let mut expected: Vec<usize> =
        (0..8).flat_map(|thread| (0..250).map(move |n| thread * 1000 + n)).collect();
    expected.sort_unstable();
    assert_eq!(results, expected);
    assert!(pool.workers() <= 4);
}

#[test]
fn workers_start_on_demand_up_to_the_maximum_and_are_named() {
    let pool = ThreadPoolExecutor::with_name(3, "pool");
    assert_eq!(pool.workers(), 0, "no thread before the first job");
    let (open_first, wait_first) = gate();
    let first = pool.submit(move || {
        wait_first();
        thread::current().name().map(str::to_owned)
    });
    assert_eq!(pool.workers(), 1);
    // With the first worker busy, each new job gets a new worker, up to 3.
    let (opens, waits): (Vec<_>, Vec<_>) = (0..4).map(|_| gate()).unzip();
    let rest: Vec<_> = waits
        .into_iter()
        .map(|wait| {
            pool.submit(move || {
                wait();
                thread::current().name().map(str::to_owned)
            })
            .unwrap()
        })
        .collect();
    assert_eq!(pool.workers(), 3);
    open_first.send(()).unwrap();
    for open in opens {
        open.send(()).unwrap();
    }
    let mut names: Vec<String> = std::iter::once(first.unwrap())
        .chain(rest)
        .map(|future| future.result().unwrap().unwrap())
        .collect();
    names.sort();
    names.dedup();
    assert!(
        names.iter().all(|name| ["pool_0", "pool_1", "pool_2"].contains(&name.as_str())),
        "{names:?}"
    );
    assert_eq!(
        ThreadPoolExecutor::default_size(),
        (thread::available_parallelism().unwrap().get() + 4).min(32)
    );
}

#[test]
fn result_with_a_timeout_gives_up_and_the_job_goes_on() {
    let pool = ThreadPoolExecutor::new(1);
    let (open, wait) = gate();
    let future = pool
        .submit(move || {
            wait();
            "hello"
        })
        .unwrap();
    assert_eq!(future.result_timeout(Duration::from_millis(20)), Err(JobError::Timeout));
    assert!(!future.done());
    open.send(()).unwrap();
    assert_eq!(future.result_timeout(Duration::from_secs(10)), Ok("hello"));
    assert!(future.done() && !future.running() && !future.cancelled());
}

#[test]
fn cancel_succeeds_only_before_the_job_starts() {
    let pool = ThreadPoolExecutor::new(1);
    let (open, wait) = gate();
    let started = Arc::new(Barrier::new(2));
    let running = {
        let started = Arc::clone(&started);
        pool.submit(move || {
            started.wait();
            wait();
            1
        })
        .unwrap()
    };
    started.wait();
    // The only worker is busy: this one waits in the queue.
    let ran = Arc::new(AtomicBool::new(false));
    let queued = {
        let ran = Arc::clone(&ran);
        pool.submit(move || ran.store(true, Ordering::SeqCst)).unwrap()
    };
    assert!(running.running());
    assert!(!running.cancel(), "a running job cannot be cancelled");
    assert!(queued.cancel());
    assert!(queued.cancel(), "cancelling again still says cancelled");
    assert!(queued.cancelled() && queued.done());
    assert_eq!(queued.result(), Err(JobError::Cancelled));
    open.send(()).unwrap();
    assert_eq!(running.result(), Ok(1));
    assert!(!running.cancel(), "a finished job cannot be cancelled");
    // A job after the cancelled one runs, so the worker went past it.
    assert_eq!(pool.submit(|| 3).unwrap().result(), Ok(3));
    assert!(!ran.load(Ordering::SeqCst), "the cancelled job never ran");
}

#[test]
fn a_panicking_job_is_that_jobs_error_and_its_worker_lives_on() {
    let pool = ThreadPoolExecutor::new(1);
    let failed = pool.submit(|| -> u32 { panic!("boom") }).unwrap();
    assert_eq!(failed.result(), Err(JobError::Panicked("boom".into())));
    let name = pool.submit(|| thread::current().name().map(str::to_owned)).unwrap();
    assert_eq!(pool.workers(), 1, "the same worker ran the next job");
    assert!(name.result().unwrap().unwrap().ends_with("_0"));
    let formatted = pool.submit(|| -> u32 { panic!("code {}", 7) }).unwrap();
    assert_eq!(formatted.into_result(), Err(JobError::Panicked("code 7".into())));
}

#[test]
fn shutdown_with_wait_runs_the_queued_jobs_then_refuses_new_ones() {
    let pool = ThreadPoolExecutor::new(2);
    let done = Arc::new(AtomicUsize::new(0));
    let futures: Vec<_> = (0..20)
        .map(|_| {
            let done = Arc::clone(&done);
            pool.submit(move || done.fetch_add(1, Ordering::SeqCst)).unwrap()
        })
        .collect();
    pool.shutdown(true);
    assert_eq!(
        done.load(Ordering::SeqCst),
        20,
        "every queued job ran before shutdown returned"
    );
    assert!(futures.iter().all(ConcurrentFuture::done));
    assert_eq!(pool.submit(|| 0).unwrap_err(), ShutDown);
    assert_eq!(ShutDown.to_string(), "cannot schedule new futures after shutdown");
}

#[test]
fn shutdown_without_wait_returns_at_once_and_the_job_still_finishes() {
    let pool = ThreadPoolExecutor::new(1);
    let (open, wait) = gate();
    let future = pool
        .submit(move || {
            wait();
            "finished anyway"
        })
        .unwrap();
    pool.shutdown(false);
    assert!(!future.done());
    open.send(()).unwrap();
    assert_eq!(future.result(), Ok("finished anyway"));
}

#[test]
fn dropping_the_last_handle_lets_queued_jobs_finish() {
    let pool = ThreadPoolExecutor::new(1);
    let (open, wait) = gate();
    let first = pool.submit(wait).unwrap();
    let second = pool.submit(|| "second").unwrap();
    let clone = pool.clone();
    drop(pool);
    assert!(clone.submit(|| "still open").is_ok(), "a clone keeps the pool open");
    drop(clone);
    open.send(()).unwrap();
    first.result().unwrap();
    assert_eq!(second.result(), Ok("second"));
}

#[test]
fn done_callbacks_run_on_the_finishing_thread_or_at_once() {
    let pool = ThreadPoolExecutor::with_name(1, "callbacks");
    let (open, wait) = gate();
    let future = pool
        .submit(move || {
            wait();
            5
        })
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let sender = tx.clone();
    future.add_done_callback(move |future| {
        let name = thread::current().name().map(str::to_owned);
        sender.send((name, future.result())).unwrap();
    });
    open.send(()).unwrap();
    let (name, result) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!((name.as_deref(), result), (Some("callbacks_0"), Ok(5)));
    // Added after the job finished: called at once, here.
    future.add_done_callback(move |future| tx.send((None, future.result())).unwrap());
    assert_eq!(rx.try_recv().unwrap(), (None, Ok(5)));
}

#[test]
fn map_gives_results_in_the_order_of_the_items() {
    let pool = ThreadPoolExecutor::new(3);
    let squares: Vec<_> =
        pool.map(|n: u64| n * n, 0..50).unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(squares, (0..50).map(|n| n * n).collect::<Vec<_>>());
    let mixed: Vec<_> = pool
        .map(|n: u32| if n == 1 { panic!("one") } else { n }, [0, 1, 2])
        .unwrap()
        .collect();
    assert_eq!(mixed, [Ok(0), Err(JobError::Panicked("one".into())), Ok(2)]);
}

// ------------------------------------------------------------- the loop

#[test]
fn run_in_executor_results_are_awaited_from_tasks() {
    within(Duration::from_secs(30), || {
        let event_loop = stepio_reactor::new_event_loop().unwrap();
        let pool = ThreadPoolExecutor::new(2);
        let job = event_loop
            .run_in_executor(Some(&pool), || thread::current().name().map(str::to_owned));
        let name = event_loop.run_until_complete(job.unwrap()).unwrap().unwrap().unwrap();
        assert!(name.starts_with("ThreadPoolExecutor-"), "{name}");
        // The default executor: made on first use, Python's size.
        let total = event_loop
            .run_until_complete(async {
                let a = to_thread(|| 40);
                let b = to_thread(|| 2);
                a.await.unwrap() + b.await.unwrap()
            })
            .unwrap();
        assert_eq!(total, 42);
        let default = event_loop.default_executor().unwrap();
        assert_eq!(default.max_workers(), ThreadPoolExecutor::default_size());
        event_loop.close().unwrap();
        // Closing the loop shut its default executor down.
        assert_eq!(default.submit(|| ()).unwrap_err(), ShutDown);
        assert!(matches!(
            event_loop.run_in_executor(None, || ()),
            Err(LoopError::Closed)
        ));
    });
}

// ANCHOR: cancel_awaiting_test
#[test]
fn cancelling_the_awaiting_task_does_not_stop_a_started_job() {
    within(Duration::from_secs(30), || {
        let event_loop = stepio_reactor::new_event_loop().unwrap();
        let (open, wait) = gate();
        let (started_tx, started_rx) = mpsc::channel();
        let finished = Arc::new(AtomicBool::new(false));
        let job = {
            let finished = Arc::clone(&finished);
            event_loop
                .run_in_executor(None, move || {
                    started_tx.send(()).unwrap();
                    wait();
                    finished.store(true, Ordering::SeqCst);
                })
                .unwrap()
        };
        let watcher = job.clone();
        let task = event_loop.create_task(job).unwrap();
        started_rx.recv().unwrap(); // the job is running
        task.cancel();
        let outcome = event_loop.run_until_complete(task).unwrap();
        assert!(outcome.unwrap_err().is_cancelled(), "the task is cancelled at once");
        assert!(!finished.load(Ordering::SeqCst), "the job is still running");
        open.send(()).unwrap();
        assert_eq!(watcher.result(), Ok(()));
        assert!(finished.load(Ordering::SeqCst), "the job ran to its end");
        event_loop.close().unwrap();
    });
}
// ANCHOR_END: cancel_awaiting_test

#[test]
fn a_queued_job_can_be_cancelled_through_its_future() {
    within(Duration::from_secs(30), || {
        let event_loop = EventLoop::new();
        let pool = ThreadPoolExecutor::new(1);
        let (open, wait) = gate();
        let busy = event_loop.run_in_executor(Some(&pool), wait).unwrap();
        let queued = event_loop.run_in_executor(Some(&pool), || "never").unwrap();
        assert!(queued.cancel());
        let outcome = event_loop.run_until_complete(queued).unwrap();
        assert_eq!(outcome, Err(JobError::Cancelled));
        open.send(()).unwrap();
        event_loop.run_until_complete(busy).unwrap().unwrap();
        event_loop.close().unwrap();
    });
}

// ANCHOR: stress_test
#[test]
fn a_hundred_thousand_round_trips_lose_no_wake() {
    // Bounded: 100,000 jobs, in batches of 16 awaited together, on a loop
    // that parks in epoll_wait whenever it waits; a lost wake hangs a
    // batch, and `within` fails the test after 120 s.
    const JOBS: usize = 100_000;
    const BATCH: usize = 16;
    let sum = within(Duration::from_secs(120), || {
        let event_loop = stepio_reactor::new_event_loop().unwrap();
        let pool = ThreadPoolExecutor::new(4);
        let sum = event_loop
            .run_until_complete(async {
                let mut sum = 0;
                for batch in 0..JOBS / BATCH {
                    let jobs = (0..BATCH).map(|n| {
                        let job = batch * BATCH + n;
                        stepio_poll_loop::get_running_loop()
                            .unwrap()
                            .run_in_executor(Some(&pool), move || job)
                    });
                    let jobs: Vec<_> = jobs.map(Result::unwrap).collect();
                    for job in stepio_gather::join_all(jobs).await {
                        sum += job.unwrap();
                    }
                }
                sum
            })
            .unwrap();
        event_loop.close().unwrap();
        sum
    });
    assert_eq!(sum, (JOBS - 1) * JOBS / 2);
}
// ANCHOR_END: stress_test

#[test]
fn a_thousand_serial_round_trips_through_tasks() {
    within(Duration::from_secs(60), || {
        let event_loop = stepio_reactor::new_event_loop().unwrap();
        let total = event_loop
            .run_until_complete(async {
                let worker = create_task(async {
                    let mut total = 0;
                    for n in 0..1000_u64 {
                        total += to_thread(move || n).await.unwrap();
                    }
                    total
                });
                worker.await.unwrap()
            })
            .unwrap();
        assert_eq!(total, 999 * 1000 / 2);
        event_loop.close().unwrap();
    });
}

/// The state of a thread, from /proc: `S` (sleeping) and the kernel
/// function it sleeps in.
fn thread_state(path: &str) -> (char, String) {
    let stat = std::fs::read_to_string(format!("{path}/stat")).unwrap_or_default();
    let state = stat
        .rsplit(')')
        .next()
        .and_then(|rest| rest.trim().chars().next())
        .unwrap_or('?');
    let wchan = std::fs::read_to_string(format!("{path}/wchan")).unwrap_or_default();
    (state, wchan)
}

// ANCHOR: threadsafe_test
#[test]
fn call_soon_threadsafe_wakes_a_loop_parked_in_epoll_wait() {
    within(Duration::from_secs(30), || {
        let event_loop = stepio_reactor::new_event_loop().unwrap();
        let remote = event_loop.remote();
        // The loop thread's /proc entry, for the other thread to watch.
        let me = format!(
            "/proc/{}",
            std::fs::read_link("/proc/thread-self").unwrap().display()
        );
        let (running_tx, running_rx) = mpsc::channel::<()>();
        // Once the loop runs this, it has nothing to do: it parks.
        event_loop.call_soon(move || running_tx.send(()).unwrap()).unwrap();
        let ran_on = Arc::new(std::sync::Mutex::new(None));
        let caller = thread::spawn({
            let ran_on = Arc::clone(&ran_on);
            move || {
                running_rx.recv().unwrap();
                // Wait (bounded) until the loop's thread sleeps in epoll_wait.
                let parked = (0..100_000).any(|_| {
                    let (state, wchan) = thread_state(&me);
                    // Kernels name the wait `do_epoll_wait` or `ep_poll`
                    // (with the poll(2) backend, `do_sys_poll` or
                    // `poll_schedule_timeout`); one that hides wait
                    // channels shows "0".
                    let in_epoll = wchan.contains("poll");
                    let parked =
                        state == 'S' && (in_epoll || matches!(wchan.trim(), "" | "0"));
                    if !parked {
                        thread::yield_now();
                    }
                    parked
                });
                // The only thing that stops the loop: this callback.
                remote
                    .call_soon_threadsafe(move || {
                        *ran_on.lock().unwrap() = Some(thread::current().id());
                        stepio_poll_loop::get_running_loop().unwrap().stop();
                    })
                    .unwrap();
                (parked, remote)
            }
        });
        event_loop.run_forever().unwrap();
        let (parked, remote) = caller.join().unwrap();
        assert!(parked, "the loop's thread was seen asleep in its wait");
        assert_eq!(
            *ran_on.lock().unwrap(),
            Some(thread::current().id()),
            "it ran on the loop's thread"
        );
        event_loop.close().unwrap();
        assert!(matches!(remote.call_soon_threadsafe(|| ()), Err(LoopError::Closed)));
        assert!(remote.is_closed());
    });
}
// ANCHOR_END: threadsafe_test

#[test]
fn jobs_report_to_the_loops_observer_from_their_workers() {
    use std::any::Any;
    use std::sync::Mutex;

    use stepio_poll_loop::{Observer, TaskEvent};

    use crate::{JobFinished, JobStarted};

    /// Keeps job starts and ends, and the threads wakes of main came from.
    #[derive(Default)]
    struct Recorder {
        started: Mutex<Vec<(u64, String)>>,
        finished: Mutex<Vec<u64>>,
        main_woken_from: Mutex<Vec<Option<String>>>,
    }

    impl Observer for Recorder {
        fn event(&self, event: &dyn Any) {
            if let Some(JobStarted { job, thread }) = event.downcast_ref::<JobStarted>() {
                self.started.lock().unwrap().push((*job, thread.clone()));
            } else if let Some(JobFinished { job }) = event.downcast_ref::<JobFinished>()
            {
                self.finished.lock().unwrap().push(*job);
            } else if let Some(TaskEvent::Woken { number: 0 }) =
                event.downcast_ref::<TaskEvent>()
            {
                let thread = std::thread::current().name().map(str::to_owned);
                self.main_woken_from.lock().unwrap().push(thread);
            }
        }
    }

    within(Duration::from_secs(20), || {
        let event_loop = stepio_reactor::new_event_loop().unwrap();
        let recorder = Arc::new(Recorder::default());
        event_loop.set_observer(Arc::clone(&recorder) as Arc<dyn Observer>);
        let pool = ThreadPoolExecutor::with_name(2, "observed");
        let total = event_loop
            .run_until_complete(async {
                // The first job waits until the loop has run a callback, so
                // the main future is already waiting for it when it ends.
                let (release, gate) = mpsc::channel::<()>();
                let first = event_loop_of_task()
                    .run_in_executor(Some(&pool), move || {
                        gate.recv().unwrap();
                        1
                    })
                    .unwrap();
                let second =
                    event_loop_of_task().run_in_executor(Some(&pool), || 2).unwrap();
                event_loop_of_task()
                    .call_soon(move || release.send(()).unwrap())
                    .unwrap();
                first.await.unwrap() + second.await.unwrap()
            })
            .unwrap();
        assert_eq!(total, 3);
        event_loop.close().unwrap();
        pool.shutdown(true);

        let mut started = recorder.started.lock().unwrap().clone();
        let mut finished = recorder.finished.lock().unwrap().clone();
        assert!(
            started.iter().all(|(_, thread)| thread.starts_with("observed_")),
            "{started:?}"
        );
        started.sort_unstable();
        finished.sort_unstable();
        let started: Vec<u64> = started.into_iter().map(|(job, _)| job).collect();
        assert_eq!(started.len(), 2);
        assert_eq!(started, finished);
        // The first job woke the main future from its worker.
        let woken_from = recorder.main_woken_from.lock().unwrap();
        assert!(
            woken_from.iter().flatten().any(|thread| thread.starts_with("observed_")),
            "{woken_from:?}"
        );
    });
}

fn event_loop_of_task() -> EventLoop {
    stepio_poll_loop::get_running_loop().unwrap()
}
