use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use stepio_poll_loop::ThreadDriver;
use stepio_timer_wheel::{Clock, event_loop_with};

use crate::sync::{
    Event, Lock, Queue, QueueEmpty, QueueFull, Semaphore, TooManyReleases,
    TooManyTaskDone,
};
use crate::*;

/// A loop on a simulated clock: the order of events is exact.
fn simulated_loop() -> EventLoop {
    event_loop_with(ThreadDriver::new(), Clock::simulated())
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Runs `main` on a simulated loop and closes it.
fn simulate<T>(main: impl Future<Output = T>) -> T {
    let event_loop = simulated_loop();
    let output = event_loop.run_until_complete(main).unwrap();
    event_loop.close().unwrap();
    output
}

use std::future::Future;

// ------------------------------------------------------------------ Lock

#[test]
fn a_lock_lets_one_task_in_at_a_time_in_arrival_order() {
    let (order, most_inside) = simulate(async {
        let lock = Lock::new();
        let inside = Rc::new(Cell::new(0));
        let most = Rc::new(Cell::new(0));
        let order = Rc::new(RefCell::new(Vec::new()));
        let tasks: Vec<_> = (0..5)
            .map(|n| {
                let (lock, inside, most, order) =
                    (lock.clone(), inside.clone(), most.clone(), order.clone());
                create_task(async move {
                    let _guard = lock.lock().await;
                    inside.set(inside.get() + 1);
                    most.set(most.get().max(inside.get()));
                    order.borrow_mut().push(n);
                    sleep(ms(10)).await; // held across an await
                    inside.set(inside.get() - 1);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert!(!lock.locked());
        (order.borrow().clone(), most.get())
    });
    assert_eq!(order, [0, 1, 2, 3, 4]);
    assert_eq!(most_inside, 1);
}

#[test]
fn a_task_cancelled_while_waiting_for_a_lock_loses_nothing() {
    simulate(async {
        let lock = Lock::new();
        let guard = lock.lock().await;
        let waiting = create_task({
            let lock = lock.clone();
            async move {
                let _guard = lock.lock().await;
            }
        });
        let next = create_task({
            let lock = lock.clone();
            async move { drop(lock.lock().await) }
        });
        sleep(ms(1)).await; // both wait now
        waiting.cancel();
        sleep(ms(1)).await;
        drop(guard);
        wait_for(next, ms(100)).await.expect("the next waiter got the lock").unwrap();
        assert!(lock.try_lock().is_some(), "and gave it back");
    });
}

#[test]
fn a_waiter_cancelled_after_the_lock_was_handed_to_it_hands_it_on() {
    simulate(async {
        let lock = Lock::new();
        let guard = lock.lock().await;
        let first = create_task({
            let lock = lock.clone();
            async move { drop(lock.lock().await) }
        });
        let second = create_task({
            let lock = lock.clone();
            async move { drop(lock.lock().await) }
        });
        sleep(ms(1)).await;
        // Unlocking hands the lock to `first`; cancelling `first` in the
        // same turn, before it runs, must pass the lock to `second`.
        drop(guard);
        first.cancel();
        assert!(first.await.unwrap_err().is_cancelled());
        wait_for(second, ms(100)).await.expect("the lock was handed on").unwrap();
        assert!(!lock.locked());
    });
}

#[test]
fn a_lock_being_handed_to_a_waiter_is_not_locked_until_it_runs() {
    simulate(async {
        let lock = Lock::new();
        let guard = lock.lock().await;
        let waiter = create_task({
            let lock = lock.clone();
            async move {
                let _guard = lock.lock().await;
                lock.locked()
            }
        });
        sleep(ms(1)).await;
        drop(guard);
        // As asyncio's: released, and not yet taken by the waiter...
        assert!(!lock.locked());
        // ...but promised to it: a newcomer does not get in first.
        assert!(lock.try_lock().is_none());
        assert!(waiter.await.unwrap(), "locked while the waiter holds it");
        assert!(!lock.locked());
    });
}

// ------------------------------------------------------------- Semaphore

#[test]
fn a_semaphore_lets_n_in_at_once_first_come_first_served() {
    let (order, most) = simulate(async {
        let semaphore = Semaphore::new(3);
        let inside = Rc::new(Cell::new(0));
        let most = Rc::new(Cell::new(0));
        let order = Rc::new(RefCell::new(Vec::new()));
        let tasks: Vec<_> = (0..1000)
            .map(|n| {
                let (semaphore, inside, most, order) =
                    (semaphore.clone(), inside.clone(), most.clone(), order.clone());
                create_task(async move {
                    let _permit = semaphore.acquire().await;
                    order.borrow_mut().push(n);
                    inside.set(inside.get() + 1);
                    most.set(most.get().max(inside.get()));
                    sleep(ms(1)).await;
                    inside.set(inside.get() - 1);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(semaphore.available_permits(), 3);
        (order.borrow().clone(), most.get())
    });
    assert_eq!(order, (0..1000).collect::<Vec<_>>());
    assert_eq!(most, 3);
}

#[test]
fn cancelled_semaphore_waiters_lose_no_permit() {
    simulate(async {
        let semaphore = Semaphore::new(2);
        let held = [semaphore.acquire().await, semaphore.acquire().await];
        let waiters: Vec<_> = (0..4)
            .map(|_| {
                let semaphore = semaphore.clone();
                create_task(async move { drop(semaphore.acquire().await) })
            })
            .collect();
        sleep(ms(1)).await;
        assert_eq!(semaphore.waiting(), 4);
        // One cancelled while waiting, one right after it was handed a permit.
        waiters[0].cancel();
        drop(held);
        waiters[1].cancel();
        for (n, waiter) in waiters.into_iter().enumerate() {
            let outcome = waiter.await;
            assert_eq!(outcome.is_ok(), n >= 2, "waiter {n}: {outcome:?}");
        }
        assert_eq!(semaphore.available_permits(), 2, "every permit came back");
    });
}

#[test]
fn a_bounded_semaphore_refuses_a_release_too_many() {
    let semaphore = Semaphore::bounded(1);
    assert_eq!(semaphore.release(), Err(TooManyReleases));
    let permit = semaphore.try_acquire().unwrap();
    assert!(semaphore.locked());
    permit.forget();
    assert_eq!(semaphore.release(), Ok(()));
    assert_eq!(semaphore.release(), Err(TooManyReleases));
    let unbounded = Semaphore::new(0);
    assert_eq!(unbounded.release(), Ok(()));
    assert_eq!(unbounded.available_permits(), 1);
}

// ------------------------------------------------------------------ Event

#[test]
fn setting_an_event_wakes_every_waiter_even_if_cleared_at_once() {
    let woken = simulate(async {
        let event = Event::new();
        let woken = Rc::new(Cell::new(0));
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let (event, woken) = (event.clone(), woken.clone());
                create_task(async move {
                    event.wait().await;
                    woken.set(woken.get() + 1);
                })
            })
            .collect();
        sleep(ms(1)).await;
        assert_eq!(woken.get(), 0);
        event.set();
        event.clear();
        for task in tasks {
            task.await.unwrap();
        }
        assert!(!event.is_set());
        event.set();
        event.wait().await; // set: at once
        woken.get()
    });
    assert_eq!(woken, 100);
}

#[test]
fn a_cancelled_event_waiter_leaves_the_line() {
    simulate(async {
        let event = Event::new();
        let waiter = create_task({
            let event = event.clone();
            async move { event.wait().await }
        });
        sleep(ms(1)).await;
        waiter.cancel();
        assert!(waiter.await.unwrap_err().is_cancelled());
        event.set();
        assert!(event.is_set());
    });
}

// ------------------------------------------------------------------ Queue

#[test]
fn a_queue_is_first_in_first_out_and_nowait_calls_fail_clearly() {
    let queue = Queue::new(2);
    assert_eq!(queue.get_nowait(), Err(QueueEmpty));
    queue.put_nowait('a').unwrap();
    queue.put_nowait('b').unwrap();
    assert!(queue.full());
    assert_eq!(queue.put_nowait('c'), Err(QueueFull('c')));
    assert_eq!((queue.get_nowait(), queue.get_nowait()), (Ok('a'), Ok('b')));
    assert!(queue.empty());
    assert_eq!(QueueFull('c').to_string(), "the queue is full");
}

#[test]
fn put_waits_while_full_and_get_while_empty() {
    let log = simulate(async {
        let queue = Queue::new(1);
        let log = Rc::new(RefCell::new(Vec::new()));
        let producer = create_task({
            let (queue, log) = (queue.clone(), log.clone());
            async move {
                for n in 0..3 {
                    queue.put(n).await;
                    log.borrow_mut().push(format!("put {n}"));
                }
            }
        });
        sleep(ms(10)).await;
        assert_eq!(queue.qsize(), 1, "the producer waits with its second item");
        for _ in 0..3 {
            let item = queue.get().await;
            log.borrow_mut().push(format!("got {item}"));
            sleep(ms(10)).await;
        }
        producer.await.unwrap();
        log.borrow().clone()
    });
    assert_eq!(log, ["put 0", "got 0", "put 1", "got 1", "put 2", "got 2"]);
}

#[test]
fn a_getter_cancelled_after_it_was_handed_an_item_gives_it_back() {
    simulate(async {
        let queue = Queue::new(0);
        let first = create_task({
            let queue = queue.clone();
            async move { queue.get().await }
        });
        let second = create_task({
            let queue = queue.clone();
            async move { queue.get().await }
        });
        sleep(ms(1)).await;
        // Handed to `first`, which is cancelled before it runs: the item
        // must reach `second`.
        queue.put_nowait("item").unwrap();
        first.cancel();
        assert!(first.await.unwrap_err().is_cancelled());
        assert_eq!(wait_for(second, ms(100)).await.expect("passed on").unwrap(), "item");
        // With no other getter, it goes back to the front of the queue.
        let lone = create_task({
            let queue = queue.clone();
            async move { queue.get().await }
        });
        sleep(ms(1)).await;
        queue.put_nowait("second item").unwrap();
        queue.put_nowait("third item").unwrap();
        lone.cancel();
        sleep(ms(1)).await;
        assert_eq!(queue.get_nowait(), Ok("second item"));
        assert_eq!(queue.get_nowait(), Ok("third item"));
    });
}

#[test]
fn a_putter_cancelled_while_waiting_puts_nothing() {
    simulate(async {
        let queue = Queue::new(1);
        queue.put_nowait(1).unwrap();
        let blocked = create_task({
            let queue = queue.clone();
            async move { queue.put(2).await }
        });
        let after = create_task({
            let queue = queue.clone();
            async move { queue.put(3).await }
        });
        sleep(ms(1)).await;
        blocked.cancel();
        assert!(blocked.await.unwrap_err().is_cancelled());
        assert_eq!(queue.get().await, 1);
        after.await.unwrap();
        assert_eq!(queue.get_nowait(), Ok(3), "2 was never put");
        assert_eq!(queue.get_nowait(), Err(QueueEmpty));
    });
}

#[test]
fn a_putter_cancelled_after_room_was_kept_for_it_puts_nothing() {
    simulate(async {
        let queue = Queue::new(1);
        queue.put_nowait("first").unwrap();
        let blocked = create_task({
            let queue = queue.clone();
            async move { queue.put("second").await }
        });
        let after = create_task({
            let queue = queue.clone();
            async move { queue.put("third").await }
        });
        sleep(ms(1)).await; // both wait
        // A get makes room and keeps it for `blocked`; cancelled before it
        // runs, `blocked` puts nothing (a retry would not duplicate), and
        // the room goes to `after`.
        assert_eq!(queue.get_nowait(), Ok("first"));
        assert_eq!(queue.put_nowait("barging"), Err(QueueFull("barging")));
        blocked.cancel();
        assert!(blocked.await.unwrap_err().is_cancelled());
        after.await.unwrap();
        assert_eq!(queue.get_nowait(), Ok("third"));
        assert_eq!(queue.get_nowait(), Err(QueueEmpty));
    });
}

#[test]
fn many_producers_and_consumers_move_every_item_once_in_order_per_producer() {
    const PRODUCERS: usize = 50;
    const ITEMS: usize = 100;
    let received = simulate(async {
        let queue = Queue::new(8);
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let queue = queue.clone();
                create_task(async move {
                    for i in 0..ITEMS {
                        queue.put((p, i)).await;
                        if i % 7 == 0 {
                            yield_now().await;
                        }
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..10)
            .map(|_| {
                let queue = queue.clone();
                create_task(async move {
                    let mut got = Vec::new();
                    for _ in 0..PRODUCERS * ITEMS / 10 {
                        got.push(queue.get().await);
                        queue.task_done().unwrap();
                    }
                    got
                })
            })
            .collect();
        queue.join().await;
        for producer in producers {
            producer.await.unwrap();
        }
        let mut received = Vec::new();
        for consumer in consumers {
            received.push(consumer.await.unwrap());
        }
        received
    });
    let mut all: Vec<(usize, usize)> = received.iter().flatten().copied().collect();
    // Each consumer saw each producer's items in order.
    for got in &received {
        for p in 0..PRODUCERS {
            let items: Vec<usize> =
                got.iter().filter(|(q, _)| *q == p).map(|(_, i)| *i).collect();
            assert!(items.windows(2).all(|pair| pair[0] < pair[1]));
        }
    }
    all.sort_unstable();
    let expected: Vec<_> =
        (0..PRODUCERS).flat_map(|p| (0..ITEMS).map(move |i| (p, i))).collect();
    assert_eq!(all, expected, "every item exactly once");
}

#[test]
fn join_waits_for_task_done_on_every_item() {
    simulate(async {
        let queue = Queue::new(0);
        assert_eq!(queue.task_done(), Err(TooManyTaskDone));
        queue.join().await; // nothing put: at once
        for n in 0..3 {
            queue.put(n).await;
        }
        let joined = create_task({
            let queue = queue.clone();
            async move { queue.join().await }
        });
        for _ in 0..3 {
            queue.get().await;
            sleep(ms(1)).await;
            assert!(!joined.done());
            queue.task_done().unwrap();
        }
        wait_for(joined, ms(100)).await.expect("join returned").unwrap();
        assert_eq!(queue.task_done(), Err(TooManyTaskDone));
    });
}

#[test]
fn run_is_asyncio_run_on_the_reactor_loop() {
    let output = crate::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let _ = listener.local_addr().unwrap();
        let pool_result = to_thread(|| 21 * 2).await.unwrap();
        let (a, b) = gather!(async { 1 }, async { "two" }).await.unwrap();
        (pool_result, a, b)
    })
    .unwrap();
    assert_eq!(output, (42, 1, "two"));
}

// ------------------------------------------------------------------ Seeing the loop

// ANCHOR: count_down_timeline
/// T3's count_down on a simulated clock, traced: the timeline is exact.
#[test]
fn the_timeline_of_count_down_shows_the_three_interleaved() {
    async fn count_down(delay: Duration) {
        for _ in 0..3 {
            sleep(delay).await;
        }
    }
    let event_loop = simulated_loop();
    event_loop.start_tracing();
    event_loop
        .run_until_complete(async {
            let tasks = vec![
                create_task(count_down(ms(1000))), // A
                create_task(count_down(ms(800))),  // B
                create_task(count_down(ms(500))),  // C
            ];
            let waited = wait(tasks, ReturnWhen::AllCompleted, None).await;
            assert_eq!(waited.done.len(), 3);
        })
        .unwrap();
    event_loop.close().unwrap();
    let timeline = event_loop.trace().unwrap().timeline(64);
    let expected = "\
stepio timeline: 3.000 s in all, one column = 0.1s
                   0s        1s        2s
loop              |#....#..#.#....##...#...#....#|
main              |#--------------#--------#----#| done at 3.000 s
Task-1 count_down |#---------#---------#--------#| done at 3.000 s
Task-2 count_down |#-------#-------#-------#     | done at 2.400 s
Task-3 count_down |#----#----#----#              | done at 1.500 s
  # running   - waiting   . loop asleep in its driver
";
    assert!(timeline.starts_with(expected), "{timeline}");
    assert!(timeline.contains("4 tasks, 16 polls, 12 wakes (0 from other threads)"));
    assert!(timeline.contains("\n  9 timers fired, 0 I/O events"));
}
// ANCHOR_END: count_down_timeline

// ------------------------------------------------------------------ serve

#[test]
fn serve_runs_each_connection_as_a_stage_5_task() {
    let on_task = stepio_waker::testing::within(Duration::from_secs(60), || {
        run(async {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = listener.local_addr().unwrap();
            // Whether each connection's code ran inside a stage 5 task:
            // `current_task` finds only those.
            let on_task = Rc::new(RefCell::new(Vec::new()));
            let seen = Rc::clone(&on_task);
            let server = create_task(serve(listener, move |mut stream, _| {
                let seen = Rc::clone(&seen);
                async move {
                    seen.borrow_mut().push(current_task().is_some());
                    let mut byte = [0];
                    stream.read_exact(&mut byte).await.unwrap();
                    stream.write_all(&byte).await.unwrap();
                }
            }));
            for n in 0..3u8 {
                let mut client = TcpStream::connect(addr).await.unwrap();
                client.write_all(&[n]).await.unwrap();
                let mut echoed = [0];
                client.read_exact(&mut echoed).await.unwrap();
                assert_eq!(echoed, [n]);
            }
            server.cancel();
            on_task.take()
        })
        .unwrap()
    });
    assert_eq!(on_task, [true, true, true]);
}

// ANCHOR: scope_tests
#[test]
fn a_timeout_scope_ends_its_body_at_the_deadline_unless_it_is_moved() {
    simulate(async {
        let event_loop = get_running_loop().unwrap();
        // Within the deadline: the body's output.
        let quick = timeout_scope(Some(ms(100)), |_| sleep(ms(50))).await;
        assert!(quick.is_ok());
        // Past it: Elapsed, after the scope's 100 ms.
        let start = event_loop.now();
        let slow = timeout_scope(Some(ms(100)), |_| sleep(ms(200))).await;
        assert_eq!(slow.unwrap_err().after(), ms(100));
        assert_eq!(event_loop.now() - start, ms(100), "it ended at the deadline");
        // Moved later from inside: the body finishes.
        let moved = timeout_scope(Some(ms(100)), |scope| async move {
            sleep(ms(50)).await;
            let later = scope.when().unwrap() + ms(200);
            scope.reschedule(Some(later));
            sleep(ms(150)).await;
            "finished"
        })
        .await;
        assert_eq!(moved.unwrap(), "finished");
        // No deadline at all, then one set from outside the body.
        let scope_out = Rc::new(RefCell::new(None));
        let unbounded = timeout_scope(None, |scope| {
            *scope_out.borrow_mut() = Some(scope.clone());
            async move {
                assert!(scope.when().is_none());
                sleep(ms(1_000)).await;
            }
        });
        let setter = create_task({
            let scope_out = Rc::clone(&scope_out);
            let now = event_loop.now();
            async move {
                sleep(ms(10)).await;
                let scope = scope_out.borrow().clone().unwrap();
                scope.reschedule(Some(now + ms(30)));
            }
        });
        let start = event_loop.now();
        assert!(unbounded.await.is_err());
        assert_eq!(event_loop.now() - start, ms(30));
        setter.await.unwrap();
    });
}

#[test]
fn a_shielded_future_outlives_the_cancelled_task_that_awaited_it() {
    simulate(async {
        let finished = Rc::new(Cell::new(false));
        let outer = create_task({
            let finished = Rc::clone(&finished);
            async move {
                shield(async move {
                    sleep(ms(100)).await;
                    finished.set(true);
                })
                .await
            }
        });
        sleep(ms(10)).await;
        outer.cancel();
        assert!(outer.await.unwrap_err().is_cancelled());
        assert!(!finished.get());
        sleep(ms(200)).await;
        assert!(finished.get(), "the shielded work ran to its end");
    });
}
// ANCHOR_END: scope_tests
