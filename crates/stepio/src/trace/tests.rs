//! Tests of debug mode, the tracer and the text timeline.
//!
//! Time is a fake clock that only the test moves: a step "takes" 150 ms
//! because it moves the clock by 150 ms, so every figure here is exact.

use std::cell::RefCell;
use std::future::poll_fn;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;

use stepio_waker::yield_now;

use stepio_poll_loop::ThreadDriver;
use stepio_timer_wheel::{Clock, LoopTime, event_loop_with};

use super::*;
use crate::{DebugReport, EventLoop, LoopDebug};

/// A loop on a simulated clock, and a function that moves the clock
/// forward: no timers are filed, so only the test moves it.
fn fake_clock_loop() -> (EventLoop, impl Fn(u64) + Clone + 'static) {
    let event_loop = event_loop_with(ThreadDriver::new(), Clock::simulated());
    let timers = event_loop.timers().unwrap();
    let advance = move |millis: u64| {
        timers.clock().advance(Duration::from_millis(millis));
    };
    (event_loop, advance)
}

/// The debug reports of `event_loop`, collected.
fn collect_reports(event_loop: &EventLoop) -> Rc<RefCell<Vec<DebugReport>>> {
    let reports = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&reports);
    event_loop.set_debug_handler(move |report| sink.borrow_mut().push(report.clone()));
    reports
}

fn at(millis: u64, event: TraceEvent) -> Record {
    Record { at: Duration::from_millis(millis), event }
}

#[test]
fn debug_mode_and_tracing_are_off_by_default() {
    let event_loop = EventLoop::new();
    assert!(!event_loop.get_debug());
    assert!(event_loop.tracer().is_none());
    assert!(event_loop.trace().is_none());
    assert_eq!(event_loop.slow_callback_duration(), Duration::from_millis(100));
}

#[test]
fn a_slow_callback_is_reported_with_its_closure() {
    let (event_loop, advance) = fake_clock_loop();
    event_loop.set_debug(true);
    let reports = collect_reports(&event_loop);
    let slow = advance.clone();
    event_loop.call_soon(move || slow(150)).unwrap();
    let quick = advance.clone();
    event_loop.call_soon(move || quick(50)).unwrap();
    event_loop.stop();
    event_loop.run_forever().unwrap();

    let reports = reports.take();
    assert_eq!(reports.len(), 1, "only the 150 ms callback: {reports:?}");
    let DebugReport::Slow { what, took, threshold } = &reports[0] else {
        panic!("{reports:?}")
    };
    assert_eq!(*took, Duration::from_millis(150));
    assert_eq!(*threshold, Duration::from_millis(100));
    // The closure's type names the function it was written in.
    assert!(
        what.starts_with("a callback (") && what.contains("a_slow_callback_is_reported"),
        "{what}"
    );
    let message = reports[0].to_string();
    assert!(message.contains("blocked the loop for 0.150 s"), "{message}");
}

#[test]
fn the_threshold_can_be_changed_and_debug_mode_turned_off() {
    let (event_loop, advance) = fake_clock_loop();
    let reports = collect_reports(&event_loop);
    let run_one = |millis: u64| {
        let advance = advance.clone();
        event_loop.call_soon(move || advance(millis)).unwrap();
        event_loop.stop();
        event_loop.run_forever().unwrap();
    };
    run_one(500); // debug mode is off: nothing
    event_loop.set_debug(true);
    event_loop.set_slow_callback_duration(Duration::from_millis(20));
    run_one(19);
    run_one(20); // at the threshold counts as slow
    event_loop.set_debug(false);
    run_one(500);
    let took: Vec<_> = reports
        .take()
        .into_iter()
        .map(|report| match report {
            DebugReport::Slow { took, .. } => took,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(took, [Duration::from_millis(20)]);
}

#[test]
fn a_slow_task_is_reported_by_number_future_and_place() {
    let (event_loop, advance) = fake_clock_loop();
    event_loop.set_debug(true);
    let reports = collect_reports(&event_loop);
    async fn crunch(advance: impl Fn(u64)) {
        yield_now().await;
        advance(250); // a blocking call in the second poll
    }
    let line = line!() + 1;
    event_loop.spawn(crunch(advance.clone())).unwrap();
    let main_advance = advance.clone();
    event_loop.run_until_complete(async move { main_advance(120) }).unwrap();
    while event_loop.task_count() > 0 {
        event_loop.stop();
        event_loop.run_forever().unwrap();
    }

    let reports = reports.take();
    let described: Vec<_> = reports
        .iter()
        .map(|report| match report {
            DebugReport::Slow { what, took, .. } => (what.clone(), took.as_millis()),
            other => panic!("{other:?}"),
        })
        .collect();
    let place = format!("crates/stepio/src/trace/tests.rs:{line}:16");
    assert_eq!(
        described,
        [
            ("the future given to run_until_complete (main)".to_owned(), 120),
            (format!("Task-1 (crunch, created at {place})"), 250),
        ]
    );
}

#[test]
fn debug_mode_reports_tasks_pending_at_close() {
    let (event_loop, _advance) = fake_clock_loop();
    event_loop.set_debug(true);
    let reports = collect_reports(&event_loop);
    event_loop.spawn(std::future::pending::<()>()).unwrap();
    event_loop.spawn(async {}).unwrap();
    event_loop.stop();
    event_loop.run_forever().unwrap();
    event_loop.close().unwrap();
    let reports = reports.take();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let DebugReport::PendingAtClose { what } = &reports[0] else { panic!("{reports:?}") };
    assert!(
        what.starts_with("Task-1 (Pending, created at crates/stepio/src/trace/tests.rs:"),
        "{what}"
    );
}

#[test]
fn the_tracer_records_a_tasks_life_and_a_wake_from_another_thread() {
    let (event_loop, advance) = fake_clock_loop();
    let tracer = event_loop.start_tracing();
    assert!(Arc::ptr_eq(&tracer, &event_loop.start_tracing()), "tracing starts once");

    // Task 1 waits for a waker that a thread named "waker" calls. The
    // waker reaches that thread from a callback, which runs once the poll
    // has ended: handed over from inside the poll, it could be called
    // before the poll ends, and the wake recorded before the PollEnd.
    let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
    let waiting = Arc::clone(&slot);
    let task_advance = advance.clone();
    event_loop
        .spawn(async move {
            task_advance(3);
            let mut first = true;
            poll_fn(|cx| {
                if std::mem::take(&mut first) {
                    let (waker, waiting) = (cx.waker().clone(), Arc::clone(&waiting));
                    let hand_over = move || *waiting.lock().unwrap() = Some(waker);
                    crate::get_running_loop().unwrap().call_soon(hand_over).unwrap();
                    Poll::Pending
                } else {
                    Poll::Ready(())
                }
            })
            .await;
        })
        .unwrap();
    let waker_slot = Arc::clone(&slot);
    let waker = thread::Builder::new()
        .name("waker".to_owned())
        .spawn(move || {
            let waker = loop {
                if let Some(waker) = waker_slot.lock().unwrap().take() {
                    break waker;
                }
                thread::yield_now();
            };
            waker.wake();
        })
        .unwrap();
    event_loop.run_until_complete(async { yield_now().await }).unwrap();
    event_loop.stop();
    while event_loop.task_count() > 0 {
        event_loop.run_until_complete(yield_now()).unwrap();
    }
    waker.join().unwrap();

    let trace = event_loop.trace().unwrap();
    let of_task_1: Vec<_> = trace
        .records
        .iter()
        .filter(|record| match &record.event {
            TraceEvent::Spawned { task, .. }
            | TraceEvent::PollStart { task }
            | TraceEvent::PollEnd { task }
            | TraceEvent::Woken { task, .. }
            | TraceEvent::Done { task, .. } => *task == 1,
            _ => false,
        })
        .cloned()
        .collect();
    let TraceEvent::Spawned { location, future, .. } = &of_task_1[0].event else {
        panic!("{of_task_1:?}")
    };
    assert!(future.contains("{{closure}}"), "{future}");
    assert_eq!(
        of_task_1,
        [
            at(
                0,
                TraceEvent::Spawned {
                    task: 1,
                    name: "Task-1".to_owned(),
                    future,
                    location
                }
            ),
            at(0, TraceEvent::PollStart { task: 1 }),
            at(3, TraceEvent::PollEnd { task: 1 }),
            at(3, TraceEvent::Woken { task: 1, from: Some("waker".to_owned()) }),
            at(3, TraceEvent::PollStart { task: 1 }),
            // The task ends inside its last poll.
            at(3, TraceEvent::Done { task: 1, end: TaskEnd::Finished }),
            at(3, TraceEvent::PollEnd { task: 1 }),
        ]
    );
    // The main future (task 0) was traced too, and finished.
    assert!(
        trace
            .records
            .iter()
            .any(|r| r.event == TraceEvent::Done { task: 0, end: TaskEnd::Finished })
    );
    // Times never go backwards.
    assert!(trace.records.windows(2).all(|pair| pair[0].at <= pair[1].at));
}

#[test]
fn a_full_tracer_counts_what_it_drops() {
    let tracer = Tracer::with_limit(real_clock(), 3);
    for task in 0..5 {
        tracer.record(TraceEvent::PollStart { task });
    }
    let trace = tracer.snapshot();
    assert_eq!(trace.records.len(), 3);
    assert_eq!(trace.dropped, 2);
    assert!(trace.timeline(20).contains("2 later records were dropped"));
}

// ANCHOR: timeline_test
#[test]
fn the_timeline_draws_running_waiting_and_parked() {
    let location = std::panic::Location::caller();
    let spawned = |task, name: &str| TraceEvent::Spawned {
        task,
        name: name.to_owned(),
        future: "demo::count_down::{{closure}}",
        location,
    };
    // Task 1 runs 10 ms, waits 40 ms, runs again and ends; task 2 runs at
    // 20 ms (woken by a timer) and is still pending at the end. The loop
    // parks from 10 to 20 and from 20 to 50 ms.
    let trace = Trace {
        records: vec![
            at(0, spawned(1, "Task-1")),
            at(0, spawned(2, "fetch")),
            at(0, TraceEvent::PollStart { task: 1 }),
            at(10, TraceEvent::PollEnd { task: 1 }),
            at(10, TraceEvent::Parked { timeout: None }),
            at(20, TraceEvent::Unparked),
            at(20, TraceEvent::TimerFired { count: 1 }),
            at(20, TraceEvent::Woken { task: 2, from: None }),
            at(20, TraceEvent::PollStart { task: 2 }),
            at(20, TraceEvent::PollEnd { task: 2 }),
            at(20, TraceEvent::Parked { timeout: None }),
            at(50, TraceEvent::Unparked),
            at(50, TraceEvent::PollStart { task: 1 }),
            at(50, TraceEvent::Done { task: 1, end: TaskEnd::Finished }),
            at(50, TraceEvent::PollEnd { task: 1 }),
        ],
        dropped: 0,
        end: Duration::from_millis(50),
    };
    // 50 ms in at most 10 columns: 10 columns of 5 ms.
    let expected = "\
stepio timeline: 0.050 s in all, one column = 5ms
                   0ms
loop              |##..#....#|
Task-1 count_down |##-------#| done at 0.050 s
fetch             |----#-----| still pending
  # running   - waiting   . loop asleep in its driver
  2 tasks, 3 polls, 1 wake (0 from other threads), 0 callbacks,
  1 timer fired, 0 I/O events, 0 executor jobs
  longest poll: 10.000 ms by Task-1 count_down, from 0.000 s to 0.010 s, created at
    LOCATION
"
    .replace("LOCATION", &location.to_string());
    assert_eq!(trace.timeline(10), expected);
}
// ANCHOR_END: timeline_test

#[test]
fn the_svg_draws_the_same_rows_to_scale() {
    let trace = Trace {
        records: vec![
            at(
                0,
                TraceEvent::Spawned {
                    task: 1,
                    name: "fetch<a & b>".to_owned(),
                    future: "demo::fetch::{{closure}}",
                    location: std::panic::Location::caller(),
                },
            ),
            at(0, TraceEvent::PollStart { task: 1 }),
            at(10, TraceEvent::PollEnd { task: 1 }),
            at(10, TraceEvent::Parked { timeout: None }),
            at(40, TraceEvent::Unparked),
            at(40, TraceEvent::PollStart { task: 1 }),
            at(40, TraceEvent::Done { task: 1, end: TaskEnd::Finished }),
            at(40, TraceEvent::PollEnd { task: 1 }),
        ],
        dropped: 0,
        end: Duration::from_millis(40),
    };
    let svg = trace.svg();
    assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"), "{svg}");
    assert!(svg.contains("<title>A traced run of 1 task on the loop"), "{svg}");
    // Rows: the loop, then the task, labelled as text, `<` escaped.
    let loop_at = svg.find(">loop</text>").unwrap();
    let task_at = svg.find(">fetch&lt;a &amp; b&gt;</text>").expect(&svg);
    assert!(loop_at < task_at, "{svg}");
    // 40 ms over 430 units from x = 190: the first poll, 0 to 10 ms, is
    // 107.5 wide; the park from 10 to 40 ms starts at 297.5.
    assert!(
        svg.contains(r#"<rect x="190.0" y="93.0" width="107.5" height="16""#),
        "{svg}"
    );
    let park = r##"<rect x="297.5" y="63.0" width="322.5" height="16" fill="#fef7e0""##;
    assert!(svg.contains(park), "{svg}");
    // Ticks every 10 ms, labelled in ms.
    assert!(svg.contains(">10 ms</text>") && svg.contains(">40 ms</text>"), "{svg}");
}

#[test]
fn a_record_is_small_enough_for_the_documented_cap() {
    // MAX_RECORDS records of this size: the "about 80 MB" in the docs.
    assert!(std::mem::size_of::<Record>() <= 80, "{}", std::mem::size_of::<Record>());
}

// ------------------------------------------- what the stages report

#[test]
fn traced_tasks_carry_their_names_and_how_they_ended() {
    use std::future::pending;

    use crate::{LoopTasks, create_task};

    let event_loop = EventLoop::new();
    event_loop.start_tracing();
    event_loop.set_debug(true);
    // This test is about tasks pending at close. On a busy machine any
    // poll here (the panicking one prints a message) may take 100 ms, and
    // would be reported slow too: slowness is tested on a fake clock.
    event_loop.set_slow_callback_duration(Duration::from_secs(3600));
    event_loop.set_exception_handler(|_| {}); // the panic below is expected
    let reports = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&reports);
    event_loop.set_debug_handler(move |report: &DebugReport| {
        sink.borrow_mut().push(report.to_string())
    });

    let line = line!() + 1;
    let forever = event_loop.create_task(pending::<()>()).unwrap();
    forever.set_name("forever");
    let (ok, bad, doomed) = event_loop
        .run_until_complete(async {
            let ok = create_task(async { 1 });
            let bad = create_task(async { panic!("boom") });
            let doomed = create_task(pending::<()>());
            doomed.cancel();
            (ok.await, bad.await, doomed.await)
        })
        .unwrap();
    assert_eq!(ok.unwrap(), 1);
    assert!(bad.unwrap_err().is_panic() && doomed.unwrap_err().is_cancelled());
    event_loop.close().unwrap();

    // Debug mode names the task left pending, by its new name.
    let place = format!("crates/stepio/src/trace/tests.rs:{line}:30");
    assert_eq!(
        *reports.borrow(),
        [format!(
            "forever (Pending, created at {place}) was still pending when the loop closed; it was cancelled"
        )]
    );
    let trace = event_loop.trace().unwrap();
    let ends: Vec<_> = trace
        .records
        .iter()
        .filter_map(|record| match record.event {
            TraceEvent::Done { task, end } => Some((task, end)),
            _ => None,
        })
        .collect();
    assert_eq!(
        ends,
        [
            (2, TaskEnd::Finished),
            (3, TaskEnd::Panicked),
            (4, TaskEnd::Cancelled),
            (0, TaskEnd::Finished),
            (1, TaskEnd::Cancelled),
        ]
    );
    assert!(
        trace
            .records
            .iter()
            .any(|r| r.event
                == TraceEvent::Renamed { task: 1, name: "forever".to_owned() })
    );
    let timeline = trace.timeline(40);
    for row in
        ["forever ", "Task-2 traced_tasks", "Task-3 traced_tasks", "Task-4 Pending"]
    {
        assert!(
            timeline.lines().any(|line| line.starts_with(row)),
            "no row {row:?} in\n{timeline}"
        );
    }
    assert!(
        timeline.contains("| panicked at") && timeline.contains("| cancelled at"),
        "{timeline}"
    );
}

#[test]
fn traced_jobs_run_on_named_workers_and_wake_the_loop_from_there() {
    use std::collections::BTreeSet;
    use std::sync::mpsc;

    use stepio_executor_bridge::{LoopExecutor, ThreadPoolExecutor};
    use stepio_waker::testing::within;

    use crate::get_running_loop;

    within(Duration::from_secs(20), || {
        let event_loop = stepio_reactor::new_event_loop().unwrap();
        event_loop.start_tracing();
        let pool = ThreadPoolExecutor::with_name(2, "traced");
        let total = event_loop
            .run_until_complete(async {
                // The first job waits until the loop has run a callback, so
                // the main future is already waiting for it when it ends.
                let (release, gate) = mpsc::channel::<()>();
                let first = get_running_loop()
                    .unwrap()
                    .run_in_executor(Some(&pool), move || {
                        gate.recv().unwrap();
                        1
                    })
                    .unwrap();
                let second = get_running_loop()
                    .unwrap()
                    .run_in_executor(Some(&pool), || 2)
                    .unwrap();
                get_running_loop()
                    .unwrap()
                    .call_soon(move || release.send(()).unwrap())
                    .unwrap();
                first.await.unwrap() + second.await.unwrap()
            })
            .unwrap();
        assert_eq!(total, 3);
        event_loop.close().unwrap();
        pool.shutdown(true);

        let trace = event_loop.trace().unwrap();
        let mut started = Vec::new();
        let mut finished = Vec::new();
        let mut workers = Vec::new();
        for record in &trace.records {
            match &record.event {
                TraceEvent::JobStarted { job, thread } => {
                    assert!(thread.starts_with("traced_"), "{thread}");
                    started.push(*job);
                    workers.push(thread.clone());
                }
                TraceEvent::JobFinished { job } => finished.push(*job),
                _ => {}
            }
        }
        started.sort_unstable();
        finished.sort_unstable();
        assert_eq!((started, finished), (vec![1, 2], vec![1, 2]));
        // The first job woke the main future from its worker: the wake
        // names the worker's thread.
        let from_worker = trace.records.iter().any(|record| {
            matches!(&record.event, TraceEvent::Woken { task: 0, from: Some(thread) } if thread.starts_with("traced_"))
        });
        assert!(from_worker, "{trace:?}");
        // Which worker takes which job is the OS scheduler's choice (the first
        // worker may not have started before the second takes both jobs), so
        // the check is that every worker that ran a job has its row, which
        // counts the jobs it ran.
        let timeline = trace.timeline(40);
        for thread in workers.iter().collect::<BTreeSet<_>>() {
            let jobs = workers.iter().filter(|worker| *worker == thread).count();
            let note =
                if jobs == 1 { "| 1 job".to_owned() } else { format!("| {jobs} jobs") };
            let row = timeline.lines().find(|line| line.starts_with(thread.as_str()));
            assert!(
                row.is_some_and(|row| row.ends_with(&note)),
                "no row for {thread} with {note}:\n{timeline}"
            );
        }
    });
}

#[test]
fn a_traced_loop_records_sockets_ready_and_its_parks() {
    use crate::{TcpListener, TcpStream, run_traced, wait_for};

    let exchange = async {
        let mut listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client =
            TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        client.write_all(b"ping").await.unwrap();
        let mut buf = [0; 4];
        server.read_exact(&mut buf).await.unwrap();
        buf
    };
    let (echoed, trace) =
        run_traced(wait_for(exchange, Duration::from_secs(20))).unwrap();
    assert_eq!(echoed.expect("the test hung"), *b"ping");
    let readable = trace
        .records
        .iter()
        .filter(|r| matches!(r.event, TraceEvent::IoReady { readable: true, .. }));
    assert!(readable.count() >= 1, "the server side became readable: {trace:?}");
    let parks = trace
        .records
        .iter()
        .filter(|r| matches!(r.event, TraceEvent::Parked { .. }))
        .count();
    let unparks =
        trace.records.iter().filter(|r| r.event == TraceEvent::Unparked).count();
    assert_eq!(parks, unparks);
    assert!(trace.timeline(40).contains(" I/O event"));
}
