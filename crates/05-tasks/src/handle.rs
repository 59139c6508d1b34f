//! `Task<T>`: the handle `create_task` returns, as asyncio's `Task`.

use std::fmt;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use crate::TaskError;
use crate::registry::{self, Registry};
use crate::task::{self, Header, LiveTask, TaskRef};

// ANCHOR: task
/// A handle to a task running on the loop, as asyncio's `Task`.
///
/// Await it for the task's outcome: `Ok` with the future's output, or a
/// [`TaskError`] if the task was cancelled or panicked. Ask it
/// [`done`](Task::done), [`cancelled`](Task::cancelled) and
/// [`result`](Task::result) without waiting.
///
/// # Handle semantics
///
/// - **Dropping the handle detaches the task**: it goes on running, as with
///   tokio's `JoinHandle` and asyncio's `Task`; its output is dropped when
///   it finishes. To stop it, call [`cancel`](Task::cancel).
/// - A task that fails (panics) after its handle is gone, or whose handle
///   is dropped without anyone looking at the failure, is reported to the
///   loop's exception handler: asyncio's "Task exception was never
///   retrieved".
/// - **When the loop closes**, every task still pending is cancelled: its
///   future is dropped, and its handle reports [`TaskError::Cancelled`].
/// - The handle is not `Send`: it belongs to the loop's thread, as the task
///   does. It is not `Clone` either, because awaiting it moves the output
///   out; done callbacks get a borrowed view instead.
pub struct Task<T: 'static> {
    cell: Arc<dyn TaskRef<T>>,
    /// False for the views that done callbacks get: dropping a view does not
    /// detach anything.
    owner: bool,
}
// ANCHOR_END: task

impl<T: 'static> Task<T> {
    pub(crate) fn new(cell: Arc<dyn TaskRef<T>>) -> Task<T> {
        Task { cell, owner: true }
    }

    pub(crate) fn view(cell: Arc<dyn TaskRef<T>>) -> Task<T> {
        Task { cell, owner: false }
    }

    pub(crate) fn header(&self) -> &Header {
        self.cell.header()
    }

    pub(crate) fn release_if_unwanted(&self) {
        self.cell.release_if_unwanted();
    }

    /// The task's id: 1 for the first task created on its loop, and so on.
    pub fn id(&self) -> u64 {
        self.header().id
    }

    /// The task's name, as `Task.get_name()`: `Task-{id}` unless set.
    pub fn name(&self) -> String {
        self.header().name()
    }

    /// Renames the task, as `Task.set_name()`.
    pub fn set_name(&self, name: impl Into<String>) {
        self.header().set_name(name.into());
    }

    /// Where the task was created (the caller of `create_task`).
    pub fn spawned_at(&self) -> &'static Location<'static> {
        self.header().spawned_at
    }

    /// Whether the task has finished (with an output, a panic, or
    /// cancelled), as `Task.done()`.
    pub fn done(&self) -> bool {
        self.header().is_done()
    }

    /// Whether the task finished cancelled, as `Task.cancelled()`.
    pub fn cancelled(&self) -> bool {
        self.header().is_cancelled()
    }

    // ANCHOR: task_cancel
    /// Asks the task to stop, as `Task.cancel()`. Returns `false` (and does
    /// nothing) if it has already finished.
    ///
    /// Cancellation reaches the task the next time the loop would run it:
    /// at once if it has not run yet or is waiting on something, or after
    /// its current poll (its next `await` that is not ready) if it cancels
    /// itself. Its future is then dropped, never polled again: every value
    /// it holds is dropped, which releases timers, sockets and handles.
    /// Unlike asyncio, the task's code gets no `CancelledError` to catch; a
    /// destructor is where it cleans up.
    pub fn cancel(&self) -> bool {
        task::cancel(Arc::clone(&self.cell).into_live())
    }
    // ANCHOR_END: task_cancel

    /// The task's result, without waiting, as `Task.result()`.
    ///
    /// # Errors
    ///
    /// - [`TaskError::InvalidState`] if the task has not finished (or if
    ///   awaiting the handle already took the output).
    /// - [`TaskError::Cancelled`] or [`TaskError::Panicked`] if it ended so.
    pub fn result(&self) -> Result<T, TaskError>
    where
        T: Clone,
    {
        if !self.done() {
            return Err(TaskError::InvalidState("Result is not set."));
        }
        self.header().retrieved.set(true);
        match self.cell.outcome() {
            Some(outcome) => outcome.clone(),
            None => Err(TaskError::InvalidState("the result was already taken by await")),
        }
    }

    /// How the task failed, as `Task.exception()`: `Ok(None)` if it
    /// finished with an output, `Ok(Some(error))` if it panicked.
    ///
    /// # Errors
    ///
    /// [`TaskError::InvalidState`] if it has not finished, and
    /// [`TaskError::Cancelled`] if it was cancelled (asyncio raises both).
    pub fn exception(&self) -> Result<Option<TaskError>, TaskError> {
        if !self.done() {
            return Err(TaskError::InvalidState("Exception is not set."));
        }
        self.header().retrieved.set(true);
        match self.cell.outcome().as_deref() {
            Some(Ok(_)) => Ok(None),
            Some(Err(TaskError::Cancelled)) => Err(TaskError::Cancelled),
            Some(Err(err)) => Ok(Some(err.clone())),
            None if self.cancelled() => Err(TaskError::Cancelled),
            None => Err(TaskError::InvalidState("the result was already taken by await")),
        }
    }

    /// Whether the task finished with a panic or an exception (not a
    /// cancellation), without counting as looking at it: a failure seen
    /// only through `failed` is still reported as never retrieved. A
    /// combinator that waits for the first failure asks this.
    pub fn failed(&self) -> bool {
        matches!(self.cell.outcome().as_deref(), Some(Err(err)) if err.is_failure())
    }

    /// Polls for the task being done without taking its output: `Ready`
    /// once [`done`](Task::done) is true; otherwise `cx`'s waker is woken
    /// when the task finishes. Awaiting the handle afterwards still gives
    /// the outcome. The handle keeps one waiter: a later `poll_done` or
    /// `await` from another waker replaces this one.
    pub fn poll_done(&self, cx: &mut Context<'_>) -> Poll<()> {
        let header = self.header();
        if header.is_done() {
            return Poll::Ready(());
        }
        header.register_awaiter(cx.waker());
        Poll::Pending
    }

    /// A handle that can cancel this task and tell whether it is done,
    /// whatever its output: what a group of tasks keeps of each member.
    pub fn canceller(&self) -> Canceller {
        Canceller { task: Arc::clone(&self.cell).into_live() }
    }

    // ANCHOR: add_done_callback
    /// Calls `callback` with this task once it has finished, as
    /// `Task.add_done_callback()`: through the loop (`call_soon`), after the
    /// task finished, in the order the callbacks were added. A callback
    /// added after the task finished is scheduled at once.
    pub fn add_done_callback(&self, callback: impl FnOnce(&Task<T>) + 'static) {
        Arc::clone(&self.cell).add_done_callback(Box::new(callback));
    }
    // ANCHOR_END: add_done_callback
}

// ANCHOR: task_future
impl<T: 'static> Future for Task<T> {
    type Output = Result<T, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let header = self.header();
        if !header.is_done() {
            // Only the loop's thread finishes tasks, and it is busy running
            // us: the task cannot finish between this check and the next line.
            header.register_awaiter(cx.waker());
            return Poll::Pending;
        }
        header.retrieved.set(true);
        Poll::Ready(self.cell.take_outcome().unwrap_or(Err(TaskError::InvalidState(
            "the result was already taken by await",
        ))))
    }
}
// ANCHOR_END: task_future

impl<T: 'static> Drop for Task<T> {
    fn drop(&mut self) {
        if self.owner {
            self.cell.header().drop_handle();
            self.cell.release_if_unwanted();
        }
    }
}

impl<T: 'static> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        describe(self.cell.header(), f)
    }
}

/// asyncio's `repr` of a task: `<Task pending name='Task-1' ...>`.
fn describe(header: &Header, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let state = if header.is_cancelled() {
        "cancelled"
    } else if header.is_done() {
        "finished"
    } else {
        "pending"
    };
    write!(f, "<Task {state} name='{}' created at {}>", header.name(), header.spawned_at)
}

// ANCHOR: current_task
/// The task being polled right now, as `asyncio.current_task()`.
///
/// `None` outside a task (in a callback, or in the future given to
/// `run_until_complete`, which is not a task).
pub fn current_task() -> Option<CurrentTask> {
    let slot = registry::current_slot()?;
    let event_loop = stepio_poll_loop::get_running_loop().ok()?;
    let task = Registry::of(&event_loop)?.get(slot)?;
    Some(CurrentTask { task })
}

/// Cancels a task, from [`Task::canceller`], whatever its output type.
#[derive(Clone)]
pub struct Canceller {
    task: Arc<dyn LiveTask>,
}

impl Canceller {
    /// As [`Task::cancel`].
    pub fn cancel(&self) -> bool {
        task::cancel(Arc::clone(&self.task))
    }

    /// Whether the task has finished.
    pub fn done(&self) -> bool {
        self.task.header().is_done()
    }
}

impl fmt::Debug for Canceller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        describe(self.task.header(), f)
    }
}

/// The running task, from [`current_task`]: its name and id, and `cancel`.
pub struct CurrentTask {
    task: Arc<dyn LiveTask>,
}
// ANCHOR_END: current_task

impl CurrentTask {
    /// The task's id.
    pub fn id(&self) -> u64 {
        self.task.header().id
    }

    /// The task's name.
    pub fn name(&self) -> String {
        self.task.header().name()
    }

    /// Where the task was created.
    pub fn spawned_at(&self) -> &'static Location<'static> {
        self.task.header().spawned_at
    }

    /// Cancels the running task: it finishes cancelled at its next `await`
    /// that is not ready (see [`Task::cancel`]). Returns `false` only if the
    /// task has finished (a `CurrentTask` kept after its task ended).
    pub fn cancel(&self) -> bool {
        task::cancel(Arc::clone(&self.task))
    }
}

impl fmt::Debug for CurrentTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        describe(self.task.header(), f)
    }
}
