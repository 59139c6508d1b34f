//! `EventLoop`: the ready queue, the tasks, and the turn that runs them.

use std::any::{Any, TypeId};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::driver::{Driver, ThreadDriver};
use crate::ready::Work;
use crate::schedule::{Runnable, Scheduler};
use crate::task::{BoxFuture, MainWaker, Shared, TaskId, Tasks};
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
    core: Rc<Core>,
}

/// Where a panic that the loop caught came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanicSource {
    /// A callback from `call_soon`.
    Callback,
    /// A task from `spawn`; the task is dropped.
    Task(TaskId),
    /// A failed task (stage 5's) whose error nobody looked at, reported when
    /// the last handle to it is gone, as asyncio's "Task exception was never
    /// retrieved". The message names the task.
    NeverRetrieved,
}

/// A panic the loop caught, handed to the exception handler.
#[derive(Debug, Clone)]
pub struct PanicReport {
    /// What was running when it panicked.
    pub source: PanicSource,
    /// The panic message, when the payload was a string.
    pub message: String,
}

impl fmt::Display for PanicReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.source {
            PanicSource::Callback => write!(f, "a callback panicked: {}", self.message),
            PanicSource::Task(id) => write!(f, "{id} panicked: {}", self.message),
            PanicSource::NeverRetrieved => write!(f, "Task exception was never retrieved: {}", self.message),
        }
    }
}

type ExceptionHandler = Rc<dyn Fn(&PanicReport)>;

struct Core {
    /// Callbacks and woken tasks, in the order they became ready.
    ready: RefCell<ReadyQueue>,
    /// What the driver made ready during `park`, moved to `ready` after it.
    /// Kept apart so that the driver never holds a borrow of `ready` while a
    /// destructor it triggers might schedule something.
    from_driver: RefCell<ReadyQueue>,
    /// A reused buffer for the ids taken out of `shared`.
    woken: RefCell<Vec<TaskId>>,
    /// A reused buffer for the stage 5 tasks taken out of `shared`.
    injected: RefCell<Vec<Arc<dyn Runnable>>>,
    tasks: RefCell<Tasks>,
    /// What wakers on any thread reach.
    shared: Arc<Shared>,
    driver: RefCell<Box<dyn Driver>>,
    running: Cell<bool>,
    /// Set by `stop`: the run ends after the current turn.
    stopping: Cell<bool>,
    closed: Cell<bool>,
    exception_handler: RefCell<Option<ExceptionHandler>>,
    /// Values later stages attach to the loop, one per type. The type id is
    /// kept beside each, so a lookup compares ids without a virtual call.
    extensions: RefCell<Vec<(TypeId, Rc<dyn Any>)>>,
    /// What later stages want done when the loop closes.
    close_hooks: RefCell<Vec<Box<dyn FnOnce()>>>,
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

/// The message of a caught panic: its payload when that is a string.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(a panic payload that is not a string)".to_owned()
    }
}

/// Runs `future` on a new loop and closes the loop, as `asyncio.run()`.
///
/// # Errors
///
/// As [`EventLoop::run_until_complete`].
pub fn run<F: Future>(future: F) -> Result<F::Output, LoopError> {
    let event_loop = EventLoop::new();
    let output = event_loop.run_until_complete(future);
    event_loop.close()?;
    output
}

impl EventLoop {
    /// A loop that parks its thread when idle ([`ThreadDriver`]).
    pub fn new() -> EventLoop {
        EventLoop::with_driver(Box::new(ThreadDriver::new()))
    }

    /// A loop that sleeps on `driver` when idle. Later stages pass drivers
    /// with timers (stage 3) and epoll (stage 4).
    pub fn with_driver(driver: Box<dyn Driver>) -> EventLoop {
        let shared = Shared::new(driver.unparker());
        EventLoop {
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
            }),
        }
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
    pub fn call_soon(&self, callback: impl FnOnce() + 'static) -> Result<Handle, LoopError> {
        self.check_open()?;
        let handle = Handle::new(callback);
        self.core.ready.borrow_mut().push(handle.clone());
        Ok(handle)
    }
}
// ANCHOR_END: call_soon

impl EventLoop {
    /// Spawns `future` as a task: the loop polls it on the next turn, and
    /// again each time its waker is called, until it finishes.
    ///
    /// This is asyncio's `loop.create_task()` without the task handle: stage 5
    /// adds handles that can be awaited and cancelled. A task that panics is
    /// reported to the exception handler and dropped.
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`] if the loop was closed.
    pub fn spawn(&self, future: impl Future<Output = ()> + 'static) -> Result<TaskId, LoopError> {
        self.check_open()?;
        let future: BoxFuture = Box::pin(future);
        let id = self.core.tasks.borrow_mut().insert(future, &self.core.shared);
        self.core.ready.borrow_mut().push_task(id);
        Ok(id)
    }
}

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
    pub fn run_until_complete<F: Future>(&self, future: F) -> Result<F::Output, LoopError> {
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
                if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
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
        for work in ready.into_iter().chain(from_driver) {
            if let Work::Callback(handle) = work {
                handle.cancel();
            }
        }
        drop(tasks);
        // Stage 5 drops its pending tasks here; whatever they wake on the way
        // is injected, and then dropped with the injection queue.
        let hooks = std::mem::take(&mut *self.core.close_hooks.borrow_mut());
        for hook in hooks {
            hook();
        }
        drop(self.core.shared.shut_down());
        self.core.driver.borrow_mut().close();
        Ok(())
    }

    /// How many spawned tasks have not finished yet.
    pub fn task_count(&self) -> usize {
        self.core.tasks.borrow().len()
    }

    /// A [`Scheduler`] that queues stage 5's tasks on this loop from any
    /// thread.
    pub fn scheduler(&self) -> Scheduler {
        Scheduler::new(Arc::clone(&self.core.shared))
    }

    /// Registers `hook` to run once when the loop is closed, after pending
    /// callbacks are cancelled and before the driver closes. Stage 5 drops
    /// its pending tasks this way. On a closed loop, `hook` runs at once.
    pub fn on_close(&self, hook: impl FnOnce() + 'static) {
        if self.is_closed() {
            hook();
        } else {
            self.core.close_hooks.borrow_mut().push(Box::new(hook));
        }
    }

    /// Hands `report` to the exception handler, as
    /// `loop.call_exception_handler()`: the handler set with
    /// [`set_exception_handler`](EventLoop::set_exception_handler), or by
    /// default a line on stderr.
    pub fn call_exception_handler(&self, report: &PanicReport) {
        let handler = self.core.exception_handler.borrow().clone();
        match handler {
            Some(handler) => handler(report),
            None => eprintln!("stepio: {report}; the loop goes on"),
        }
    }

    /// Sets the function that receives panics caught in callbacks and tasks,
    /// as `loop.set_exception_handler()`. The default prints them to stderr.
    pub fn set_exception_handler(&self, handler: impl Fn(&PanicReport) + 'static) {
        *self.core.exception_handler.borrow_mut() = Some(Rc::new(handler));
    }

    /// Attaches `value` to the loop, replacing a value of the same type.
    ///
    /// Later stages keep their per-loop state here, so that code running on
    /// the loop finds it through [`get_running_loop`]: stage 3's `sleep`
    /// finds the loop's timers this way. They stay attached after `close`
    /// (so that, as in asyncio, the clock can still be read).
    pub fn insert_extension<T: Any>(&self, value: Rc<T>) {
        let mut extensions = self.core.extensions.borrow_mut();
        extensions.retain(|(type_id, _)| *type_id != TypeId::of::<T>());
        extensions.push((TypeId::of::<T>(), value));
    }

    /// The value of type `T` attached with
    /// [`insert_extension`](EventLoop::insert_extension), if any.
    pub fn extension<T: Any>(&self) -> Option<Rc<T>> {
        let extensions = self.core.extensions.borrow();
        let (_, extension) = extensions.iter().find(|(type_id, _)| *type_id == TypeId::of::<T>())?;
        Rc::clone(extension).downcast::<T>().ok()
    }

    fn check_open(&self) -> Result<(), LoopError> {
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
        let has_work = main_woken || self.core.stopping.get() || !self.core.ready.borrow().is_empty();
        // With work waiting, the driver may only look for events, not sleep.
        let timeout = if has_work { Some(Duration::ZERO) } else { None };
        {
            let mut from_driver = self.core.from_driver.borrow_mut();
            self.core.driver.borrow_mut().park(timeout, &mut from_driver)?;
            self.core.ready.borrow_mut().append(&mut from_driver);
        }
        self.collect_woken();

        // Only what is ready now runs in this turn; what it schedules waits
        // for the next turn, after the driver has been checked again.
        let n_ready = self.core.ready.borrow().len();
        for _ in 0..n_ready {
            let Some(work) = self.core.ready.borrow_mut().pop() else { break };
            match work {
                Work::Callback(handle) => {
                    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| handle.run())) {
                        self.report(PanicSource::Callback, payload);
                    }
                }
                Work::Task(id) => self.poll_task(id),
                // Stage 5 catches a task's panics itself; this catches one
                // from a destructor it runs (a task's output, say).
                Work::Runnable(task) => {
                    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| task.run(self))) {
                        self.report(PanicSource::Callback, payload);
                    }
                }
            }
        }
        Ok(())
    }
}
// ANCHOR_END: run_once

impl EventLoop {
    /// Moves the tasks woken since the last look onto the ready queue.
    fn collect_woken(&self) {
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

    /// Queues `task` on the ready queue directly, if `shared` is this loop's
    /// and the queue is not borrowed; otherwise hands the task back.
    pub(crate) fn push_local(
        &self,
        shared: &Arc<Shared>,
        task: Arc<dyn Runnable>,
    ) -> Result<(), Arc<dyn Runnable>> {
        if !Arc::ptr_eq(shared, &self.core.shared) {
            return Err(task);
        }
        match self.core.ready.try_borrow_mut() {
            Ok(mut ready) => {
                ready.push_runnable(task);
                Ok(())
            }
            Err(_) => Err(task),
        }
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.core.shared
    }
}

// ANCHOR: poll_task
impl EventLoop {
    fn poll_task(&self, id: TaskId) {
        // A stale id (the task already finished) polls nothing.
        let Some((mut future, waker)) = self.core.tasks.borrow_mut().take(id) else { return };
        // No borrow is held while the task runs: it may spawn or schedule.
        let mut cx = Context::from_waker(&waker);
        match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx))) {
            Ok(Poll::Pending) => self.core.tasks.borrow_mut().put_back(id, future, waker),
            Ok(Poll::Ready(())) => {
                self.core.tasks.borrow_mut().remove(id);
                drop(future);
            }
            Err(payload) => {
                self.core.tasks.borrow_mut().remove(id);
                // The future's destructor may panic too; that is reported as well.
                if let Err(payload) = catch_unwind(AssertUnwindSafe(|| drop(future))) {
                    self.report(PanicSource::Task(id), payload);
                }
                self.report(PanicSource::Task(id), payload);
            }
        }
    }
}
// ANCHOR_END: poll_task

impl EventLoop {
    fn report(&self, source: PanicSource, payload: Box<dyn Any + Send>) {
        let report = PanicReport { source, message: panic_message(&*payload) };
        self.call_exception_handler(&report);
    }
}

/// A reference to a loop that does not keep it alive, from
/// [`EventLoop::downgrade`]. Stage 5's bare futures hold one, to schedule
/// their done callbacks without keeping a dropped loop in memory.
#[derive(Clone)]
pub struct WeakEventLoop {
    core: Weak<Core>,
}

impl WeakEventLoop {
    /// The loop, if it still exists.
    pub fn upgrade(&self) -> Option<EventLoop> {
        self.core.upgrade().map(|core| EventLoop { core })
    }
}

impl fmt::Debug for WeakEventLoop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakEventLoop").field("alive", &(self.core.strong_count() > 0)).finish()
    }
}

impl EventLoop {
    /// A reference to this loop that does not keep it alive.
    pub fn downgrade(&self) -> WeakEventLoop {
        WeakEventLoop { core: Rc::downgrade(&self.core) }
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
