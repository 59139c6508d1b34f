//! `serve`: an accept loop that gives every connection a task of its own,
//! as asyncio's `start_server(client_connected_cb, ...)`.

use std::cell::{Cell, RefCell};
use std::future::{Future, poll_fn};
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

use stepio_poll_loop::{LoopError, get_running_loop};
use stepio_timer_wheel::sleep;

use crate::{TcpListener, TcpStream, is_out_of_resources, sys};

/// How long [`serve`] waits before accepting again when the process is out
/// of file descriptors. asyncio waits 1 s; a shorter wait recovers sooner
/// and still costs nothing measurable.
pub const ACCEPT_RETRY_DELAY: Duration = Duration::from_millis(100);

// ANCHOR: serve
/// Accepts connections on `listener` for ever, and spawns
/// `on_connection(stream, peer)` as a task for each one.
///
/// When `accept` fails for lack of resources (`EMFILE` and friends), the
/// connection stays queued in the kernel and the listener stays readable,
/// so accepting again at once would fail again at once, for ever: a busy
/// loop. `serve` reports it on stderr (with [`log_error`](crate::log_error),
/// once a second at most) and waits [`ACCEPT_RETRY_DELAY`]
/// instead; connections that finish meanwhile free descriptors.
///
/// # Errors
///
/// Any other `accept` error, or a loop that is closed or not running.
pub async fn serve<F, Fut>(listener: TcpListener, on_connection: F) -> io::Result<()>
where
    F: FnMut(TcpStream, SocketAddr) -> Fut,
    Fut: Future<Output = ()> + 'static,
{
    // Weak: this future is one of the loop's tasks, and a strong handle
    // here would keep the loop (its epoll, its eventfd, this listener)
    // alive for ever if it were dropped without `close`.
    let event_loop = get_running_loop().map_err(io::Error::other)?.downgrade();
    serve_with(listener, on_connection, move |connection| {
        event_loop.upgrade().ok_or(LoopError::Closed)?.spawn(connection).map(drop)
    })
    .await
}

/// [`serve`], with the spawning of each connection's task left to `spawn`,
/// so that a runtime whose tasks are not this loop's own runs the
/// connections on them.
///
/// # Errors
///
/// As [`serve`], and an error `spawn` returns.
pub async fn serve_with<F, Fut, S>(
    mut listener: TcpListener,
    mut on_connection: F,
    mut spawn: S,
) -> io::Result<()>
where
    F: FnMut(TcpStream, SocketAddr) -> Fut,
    S: FnMut(Fut) -> Result<(), LoopError>,
{
    accept_loop(&mut listener, &mut on_connection, &mut spawn).await
}

/// The loop of [`serve_with`], on a listener it borrows.
async fn accept_loop<F, Fut, S>(
    listener: &mut TcpListener,
    on_connection: &mut F,
    spawn: &mut S,
) -> io::Result<()>
where
    F: FnMut(TcpStream, SocketAddr) -> Fut,
    S: FnMut(Fut) -> Result<(), LoopError>,
{
    // Out of descriptors, the retries are counted and reported once a
    // second at most: a server stuck there says so without flooding its log.
    let (mut tries, mut reported) = (0u64, None::<Instant>);
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                spawn(on_connection(stream, peer)).map_err(io::Error::other)?
            }
            Err(err) if is_out_of_resources(&err) => {
                tries += 1;
                if reported.is_none_or(|at| at.elapsed() >= Duration::from_secs(1)) {
                    // Never `eprintln!`: a stderr nobody reads would stop the loop.
                    crate::log_error(format!(
                        "accept: {err}; accepting again every {ACCEPT_RETRY_DELAY:?} \
                         ({tries} tries so far)"
                    ));
                    reported = Some(Instant::now());
                }
                sleep(ACCEPT_RETRY_DELAY).await;
            }
            // A connection that was reset while it waited in the queue, or
            // another network error of that one connection: that client is
            // gone, the others are not.
            Err(err) if sys::is_accept_worth_retrying(&err) => {}
            Err(err) => return Err(err),
        }
    }
}
// ANCHOR_END: serve

// ANCHOR: serve_until
/// [`serve`] until `stop` finishes (a Ctrl-C, say: [`ctrl_c`](crate::ctrl_c)),
/// then stops gracefully: no new connection is accepted, those already in
/// the kernel's queue are still served, and it returns once every
/// connection's task has finished, so that no request in flight is cut.
///
/// # Errors
///
/// As [`serve`].
pub async fn serve_until<F, Fut>(
    mut listener: TcpListener,
    mut on_connection: F,
    stop: impl Future<Output = ()>,
) -> io::Result<()>
where
    F: FnMut(TcpStream, SocketAddr) -> Fut,
    Fut: Future<Output = ()> + 'static,
{
    let in_flight = InFlight::default();
    let event_loop = get_running_loop().map_err(io::Error::other)?.downgrade();
    let spawn = |connection: Fut| -> io::Result<()> {
        let guard = in_flight.enter();
        let event_loop =
            event_loop.upgrade().ok_or(LoopError::Closed).map_err(io::Error::other)?;
        event_loop
            .spawn(async move {
                let _guard = guard;
                connection.await;
            })
            .map(drop)
            .map_err(io::Error::other)
    };
    {
        let mut stop = pin!(stop);
        let mut spawn_or_closed =
            |connection| spawn(connection).map_err(|_| LoopError::Closed);
        let mut serving =
            pin!(accept_loop(&mut listener, &mut on_connection, &mut spawn_or_closed));
        let stopped = poll_fn(|cx| {
            if stop.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Ok(()));
            }
            serving.as_mut().poll(cx)
        })
        .await;
        stopped?;
    }
    // Connections the kernel completed before the stop are served too.
    while let Some((stream, peer)) = listener.accept_queued()? {
        spawn(on_connection(stream, peer))?;
    }
    drop(listener);
    in_flight.all_done().await;
    Ok(())
}

/// How many connection tasks have not finished, and who waits for none.
#[derive(Default, Clone)]
struct InFlight {
    count: Rc<Cell<usize>>,
    waiter: Rc<RefCell<Option<Waker>>>,
}

/// One connection task in flight; dropping it (the task finished, or was
/// dropped at close) counts it out.
struct Entered(InFlight);

impl InFlight {
    fn enter(&self) -> Entered {
        self.count.set(self.count.get() + 1);
        Entered(self.clone())
    }

    async fn all_done(&self) {
        poll_fn(|cx| {
            if self.count.get() == 0 {
                return Poll::Ready(());
            }
            *self.waiter.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        })
        .await;
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        self.0.count.set(self.0.count.get() - 1);
        if self.0.count.get() == 0 {
            if let Some(waker) = self.0.waiter.borrow_mut().take() {
                waker.wake();
            }
        }
    }
}
// ANCHOR_END: serve_until
