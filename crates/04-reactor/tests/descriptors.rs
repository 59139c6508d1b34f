//! A loop dropped without `close` gives back everything it opened: the
//! epoll instance, the eventfd, and the sockets of tasks that never
//! finished. A test binary of its own, so no other test opens descriptors
//! while it counts them.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use stepio_poll_loop::get_running_loop;
use stepio_reactor::{TcpListener, new_event_loop, serve};

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
