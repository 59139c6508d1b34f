use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use stepio_poll_loop::{EventLoop, PanicSource, ThreadDriver};
use stepio_tasks::{LoopTasks, Task, TaskError, create_task, current_task};
use stepio_timer_wheel::{Clock, LoopTime, event_loop_with, sleep};
use stepio_waker::yield_now;

use super::*;

/// A loop whose clock jumps to the next timer: timing tests run at once
/// and print the same times on every run.
fn simulated_loop() -> EventLoop {
    event_loop_with(ThreadDriver::new(), Clock::simulated())
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The loop's time in whole milliseconds.
fn now_ms() -> u64 {
    let event_loop = stepio_poll_loop::get_running_loop().unwrap();
    (event_loop.time() * 1000.0).round() as u64
}

/// Sleeps `delay_ms`, then gives `value`.
async fn after<T>(delay_ms: u64, value: T) -> T {
    sleep(ms(delay_ms)).await;
    value
}

/// Sleeps `delay_ms`, then panics.
async fn panic_after(delay_ms: u64, message: &'static str) -> u32 {
    sleep(ms(delay_ms)).await;
    panic!("{message}");
}

/// Records that a value was dropped.
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

/// Collects the loop's "never retrieved" reports.
fn capture_reports(event_loop: &EventLoop) -> Rc<RefCell<Vec<String>>> {
    let reports = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&reports);
    event_loop.set_exception_handler(move |report| {
        assert_eq!(report.source, PanicSource::NeverRetrieved);
        sink.borrow_mut().push(report.to_string());
    });
    reports
}

#[derive(Debug)]
struct Refused(&'static str);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "refused: {}", self.0)
    }
}

impl std::error::Error for Refused {}

// ---------------------------------------------------------------- gather

#[test]
fn gather_gives_outputs_in_argument_order_not_finishing_order() {
    let event_loop = simulated_loop();
    let (outputs, at) = event_loop
        .run_until_complete(async {
            let outputs = gather([30, 10, 20].map(|delay| after(delay, delay))).await;
            (outputs, now_ms())
        })
        .unwrap();
    assert_eq!(outputs.unwrap(), [30, 10, 20]);
    // Together, not one after another.
    assert_eq!(at, 30);
    event_loop.close().unwrap();
}

#[test]
fn gather_of_nothing_is_an_empty_list() {
    let outputs =
        stepio_timer_wheel::run(gather(Vec::<std::future::Ready<u8>>::new())).unwrap();
    assert!(outputs.unwrap().is_empty());
}

#[test]
fn gather_built_before_the_loop_runs_spawns_at_its_first_poll() {
    let event_loop = simulated_loop();
    let gathered = gather([after(10, 'a'), after(20, 'b')]);
    assert_eq!(event_loop.pending_tasks(), 0, "no loop was running: nothing spawned yet");
    assert_eq!(event_loop.run_until_complete(gathered).unwrap().unwrap(), ['a', 'b']);
    event_loop.close().unwrap();
}

#[test]
fn gather_returns_the_first_error_and_leaves_the_others_running() {
    let event_loop = simulated_loop();
    let reports = capture_reports(&event_loop);
    let finished = Rc::new(Cell::new(false));
    let seen = Rc::clone(&finished);
    let (outcome, at) = event_loop
        .run_until_complete(async move {
            let slow = async move {
                sleep(ms(50)).await;
                seen.set(true);
                1_u32
            };
            let outcome = gather([
                Box::pin(slow) as Pin<Box<dyn Future<Output = u32>>>,
                Box::pin(panic_after(10, "first")),
                Box::pin(panic_after(30, "second")),
            ])
            .await;
            let at = now_ms();
            // The others were not cancelled: give them time to finish.
            sleep(ms(100)).await;
            (outcome, at)
        })
        .unwrap();
    match outcome {
        Err(TaskError::Panicked(message)) => assert_eq!(message, "first"),
        other => panic!("expected the first panic, got {other:?}"),
    }
    assert_eq!(at, 10, "the error reaches the caller as soon as it happens");
    assert!(finished.get(), "the slow child went on running");
    // The second failure had nobody to look at it.
    let reports = reports.borrow();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].contains("panicked: second"), "{}", reports[0]);
    event_loop.close().unwrap();
}

#[test]
fn return_exceptions_collects_every_outcome_in_order() {
    let event_loop = simulated_loop();
    let reports = capture_reports(&event_loop);
    let outcomes = event_loop
        .run_until_complete(async {
            let self_cancelling = async {
                sleep(ms(5)).await;
                current_task().unwrap().cancel();
                sleep(ms(5)).await;
                0
            };
            gather([
                Box::pin(after(20, 1_u32)) as Pin<Box<dyn Future<Output = u32>>>,
                Box::pin(panic_after(10, "boom")),
                Box::pin(self_cancelling),
                Box::pin(after(5, 4)),
            ])
            .return_exceptions()
            .await
        })
        .unwrap();
    assert_eq!(outcomes.len(), 4);
    assert_eq!(*outcomes[0].as_ref().unwrap(), 1);
    assert!(
        matches!(&outcomes[1], Err(TaskError::Panicked(message)) if message == "boom")
    );
    assert!(outcomes[2].as_ref().unwrap_err().is_cancelled());
    assert_eq!(*outcomes[3].as_ref().unwrap(), 4);
    assert!(
        reports.borrow().is_empty(),
        "the caller got every failure: {:?}",
        reports.borrow()
    );
    event_loop.close().unwrap();
}

#[test]
fn try_gather_turns_an_err_output_into_the_gathers_error() {
    let event_loop = simulated_loop();
    let (first, all) = event_loop
        .run_until_complete(async {
            let child = |delay, answer: Result<u32, Refused>| after(delay, answer);
            let first = try_gather([
                child(10, Ok(1)),
                child(20, Err(Refused("no"))),
                child(30, Ok(3)),
            ])
            .await;
            let all = try_gather([child(10, Ok(1)), child(5, Err(Refused("later")))])
                .return_exceptions()
                .await;
            let fine = try_gather([child(10, Ok(1)), child(5, Ok(2))]).await.unwrap();
            assert_eq!(fine, [1, 2]);
            (first, all)
        })
        .unwrap();
    let err = first.unwrap_err();
    assert_eq!(err.to_string(), "refused: no");
    let source = std::error::Error::source(&err).expect("the original error");
    assert_eq!(source.downcast_ref::<Refused>().map(|refused| refused.0), Some("no"));
    assert_eq!(*all[0].as_ref().unwrap(), 1);
    assert_eq!(all[1].as_ref().unwrap_err().to_string(), "refused: later");
    event_loop.close().unwrap();
}

#[test]
fn a_cancelled_child_is_the_gathers_error() {
    let event_loop = simulated_loop();
    let outcome = event_loop
        .run_until_complete(async {
            let victim = create_task(after(50, 1));
            victim.cancel();
            gather_tasks([victim, create_task(after(10, 2))]).await
        })
        .unwrap();
    assert!(outcome.unwrap_err().is_cancelled());
    event_loop.close().unwrap();
}

#[test]
fn cancelling_the_task_that_awaits_a_gather_cancels_every_child() {
    let event_loop = simulated_loop();
    let (first, first_dropped) = drop_flag();
    let (second, second_dropped) = drop_flag();
    let finished = Rc::new(Cell::new(0));
    let child = |flag: DropFlag, delay| {
        let finished = Rc::clone(&finished);
        async move {
            let _flag = flag;
            sleep(ms(delay)).await;
            finished.set(finished.get() + 1);
        }
    };
    let parent =
        event_loop.create_task(gather([child(first, 100), child(second, 200)])).unwrap();
    let outcome = event_loop
        .run_until_complete(async move {
            sleep(ms(10)).await;
            assert_eq!(stepio_poll_loop::get_running_loop().unwrap().pending_tasks(), 3);
            parent.cancel();
            let outcome = parent.await;
            // The children end at the loop's next turn.
            sleep(ms(1)).await;
            outcome
        })
        .unwrap();
    assert!(outcome.unwrap_err().is_cancelled());
    assert!(
        first_dropped.get() && second_dropped.get(),
        "both children's futures were dropped"
    );
    assert_eq!(event_loop.pending_tasks(), 0);
    // Run past their deadlines: they never finish.
    event_loop.run_until_complete(sleep(ms(300))).unwrap();
    assert_eq!(finished.get(), 0);
    event_loop.close().unwrap();
}

#[test]
fn dropping_a_gather_before_it_returns_cancels_its_unfinished_children() {
    let event_loop = simulated_loop();
    event_loop
        .run_until_complete(async {
            let slow = create_task(after(100, 1));
            let fast = create_task(after(1, 2));
            // `select` drops the gather when the sleep wins.
            let slow_id = slow.id();
            let outcome = select(gather_tasks([slow, fast]), sleep(ms(10))).await;
            assert!(matches!(outcome, Either::Right(())));
            sleep(ms(1)).await;
            let event_loop = stepio_poll_loop::get_running_loop().unwrap();
            assert_eq!(event_loop.pending_tasks(), 0, "task {slow_id} was cancelled");
        })
        .unwrap();
    event_loop.close().unwrap();
}

#[test]
fn the_tuple_macro_gathers_different_types() {
    let event_loop = simulated_loop();
    let (outputs, failed) = event_loop
        .run_until_complete(async {
            let outputs =
                gather!(after(20, 7_u8), after(10, "text"), async { vec![1, 2] }).await;
            let failed = gather!(after(20, 7_u8), panic_after(10, "tuple")).await;
            (outputs, failed)
        })
        .unwrap();
    assert_eq!(outputs.unwrap(), (7, "text", vec![1, 2]));
    assert!(matches!(failed, Err(TaskError::Panicked(message)) if message == "tuple"));
    event_loop.close().unwrap();
}

#[test]
fn dropping_a_tuple_gather_cancels_its_children() {
    let event_loop = simulated_loop();
    let (flag, dropped) = drop_flag();
    event_loop
        .run_until_complete(async move {
            let child = async move {
                let _flag = flag;
                sleep(ms(100)).await;
            };
            let outcome = select(
                gather!(child, Spawned(create_task(after(100, 1)))),
                sleep(ms(10)),
            )
            .await;
            assert!(matches!(outcome, Either::Right(())));
            sleep(ms(1)).await;
        })
        .unwrap();
    assert!(dropped.get());
    assert_eq!(event_loop.pending_tasks(), 0);
    event_loop.close().unwrap();
}

// ------------------------------------------------------------------ wait

/// Three tasks: 10 ms, 20 ms, 30 ms, giving their delays.
fn three_tasks() -> Vec<Task<u64>> {
    [30, 10, 20].map(|delay| create_task(after(delay, delay))).into()
}

fn outputs(tasks: &[Task<u64>]) -> Vec<u64> {
    tasks.iter().map(|task| task.result().unwrap()).collect()
}

#[test]
fn wait_all_completed_returns_every_task_done() {
    let event_loop = simulated_loop();
    event_loop
        .run_until_complete(async {
            let waited = wait(three_tasks(), ReturnWhen::AllCompleted, None).await;
            assert_eq!(now_ms(), 30);
            assert_eq!(
                outputs(&waited.done),
                [10, 20, 30],
                "done lists tasks as they finished"
            );
            assert!(waited.pending.is_empty());
        })
        .unwrap();
    event_loop.close().unwrap();
}

#[test]
fn wait_first_completed_returns_at_the_first_and_cancels_nothing() {
    let event_loop = simulated_loop();
    event_loop
        .run_until_complete(async {
            let waited = wait(three_tasks(), ReturnWhen::FirstCompleted, None).await;
            assert_eq!(now_ms(), 10);
            assert_eq!(outputs(&waited.done), [10]);
            assert_eq!(waited.pending.len(), 2);
            // The pending ones go on, and can be waited on again.
            let again = wait(waited.pending, ReturnWhen::AllCompleted, None).await;
            assert_eq!(now_ms(), 30);
            assert_eq!(outputs(&again.done), [20, 30]);
        })
        .unwrap();
    event_loop.close().unwrap();
}

#[test]
fn wait_first_completed_holds_what_finished_by_the_time_it_runs() {
    // Two 100 ms tasks started 0.5 ms apart.
    let two = || async {
        let first = create_task(after(100, 1));
        sleep(Duration::from_micros(500)).await;
        let second = create_task(after(100, 2));
        yield_now().await; // the second sets its timer
        (first, second)
    };
    // Their timers fire in separate turns: only the first is done.
    let event_loop = simulated_loop();
    event_loop
        .run_until_complete(async {
            let (first, second) = two().await;
            let waited = wait([first, second], ReturnWhen::FirstCompleted, None).await;
            assert_eq!((outputs(&waited.done), waited.pending.len()), (vec![1], 1));
        })
        .unwrap();
    event_loop.close().unwrap();
    // The loop woke late, after both deadlines (a busy machine): both are
    // done when the waiter runs, and both count, as in asyncio, whose
    // `wait` looks at every child's `done()` when it resumes.
    let event_loop = simulated_loop();
    let timers = event_loop.timers().unwrap();
    event_loop
        .run_until_complete(async {
            let (first, second) = two().await;
            timers.clock().advance(ms(101));
            let waited = wait([first, second], ReturnWhen::FirstCompleted, None).await;
            assert_eq!((outputs(&waited.done), waited.pending.len()), (vec![1, 2], 0));
        })
        .unwrap();
    event_loop.close().unwrap();
}

#[test]
fn wait_first_completed_counts_tasks_that_were_done_already() {
    let event_loop = simulated_loop();
    event_loop
        .run_until_complete(async {
            let tasks = three_tasks();
            let early = create_task(async { 0 });
            sleep(ms(1)).await;
            assert!(early.done());
            let mut all = tasks;
            all.push(early);
            let waited = wait(all, ReturnWhen::FirstCompleted, None).await;
            assert_eq!(now_ms(), 1, "returned without waiting");
            assert_eq!(outputs(&waited.done), [0]);
            assert_eq!(waited.pending.len(), 3);
            for task in &waited.pending {
                task.cancel();
            }
        })
        .unwrap();
    event_loop.close().unwrap();
}

#[test]
fn wait_timeout_returns_what_is_done_and_leaves_the_rest_running() {
    let event_loop = simulated_loop();
    event_loop
        .run_until_complete(async {
            for mode in [ReturnWhen::AllCompleted, ReturnWhen::FirstException] {
                let waited = wait(three_tasks(), mode, Some(ms(15))).await;
                let started = now_ms() - 15;
                assert_eq!(outputs(&waited.done), [10], "{mode:?}");
                assert_eq!(waited.pending.len(), 2, "{mode:?}");
                let rest = wait(waited.pending, ReturnWhen::AllCompleted, None).await;
                assert_eq!(
                    now_ms() - started,
                    30,
                    "{mode:?}: the pending ones were not cancelled"
                );
                assert_eq!(outputs(&rest.done), [20, 30]);
            }
            // A timeout before the first completion: nothing is done.
            let waited =
                wait(three_tasks(), ReturnWhen::FirstCompleted, Some(ms(5))).await;
            assert!(waited.done.is_empty());
            assert_eq!(waited.pending.len(), 3);
            for task in &waited.pending {
                assert!(!task.done());
                task.cancel();
            }
            // A timeout longer than needed changes nothing.
            let waited =
                wait(three_tasks(), ReturnWhen::FirstCompleted, Some(ms(500))).await;
            assert_eq!(outputs(&waited.done), [10]);
            for task in &waited.pending {
                task.cancel();
            }
        })
        .unwrap();
    event_loop.close().unwrap();
}

#[test]
fn wait_first_exception_returns_at_the_first_failure() {
    let event_loop = simulated_loop();
    let reports = capture_reports(&event_loop);
    event_loop
        .run_until_complete(async {
            let tasks = vec![
                create_task(after(10, 1)),
                create_task(panic_after(20, "boom")),
                create_task(after(50, 3)),
            ];
            let waited = wait(tasks, ReturnWhen::FirstException, None).await;
            assert_eq!(now_ms(), 20);
            assert_eq!(waited.done.len(), 2);
            assert_eq!(waited.done[0].result().unwrap(), 1);
            let failure = waited.done[1].exception().unwrap().expect("it panicked");
            assert!(failure.is_panic());
            assert_eq!(waited.pending.len(), 1);

            // A cancelled task is not an exception: this waits for all.
            let victim = create_task(after(10, 0));
            victim.cancel();
            let waited = wait(
                [victim, create_task(after(40, 2))],
                ReturnWhen::FirstException,
                None,
            )
            .await;
            assert_eq!(waited.done.len(), 2);
            assert!(waited.done[0].cancelled());
        })
        .unwrap();
    // `wait` looked at the failure without taking it; the test took it.
    assert!(reports.borrow().is_empty(), "{:?}", reports.borrow());
    event_loop.close().unwrap();
}

#[test]
fn wait_first_completed_and_all_completed_with_a_panicking_child() {
    let event_loop = simulated_loop();
    event_loop
        .run_until_complete(async {
            let waited = wait(
                [create_task(panic_after(5, "early")), create_task(after(10, 1))],
                ReturnWhen::FirstCompleted,
                None,
            )
            .await;
            assert_eq!(now_ms(), 5);
            assert!(waited.done[0].exception().unwrap().unwrap().is_panic());
            let waited = wait(waited.pending, ReturnWhen::AllCompleted, None).await;
            assert_eq!(waited.done[0].result().unwrap(), 1);
        })
        .unwrap();
    event_loop.close().unwrap();
}

#[test]
fn wait_all_completed_keeps_panics_and_err_outputs_in_done_and_first_exception_ignores_err()
 {
    let event_loop = simulated_loop();
    event_loop
        .run_until_complete(async {
            let tasks: Vec<Task<Result<u32, Refused>>> = vec![
                create_task(after(10, Err(Refused("value")))),
                create_task(async {
                    sleep(ms(20)).await;
                    panic!("all");
                }),
                create_task(after(30, Ok(3))),
            ];
            let waited = wait(tasks, ReturnWhen::AllCompleted, None).await;
            assert_eq!(now_ms(), 30);
            assert_eq!(waited.done.len(), 3);
            assert!(
                waited.done[0].exception().unwrap().is_none(),
                "an Err output is a value"
            );
            assert!(waited.done[1].exception().unwrap().unwrap().is_panic());
            assert!(waited.done[2].exception().unwrap().is_none());

            // FirstException does not stop at an `Err` output.
            let tasks = vec![
                create_task(after(10, Err::<u32, _>(Refused("value")))),
                create_task(after(20, Ok(2))),
            ];
            let started = now_ms();
            let waited = wait(tasks, ReturnWhen::FirstException, None).await;
            assert_eq!(now_ms() - started, 20, "it waited for all");
            assert!(waited.pending.is_empty());
        })
        .unwrap();
    event_loop.close().unwrap();
}

#[test]
fn a_failure_that_wait_saw_but_nobody_took_is_still_reported() {
    let event_loop = simulated_loop();
    let reports = capture_reports(&event_loop);
    event_loop
        .run_until_complete(async {
            let waited = wait(
                [create_task(panic_after(1, "unseen"))],
                ReturnWhen::FirstException,
                None,
            )
            .await;
            drop(waited);
        })
        .unwrap();
    assert_eq!(reports.borrow().len(), 1);
    event_loop.close().unwrap();
}

#[test]
fn wait_with_no_tasks_returns_at_once() {
    let event_loop = simulated_loop();
    let waited = event_loop.run_until_complete(wait(
        Vec::<Task<()>>::new(),
        ReturnWhen::FirstCompleted,
        None,
    ));
    let waited = waited.unwrap();
    assert!(waited.done.is_empty() && waited.pending.is_empty());
    event_loop.close().unwrap();
}

// -------------------------------------------------------------- wait_for

#[test]
fn wait_for_gives_the_output_in_time_and_drops_the_future_on_timeout() {
    let event_loop = simulated_loop();
    let (flag, dropped) = drop_flag();
    event_loop
        .run_until_complete(async move {
            assert_eq!(wait_for(after(10, 'x'), ms(20)).await, Ok('x'));
            let slow = async move {
                let _flag = flag;
                after(100, 'y').await
            };
            let err = wait_for(slow, ms(20)).await.unwrap_err();
            assert_eq!(err.after(), ms(20));
            assert_eq!(now_ms(), 30);
        })
        .unwrap();
    assert!(dropped.get());
    event_loop.close().unwrap();
}

#[test]
fn a_zero_wait_for_never_runs_a_step_of_what_is_not_done() {
    let event_loop = simulated_loop();
    let steps = Rc::new(Cell::new(0));
    let step = |output: u8| {
        let steps = Rc::clone(&steps);
        async move {
            steps.set(steps.get() + 1);
            output
        }
    };
    event_loop
        .run_until_complete(async {
            // Ready at its first poll, yet never polled, as asyncio's coroutine.
            assert_eq!(
                wait_for(step(1), Duration::ZERO).await,
                Err(Elapsed::new(Duration::ZERO))
            );
            let fresh = create_task(step(2));
            assert!(wait_for_task(fresh, Duration::ZERO).await.is_err());
            assert_eq!(steps.get(), 0, "neither ran a step");
            let done = create_task(step(3));
            yield_now().await;
            assert!(matches!(wait_for_task(done, Duration::ZERO).await, Ok(Ok(3))));
        })
        .unwrap();
    event_loop.close().unwrap();
}

#[test]
fn wait_for_task_cancels_the_task_and_waits_until_it_ended() {
    let event_loop = simulated_loop();
    let (flag, dropped) = drop_flag();
    let seen = Rc::clone(&dropped);
    event_loop
        .run_until_complete(async move {
            let task = create_task(async move {
                let _flag = flag;
                after(100, 1).await
            });
            let id = task.id();
            let err = wait_for_task(task, ms(20)).await.unwrap_err();
            assert_eq!(err.after(), ms(20));
            assert!(
                seen.get(),
                "task {id}'s future was dropped before wait_for_task returned"
            );
            assert_eq!(stepio_poll_loop::get_running_loop().unwrap().pending_tasks(), 0);

            let ok = wait_for_task(create_task(after(5, 2)), ms(20)).await;
            assert_eq!(ok.unwrap().unwrap(), 2);
            let failed =
                wait_for_task(create_task(panic_after(5, "inner")), ms(20)).await;
            assert!(failed.unwrap().unwrap_err().is_panic());
        })
        .unwrap();
    assert!(dropped.get());
    event_loop.close().unwrap();
}

// --------------------------------------------------- as_completed, select

#[test]
fn as_completed_hands_out_outcomes_in_finishing_order() {
    let event_loop = simulated_loop();
    let order = event_loop
        .run_until_complete(async {
            let mut completed = as_completed([
                Box::pin(after(30, 30_u32)) as Pin<Box<dyn Future<Output = u32>>>,
                Box::pin(panic_after(20, "mid")),
                Box::pin(after(10, 10)),
            ]);
            assert_eq!(completed.remaining(), 3);
            let mut order = Vec::new();
            while let Some((index, outcome)) = completed.next().await {
                order.push((index, now_ms(), outcome.map_err(|err| err.to_string())));
            }
            assert_eq!(completed.remaining(), 0);
            order
        })
        .unwrap();
    assert_eq!(
        order,
        [(2, 10, Ok(10)), (1, 20, Err("panicked: mid".to_string())), (0, 30, Ok(30))]
    );
    event_loop.close().unwrap();
}

#[test]
fn dropping_as_completed_cancels_what_was_not_handed_out() {
    let event_loop = simulated_loop();
    event_loop
        .run_until_complete(async {
            let mut completed = as_completed([after(10, 1), after(50, 2)]);
            assert_eq!(completed.next().await.map(|(index, _)| index), Some(0));
            drop(completed);
            sleep(ms(1)).await;
            assert_eq!(stepio_poll_loop::get_running_loop().unwrap().pending_tasks(), 0);
        })
        .unwrap();
    event_loop.close().unwrap();
}

#[test]
fn select_gives_the_first_and_drops_the_other() {
    let event_loop = simulated_loop();
    let (flag, dropped) = drop_flag();
    event_loop
        .run_until_complete(async move {
            let slow = async move {
                let _flag = flag;
                after(50, "slow").await
            };
            assert_eq!(select(slow, after(10, 1)).await, Either::Right(1));
            assert_eq!(now_ms(), 10);
            // Both ready at once: the left one wins.
            assert_eq!(select(async { 'l' }, async { 'r' }).await, Either::Left('l'));
        })
        .unwrap();
    assert!(dropped.get());
    event_loop.close().unwrap();
}

// ------------------------------------------------------------- the scale

/// A child that is pending until its gate is opened and its waker called;
/// counts the polls of all gates, and keeps each one's last waker.
struct Gate {
    index: usize,
    gates: Rc<Gates>,
}

#[derive(Default)]
struct Gates {
    opened: RefCell<Vec<bool>>,
    wakers: RefCell<Vec<Option<Waker>>>,
    polls: Cell<usize>,
}

impl Gates {
    /// Opens gate `index` and calls the waker its child was last polled with.
    fn open(&self, index: usize) {
        self.opened.borrow_mut()[index] = true;
        let waker = self.wakers.borrow()[index].clone().expect("polled once");
        waker.wake();
    }
}

impl Future for Gate {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let gates = &self.gates;
        gates.polls.set(gates.polls.get() + 1);
        if gates.opened.borrow()[self.index] {
            return Poll::Ready(());
        }
        gates.wakers.borrow_mut()[self.index] = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// `n` closed gates.
fn gates(n: usize) -> (Vec<Gate>, Rc<Gates>) {
    let gates = Rc::new(Gates {
        opened: RefCell::new(vec![false; n]),
        wakers: RefCell::new(vec![None; n]),
        polls: Cell::new(0),
    });
    ((0..n).map(|index| Gate { index, gates: Rc::clone(&gates) }).collect(), gates)
}

/// A scrambled order of `0..n` (a fixed multiplicative permutation).
fn scrambled(n: usize) -> impl Iterator<Item = usize> {
    // 7919 is prime and does not divide n, so i -> i * 7919 % n is a
    // permutation.
    (0..n).map(move |i| i * 7919 % n)
}

// ANCHOR: poll_count_test
#[test]
fn join_all_of_100_000_children_woken_one_by_one_costs_2n_polls() {
    const N: usize = 100_000;
    let (children, gates) = gates(N);
    let mut joined = join_all(children);
    let mut cx = Context::from_waker(Waker::noop());
    // The first poll polls every child once; all wait.
    assert!(Pin::new(&mut joined).poll(&mut cx).is_pending());
    assert_eq!(gates.polls.get(), N);
    // Open the gates one at a time, in a scrambled order, and poll the
    // parent after each: every poll must look at the one woken child only.
    for (opened, index) in scrambled(N).enumerate() {
        gates.open(index);
        let ready = Pin::new(&mut joined).poll(&mut cx);
        assert_eq!(ready.is_ready(), opened == N - 1);
    }
    // n first polls, n after the wakes: O(n), where polling every child
    // at every wake would be n + n(n+1)/2, about 5 billion.
    assert_eq!(gates.polls.get(), 2 * N);
}
// ANCHOR_END: poll_count_test

#[test]
fn stage_1_join_vec_polls_every_child_at_every_wake() {
    // The same experiment with stage 1's naive `join_vec`, at 1,000
    // children: the count this stage's test rules out.
    const N: usize = 1_000;
    let (children, gates) = gates(N);
    let mut joined = stepio_waker::join_vec(children);
    let mut cx = Context::from_waker(Waker::noop());
    assert!(Pin::new(&mut joined).poll(&mut cx).is_pending());
    for index in scrambled(N) {
        gates.open(index); // wakes the parent: all children share its waker
        let _ = Pin::new(&mut joined).poll(&mut cx);
    }
    // Every poll looks at every unfinished child.
    assert_eq!(gates.polls.get(), N + N * (N + 1) / 2);
}

struct CountingWaker(Arc<AtomicUsize>);

impl std::task::Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Counts the polls of whatever it wraps.
struct Counted<F> {
    inner: F,
    polls: Rc<Cell<usize>>,
}

impl<F: Future + Unpin> Future for Counted<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.set(self.polls.get() + 1);
        Pin::new(&mut self.inner).poll(cx)
    }
}

#[test]
fn gathering_100_000_tasks_polls_each_handle_twice_and_each_task_twice() {
    const N: usize = 100_000;
    let event_loop = simulated_loop();
    let task_polls = Rc::new(Cell::new(0));
    let handle_polls = Rc::new(Cell::new(0));
    let parent_polls = Rc::new(Cell::new(0));
    let (sum, parent_polls) = event_loop
        .run_until_complete({
            let task_polls = Rc::clone(&task_polls);
            let handle_polls = Rc::clone(&handle_polls);
            async move {
                // Each task yields once (`sleep(0)` in asyncio), so that it
                // finishes on a later turn than the one that started it.
                let tasks = (0..N).map(|n| {
                    let task_polls = Rc::clone(&task_polls);
                    create_task(poll_fn_counted(task_polls, async move {
                        yield_now().await;
                        n as u64
                    }))
                });
                let counted =
                    tasks.map(|inner| Counted { inner, polls: Rc::clone(&handle_polls) });
                let mut children = children::Children::new(counted);
                let mut sum = 0;
                let counter = Rc::clone(&parent_polls);
                poll_fn(|cx| {
                    counter.set(counter.get() + 1);
                    loop {
                        match children.poll_next(cx) {
                            Poll::Ready(Some((index, outcome))) => {
                                assert_eq!(outcome.unwrap(), index as u64);
                                sum += index as u64;
                            }
                            Poll::Ready(None) => return Poll::Ready(()),
                            Poll::Pending => return Poll::Pending,
                        }
                    }
                })
                .await;
                (sum, parent_polls.get())
            }
        })
        .unwrap();
    assert_eq!(sum, (N as u64 - 1) * N as u64 / 2, "all 100,000 finished");
    assert_eq!(
        task_polls.get(),
        2 * N,
        "each task: its first poll and the one after its yield"
    );
    assert_eq!(
        handle_polls.get(),
        2 * N,
        "each handle: the first poll, then once when its task finished"
    );
    // The parent is polled once per loop turn in which a child finished:
    // a handful, not once per child.
    assert!(parent_polls <= 4, "{parent_polls} parent polls");
    event_loop.close().unwrap();
}

/// Wraps an async block so that its polls are counted.
fn poll_fn_counted<F: Future>(
    polls: Rc<Cell<usize>>,
    future: F,
) -> impl Future<Output = F::Output> {
    let mut future = Box::pin(future);
    poll_fn(move |cx| {
        polls.set(polls.get() + 1);
        future.as_mut().poll(cx)
    })
}

#[test]
fn gather_of_100_000_tasks_that_sleep_zero_completes() {
    const N: u64 = 100_000;
    let event_loop = simulated_loop();
    let outputs = event_loop
        .run_until_complete(gather((0..N).map(|n| async move {
            sleep(Duration::ZERO).await;
            n
        })))
        .unwrap()
        .unwrap();
    assert_eq!(outputs.len() as u64, N);
    assert!(outputs.iter().enumerate().all(|(index, &n)| index as u64 == n));
    assert_eq!(event_loop.pending_tasks(), 0);
    event_loop.close().unwrap();
}

// ------------------------------------------------------------ ready list

#[test]
fn a_child_woken_twice_before_the_parent_looks_is_polled_once() {
    let mut ready = ReadyList::new(3);
    let parent = Waker::noop();
    assert_eq!(
        [ready.pop(), ready.pop(), ready.pop(), ready.pop()],
        [Some(0), Some(1), Some(2), None]
    );
    ready.waker(2).wake_by_ref();
    ready.waker(0).wake_by_ref();
    ready.waker(2).wake_by_ref();
    ready.refill(parent);
    assert_eq!([ready.pop(), ready.pop(), ready.pop()], [Some(2), Some(0), None]);
    // After the refill a wake counts again.
    ready.waker(2).wake_by_ref();
    ready.refill(parent);
    assert_eq!(ready.pop(), Some(2));
}

#[test]
fn only_the_first_wake_after_a_refill_wakes_the_parent_from_any_thread() {
    let counter = Arc::new(AtomicUsize::new(0));
    let parent = Waker::from(Arc::new(CountingWaker(Arc::clone(&counter))));
    let mut ready = ReadyList::new(4);
    while ready.pop().is_some() {}
    ready.refill(&parent);
    let wakers: Vec<Waker> = (0..4).map(|index| ready.waker(index).clone()).collect();
    thread::scope(|scope| {
        for waker in &wakers {
            scope.spawn(move || waker.wake_by_ref());
        }
    });
    assert_eq!(counter.load(Ordering::Relaxed), 1);
    ready.refill(&parent);
    let mut popped: Vec<usize> = std::iter::from_fn(|| ready.pop()).collect();
    popped.sort_unstable();
    assert_eq!(popped, [0, 1, 2, 3]);
    // A wake after the parent dropped the list goes nowhere.
    drop(ready);
    wakers[1].wake_by_ref();
    assert_eq!(counter.load(Ordering::Relaxed), 1);
}

#[test]
fn wakes_from_many_threads_while_the_parent_refills_lose_nothing() {
    // Bounded: 4 threads x 2,000 rounds over 64 children.
    const CHILDREN: usize = 64;
    const ROUNDS: usize = 2_000;
    let mut ready = ReadyList::new(CHILDREN);
    while ready.pop().is_some() {}
    let counter = Arc::new(AtomicUsize::new(0));
    let parent = Waker::from(Arc::new(CountingWaker(Arc::clone(&counter))));
    ready.refill(&parent);
    let wakers: Vec<Waker> =
        (0..CHILDREN).map(|index| ready.waker(index).clone()).collect();
    let woken = std::sync::atomic::AtomicBool::new(false);
    let mut seen = vec![0_usize; CHILDREN];
    thread::scope(|scope| {
        for thread in 0..4 {
            let wakers = &wakers;
            let woken = &woken;
            scope.spawn(move || {
                for round in 0..ROUNDS {
                    let waker = wakers[(thread * 17 + round * 7) % CHILDREN].clone();
                    if round % 2 == 0 { waker.wake() } else { waker.wake_by_ref() }
                }
                woken.store(true, Ordering::Release);
            });
        }
        // The parent: refill and pop while the wakes come in.
        while !woken.load(Ordering::Acquire) {
            ready.refill(&parent);
            while let Some(index) = ready.pop() {
                seen[index] += 1;
            }
        }
    });
    ready.refill(&parent);
    while let Some(index) = ready.pop() {
        seen[index] += 1;
    }
    // Every child was woken, so every child was seen; duplicates collapse,
    // so no child is seen more often than it was woken.
    assert!(seen.iter().all(|&count| count >= 1), "{seen:?}");
    assert!(seen.iter().sum::<usize>() <= 4 * ROUNDS);
    // Only wakes that found the stack empty woke the parent.
    assert!(counter.load(Ordering::Relaxed) <= seen.iter().sum::<usize>());
    // No child was left marked queued: one more wake each, and all come out.
    for waker in &wakers {
        waker.wake_by_ref();
    }
    ready.refill(&parent);
    assert_eq!(std::iter::from_fn(|| ready.pop()).count(), CHILDREN);
}
