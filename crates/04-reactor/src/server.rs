//! `serve`: an accept loop that gives every connection a task of its own,
//! as asyncio's `start_server(client_connected_cb, ...)`.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
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
