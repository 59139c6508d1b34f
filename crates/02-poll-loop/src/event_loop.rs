//! `EventLoop`: the ready queue, the tasks, and the turn that runs them.

use std::any::{Any, TypeId};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, Location, catch_unwind};
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::debug::{DEFAULT_SLOW_CALLBACK, DebugReport, FromEnv};
use crate::driver::{Driver, ThreadDriver};
use crate::ready::Work;
use crate::schedule::{Runnable, Scheduler};
use crate::task::{BoxFuture, MainWaker, Shared, TaskId, TaskInfo, Tasks};
use crate::trace::{ClockFn, TaskEnd, Trace, TraceEvent, Tracer, real_clock};
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
type DebugHandler = Rc<dyn Fn(&DebugReport)>;

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
    /// The number the next task gets (`Task-1`, `Task-2`, ...).
    next_task: Cell<u64>,
    /// Debug mode is on: time every callback and poll.
    debug: Cell<bool>,
    /// Tracing is on. The tracer is in `shared`, where other threads find
    /// it; this copy is what the loop's thread tests, without reaching
    /// into `shared`.
    tracing: Cell<bool>,
    /// asyncio's `slow_callback_duration`.
    slow_callback: Cell<Duration>,
    debug_handler: RefCell<Option<DebugHandler>>,
    /// The clock debug mode and tracing read, made when first needed.
    clock: RefCell<Option<ClockFn>>,
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
                debug: Cell::new(false),
                tracing: Cell::new(false),
                slow_callback: Cell::new(DEFAULT_SLOW_CALLBACK),
                debug_handler: RefCell::new(None),
                clock: RefCell::new(None),
            }),
        };
        let from_env = FromEnv::get();
        if from_env.debug {
            event_loop.set_debug(true);
        }
        if from_env.tracing() {
            event_loop.start_tracing();
        }
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
    #[track_caller]
    pub fn spawn<F: Future<Output = ()> + 'static>(&self, future: F) -> Result<TaskId, LoopError> {
        self.check_open()?;
        let number = self.next_task_number();
        let location = Location::caller();
        let name = std::any::type_name::<F>();
        if let Some(tracer) = self.tracer() {
            let event =
                TraceEvent::Spawned { task: number, name: format!("Task-{number}"), future: name, location };
            tracer.record(event);
        }
        let future: BoxFuture = Box::pin(future);
        let id = self.core.tasks.borrow_mut().insert(
            future,
            &self.core.shared,
            TaskInfo { number, future: name, location },
        );
        self.core.ready.borrow_mut().push_task(id);
        Ok(id)
    }

    /// A number for a new task, counting from 1 on each loop: asyncio's
    /// `Task-1`, `Task-2`, ... Stage 2's `spawn` and stage 5's
    /// `create_task` both take theirs from here.
    pub fn next_task_number(&self) -> u64 {
        let number = self.core.next_task.get();
        self.core.next_task.set(number + 1);
        number
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
                let polled = if self.is_watched() {
                    self.watch(Watched::Main, || future.as_mut().poll(&mut cx))
                } else {
                    future.as_mut().poll(&mut cx)
                };
                if let Poll::Ready(output) = polled {
                    self.trace_done(0, TaskEnd::Finished);
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
        for info in tasks.iter().map(|(_, info)| info) {
            if let Some(tracer) = self.tracer() {
                tracer.record(TraceEvent::Done { task: info.number, end: TaskEnd::Cancelled });
            }
            if self.get_debug() {
                self.call_debug_handler(&DebugReport::PendingAtClose { what: info.to_string() });
            }
        }
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
        self.show_trace_from_env();
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
            // A park that may sleep is traced; a look without sleeping is not.
            let tracer = self.tracer().filter(|_| timeout.is_none());
            if let Some(tracer) = tracer {
                tracer.record(TraceEvent::Parked { timeout });
            }
            let parked = self.core.driver.borrow_mut().park(timeout, &mut from_driver);
            if let Some(tracer) = tracer {
                tracer.record(TraceEvent::Unparked);
            }
            parked?;
            self.core.ready.borrow_mut().append(&mut from_driver);
        }
        self.collect_woken();

        // Only what is ready now runs in this turn; what it schedules waits
        // for the next turn, after the driver has been checked again.
        let n_ready = self.core.ready.borrow().len();
        // One test per turn: with debug mode and tracing off, the loop
        // below is the whole cost.
        if self.is_watched() {
            for _ in 0..n_ready {
                let Some(work) = self.core.ready.borrow_mut().pop() else { break };
                self.run_watched(work);
            }
        } else {
            for _ in 0..n_ready {
                let Some(work) = self.core.ready.borrow_mut().pop() else { break };
                self.run_work(work);
            }
        }
        Ok(())
    }

    /// Runs one piece of ready work. Inlined: as a call of its own, the
    /// `Work` goes through memory and each task switch costs several ns
    /// more (measured with the yield benchmark).
    #[inline(always)]
    fn run_work(&self, work: Work) {
        {
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
                let info = self.core.tasks.borrow_mut().remove(id);
                self.trace_done(info.number, TaskEnd::Finished);
                drop(future);
            }
            Err(payload) => {
                let info = self.core.tasks.borrow_mut().remove(id);
                self.trace_done(info.number, TaskEnd::Panicked);
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

// ANCHOR: watch
/// What a watched step runs, for its trace events and a debug warning.
enum Watched {
    /// The future given to `run_until_complete`: task number 0.
    Main,
    /// A callback, named by its closure's type.
    Callback(&'static str),
    /// A task from stage 2's `spawn`.
    Spawned(TaskInfo),
    /// A task or callback of a later stage.
    Runnable(Arc<dyn Runnable>),
}

impl Watched {
    /// The trace events before and after the step.
    fn events(&self) -> (TraceEvent, TraceEvent) {
        let task = match self {
            Watched::Main => Some(0),
            Watched::Callback(_) => None,
            Watched::Spawned(info) => Some(info.number),
            Watched::Runnable(runnable) => runnable.task_number(),
        };
        match (task, self) {
            (Some(task), _) => (TraceEvent::PollStart { task }, TraceEvent::PollEnd { task }),
            (None, Watched::Runnable(runnable)) => {
                (TraceEvent::CallbackStart { name: runnable.name() }, TraceEvent::CallbackEnd)
            }
            (None, Watched::Callback(name)) => (TraceEvent::CallbackStart { name }, TraceEvent::CallbackEnd),
            (None, _) => unreachable!("main and spawned tasks have numbers"),
        }
    }

    /// What a debug warning calls it.
    fn describe(&self) -> String {
        match self {
            Watched::Main => "the future given to run_until_complete (main)".to_owned(),
            Watched::Callback(name) => format!("a callback ({name})"),
            Watched::Spawned(info) => info.to_string(),
            Watched::Runnable(runnable) => runnable.describe(),
        }
    }
}

impl EventLoop {
    /// Whether debug mode or tracing is on: then every step is watched.
    #[inline]
    fn is_watched(&self) -> bool {
        self.core.debug.get() || self.core.tracing.get()
    }

    /// Runs `work` as [`run_work`](EventLoop::run_work) does, watched.
    fn run_watched(&self, work: Work) {
        let what = match &work {
            Work::Callback(handle) => Watched::Callback(handle.name()),
            Work::Task(id) => match self.core.tasks.borrow().info(*id) {
                Some(info) => Watched::Spawned(info),
                // A stale id: the task already finished; nothing runs.
                None => return,
            },
            Work::Runnable(task) => Watched::Runnable(Arc::clone(task)),
        };
        self.watch(what, || self.run_work(work));
    }

    /// Runs `step`, traced if tracing is on, and timed against the slow
    /// callback threshold if debug mode is on.
    fn watch<R>(&self, what: Watched, step: impl FnOnce() -> R) -> R {
        let clock = self.clock();
        let (start, end) = what.events();
        if let Some(tracer) = self.tracer() {
            tracer.record(start);
        }
        let started = clock();
        let output = step();
        let took = clock().saturating_sub(started);
        if let Some(tracer) = self.tracer() {
            tracer.record(end);
        }
        let threshold = self.slow_callback_duration();
        if self.get_debug() && took >= threshold {
            self.call_debug_handler(&DebugReport::Slow { what: what.describe(), took, threshold });
        }
        output
    }
}
// ANCHOR_END: watch

// ANCHOR: debug_api
impl EventLoop {
    /// Turns debug mode on or off, as `loop.set_debug()`. `STEPIO_DEBUG=1`
    /// in the environment turns it on for every new loop.
    ///
    /// In debug mode the loop times every callback and every poll of a
    /// task, and reports each that takes longer than
    /// [`slow_callback_duration`](EventLoop::slow_callback_duration) to the
    /// debug handler, naming the task and where it was created. It also
    /// reports the tasks still pending when the loop closes.
    pub fn set_debug(&self, enabled: bool) {
        self.core.debug.set(enabled);
    }

    /// Whether debug mode is on, as `loop.get_debug()`.
    pub fn get_debug(&self) -> bool {
        self.core.debug.get()
    }

    /// Sets the slow callback threshold (100 ms by default), as asyncio's
    /// `loop.slow_callback_duration = seconds`.
    pub fn set_slow_callback_duration(&self, threshold: Duration) {
        self.core.slow_callback.set(threshold);
    }

    /// The slow callback threshold.
    pub fn slow_callback_duration(&self) -> Duration {
        self.core.slow_callback.get()
    }

    /// Sets the function that receives debug mode's reports. The default
    /// prints each on stderr, after `stepio debug: `.
    pub fn set_debug_handler(&self, handler: impl Fn(&DebugReport) + 'static) {
        *self.core.debug_handler.borrow_mut() = Some(Rc::new(handler));
    }

    /// Hands `report` to the debug handler. Stage 5 reports its pending
    /// tasks at close through this.
    pub fn call_debug_handler(&self, report: &DebugReport) {
        let handler = self.core.debug_handler.borrow().clone();
        match handler {
            Some(handler) => handler(report),
            None => eprintln!("stepio debug: {report}"),
        }
    }

    /// Turns tracing on (it stays on), and returns the loop's tracer.
    /// `STEPIO_TRACE=1` or `STEPIO_TRACE_FILE=path` in the environment turn
    /// it on for every new loop, and show the trace when the loop closes.
    ///
    /// Turn it on before creating tasks: a stage 5 task learns whether to
    /// record its wakes when it is created (its polls and its end are
    /// recorded either way).
    pub fn start_tracing(&self) -> Arc<Tracer> {
        if let Some(tracer) = self.tracer() {
            return Arc::clone(tracer);
        }
        let tracer = self.core.shared.tracer.get_or_init(|| Arc::new(Tracer::new(self.clock())));
        self.core.tracing.set(true);
        if let Ok(mut driver) = self.core.driver.try_borrow_mut() {
            driver.set_tracer(tracer);
        }
        Arc::clone(tracer)
    }

    /// The loop's tracer, if tracing is on. Later stages record their
    /// events through it.
    #[inline]
    pub fn tracer(&self) -> Option<&Arc<Tracer>> {
        if self.core.tracing.get() { self.core.shared.tracer.get() } else { None }
    }

    /// A copy of what the tracer recorded so far, if tracing is on.
    pub fn trace(&self) -> Option<Trace> {
        self.tracer().map(|tracer| tracer.snapshot())
    }

    /// The clock debug mode and the tracer read: the driver's (stage 3's
    /// loop clock), or a real clock started now.
    fn clock(&self) -> ClockFn {
        let mut clock = self.core.clock.borrow_mut();
        let clock = clock.get_or_insert_with(|| {
            let from_driver = self.core.driver.try_borrow().ok().and_then(|driver| driver.clock());
            from_driver.unwrap_or_else(real_clock)
        });
        Arc::clone(clock)
    }

    fn trace_done(&self, task: u64, end: TaskEnd) {
        if let Some(tracer) = self.tracer() {
            tracer.record(TraceEvent::Done { task, end });
        }
    }

    /// At close, when the environment asked for it: the timeline on stderr,
    /// the Chrome trace in a file.
    fn show_trace_from_env(&self) {
        let from_env = FromEnv::get();
        let Some(trace) = self.trace().filter(|_| from_env.tracing()) else { return };
        if from_env.timeline {
            // After what the program printed so far, and apart from it.
            let _ = std::io::Write::flush(&mut std::io::stdout());
            eprint!("\n{}", trace.timeline(from_env.width));
        }
        if let Some(path) = &from_env.trace_file {
            // One file per traced loop: the first gets the name as given.
            static WRITTEN: AtomicUsize = AtomicUsize::new(0);
            let path = match WRITTEN.fetch_add(1, Ordering::Relaxed) {
                0 => path.clone(),
                n => numbered(path, n + 1),
            };
            match trace.write_chrome_json(&path) {
                Ok(()) => eprintln!(
                    "stepio: trace written to {} (open it at https://ui.perfetto.dev or chrome://tracing)",
                    path.display()
                ),
                Err(err) => eprintln!("stepio: could not write the trace to {}: {err}", path.display()),
            }
        }
    }
}
// ANCHOR_END: debug_api

/// `trace-2.json` from `trace.json` and 2.
fn numbered(path: &Path, n: usize) -> PathBuf {
    let stem = path.file_stem().map_or_else(Default::default, |stem| stem.to_string_lossy().into_owned());
    let name = match path.extension() {
        Some(extension) => format!("{stem}-{n}.{}", extension.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
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
