//! The task cell: one allocation holding a task's state, its future, and
//! then its outcome.
//!
//! ```text
//!  Arc allocation of TaskCell<F>
//!  +---------------------------+
//!  | strong, weak counts       |  std's Arc header (atomic)
//!  +---------------------------+
//!  | Header                    |
//!  |   state: SCHEDULED | DONE |  <- the only field other threads touch,
//!  |   scheduler               |     with the scheduler (both thread-safe)
//!  |   id, name, spawned at    |
//!  |   cancel requested, ...   |
//!  |   awaiter: Option<Waker>  |
//!  +---------------------------+
//!  | stage: Running(F)         |  the future, pinned in place, and then
//!  |      | Finished(outcome)  |  its output in the same bytes
//!  |      | Taken              |
//!  +---------------------------+
//!  | done callbacks            |
//!  +---------------------------+
//! ```
//!
//! Every pointer to a task points into this one allocation: the loop's ready
//! queue holds it as an `Arc<dyn Runnable>`, the registry as an
//! `Arc<dyn LiveTask>`, a [`Task`] handle as an `Arc<dyn TaskRef<T>>`, and a
//! waker as the `Arc<TaskCell<F>>` itself. The compiler writes one vtable
//! per trait and future type; async-task writes them by hand.

use std::cell::{Cell, Ref, RefCell};
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{AssertUnwindSafe, Location, catch_unwind};
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, ThreadId};

use stepio_poll_loop::{
    EventLoop, PanicReport, PanicSource, Runnable, Scheduler, TaskEnd, TaskEvent,
    panic_message,
};

use crate::handle::Task;
use crate::registry::{self, Registry};
use crate::{TaskError, notify};

// ANCHOR: state
/// The task is on a ready queue, or about to be put on one. Set by the
/// first wake (or `cancel`) after a run began, from any thread; cleared by
/// the loop right before it runs the task, so that a wake during the run
/// queues it again. While it is set, further wakes queue nothing: a task is
/// never on the queue twice.
const SCHEDULED: u8 = 1 << 0;
/// The task has finished: its future is dropped and its outcome stored.
/// Set once, by the loop, and never cleared; wakes after it do nothing.
const DONE: u8 = 1 << 1;
// ANCHOR_END: state

/// The task's loop had an observer when the task was made: its wakes are
/// reported. Set at creation, never changed; kept in the state byte so that
/// a wake tests it in the same instruction as the two bits above.
const OBSERVED: u8 = 1 << 2;

// ANCHOR: header
/// The part of a task that does not depend on its future's type.
pub(crate) struct Header {
    /// [`SCHEDULED`] and [`DONE`]. With `scheduler`, the only state that a
    /// waker on another thread reads or writes.
    state: AtomicU8,
    /// Queues the task on its loop from any thread.
    scheduler: Scheduler,

    // Everything below is touched on the loop's thread only.
    /// Counts from 1 per loop, as asyncio's names `Task-1`, `Task-2`, ...
    pub(crate) id: u64,
    /// Where `create_task` was called.
    pub(crate) spawned_at: &'static Location<'static>,
    /// The loop's thread, checked when the last reference is dropped.
    thread: ThreadId,
    /// The loop's registry of tasks, which leads to the loop: to leave the
    /// registry when done, and to reach the exception handler and
    /// `call_soon` after the run, with no look-up. Weak, as a loop holds
    /// its tasks and not the other way round. A `Cell` (taken and put back
    /// to read): 8 bytes where a `RefCell` takes 16.
    registry: Cell<Option<Weak<Registry>>>,
    /// This task's index in its loop's registry while it is not done.
    pub(crate) slot: Cell<u32>,
    /// `cancel` was called; the next run finishes the task as cancelled.
    cancel_requested: Cell<bool>,
    /// The owning [`Task`] handle exists (it may be dropped to detach).
    handle_alive: Cell<bool>,
    /// Someone asked for the outcome (`await`, `result`, `exception`):
    /// a panic is then not "never retrieved".
    pub(crate) retrieved: Cell<bool>,
    /// Done callbacks handed to the loop that have not run yet.
    pending_callbacks: Cell<u32>,
    /// Set by `set_name`; else the name is made from `id`. Boxed: 16
    /// bytes in every task for what few tasks have.
    name: Cell<Option<Box<str>>>,
    /// The waker of whoever awaits the handle.
    awaiter: RefCell<Option<Waker>>,
    /// How many done callbacks came before the awaiter began to wait: it
    /// is told in that place among them. `AFTER_ALL` until a callback is
    /// added while it waits.
    awaiter_after: Cell<u32>,
}

/// One task: its header, its future or outcome, its done callbacks.
pub(crate) struct TaskCell<F: Future + 'static> {
    header: Header,
    stage: RefCell<Stage<F>>,
    callbacks: RefCell<Vec<DoneCallback<F::Output>>>,
}

/// Where a task is in its life. The future and the outcome share memory.
enum Stage<F: Future> {
    /// Not finished. The future is pinned here: it is never moved out, only
    /// dropped in place when the stage is overwritten.
    Running(F),
    /// Finished; the outcome waits for the handle.
    Finished(Result<F::Output, TaskError>),
    /// The outcome was taken by the handle, or dropped.
    Taken,
}
// ANCHOR_END: header

/// `Header::awaiter_after` when no callback was added while the awaiter
/// waited: it comes after them all.
const AFTER_ALL: u32 = u32::MAX;

/// A done callback, given a view of the finished task.
pub(crate) type DoneCallback<T> = Box<dyn FnOnce(&Task<T>)>;

// ANCHOR: send_sync
// SAFETY: a `TaskCell` is shared with other threads only through wakers,
// which call `wake`, `wake_by_ref`, `clone` and `drop`. `wake` touches only
// `header.state` (an atomic), `header.scheduler` (`Send + Sync`) and, to
// report the wake to an observer, `header.id` (a `u64` never written after
// creation).
// Everything else (the future, the outcome, the callbacks, the `Cell`s) is
// reached only from the loop's thread: through `Runnable::run`, which
// asserts it was given the task's own loop (an `EventLoop` cannot leave its
// thread); through the registry (an `Rc` inside the loop); and through
// `Task` handles and `CurrentTask`s, which are `!Send` and made on that
// thread. A waker may drop the last reference on another thread; `Drop`
// below makes sure no non-`Send` value is dropped there.
unsafe impl<F: Future + 'static> Send for TaskCell<F> {}
// SAFETY: as for `Send`: the only fields used through `&TaskCell` on other
// threads are the atomic state and the thread-safe scheduler.
unsafe impl<F: Future + 'static> Sync for TaskCell<F> {}
// ANCHOR_END: send_sync

/// What the registry and [`CurrentTask`](crate::CurrentTask) need of a task,
/// whatever its future.
pub(crate) trait LiveTask: Runnable {
    fn header(&self) -> &Header;
    /// The same allocation, as the loop's queue wants it.
    fn into_runnable(self: Arc<Self>) -> Arc<dyn Runnable>;
    /// Drops the future of a task still pending when its loop closes.
    fn abandon(&self);
    /// Drops the outcome, reporting an unseen failure, once nobody can
    /// look at it any more (no handle, no pending done callback).
    fn release_if_unwanted(&self);
}

/// What a [`Task`] handle needs of its task.
pub(crate) trait TaskRef<T>: LiveTask {
    fn outcome(&self) -> Option<Ref<'_, Result<T, TaskError>>>;
    fn take_outcome(&self) -> Option<Result<T, TaskError>>;
    fn add_done_callback(self: Arc<Self>, callback: DoneCallback<T>);
    fn into_live(self: Arc<Self>) -> Arc<dyn LiveTask>;
}

impl Header {
    pub(crate) fn is_done(&self) -> bool {
        self.state.load(Ordering::Acquire) & DONE != 0
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        // A task ends cancelled exactly when a cancel was requested before it
        // finished (asyncio: even if the coroutine returned in that step).
        self.is_done() && self.cancel_requested.get()
    }

    /// Marks the task scheduled, and says whether the caller must queue it:
    /// only the first wake since the last run does, and none after `DONE`.
    fn set_scheduled(&self) -> bool {
        self.state.fetch_or(SCHEDULED, Ordering::AcqRel) & (SCHEDULED | DONE) == 0
    }

    pub(crate) fn name(&self) -> String {
        let name = self.name.take();
        let shown = match &name {
            Some(name) => name.to_string(),
            None => format!("Task-{}", self.id),
        };
        self.name.set(name);
        shown
    }

    pub(crate) fn set_name(&self, name: String) {
        if let Some(observer) = self.scheduler.observer() {
            observer.event(&crate::TaskRenamed { number: self.id, name: name.clone() });
        }
        self.name.set(Some(name.into_boxed_str()));
    }

    pub(crate) fn register_awaiter(&self, waker: &Waker) {
        let mut awaiter = self.awaiter.borrow_mut();
        // Cloning a waker costs an atomic increment; skip it when the same
        // task polls again.
        if !awaiter.as_ref().is_some_and(|current| current.will_wake(waker)) {
            // A new awaiter (or the same one's new waker) comes after every
            // callback added so far, as asyncio's would.
            self.awaiter_after.set(AFTER_ALL);
            *awaiter = Some(waker.clone());
        }
    }

    pub(crate) fn drop_handle(&self) {
        self.handle_alive.set(false);
    }

    fn registry(&self) -> Option<Rc<Registry>> {
        let weak = self.registry.take()?;
        let registry = weak.upgrade();
        self.registry.set(Some(weak));
        registry
    }

    fn event_loop(&self) -> Option<EventLoop> {
        self.registry()?.event_loop.upgrade()
    }

    /// Reports a wake to the loop's observer, if it has one. Runs on any
    /// thread: it reads only `id` (never written after creation) and the
    /// scheduler.
    fn report_wake(&self) {
        if let Some(observer) = self.scheduler.observer() {
            observer.event(&TaskEvent::Woken { number: self.id });
        }
    }
}

// ANCHOR: cancel
/// Asks `task` to finish as cancelled at its next run, as `Task.cancel()`.
/// Returns `false`, and does nothing, if it is already done.
pub(crate) fn cancel(task: Arc<dyn LiveTask>) -> bool {
    let header = task.header();
    if header.is_done() {
        return false;
    }
    header.cancel_requested.set(true);
    // A task waiting on a timer or a socket is not on the queue: queue it,
    // so that cancellation does not wait for its event. A running task is
    // queued again, and finishes at its next run, after its next `await`.
    if header.set_scheduled() {
        header.scheduler.clone().schedule(task.into_runnable());
    }
    true
}
// ANCHOR_END: cancel

impl<F: Future + 'static> TaskCell<F> {
    /// A task for `future`, marked scheduled: the caller queues it.
    pub(crate) fn new(
        future: F,
        id: u64,
        spawned_at: &'static Location<'static>,
        registry: &Rc<Registry>,
    ) -> TaskCell<F> {
        TaskCell {
            header: Header {
                state: AtomicU8::new(if registry.scheduler.observer().is_some() {
                    SCHEDULED | OBSERVED
                } else {
                    SCHEDULED
                }),
                scheduler: registry.scheduler.clone(),
                id,
                spawned_at,
                thread: registry.thread,
                registry: Cell::new(Some(Rc::downgrade(registry))),
                slot: Cell::new(u32::MAX),
                cancel_requested: Cell::new(false),
                handle_alive: Cell::new(true),
                retrieved: Cell::new(false),
                pending_callbacks: Cell::new(0),
                name: Cell::new(None),
                awaiter: RefCell::new(None),
                awaiter_after: Cell::new(AFTER_ALL),
            },
            stage: RefCell::new(Stage::Running(future)),
            callbacks: RefCell::new(Vec::new()),
        }
    }

    /// Queues a new task for its first run.
    pub(crate) fn schedule_first(self: &Arc<Self>) {
        self.header.scheduler.schedule(Arc::clone(self) as Arc<dyn Runnable>);
    }
}

// ANCHOR: wake
impl<F: Future + 'static> Wake for TaskCell<F> {
    fn wake(self: Arc<Self>) {
        let state = self.header.state.fetch_or(SCHEDULED, Ordering::AcqRel);
        // Only the first wake since the last run queues the task; the
        // waker's own reference goes onto the queue.
        if state & (SCHEDULED | DONE) == 0 {
            self.queue_owned(state);
        }
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let state = self.header.state.fetch_or(SCHEDULED, Ordering::AcqRel);
        // Only the first wake since the last run queues the task.
        if state & (SCHEDULED | DONE) == 0 {
            self.queue_woken(state);
        }
    }
}
// ANCHOR_END: wake

// ANCHOR: queue_woken
impl<F: Future + 'static> TaskCell<F> {
    /// Queues a woken task on its loop; `state` is what the wake found.
    #[inline(always)]
    fn queue_woken(self: &Arc<Self>, state: u8) {
        let task = Arc::clone(self);
        // Both ends are tail calls, and the rare one takes the task by
        // value: the common one saves no registers and spills nothing for
        // it (a call before `schedule` cost 9 instructions a wake, counted
        // with callgrind).
        if state & OBSERVED != 0 {
            return task.queue_observed_wake();
        }
        self.header.scheduler.schedule(task as Arc<dyn Runnable>);
    }

    /// [`queue_woken`](TaskCell::queue_woken) for a waker woken by value:
    /// on the loop's own thread (a one-shot's waiter, say), its reference
    /// goes onto the queue as it is, with no increment here and no
    /// decrement when the waker is dropped.
    #[inline(always)]
    fn queue_owned(self: Arc<Self>, state: u8) {
        if state & OBSERVED == 0 && self.header.scheduler.is_running_here() {
            return Scheduler::queue_here(self);
        }
        self.queue_woken(state);
    }

    /// [`queue_woken`](TaskCell::queue_woken) on a loop with an observer:
    /// the wake is reported first.
    #[cold]
    #[inline(never)]
    fn queue_observed_wake(self: Arc<Self>) {
        self.header.report_wake();
        self.header.scheduler.clone().schedule(self);
    }
}
// ANCHOR_END: queue_woken

// ANCHOR: run
impl<F: Future + 'static> Runnable for TaskCell<F> {
    fn run(self: Arc<Self>, event_loop: &EventLoop) {
        // This check is what lets the `Cell`s and the future be used below.
        assert!(
            self.header.scheduler.is_for(event_loop),
            "stepio: a task was run by another loop"
        );
        // Cleared before the poll: a wake from now on queues the task again.
        let state = self.header.state.fetch_and(!SCHEDULED, Ordering::AcqRel);
        if state & DONE != 0 {
            return;
        }
        if self.header.cancel_requested.get() {
            // Cancelled before its first poll, or while it waited: the future
            // is dropped without being polled again.
            self.finish(event_loop, Err(TaskError::Cancelled));
            return;
        }

        // The waker borrows this task's `Arc` for the poll: it is made
        // without taking a count and never dropped (`ManuallyDrop`), which
        // saves an increment and a decrement of the count on every poll.
        // SAFETY: the second `Arc` owns no count of its own, and is never
        // dropped, so it never gives one back; `self` keeps the task alive
        // until the poll is over. A future that keeps the waker clones it,
        // which counts as any clone does.
        let borrowed = unsafe { Arc::from_raw(Arc::as_ptr(&self)) };
        let waker = ManuallyDrop::new(Waker::from(borrowed));
        let mut cx = Context::from_waker(&waker);
        let previous = registry::set_current(self.header.slot.get());
        let polled = {
            let mut stage = self.stage.borrow_mut();
            let Stage::Running(future) = &mut *stage else {
                unreachable!("a task that is not done has its future")
            };
            // SAFETY: the future lives inside the `Arc` allocation, which
            // never moves, and it is never moved out of `stage`: it is only
            // dropped in place, when `finish` or `abandon` overwrites the
            // stage. So it stays pinned from this first `Pin` until its drop.
            let future = unsafe { Pin::new_unchecked(future) };
            catch_unwind(AssertUnwindSafe(|| future.poll(&mut cx)))
        };
        registry::set_current(previous);

        match polled {
            Ok(Poll::Pending) => {}
            // Cancelled during this poll (by itself, say) and then returned:
            // asyncio still ends the task cancelled, and so do we.
            Ok(Poll::Ready(_)) if self.header.cancel_requested.get() => {
                self.finish(event_loop, Err(TaskError::Cancelled))
            }
            Ok(Poll::Ready(output)) => self.finish(event_loop, Ok(output)),
            Err(payload) => self
                .finish(event_loop, Err(TaskError::Panicked(panic_message(&*payload)))),
        }
    }

    fn task_number(&self) -> Option<u64> {
        Some(self.header.id)
    }
}
// ANCHOR_END: run

// ANCHOR: finish
impl<F: Future + 'static> TaskCell<F> {
    /// Stores the outcome, drops the future, and tells everyone who waits:
    /// the awaiter, the done callbacks, the registry.
    fn finish(
        self: &Arc<Self>,
        event_loop: &EventLoop,
        outcome: Result<F::Output, TaskError>,
    ) {
        // The future's destructor runs user code: it may panic, or wake us.
        let outcome = match catch_unwind(AssertUnwindSafe(|| {
            *self.stage.borrow_mut() = Stage::Taken
        })) {
            Ok(()) => outcome,
            Err(payload) => Err(TaskError::Panicked(panic_message(&*payload))),
        };
        report_done(event_loop, self.header.id, &outcome);
        *self.stage.borrow_mut() = Stage::Finished(outcome);
        self.header.state.fetch_or(DONE, Ordering::AcqRel);

        if let Some(registry) = self.header.registry() {
            registry.remove(self.header.slot.get() as usize);
        }
        // asyncio wakes an awaiter with a done callback of its own, added
        // when it began to wait: everyone is told in the order they came.
        let awaiter = self.header.awaiter.take();
        let callbacks = std::mem::take(&mut *self.callbacks.borrow_mut());
        if callbacks.is_empty() {
            // The usual case: no callback to keep an order with.
            if let Some(waker) = awaiter {
                waker.wake();
            }
            return self.release_if_unwanted();
        }
        let after = match self.header.awaiter_after.get() {
            AFTER_ALL => callbacks.len(),
            after => after as usize,
        };
        notify::in_order(
            event_loop,
            awaiter.map(|waker| (after, waker)),
            callbacks,
            |callback, hops| self.call_soon(event_loop, callback, hops),
        );
        self.release_if_unwanted();
    }

    /// Runs `callback` with a view of this task on the loop's next turn,
    /// or (with `hops` 1) on the turn after.
    fn call_soon(
        self: &Arc<Self>,
        event_loop: &EventLoop,
        callback: DoneCallback<F::Output>,
        hops: u8,
    ) {
        let header = &self.header;
        header.pending_callbacks.set(header.pending_callbacks.get() + 1);
        let pending =
            PendingCallback(Task::view(Arc::clone(self) as Arc<dyn TaskRef<F::Output>>));
        // If the loop closes first, the closure is dropped unrun, and
        // `pending`'s destructor still counts the callback out.
        notify::call_soon(event_loop, hops, move || callback(&pending.0));
    }
}
// ANCHOR_END: finish

/// Tells the loop's observer, if it has one, how task `number` ended.
fn report_done<T>(event_loop: &EventLoop, number: u64, outcome: &Result<T, TaskError>) {
    if let Some(observer) = event_loop.observer() {
        let end = match outcome {
            Ok(_) => TaskEnd::Finished,
            Err(TaskError::Cancelled) => TaskEnd::Cancelled,
            Err(_) => TaskEnd::Panicked,
        };
        observer.event(&TaskEvent::Done { number, end });
    }
}

/// A done callback handed to the loop: counted in `pending_callbacks` until
/// it has run or was dropped unrun.
struct PendingCallback<T: 'static>(Task<T>);

impl<T: 'static> Drop for PendingCallback<T> {
    fn drop(&mut self) {
        let header = self.0.header();
        header.pending_callbacks.set(header.pending_callbacks.get() - 1);
        self.0.release_if_unwanted();
    }
}

impl<F: Future + 'static> LiveTask for TaskCell<F> {
    fn header(&self) -> &Header {
        &self.header
    }

    fn into_runnable(self: Arc<Self>) -> Arc<dyn Runnable> {
        self
    }

    fn abandon(&self) {
        if self.header.is_done() {
            return;
        }
        self.header.cancel_requested.set(true);
        if let Some(observer) =
            self.header.event_loop().as_ref().and_then(EventLoop::observer)
        {
            let number = self.header.id;
            observer.event(&TaskEvent::PendingAtClose { number });
            observer.event(&TaskEvent::Done { number, end: TaskEnd::Cancelled });
        }
        // The loop is closing; a destructor that panics now has nobody to
        // tell but the exception handler, and the task ends cancelled anyway.
        if let Err(payload) =
            catch_unwind(AssertUnwindSafe(|| *self.stage.borrow_mut() = Stage::Taken))
        {
            if let Some(event_loop) = self.header.event_loop() {
                let message = format!(
                    "{} panicked while being dropped: {}",
                    self.header.name(),
                    panic_message(&*payload)
                );
                event_loop.call_exception_handler(&PanicReport {
                    source: PanicSource::Callback,
                    message,
                });
            }
        }
        *self.stage.borrow_mut() = Stage::Finished(Err(TaskError::Cancelled));
        self.header.state.fetch_or(DONE, Ordering::AcqRel);
        drop(self.header.awaiter.take());
        drop(std::mem::take(&mut *self.callbacks.borrow_mut()));
        self.release_if_unwanted();
    }

    // ANCHOR: release
    fn release_if_unwanted(&self) {
        let header = &self.header;
        if header.handle_alive.get()
            || header.pending_callbacks.get() > 0
            || !header.is_done()
        {
            return;
        }
        let stage = std::mem::replace(&mut *self.stage.borrow_mut(), Stage::Taken);
        let registry = header.registry.take();
        if let Stage::Finished(Err(err)) = &stage {
            if err.is_failure() && !header.retrieved.get() {
                let event_loop = registry
                    .and_then(|registry| registry.upgrade())
                    .and_then(|registry| registry.event_loop.upgrade());
                let message =
                    format!("{} (created at {}) {err}", header.name(), header.spawned_at);
                let report = PanicReport { source: PanicSource::NeverRetrieved, message };
                match &event_loop {
                    Some(event_loop) => event_loop.call_exception_handler(&report),
                    None => eprintln!("stepio: {report}"),
                }
            }
        }
        // The output is dropped here, on the loop's thread.
        drop(stage);
    }
    // ANCHOR_END: release
}

impl<F: Future + 'static> TaskRef<F::Output> for TaskCell<F> {
    fn outcome(&self) -> Option<Ref<'_, Result<F::Output, TaskError>>> {
        if !self.header.is_done() {
            return None;
        }
        Ref::filter_map(self.stage.borrow(), |stage| match stage {
            Stage::Finished(outcome) => Some(outcome),
            _ => None,
        })
        .ok()
    }

    fn take_outcome(&self) -> Option<Result<F::Output, TaskError>> {
        if !self.header.is_done() {
            return None;
        }
        match std::mem::replace(&mut *self.stage.borrow_mut(), Stage::Taken) {
            Stage::Finished(outcome) => Some(outcome),
            _ => None,
        }
    }

    fn add_done_callback(self: Arc<Self>, callback: DoneCallback<F::Output>) {
        if !self.header.is_done() {
            let mut callbacks = self.callbacks.borrow_mut();
            // The first callback added while the awaiter waits marks its place.
            let header = &self.header;
            if header.awaiter_after.get() == AFTER_ALL
                && header.awaiter.borrow().is_some()
            {
                header
                    .awaiter_after
                    .set(u32::try_from(callbacks.len()).unwrap_or(AFTER_ALL));
            }
            callbacks.push(callback);
        } else if let Some(event_loop) = self.header.event_loop() {
            self.call_soon(&event_loop, callback, 0);
        }
    }

    fn into_live(self: Arc<Self>) -> Arc<dyn LiveTask> {
        self
    }
}

impl<F: Future + 'static> Drop for TaskCell<F> {
    fn drop(&mut self) {
        // The usual case: the loop emptied everything already.
        let stage_empty = matches!(self.stage.get_mut(), Stage::Taken);
        if stage_empty
            && self.callbacks.get_mut().is_empty()
            && self.header.registry.get_mut().is_none()
        {
            return;
        }
        if thread::current().id() == self.header.thread {
            return;
        }
        // The last reference was a waker on another thread, and something
        // non-`Send` is left: an outcome or the loop reference of a task
        // whose handle is gone but was never released (a `Task` leaked with
        // `mem::forget` inside a done callback, say). Dropping them here would
        // race with the loop's thread, so they are leaked instead. A future is
        // never left: the registry keeps every unfinished task alive until the
        // loop's thread drops its future.
        if matches!(self.stage.get_mut(), Stage::Running(_)) {
            // Unreachable; if it were not, freeing the memory of a pinned
            // future without dropping it would break `Pin`'s promise.
            eprintln!("stepio: a task's future would be dropped on another thread");
            std::process::abort();
        }
        std::mem::forget(std::mem::replace(self.stage.get_mut(), Stage::Taken));
        std::mem::forget(std::mem::take(self.callbacks.get_mut()));
        std::mem::forget(self.header.registry.get_mut().take());
    }
}
