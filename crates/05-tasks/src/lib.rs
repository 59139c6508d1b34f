//! # Stage 5: tasks and futures
//!
//! A task is a future plus a schedule: the loop owns the future, polls it
//! when its waker is called, and keeps its outcome for whoever holds the
//! handle. This stage gives tasks what asyncio's `Task` has:
//! [`create_task`] returns a [`Task`] handle that can be awaited for the
//! task's output, asked [`done`](Task::done), [`result`](Task::result) and
//! [`cancelled`](Task::cancelled), [`cancel`](Task::cancel)led, named, and
//! given [done callbacks](Task::add_done_callback). A task that panics ends
//! with [`TaskError::Panicked`] and the loop goes on. A [`BareFuture`] is
//! asyncio's `Future`: a value set later by hand, awaited by many.
//!
//! ```
//! use stepio_poll_loop::EventLoop;
//! use stepio_tasks::{LoopTasks, create_task};
//!
//! let event_loop = EventLoop::new();
//! let task = event_loop.create_task(async { "task finished" }).unwrap();
//! let output = event_loop
//!     .run_until_complete(async move {
//!         let doomed = create_task(async { 42 });
//!         doomed.cancel();
//!         assert!(doomed.await.unwrap_err().is_cancelled());
//!         task.await
//!     })
//!     .unwrap();
//! assert_eq!(output.unwrap(), "task finished");
//! event_loop.close().unwrap();
//! ```
//!
//! ## Where this sits
//!
//! It runs on the loop of stage 2 through two doors that stage opened for
//! it: a [`Scheduler`](stepio_poll_loop::Scheduler), which queues a task on
//! the loop from any thread (straight onto the ready queue when the loop runs
//! on the waking thread, with no lock), and the
//! [`Runnable`](stepio_poll_loop::Runnable) trait, through which the loop
//! runs it. Timers (stage 3) and sockets (stage 4) wake these tasks like
//! any other.
//!
//! Each task is one allocation: an `Arc` holding its header, its future and
//! then its output (see `src/task.rs`). Stage 2's `spawn` took two, and a mutex
//! on every wake.
//!
//! ## Layout
//!
//! - `task`: the task cell, its state bits, how it is woken, run,
//!   finished and cancelled.
//! - [`handle`](mod@handle): `Task<T>`, the handle, and `current_task`.
//! - [`future`](mod@future): `BareFuture<T>`.
//! - `registry`: the unfinished tasks of each loop, dropped when it closes.
//! - [`error`](mod@error): `TaskError`.
//!
//! ## What this stage deliberately leaves out
//!
//! - Gathering and waiting on many tasks at once.
//! - Tasks on other threads, and futures completed from them.
//! - A catchable `CancelledError`: a cancelled Rust future is dropped, not
//!   resumed with an error (see [`Task::cancel`]).
//! - Cancelling what a cancelled task awaits: asyncio cancels the awaited
//!   task too; here dropping the awaiting future drops only the handle, which
//!   detaches that task.

#![deny(unsafe_code)]

pub mod error;
pub mod future;
pub mod handle;
mod notify;
mod registry;
#[allow(unsafe_code)]
mod task;

use std::future::Future;
use std::panic::Location;
use std::sync::Arc;

use stepio_poll_loop::{EventLoop, LoopError, TaskEvent, get_running_loop};

pub use error::TaskError;
pub use future::BareFuture;
pub use handle::{Canceller, CurrentTask, Task, current_task};

use registry::Registry;
use task::TaskCell;

// ANCHOR: loop_tasks
/// Stage 5's methods on stage 2's [`EventLoop`], as asyncio's
/// `loop.create_task()` and `loop.create_future()`.
pub trait LoopTasks {
    /// Wraps `future` in a task on this loop and schedules its first poll,
    /// as `loop.create_task()`. The task runs once the loop runs.
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`] if the loop is closed.
    #[track_caller]
    fn create_task<F>(&self, future: F) -> Result<Task<F::Output>, LoopError>
    where
        F: Future + 'static;

    /// asyncio's `ensure_future(coroutine)`: the same as
    /// [`create_task`](LoopTasks::create_task). asyncio's version also
    /// accepts something that is already a future and returns it unchanged;
    /// in Rust a `Task` (or any future) is awaited as it is.
    ///
    /// # Errors
    ///
    /// As [`create_task`](LoopTasks::create_task).
    #[track_caller]
    fn ensure_future<F>(&self, future: F) -> Result<Task<F::Output>, LoopError>
    where
        F: Future + 'static;

    /// A new [`BareFuture`] bound to this loop, as `loop.create_future()`.
    fn create_future<T: 'static>(&self) -> BareFuture<T>;

    /// How many tasks created with [`create_task`](LoopTasks::create_task)
    /// on this loop have not finished, as `len(asyncio.all_tasks())`.
    fn pending_tasks(&self) -> usize;
}
// ANCHOR_END: loop_tasks

impl LoopTasks for EventLoop {
    #[track_caller]
    fn create_task<F>(&self, future: F) -> Result<Task<F::Output>, LoopError>
    where
        F: Future + 'static,
    {
        spawn_on(self, future, Location::caller())
    }

    #[track_caller]
    fn ensure_future<F>(&self, future: F) -> Result<Task<F::Output>, LoopError>
    where
        F: Future + 'static,
    {
        spawn_on(self, future, Location::caller())
    }

    fn create_future<T: 'static>(&self) -> BareFuture<T> {
        BareFuture::new(self)
    }

    fn pending_tasks(&self) -> usize {
        Registry::of(self).map_or(0, |registry| registry.len())
    }
}

/// Creates a task on the running loop, as `asyncio.create_task()`.
///
/// # Panics
///
/// Outside a running loop (as asyncio raises "no running event loop"); use
/// [`LoopTasks::create_task`] on a loop that is not running yet.
#[track_caller]
pub fn create_task<F>(future: F) -> Task<F::Output>
where
    F: Future + 'static,
{
    let event_loop =
        get_running_loop().unwrap_or_else(|err| panic!("create_task: {err}"));
    // A running loop is not closed.
    spawn_on(&event_loop, future, Location::caller()).expect("a running loop is open")
}

// ANCHOR: spawn
fn spawn_on<F>(
    event_loop: &EventLoop,
    future: F,
    spawned_at: &'static Location<'static>,
) -> Result<Task<F::Output>, LoopError>
where
    F: Future + 'static,
{
    if event_loop.is_closed() {
        return Err(LoopError::Closed);
    }
    let registry = Registry::get_or_create(event_loop);
    let id = event_loop.next_task_number();
    report_spawned::<F>(event_loop, id, spawned_at);
    // The one allocation: header, future, and later the output.
    let cell = Arc::new(TaskCell::new(future, id, spawned_at, &registry));
    registry.insert(Arc::clone(&cell) as Arc<dyn task::LiveTask>);
    cell.schedule_first();
    Ok(Task::new(cell))
}
// ANCHOR_END: spawn

/// Tells the loop's observer, if it has one, that task `number` was created.
fn report_spawned<F>(
    event_loop: &EventLoop,
    number: u64,
    location: &'static Location<'static>,
) {
    if let Some(observer) = event_loop.observer() {
        let future = std::any::type_name::<F>();
        observer.event(&TaskEvent::Spawned { number, future, location });
    }
}

/// What a task reports to its loop's observer when it is renamed
/// ([`Task::set_name`]); its other events are stage 2's `TaskEvent`s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRenamed {
    /// The task's number (`Task-N` is `N`).
    pub number: u64,
    /// Its new name.
    pub name: String,
}

#[cfg(test)]
mod tests;
