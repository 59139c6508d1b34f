//! The one hook through which a loop can be watched while it works.
//!
//! A loop may have one [`Observer`]. The loop tells it each step it runs (a
//! callback, a poll of a task) and each wait in its driver, and each stage
//! tells it what that stage did (a task spawned, woken, finished; whatever
//! a later stage reports, as a value of a type of that stage's own). With
//! no observer, the loop tests one `Option` per turn and runs as if this
//! module did not exist.

use std::any::Any;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use crate::event_loop::with_running;
use crate::ready::Work;
use crate::schedule::Runnable;
use crate::{EventLoop, LoopError, ReadyQueue};

// ANCHOR: observer
/// Something that watches a loop work. Every method does nothing unless
/// the observer overrides it.
///
/// The loop calls the methods that take an [`EventLoop`] on its own thread;
/// [`event`](Observer::event) comes from the thread where the thing
/// happened (a wake from another thread, a job on a worker thread).
pub trait Observer: Send + Sync + 'static {
    /// A step begins: a callback runs, or a task is polled.
    fn step_started(&self, event_loop: &EventLoop, step: &Step<'_>) {
        let _ = (event_loop, step);
    }

    /// The step that began last has returned.
    fn step_ended(&self, event_loop: &EventLoop, step: &Step<'_>) {
        let _ = (event_loop, step);
    }

    /// Nothing is ready: the loop waits in its driver for at most `timeout`
    /// (`None`: until woken).
    fn parking(&self, event_loop: &EventLoop, timeout: Option<Duration>) {
        let _ = (event_loop, timeout);
    }

    /// The driver returned.
    fn unparked(&self, event_loop: &EventLoop) {
        let _ = event_loop;
    }

    /// The loop was closed.
    fn closed(&self, event_loop: &EventLoop) {
        let _ = event_loop;
    }

    /// Something a stage reports: a [`TaskEvent`] from this stage, or a
    /// value of a type that a later stage defines for its own events.
    fn event(&self, event: &dyn Any) {
        let _ = event;
    }
}
// ANCHOR_END: observer

/// One step of the loop, as an [`Observer`] sees it.
#[derive(Clone, Copy)]
pub enum Step<'a> {
    /// A poll of the future given to `run_until_complete`.
    Main,
    /// A callback, named by its closure's type.
    Callback(&'static str),
    /// A poll of a task from [`EventLoop::spawn`], by its number.
    Task(u64),
    /// A run of a task that owns itself (see [`Runnable`]).
    Runnable(&'a dyn Runnable),
}

impl std::fmt::Debug for Step<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Main => f.write_str("Main"),
            Step::Callback(name) => f.debug_tuple("Callback").field(name).finish(),
            Step::Task(number) => f.debug_tuple("Task").field(number).finish(),
            Step::Runnable(runnable) => {
                f.debug_tuple("Runnable").field(&runnable.task_number()).finish()
            }
        }
    }
}

/// What the loop's tasks report to an observer. Tasks are named by their
/// number (`Task-N` is `N`); the future given to `run_until_complete` is 0.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TaskEvent {
    /// A task was created.
    Spawned {
        /// Its number.
        number: u64,
        /// Its future's type (`std::any::type_name`).
        future: &'static str,
        /// Where it was created.
        location: &'static Location<'static>,
    },
    /// A task's waker queued it again.
    Woken {
        /// Its number.
        number: u64,
    },
    /// A task finished.
    Done {
        /// Its number.
        number: u64,
        /// How.
        end: TaskEnd,
    },
    /// A task was still pending when the loop closed; it is dropped next
    /// (then `Done` with [`TaskEnd::Cancelled`] follows).
    PendingAtClose {
        /// Its number.
        number: u64,
    },
}

/// How a task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskEnd {
    /// Its future returned.
    Finished,
    /// It panicked.
    Panicked,
    /// It was cancelled, or dropped when the loop closed.
    Cancelled,
}

// ANCHOR: hook
impl EventLoop {
    /// Sets the loop's [`Observer`]: from now on it sees every step and
    /// every wait of the loop, and what each stage reports. A loop has at
    /// most one: a second call changes nothing and returns `false`.
    pub fn set_observer(&self, observer: Arc<dyn Observer>) -> bool {
        let set = self.core.shared.doors.observer.set(observer).is_ok();
        if set {
            self.core.observed.set(true);
        }
        set
    }

    /// The loop's observer, if it has one.
    #[inline]
    pub fn observer(&self) -> Option<&Arc<dyn Observer>> {
        if self.core.observed.get() {
            self.core.shared.doors.observer.get()
        } else {
            None
        }
    }

    /// Runs one piece of ready work; observed, if the loop has an observer.
    #[inline(always)]
    pub(crate) fn run_step(&self, work: Work) {
        if self.core.observed.get() {
            self.run_observed(work);
        } else {
            self.run_work(work);
        }
    }

    /// Waits in the driver for at most `timeout`, telling the observer
    /// about a wait that may sleep (a look without sleeping is not told).
    pub(crate) fn park(
        &self,
        timeout: Option<Duration>,
        ready: &mut ReadyQueue,
    ) -> Result<(), LoopError> {
        let observer = self.observer().filter(|_| timeout.is_none());
        if let Some(observer) = observer {
            observer.parking(self, timeout);
        }
        let parked = self.core.driver.borrow_mut().park(timeout, ready);
        if let Some(observer) = observer {
            observer.unparked(self);
        }
        Ok(parked?)
    }
}
// ANCHOR_END: hook

impl EventLoop {
    /// Polls the future given to `run_until_complete` (task 0), observed if
    /// the loop has an observer, which also hears when it is done.
    pub(crate) fn poll_main<F: Future>(
        &self,
        future: Pin<&mut F>,
        cx: &mut Context<'_>,
    ) -> Poll<F::Output> {
        let Some(observer) = self.observer() else { return future.poll(cx) };
        let polled = self.observed(observer, Step::Main, || future.poll(cx));
        if polled.is_ready() {
            observer.event(&TaskEvent::Done { number: 0, end: TaskEnd::Finished });
        }
        polled
    }

    /// Runs `work` as [`run_work`](EventLoop::run_work) does, observed.
    #[inline(never)]
    fn run_observed(&self, work: Work) {
        let Some(observer) = self.observer() else { return self.run_work(work) };
        // The step names a runnable by reference: hold it apart from the
        // work, which the run consumes.
        let runnable = match &work {
            Work::Scheduled(task) => Some(Arc::clone(task)),
            _ => None,
        };
        let step = match (&work, &runnable) {
            (Work::Callback(handle), _) => Step::Callback(handle.name()),
            (Work::Task(id), _) => match self.core.tasks.borrow().number(*id) {
                Some(number) => Step::Task(number),
                // A stale id: the task already finished; nothing runs.
                None => return,
            },
            (_, Some(task)) => Step::Runnable(&**task),
            (Work::Scheduled(_), None) => unreachable!("cloned above"),
        };
        self.observed(observer, step, || self.run_work(work));
    }

    /// Runs `step`, telling the observer before and after.
    fn observed<R>(
        &self,
        observer: &Arc<dyn Observer>,
        step: Step<'_>,
        run: impl FnOnce() -> R,
    ) -> R {
        observer.step_started(self, &step);
        let output = run();
        observer.step_ended(self, &step);
        output
    }

    /// Tells the observer that task `number` returned.
    pub(crate) fn report_finished(&self, number: u64) {
        if let Some(observer) = self.observer() {
            observer.event(&TaskEvent::Done { number, end: TaskEnd::Finished });
        }
    }

    /// Tells the observer that task `number` panicked.
    pub(crate) fn report_panicked(&self, number: u64) {
        if let Some(observer) = self.observer() {
            observer.event(&TaskEvent::Done { number, end: TaskEnd::Panicked });
        }
    }
}

/// Calls `attach` with every loop created from now on in this process,
/// once; a later call changes nothing and returns `false`. This is how a
/// program watches loops that code it does not control creates.
pub fn observe_new_loops(attach: fn(&EventLoop)) -> bool {
    NEW_LOOPS.set(attach).is_ok()
}

static NEW_LOOPS: OnceLock<fn(&EventLoop)> = OnceLock::new();

/// Runs the hook of [`observe_new_loops`] on a new loop, if there is one.
pub(crate) fn attach_new(event_loop: &EventLoop) {
    if let Some(attach) = NEW_LOOPS.get() {
        attach(event_loop);
    }
}

/// The observer of the loop running on this thread, if it has one: for a
/// driver to report what it saw during its wait. Read it once per wait.
pub fn running_observer() -> Option<std::sync::Arc<dyn Observer>> {
    with_running(|event_loop| event_loop.observer().cloned()).flatten()
}
