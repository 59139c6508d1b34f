//! The door through which tasks that own themselves reach the ready queue.
//!
//! [`spawn`](crate::EventLoop::spawn) keeps tasks in the loop's slab: two
//! allocations per task, and a mutex on every wake. A task kept in one
//! allocation of its own needs only two things from the loop: a way to
//! queue that allocation when it is woken (a [`Scheduler`]), and a call back
//! to run it (the [`Runnable`] trait).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::EventLoop;
use crate::event_loop::with_running;
use crate::observe::Observer;
use crate::task::Shared;

// ANCHOR: runnable
/// A task that the loop runs without owning it.
///
/// The loop holds an `Arc<dyn Runnable>` on its ready queue for each queued
/// task, and calls [`run`](Runnable::run) once per entry. It is `Send +
/// Sync` because wakers may queue it from any thread; the task itself
/// decides what those threads may touch.
pub trait Runnable: Send + Sync + 'static {
    /// Runs the task once (polls it, or finishes it if it was cancelled).
    ///
    /// The loop calls this on its own thread and passes itself: since an
    /// [`EventLoop`] is neither `Send` nor `Sync`, holding one proves that
    /// the caller is on the loop's thread, which is what a task with a
    /// non-`Send` future needs to know.
    fn run(self: Arc<Self>, event_loop: &EventLoop);

    /// The task's number, if this is a task (`Task-N` is `N`),
    /// for an observer. The default, `None`, says it is a callback.
    fn task_number(&self) -> Option<u64> {
        None
    }

    /// A short name for an observer: the type's name by default.
    fn name(&self) -> &'static str {
        std::any::type_name::<Self>()
    }
}
// ANCHOR_END: runnable

// ANCHOR: scheduler
/// Queues [`Runnable`]s on one loop, from any thread.
///
/// On the loop's own thread, while the loop runs, a task goes straight onto
/// the ready queue: no lock, no system call. From anywhere else it goes
/// through the loop's injection queue (a mutex) and unparks the driver.
#[derive(Clone)]
pub struct Scheduler {
    shared: Arc<Shared>,
}

impl Scheduler {
    /// Queues `task` to run on a coming turn of the loop.
    ///
    /// After the loop is closed, the task is dropped instead: a closed loop
    /// runs nothing, and keeping the task would keep it alive for ever.
    pub fn schedule(&self, task: Arc<dyn Runnable>) {
        let mut task = Some(task);
        with_running(|event_loop| {
            let local = task.take().expect("taken once");
            task = event_loop.push_local(&self.shared, local).err();
        });
        if let Some(task) = task {
            self.shared.inject(task);
        }
    }

    /// Whether this scheduler's loop is running on this thread with its
    /// ready queue free: then [`Scheduler::queue_here`] can take a task.
    pub fn is_running_here(&self) -> bool {
        with_running(|event_loop| {
            Arc::ptr_eq(&self.shared, event_loop.shared()) && event_loop.ready_is_free()
        })
        .unwrap_or(false)
    }

    /// Queues `task` on the loop running on this thread, straight onto its
    /// ready queue. For a task that holds its scheduler and wakes itself by
    /// value: it asks [`is_running_here`](Scheduler::is_running_here)
    /// first, then moves itself in, and no reference count changes.
    ///
    /// # Panics
    ///
    /// If `is_running_here` would say no (no loop runs here, or its queue
    /// is borrowed).
    pub fn queue_here(task: Arc<dyn Runnable>) {
        with_running(|event_loop| event_loop.push_ready(task))
            .expect("queue_here: no loop is running on this thread");
    }

    /// Whether this scheduler queues onto `event_loop`.
    pub fn is_for(&self, event_loop: &EventLoop) -> bool {
        Arc::ptr_eq(&self.shared, event_loop.shared())
    }

    /// Whether the loop was closed: scheduling now drops the task.
    pub fn is_closed(&self) -> bool {
        self.shared.doors.closed.load(Ordering::Acquire)
    }
}
// ANCHOR_END: scheduler

impl Scheduler {
    pub(crate) fn new(shared: Arc<Shared>) -> Scheduler {
        Scheduler { shared }
    }

    /// The loop's observer, if it has one: tasks report their wakes to
    /// it, from any thread.
    #[inline]
    pub fn observer(&self) -> Option<&Arc<dyn Observer>> {
        self.shared.doors.observer.get()
    }
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler").field("closed", &self.is_closed()).finish()
    }
}
