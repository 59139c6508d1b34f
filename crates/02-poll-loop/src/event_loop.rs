//! `EventLoop`: the ready queue, the tasks, and the turn that runs them.

use std::any::{Any, TypeId};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::driver::{Driver, ThreadDriver};
use crate::observe::{TaskEnd, TaskEvent, attach_new};
use crate::panic::{ExceptionHandler, PanicSource};
use crate::ready::Work;
use crate::schedule::Runnable;
use crate::task::{MainWaker, Shared, TaskId, Tasks};
use crate::{Handle, LoopError, ReadyQueue};

/// A single-threaded event loop, as asyncio's `asyncio.EventLoop`.
///
/// Cloning an `EventLoop` gives another reference to the same loop, the way
/// every Python name for a loop object refers to one loop; this is what
/// [`get_running_loop`] returns inside a task. The loop is not `Send`: it
/// runs on the thread that created it. Its tasks' wakers are `Send + Sync`,
/// and a wake from any thread works.
///
/// # Examples
///
/// ```
/// use stepio_poll_loop::EventLoop;
///
/// let event_loop = EventLoop::new();
/// let answer = event_loop.run_until_complete(async { 6 * 7 }).unwrap();
/// assert_eq!(answer, 42);
/// event_loop.close().unwrap();
/// ```
#[derive(Clone)]
pub struct EventLoop {
    pub(crate) core: Rc<Core>,
}

pub(crate) struct Core {
    /// Callbacks and woken tasks, in the order they became ready.
    pub(crate) ready: RefCell<ReadyQueue>,
    /// What the driver made ready during `park`, moved to `ready` after it.
    /// Kept apart so that the driver never holds a borrow of `ready` while a
    /// destructor it triggers might schedule something.
    pub(crate) from_driver: RefCell<ReadyQueue>,
    /// A reused buffer for the ids taken out of `shared`.
    pub(crate) woken: RefCell<Vec<TaskId>>,
    /// A reused buffer for the scheduled tasks taken out of `shared`.
    pub(crate) injected: RefCell<Vec<Arc<dyn Runnable>>>,
    pub(crate) tasks: RefCell<Tasks>,
    /// What wakers on any thread reach.
    pub(crate) shared: Arc<Shared>,
    pub(crate) driver: RefCell<Box<dyn Driver>>,
    pub(crate) running: Cell<bool>,
    /// Set by `stop`: the run ends after the current turn.
    pub(crate) stopping: Cell<bool>,
    pub(crate) closed: Cell<bool>,
    pub(crate) exception_handler: RefCell<Option<ExceptionHandler>>,
    /// Values later stages attach to the loop, one per type. The type id is
    /// kept beside each, so a lookup compares ids without a virtual call.
    pub(crate) extensions: RefCell<Vec<(TypeId, Rc<dyn Any>)>>,
    /// What later stages want done when the loop closes.
    pub(crate) close_hooks: RefCell<Vec<Box<dyn FnOnce()>>>,
    /// The number the next task gets (`Task-1`, `Task-2`, ...).
    pub(crate) next_task: Cell<u64>,
    /// An observer was set (it is in `shared`, for other threads): what
    /// each step tests, without reaching into `shared`.
    pub(crate) observed: Cell<bool>,
}

impl Drop for Core {
    fn drop(&mut self) {
        // A loop dropped without `close`: injected tasks would otherwise keep
        // themselves alive through their wakers' references to `shared`.
        drop(self.shared.shut_down());
    }
}

thread_local! {
    /// The loop running on this thread, if any.
    static CURRENT: RefCell<Option<EventLoop>> = const { RefCell::new(None) };
}

// ANCHOR: get_running_loop
/// Returns the loop running on this thread, as `asyncio.get_running_loop()`.
///
/// # Errors
///
/// [`LoopError::NoRunningLoop`] when called outside a running loop (outside
/// its callbacks and tasks).
pub fn get_running_loop() -> Result<EventLoop, LoopError> {
    CURRENT.with(|current| current.borrow().clone()).ok_or(LoopError::NoRunningLoop)
}
// ANCHOR_END: get_running_loop

/// Calls `f` with the loop running on this thread, without cloning it;
/// `None` if no loop runs here (or this thread is entering or leaving one).
pub(crate) fn with_running<R>(f: impl FnOnce(&EventLoop) -> R) -> Option<R> {
    CURRENT.with(|current| current.try_borrow().ok()?.as_ref().map(f))
}

/// Runs `future` on a new loop and closes the loop, as `asyncio.run()`.
///
/// # Errors
///
/// As [`EventLoop::run_until_complete`].
pub fn run<F: Future>(future: F) -> Result<F::Output, LoopError> {
    EventLoop::new().run_and_close(future)
}

impl EventLoop {
    /// Runs `future` to completion, then closes the loop: what every stage's
    /// `run` does, as `asyncio.run()`. The loop is closed however the run
    /// ends, a panic in `future` too (asyncio closes it in a `finally`);
    /// the panic then goes on to the caller.
    ///
    /// # Errors
    ///
    /// As [`EventLoop::run_until_complete`], then as [`EventLoop::close`].
    pub fn run_and_close<F: Future>(&self, future: F) -> Result<F::Output, LoopError> {
        let output = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.run_until_complete(future)
        }));
        let closed = self.close();
        match output {
            // asyncio's `run` says so in its own words.
            Ok(Err(LoopError::AnotherLoopRunning)) => Err(LoopError::RunFromRunningLoop),
            Ok(output) => {
                closed?;
                output
            }
            Err(payload) => std::panic::resume_unwind(payload),
        }
    }
}

impl EventLoop {
    /// A loop that parks its thread when idle ([`ThreadDriver`]).
    pub fn new() -> EventLoop {
        EventLoop::with_driver(Box::new(ThreadDriver::new()))
    }

    /// A loop that sleeps on `driver` when idle. Later stages pass drivers
    /// that wrap others (timers around a parker, say).
    pub fn with_driver(driver: Box<dyn Driver>) -> EventLoop {
        let shared = Shared::new(driver.unparker());
        let event_loop = EventLoop {
            core: Rc::new(Core {
                ready: RefCell::default(),
                from_driver: RefCell::default(),
                woken: RefCell::default(),
                injected: RefCell::default(),
                tasks: RefCell::default(),
                shared,
                driver: RefCell::new(driver),
                running: Cell::new(false),
                stopping: Cell::new(false),
                closed: Cell::new(false),
                exception_handler: RefCell::new(None),
                extensions: RefCell::default(),
                close_hooks: RefCell::default(),
                next_task: Cell::new(1),
                observed: Cell::new(false),
            }),
        };
        attach_new(&event_loop);
        event_loop
    }
}

// ANCHOR: call_soon
impl EventLoop {
    /// Schedules `callback` to run on the next turn of the loop, after every
    /// callback already scheduled (FIFO), as `loop.call_soon()`.
    ///
    /// Python passes arguments with `functools.partial`; a Rust closure
    /// captures them.
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`] if the loop was closed.
    pub fn call_soon(
        &self,
        callback: impl FnOnce() + 'static,
    ) -> Result<Handle, LoopError> {
        self.check_open()?;
        let handle = Handle::new(callback);
        self.core.ready.borrow_mut().push(handle.clone());
        Ok(handle)
    }
}
// ANCHOR_END: call_soon

// ANCHOR: run_until_complete
impl EventLoop {
    /// Runs the loop until `future` completes, and returns its output, as
    /// `loop.run_until_complete()`.
    ///
    /// The future is polled by the loop itself, between turns, whenever its
    /// waker has been called; it need not be `'static`. If it panics, the
    /// panic goes on to the caller, and the loop is left stopped, not running.
    ///
    /// # Errors
    ///
    /// - [`LoopError::Closed`], [`LoopError::AlreadyRunning`] (this includes a
    ///   call from inside one of the loop's own tasks),
    ///   [`LoopError::AnotherLoopRunning`].
    /// - [`LoopError::StoppedBeforeComplete`] if `stop` ended the run first.
    /// - [`LoopError::Driver`] if the driver failed.
    pub fn run_until_complete<F: Future>(
        &self,
        future: F,
    ) -> Result<F::Output, LoopError> {
        let _running = self.enter()?;
        let mut future = pin!(future);
        // The future is not a task: its waker only raises a flag (and unparks).
        let main = MainWaker::new(&self.core.shared);
        let waker = Waker::from(Arc::clone(&main));
        let mut cx = Context::from_waker(&waker);
        let mut stopped = false;
        loop {
            // Polled before giving up on a stop, too: the last turn may have
            // finished it.
            if main.take_woken() {
                if let Poll::Ready(output) = self.poll_main(future.as_mut(), &mut cx) {
                    return Ok(output);
                }
            }
            if stopped {
                return Err(LoopError::StoppedBeforeComplete);
            }
            self.run_once(main.is_woken())?;
            stopped = self.core.stopping.get();
        }
    }
}
// ANCHOR_END: run_until_complete

// ANCHOR: run_forever
impl EventLoop {
    /// Runs the loop until [`stop`](EventLoop::stop) is called, as
    /// `loop.run_forever()`.
    ///
    /// After `stop`, the run ends once the current turn is over: callbacks that
    /// were already ready when that turn began still run; callbacks they
    /// schedule wait for the next run.
    ///
    /// # Errors
    ///
    /// As [`run_until_complete`](EventLoop::run_until_complete), except
    /// `StoppedBeforeComplete`.
    pub fn run_forever(&self) -> Result<(), LoopError> {
        let _running = self.enter()?;
        loop {
            self.run_once(false)?;
            if self.core.stopping.get() {
                return Ok(());
            }
        }
    }
}
// ANCHOR_END: run_forever

impl EventLoop {
    /// Asks the loop to stop after the current turn, as `loop.stop()`.
    ///
    /// Called before a run starts, it makes that run do one turn and return.
    pub fn stop(&self) {
        self.core.stopping.set(true);
    }

    /// Whether the loop is running, as `loop.is_running()`.
    pub fn is_running(&self) -> bool {
        self.core.running.get()
    }

    /// Whether [`close`](EventLoop::close) was called, as `loop.is_closed()`.
    pub fn is_closed(&self) -> bool {
        self.core.closed.get()
    }

    /// Closes the loop, as `loop.close()`: pending callbacks are cancelled and
    /// pending tasks are dropped. Closing a closed loop does nothing.
    ///
    /// # Errors
    ///
    /// [`LoopError::CloseWhileRunning`] if the loop is running.
    pub fn close(&self) -> Result<(), LoopError> {
        if self.is_running() {
            return Err(LoopError::CloseWhileRunning);
        }
        if self.core.closed.replace(true) {
            return Ok(());
        }
        // Take everything out first and drop it after the borrows end: the
        // destructors of tasks may use the loop (and get `Closed`).
        let ready = self.core.ready.borrow_mut().take_all();
        let from_driver = self.core.from_driver.borrow_mut().take_all();
        let tasks = self.core.tasks.borrow_mut().drain();
        if let Some(observer) = self.observer() {
            for &(_, number) in &tasks {
                observer.event(&TaskEvent::PendingAtClose { number });
                observer.event(&TaskEvent::Done { number, end: TaskEnd::Cancelled });
            }
        }
        for work in ready.into_iter().chain(from_driver) {
            if let Work::Callback(handle) = work {
                handle.cancel();
            }
        }
        drop(tasks);
        // Close hooks drop what other stages keep (their pending tasks);
        // whatever they wake on the way
        // is injected, and then dropped with the injection queue.
        let hooks = std::mem::take(&mut *self.core.close_hooks.borrow_mut());
        for hook in hooks {
            hook();
        }
        drop(self.core.shared.shut_down());
        self.core.driver.borrow_mut().close();
        if let Some(observer) = self.observer() {
            observer.closed(self);
        }
        Ok(())
    }

    pub(crate) fn check_open(&self) -> Result<(), LoopError> {
        if self.is_closed() { Err(LoopError::Closed) } else { Ok(()) }
    }

    /// Marks the loop running on this thread, or says why it cannot run.
    fn enter(&self) -> Result<RunGuard, LoopError> {
        self.check_open()?;
        if self.is_running() {
            return Err(LoopError::AlreadyRunning);
        }
        CURRENT.with(|current| {
            let mut current = current.borrow_mut();
            if current.is_some() {
                return Err(LoopError::AnotherLoopRunning);
            }
            *current = Some(self.clone());
            Ok(())
        })?;
        self.core.running.set(true);
        Ok(RunGuard { core: Rc::clone(&self.core) })
    }
}

// ANCHOR: run_once
impl EventLoop {
    /// One turn of the loop: wait on the driver if nothing is ready, then run
    /// what was ready when the turn began.
    fn run_once(&self, main_woken: bool) -> Result<(), LoopError> {
        // Tasks woken since the last turn are not counted here, and need not
        // be: every wake that queued one also unparked the driver, so this
        // park returns at once, and the look after it collects them.
        let has_work = main_woken
            || self.core.stopping.get()
            || !self.core.ready.borrow().is_empty();
        // With work waiting, the driver may only look for events, not sleep.
        let timeout = if has_work { Some(Duration::ZERO) } else { None };
        {
            let mut from_driver = self.core.from_driver.borrow_mut();
            self.park(timeout, &mut from_driver)?;
            if !from_driver.is_empty() {
                self.core.ready.borrow_mut().append(&mut from_driver);
            }
        }
        self.collect_woken();

        // Only what is ready now runs in this turn; what it schedules waits
        // for the next turn, after the driver has been checked again.
        let n_ready = self.core.ready.borrow().len();
        for _ in 0..n_ready {
            let Some(work) = self.core.ready.borrow_mut().pop() else { break };
            self.run_step(work);
        }
        Ok(())
    }

    /// Runs one piece of ready work. Inlined: as a call of its own, the
    /// `Work` goes through memory and each task switch costs several ns
    /// more (measured with the yield benchmark).
    #[inline(always)]
    pub(crate) fn run_work(&self, work: Work) {
        match work {
            Work::Callback(handle) => {
                if let Err(payload) = catch_unwind(AssertUnwindSafe(|| handle.run())) {
                    self.report(PanicSource::Callback, payload);
                }
            }
            Work::Task(id) => self.poll_task(id),
            // Work queued through an extension point (`extend.rs`).
            Work::Scheduled(task) => self.run_scheduled(task),
        }
    }
}
// ANCHOR_END: run_once

impl EventLoop {
    /// Moves the tasks woken since the last look onto the ready queue.
    fn collect_woken(&self) {
        if !self.core.shared.take_pending() {
            return;
        }
        let mut woken = self.core.woken.borrow_mut();
        self.core.shared.take_woken(&mut woken);
        let mut injected = self.core.injected.borrow_mut();
        self.core.shared.take_injected(&mut injected);
        let mut ready = self.core.ready.borrow_mut();
        for id in woken.drain(..) {
            ready.push_task(id);
        }
        for task in injected.drain(..) {
            ready.push_runnable(task);
        }
    }
}

impl Default for EventLoop {
    fn default() -> Self {
        EventLoop::new()
    }
}

impl fmt::Debug for EventLoop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventLoop")
            .field("running", &self.is_running())
            .field("closed", &self.is_closed())
            .field("ready", &self.core.ready.try_borrow().map(|r| r.len()).ok())
            .field("tasks", &self.core.tasks.try_borrow().map(|t| t.len()).ok())
            .finish()
    }
}

/// Undoes `enter` when a run ends, by return or by panic.
struct RunGuard {
    core: Rc<Core>,
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        self.core.running.set(false);
        self.core.stopping.set(false);
        let current = CURRENT.with(|current| current.borrow_mut().take());
        drop(current);
    }
}
