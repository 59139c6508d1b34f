//! # Stage 7: the thread-pool executor bridge
//!
//! The loop must never block: one blocking call stops every task (chapters
//! 4 and 5 showed it). Code that cannot be made async, a blocking client, a
//! file read, a long computation, runs on other threads, and the loop
//! awaits the result:
//!
//! - [`ThreadPoolExecutor`]: Python's `concurrent.futures` pool. `submit`
//!   gives a [`ConcurrentFuture`] with `done`, a blocking `result` (with or
//!   without a timeout), `cancel` (before the job starts only),
//!   `add_done_callback`; then `map` and `shutdown`.
//! - [`LoopExecutor::run_in_executor`] and [`to_thread`]: a blocking
//!   function run on a pool (by default the loop's own, `min(32, cpus + 4)`
//!   workers, made on first use), awaited from a task.
//! - [`RemoteLoop::call_soon_threadsafe`]: a callback from any thread,
//!   which wakes the loop out of its `epoll_wait`.
//!
//! ```
//! use stepio_executor_bridge::{LoopExecutor, ThreadPoolExecutor};
//! use stepio_poll_loop::EventLoop;
//!
//! let pool = ThreadPoolExecutor::new(2);
//! let event_loop = EventLoop::new();
//! let job = event_loop.run_in_executor(Some(&pool), || 6 * 7).unwrap();
//! assert_eq!(event_loop.run_until_complete(job).unwrap(), Ok(42));
//! event_loop.close().unwrap();
//! ```
//!
//! ## How a result gets back to the loop
//!
//! A task awaiting a [`ConcurrentFuture`] leaves its waker there. The
//! worker that finishes the job calls it; the waker (stage 5) queues the
//! task through its loop's [`Scheduler`](stepio_poll_loop::Scheduler),
//! whose injection queue unparks the loop's driver: in stage 4, a write to
//! the eventfd that `epoll_wait` watches.
//!
//! ## Layout
//!
//! - [`future`](mod@future): `ConcurrentFuture`, `JobError`.
//! - [`pool`](mod@pool): `ThreadPoolExecutor`, its queue and workers.
//! - [`bridge`](mod@bridge): `LoopExecutor`, `to_thread`, `RemoteLoop`.
//!
//! ## What this stage deliberately leaves out
//!
//! - A process pool: Rust threads run in parallel (there is no interpreter
//!   lock), so CPU-bound work goes on a thread pool too.
//! - Retiring idle workers: a pool keeps the threads it started until it
//!   is shut down, as Python's does.
//! - Stopping a running job: no safe way exists to stop a thread from
//!   outside. A job that should stop early must check a flag of its own.

#![forbid(unsafe_code)]

pub mod bridge;
pub mod future;
pub mod pool;

pub use bridge::{JobFinished, JobStarted, LoopExecutor, RemoteLoop, to_thread};
pub use future::{ConcurrentFuture, JobError};
pub use pool::{ShutDown, ThreadPoolExecutor};

#[cfg(test)]
mod tests;
