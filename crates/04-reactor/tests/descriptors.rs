//! A loop dropped without `close` gives back everything it opened: the
//! epoll instance, the eventfd, and the sockets of tasks that never
//! finished. A test binary of its own, so no other test opens descriptors
//! while it counts them; its tests take turns (`ONE_AT_A_TIME`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use stepio_poll_loop::get_running_loop;
use stepio_reactor::{TcpListener, new_event_loop, serve};

/// Held by each test while it counts descriptors.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// How many descriptors this process has open.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, Iterator::count)
}

/// Ready on its second poll: lets the loop run one turn.
struct OneTurn(bool);

impl Future for OneTurn {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            return Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn a_thousand_loops_dropped_without_close_leave_no_descriptor_open() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    // Whatever the process opens once, at its first loop, stays open.
    stepio_reactor::run(async {}).unwrap();
    let before = open_fds();
    for _ in 0..1_000 {
        drop(new_event_loop().unwrap());
    }
    assert_eq!(open_fds(), before, "loops that never ran");
    for _ in 0..1_000 {
        let event_loop = new_event_loop().unwrap();
        event_loop
            .run_until_complete(async {
                let listener = TcpListener::bind("127.0.0.1:0").unwrap();
                let serving = serve(listener, |_stream, _peer| async {});
                get_running_loop().unwrap().spawn(async {
                    let _ = serving.await;
                })?;
                OneTurn(false).await; // the accept loop starts waiting
                Ok::<_, stepio_poll_loop::LoopError>(())
            })
            .unwrap()
            .unwrap();
        drop(event_loop); // no close: the accept loop is still waiting
    }
    assert_eq!(open_fds(), before, "loops that served and were dropped");
}

#[test]
fn a_task_that_holds_its_own_loop_keeps_it_until_close() {
    // A task that keeps a strong handle on its loop while it waits makes a
    // cycle (the loop owns the task, the task owns the loop): dropping the
    // loop's last outside handle frees nothing. `close` (and so every
    // `run`) drops the task, which breaks the cycle. A `WeakEventLoop`
    // (`downgrade`) held instead makes no cycle.
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let make = |strong: bool| {
        let event_loop = new_event_loop().unwrap();
        event_loop
            .run_until_complete(async move {
                let event_loop = get_running_loop().unwrap();
                let weak = event_loop.downgrade();
                event_loop.spawn(async move {
                    let _kept = strong.then(|| weak.upgrade());
                    std::future::pending::<()>().await;
                })?;
                OneTurn(false).await;
                Ok::<_, stepio_poll_loop::LoopError>(())
            })
            .unwrap()
            .unwrap();
        event_loop
    };
    // Whatever the process opens once, at its first loop, stays open.
    drop(make(false));
    let before = open_fds();
    for _ in 0..100 {
        drop(make(false));
    }
    assert_eq!(open_fds(), before, "weak handles: dropped loops close");
    drop(make(true));
    let leaked = open_fds() - before;
    assert!(leaked > 0, "a strong handle keeps the loop's descriptors open");
    for _ in 0..100 {
        make(true).close().unwrap();
    }
    assert_eq!(open_fds(), before + leaked, "close breaks the cycle");
}
