//! # stepio: the assembled runtime
//!
//! Every stage of the book, behind one asyncio-shaped API: the loop with
//! timers and the epoll reactor (stages 2 to 4), tasks (5), gather and wait
//! (6), the thread pool (7), and asyncio's synchronization primitives
//! ([`sync`]).
//!
//! ```
//! use std::time::Duration;
//!
//! let total = stepio::run(async {
//!     let queue = stepio::sync::Queue::new(2);
//!     let producer = stepio::create_task({
//!         let queue = queue.clone();
//!         async move {
//!             for n in 1..=5 {
//!                 queue.put(n).await; // waits while 2 items are queued
//!             }
//!         }
//!     });
//!     let mut total = 0;
//!     for _ in 0..5 {
//!         total += stepio::wait_for(queue.get(), Duration::from_secs(10)).await.unwrap();
//!     }
//!     producer.await.unwrap();
//!     let squares = stepio::to_thread(|| (1..=3).map(|n| n * n).sum::<i32>()).await.unwrap();
//!     total + squares
//! })
//! .unwrap();
//! assert_eq!(total, 15 + 14);
//! ```
//!
//! ## asyncio's names, and ours
//!
//! | asyncio | stepio |
//! | --- | --- |
//! | `asyncio.run(main())` | [`run`]`(main())` |
//! | `asyncio.new_event_loop()` | [`new_event_loop`]`()` |
//! | `loop.run_until_complete`, `run_forever`, `stop`, `close` | the same methods on [`EventLoop`] |
//! | `asyncio.get_running_loop()` | [`get_running_loop`]`()` |
//! | `loop.call_soon`, `call_later`, `call_at`, `time` | [`EventLoop::call_soon`], and [`LoopTime`]'s `call_later`, `call_at`, `time` |
//! | `loop.call_soon_threadsafe(cb)` | `event_loop.remote()` ([`LoopExecutor::remote`]) then [`RemoteLoop::call_soon_threadsafe`] |
//! | `asyncio.sleep(s)` | [`sleep`](fn@sleep)`(Duration)` |
//! | `asyncio.create_task(coro)`, `loop.create_task` | [`create_task`]`(fut)`, [`LoopTasks::create_task`] |
//! | `task.done()`, `result()`, `cancel()`, `add_done_callback` | the same on [`Task`] |
//! | `loop.create_future()` | [`LoopTasks::create_future`] ([`BareFuture`]) |
//! | `asyncio.gather(*aws)`, `return_exceptions=True` | [`gather`](fn@gather)`(aws)`, `.return_exceptions()`; [`gather!`] for mixed types |
//! | `asyncio.wait(tasks, timeout, return_when)` | [`wait`](fn@wait)`(tasks, ReturnWhen::..., timeout)` |
//! | `asyncio.wait_for(aw, timeout)` | [`wait_for`] (futures), [`wait_for_task`] (tasks) |
//! | `asyncio.as_completed(aws)` | [`as_completed`](fn@as_completed) |
//! | `loop.run_in_executor(executor, fn)` | [`LoopExecutor::run_in_executor`] |
//! | `asyncio.to_thread(fn)` | [`to_thread`] |
//! | `concurrent.futures.ThreadPoolExecutor` | [`ThreadPoolExecutor`] ([`ConcurrentFuture`]) |
//! | `asyncio.start_server`, streams | [`TcpListener`], [`serve`], [`TcpStream`] |
//! | `asyncio.create_subprocess_exec`, `Process` | [`create_subprocess_exec`] (a [`std::process::Command`]), [`Process`] |
//! | `asyncio.Lock`, `Event`, `Semaphore`, `BoundedSemaphore`, `Queue` | [`sync::Lock`], [`sync::Event`], [`sync::Semaphore`] (`::bounded`), [`sync::Queue`] |
//! | `asyncio.CancelledError` | [`TaskError::Cancelled`]; the task's future is dropped |
//! | `asyncio.TimeoutError` | [`Elapsed`] |
//! | `PYTHONASYNCIODEBUG=1`, `loop.set_debug(True)` | `STEPIO_DEBUG=1`, [`LoopDebug::set_debug`] |
//! | `loop.slow_callback_duration = 0.1` | [`LoopDebug::set_slow_callback_duration`] |
//! | (none) | `STEPIO_TRACE=1`, `STEPIO_TRACE_FILE=trace.json`, [`run_traced`], [`LoopDebug::start_tracing`]: a [`Trace`] drawn as a timeline or opened in Perfetto |

#![forbid(unsafe_code)]

mod debug;
pub mod group;
pub mod scopes;
pub mod streams;
pub mod subprocess;
pub mod sync;
pub mod trace;
pub mod watch;
mod wrap;

use std::future::Future;
use std::io;
use std::net::SocketAddr;

pub use debug::{DebugReport, describe_task};
pub use group::{GroupError, TaskGroup, task_group};
pub use scopes::{ScopeFuture, TimeoutScope, shield, timeout_at, timeout_scope};
pub use stepio_executor_bridge::{
    ConcurrentFuture, JobError, LoopExecutor, RemoteLoop, ThreadPoolExecutor, to_thread,
};
pub use stepio_gather::{
    AsCompleted, Either, Gather, ReturnWhen, Spawned, Waited, as_completed, gather,
    gather_tasks, join_all, select, try_gather, wait, wait_for, wait_for_task,
};
pub use stepio_poll_loop::{EventLoop, Handle, LoopError, get_running_loop};
pub use stepio_reactor::TcpListener;
pub use stepio_reactor::TcpStream;
pub use stepio_reactor::UdpSocket;
pub use stepio_tasks::{
    BareFuture, LoopTasks, Task, TaskError, create_task, current_task,
};
pub use stepio_timer_wheel::{Elapsed, LoopTime, sleep, sleep_until, timeout};
pub use stepio_waker::yield_now;
pub use streams::{
    Server, StreamError, StreamReader, StreamWriter, open_connection, start_server,
};
pub use subprocess::{Process, create_subprocess_exec};
pub use trace::{Trace, TraceEvent, Tracer};
pub use watch::{LoopDebug, watch_as_env_says, watch_from_env};

// ANCHOR: run
/// Runs `main` on a new loop (timers and the epoll reactor), then closes
/// the loop, as `asyncio.run(main())`: tasks still pending are cancelled,
/// and the default thread pool is shut down.
///
/// On the main thread, the first Ctrl-C cancels `main` (it is dropped),
/// the loop closes as usual, and `run` returns [`LoopError::Interrupted`];
/// a second Ctrl-C ends the process at once
/// ([`stepio_reactor::cancel_on_ctrl_c`]).
///
/// # Errors
///
/// A [`LoopError`] if the loop cannot be made (no epoll) or is misused
/// (for example, `run` inside a running loop), or Ctrl-C cancelled `main`.
pub fn run<F: Future>(main: F) -> Result<F::Output, LoopError> {
    let event_loop = new_event_loop().map_err(LoopError::Driver)?;
    let output = event_loop.run_and_close(stepio_reactor::cancel_on_ctrl_c(main))?;
    output.ok_or(LoopError::Interrupted)
}
// ANCHOR_END: run

/// A new loop with timers and the epoll reactor, as
/// `asyncio.new_event_loop()`, in debug mode or traced if the environment
/// says so (`STEPIO_DEBUG=1`, `STEPIO_TRACE=1`, `STEPIO_TRACE_FILE`).
///
/// # Errors
///
/// When epoll or the eventfd cannot be created (out of file descriptors).
pub fn new_event_loop() -> std::io::Result<EventLoop> {
    let event_loop = stepio_reactor::new_event_loop()?;
    watch_as_env_says(&event_loop);
    Ok(event_loop)
}

// ANCHOR: serve
/// Accepts connections on `listener` for ever, and runs
/// `on_connection(stream, peer)` as a [`Task`] for each one, as asyncio's
/// `start_server(client_connected_cb)` does. Each task is detached: a panic
/// in one goes to the loop's exception handler, and the others go on.
///
/// Stage 4's accept loop ([`stepio_reactor::serve_with`]), with stage 5's
/// tasks: one allocation per connection, and wakes without a lock.
///
/// # Errors
///
/// As [`stepio_reactor::serve`].
pub async fn serve<F, Fut>(listener: TcpListener, on_connection: F) -> io::Result<()>
where
    F: FnMut(TcpStream, SocketAddr) -> Fut,
    Fut: Future<Output = ()> + 'static,
{
    // Weak, as in stage 4's `serve`: a strong handle in this task would keep
    // a loop dropped without `close` alive, its descriptors open.
    let event_loop = get_running_loop().map_err(io::Error::other)?.downgrade();
    let spawn = move |connection| {
        event_loop.upgrade().ok_or(LoopError::Closed)?.create_task(connection).map(drop)
    };
    stepio_reactor::serve_with(listener, on_connection, spawn).await
}
// ANCHOR_END: serve

// ANCHOR: run_traced
/// [`run`], with tracing on: returns `main`'s output and the [`Trace`] of
/// the whole run, closing included. Draw it with [`Trace::timeline`], or
/// save it with [`Trace::write_chrome_json`] for Perfetto. Unlike `run`,
/// it leaves Ctrl-C alone: the trace shows the program's own tasks only,
/// not the one that would read the signal pipe.
///
/// # Errors
///
/// As [`run`].
pub fn run_traced<F: Future>(main: F) -> Result<(F::Output, Trace), LoopError> {
    let event_loop = new_event_loop().map_err(LoopError::Driver)?;
    event_loop.start_tracing();
    let output = event_loop.run_and_close(main);
    let trace = event_loop.trace().expect("tracing was started");
    Ok((output?, trace))
}
// ANCHOR_END: run_traced

#[cfg(test)]
mod tests;
