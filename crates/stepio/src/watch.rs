//! Debug mode and tracing, on the loop's one hook: a [`Watcher`] is the
//! loop's [`Observer`].
//!
//! Stage 2's loop tells its observer every step it runs and every wait;
//! every stage tells it what that stage did (a task spawned, a timer fired,
//! a socket ready, a job started on a worker thread). The watcher turns
//! that into the two things asyncio's debug mode and our timeline need:
//! warnings about steps that held the loop's thread too long, and a
//! [`Trace`] to draw.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::panic::Location;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use stepio_executor_bridge::{JobFinished, JobStarted};
use stepio_poll_loop::{EventLoop, Observer, Step, TaskEvent};
use stepio_reactor::IoReady;
use stepio_tasks::TaskRenamed;
use stepio_timer_wheel::{LoopTime, TimersFired};

use crate::debug::{DEFAULT_SLOW_CALLBACK, DebugReport, FromEnv, describe_task};
use crate::trace::{ClockFn, Trace, TraceEvent, Tracer, real_clock};

// ANCHOR: watcher
/// The observer behind debug mode and tracing, one per loop.
pub struct Watcher {
    /// Where times come from: the loop's clock once it is known.
    clock: Mutex<ClockFn>,
    /// Whether `clock` is the loop's own yet (a loop gets its timers after
    /// it is made, and a watcher may come first).
    clock_is_the_loops: AtomicBool,
    /// Debug mode is on.
    debug: AtomicBool,
    slow_callback: Mutex<Duration>,
    /// When the step that is running began, if debug mode timed it.
    step_began: Mutex<Option<Duration>>,
    /// Who each live task is, for debug mode's warnings; and the task that
    /// finished last, which its own step's warning may still name.
    tasks: Mutex<Tasks>,
    /// Tasks found pending at close, reported once the close is over.
    pending_at_close: Mutex<Vec<DebugReport>>,
    /// The tracer, once tracing is on.
    tracer: OnceLock<Arc<Tracer>>,
}
// ANCHOR_END: watcher

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher")
            .field("debug", &self.debug.load(Ordering::Relaxed))
            .field("tracing", &self.tracer.get().is_some())
            .finish_non_exhaustive()
    }
}

/// The live tasks by number, and the one that finished last.
#[derive(Default)]
struct Tasks {
    live: HashMap<u64, Who>,
    last_done: Option<(u64, Who)>,
}

/// A task's name, its future's type and where it was created.
struct Who {
    name: String,
    future: &'static str,
    location: &'static Location<'static>,
}

/// What the loop keeps of debug mode on its own thread: the handler, which
/// need not be `Send`.
#[derive(Default)]
struct DebugHandler(RefCell<Option<Handler>>);

type Handler = Rc<dyn Fn(&DebugReport)>;

impl Watcher {
    fn new(clock: ClockFn) -> Watcher {
        Watcher {
            clock: Mutex::new(clock),
            clock_is_the_loops: AtomicBool::new(false),
            debug: AtomicBool::new(false),
            slow_callback: Mutex::new(DEFAULT_SLOW_CALLBACK),
            step_began: Mutex::new(None),
            tasks: Mutex::new(Tasks::default()),
            pending_at_close: Mutex::new(Vec::new()),
            tracer: OnceLock::new(),
        }
    }

    fn now(&self) -> Duration {
        (lock(&self.clock))()
    }

    /// Takes the loop's clock, the first time the loop has one.
    fn use_the_loops_clock(&self, event_loop: &EventLoop) {
        if self.clock_is_the_loops.load(Ordering::Relaxed) {
            return;
        }
        let Ok(timers) = event_loop.timers() else { return };
        let clock: ClockFn = timers.clock().reader();
        if let Some(tracer) = self.tracer.get() {
            tracer.set_clock(Arc::clone(&clock));
        }
        *lock(&self.clock) = clock;
        self.clock_is_the_loops.store(true, Ordering::Relaxed);
    }

    fn record(&self, event: TraceEvent) {
        if let Some(tracer) = self.tracer.get() {
            tracer.record(event);
        }
    }

    /// What a debug warning calls `step`.
    fn describe(&self, step: &Step<'_>) -> String {
        let task = match step {
            Step::Main => {
                return "the future given to run_until_complete (main)".to_owned();
            }
            Step::Callback(name) => return format!("a callback ({name})"),
            Step::Task(number) => *number,
            Step::Runnable(runnable) => match runnable.task_number() {
                Some(number) => number,
                None => return format!("a callback ({})", runnable.name()),
            },
        };
        self.describe_task(task)
    }

    fn describe_task(&self, number: u64) -> String {
        let tasks = lock(&self.tasks);
        let done = tasks
            .last_done
            .as_ref()
            .filter(|(done, _)| *done == number)
            .map(|(_, who)| who);
        match tasks.live.get(&number).or(done) {
            Some(who) => describe_task(&who.name, who.future, who.location),
            None => format!("Task-{number}"),
        }
    }
}

// ANCHOR: observe
impl Observer for Watcher {
    fn step_started(&self, event_loop: &EventLoop, step: &Step<'_>) {
        self.use_the_loops_clock(event_loop);
        self.record(match step_task(step) {
            Some(task) => TraceEvent::PollStart { task },
            None => TraceEvent::CallbackStart { name: step_name(step) },
        });
        if self.debug.load(Ordering::Relaxed) {
            *lock(&self.step_began) = Some(self.now());
        }
    }

    fn step_ended(&self, event_loop: &EventLoop, step: &Step<'_>) {
        self.record(match step_task(step) {
            Some(task) => TraceEvent::PollEnd { task },
            None => TraceEvent::CallbackEnd,
        });
        // A step that began before debug mode was turned on is not timed.
        let began = lock(&self.step_began).take();
        if let Some(began) = began.filter(|_| self.debug.load(Ordering::Relaxed)) {
            let took = self.now().saturating_sub(began);
            let threshold = *lock(&self.slow_callback);
            if took >= threshold {
                let report =
                    DebugReport::Slow { what: self.describe(step), took, threshold };
                event_loop.call_debug_handler(&report);
            }
        }
    }

    fn parking(&self, event_loop: &EventLoop, timeout: Option<Duration>) {
        self.use_the_loops_clock(event_loop);
        self.record(TraceEvent::Parked { timeout });
    }

    fn unparked(&self, _: &EventLoop) {
        self.record(TraceEvent::Unparked);
    }

    fn closed(&self, event_loop: &EventLoop) {
        let reports = std::mem::take(&mut *lock(&self.pending_at_close));
        for report in &reports {
            event_loop.call_debug_handler(report);
        }
        show_trace_from_env(event_loop);
    }

    fn event(&self, event: &dyn Any) {
        if let Some(event) = event.downcast_ref::<TaskEvent>() {
            self.task_event(event);
        } else if let Some(TaskRenamed { number, name }) = event.downcast_ref() {
            if let Some(who) = lock(&self.tasks).live.get_mut(number) {
                who.name.clone_from(name);
            }
            self.record(TraceEvent::Renamed { task: *number, name: name.clone() });
        } else if let Some(TimersFired { count }) = event.downcast_ref() {
            self.record(TraceEvent::TimerFired { count: *count });
        } else if let Some(IoReady { source, readable, writable }) = event.downcast_ref()
        {
            let (source, readable, writable) = (*source, *readable, *writable);
            self.record(TraceEvent::IoReady { source, readable, writable });
        } else if let Some(JobStarted { job, thread }) = event.downcast_ref() {
            self.record(TraceEvent::JobStarted { job: *job, thread: thread.clone() });
        } else if let Some(JobFinished { job }) = event.downcast_ref() {
            self.record(TraceEvent::JobFinished { job: *job });
        }
    }
}
// ANCHOR_END: observe

impl Watcher {
    fn task_event(&self, event: &TaskEvent) {
        match *event {
            TaskEvent::Spawned { number, future, location } => {
                let name = format!("Task-{number}");
                lock(&self.tasks)
                    .live
                    .insert(number, Who { name: name.clone(), future, location });
                self.record(TraceEvent::Spawned { task: number, name, future, location });
            }
            TaskEvent::Woken { number } => {
                if let Some(tracer) = self.tracer.get() {
                    tracer.record_wake(number);
                }
            }
            TaskEvent::Done { number, end } => {
                let mut tasks = lock(&self.tasks);
                if let Some(who) = tasks.live.remove(&number) {
                    tasks.last_done = Some((number, who));
                }
                drop(tasks);
                self.record(TraceEvent::Done { task: number, end });
            }
            TaskEvent::PendingAtClose { number }
                if self.debug.load(Ordering::Relaxed) =>
            {
                let report =
                    DebugReport::PendingAtClose { what: self.describe_task(number) };
                lock(&self.pending_at_close).push(report);
            }
            _ => {}
        }
    }
}

/// The task a step polls, if it polls one (main is task 0).
fn step_task(step: &Step<'_>) -> Option<u64> {
    match step {
        Step::Main => Some(0),
        Step::Callback(_) => None,
        Step::Task(number) => Some(*number),
        Step::Runnable(runnable) => runnable.task_number(),
    }
}

/// The name a callback step is drawn with.
fn step_name(step: &Step<'_>) -> &'static str {
    match step {
        Step::Callback(name) => name,
        Step::Runnable(runnable) => runnable.name(),
        Step::Main | Step::Task(_) => "",
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while a lock is held leaves the data whole: go on.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The watcher of `event_loop`, made and attached the first time.
///
/// A loop has one observer: if something else took that place first,
/// debug mode and tracing see nothing of the loop.
fn watcher_of(event_loop: &EventLoop) -> Arc<Watcher> {
    if let Some(watcher) = event_loop.extension::<Arc<Watcher>>() {
        return Arc::clone(&watcher);
    }
    let watcher = Arc::new(Watcher::new(real_clock()));
    watcher.use_the_loops_clock(event_loop);
    event_loop.set_observer(Arc::clone(&watcher) as Arc<dyn Observer>);
    event_loop.insert_extension(Rc::new(Arc::clone(&watcher)));
    watcher
}

// ANCHOR: loop_debug
/// asyncio's debug mode, and our tracing, on any [`EventLoop`]: the
/// loop's observer is attached the first time either is turned on.
pub trait LoopDebug {
    /// Turns debug mode on or off, as `loop.set_debug()`. `STEPIO_DEBUG=1`
    /// turns it on for the loops of [`run`](crate::run) and
    /// [`new_event_loop`](crate::new_event_loop), and for every loop after
    /// [`watch_from_env`].
    ///
    /// In debug mode every callback and every poll of a task is timed, and
    /// each that takes longer than the slow callback threshold is reported
    /// to the debug handler, naming the task and where it was created; so
    /// are the tasks still pending when the loop closes.
    fn set_debug(&self, enabled: bool);

    /// Whether debug mode is on, as `loop.get_debug()`.
    fn get_debug(&self) -> bool;

    /// Sets the slow callback threshold (100 ms by default), as asyncio's
    /// `loop.slow_callback_duration = seconds`.
    fn set_slow_callback_duration(&self, threshold: Duration);

    /// The slow callback threshold.
    fn slow_callback_duration(&self) -> Duration;

    /// Sets the function that receives debug mode's reports. The default
    /// prints each on stderr, after `stepio debug: `.
    fn set_debug_handler(&self, handler: impl Fn(&DebugReport) + 'static);

    /// Hands `report` to the debug handler.
    fn call_debug_handler(&self, report: &DebugReport);

    /// Turns tracing on (it stays on), and returns the loop's tracer.
    fn start_tracing(&self) -> Arc<Tracer>;

    /// The loop's tracer, if tracing is on.
    fn tracer(&self) -> Option<Arc<Tracer>>;

    /// A copy of what the tracer recorded so far, if tracing is on.
    fn trace(&self) -> Option<Trace>;
}
// ANCHOR_END: loop_debug

impl LoopDebug for EventLoop {
    fn set_debug(&self, enabled: bool) {
        watcher_of(self).debug.store(enabled, Ordering::Relaxed);
    }

    fn get_debug(&self) -> bool {
        self.extension::<Arc<Watcher>>()
            .is_some_and(|watcher| watcher.debug.load(Ordering::Relaxed))
    }

    fn set_slow_callback_duration(&self, threshold: Duration) {
        *lock(&watcher_of(self).slow_callback) = threshold;
    }

    fn slow_callback_duration(&self) -> Duration {
        self.extension::<Arc<Watcher>>()
            .map_or(DEFAULT_SLOW_CALLBACK, |watcher| *lock(&watcher.slow_callback))
    }

    fn set_debug_handler(&self, handler: impl Fn(&DebugReport) + 'static) {
        let handlers = self.extension::<DebugHandler>().unwrap_or_else(|| {
            let handlers = Rc::new(DebugHandler::default());
            self.insert_extension(Rc::clone(&handlers));
            handlers
        });
        *handlers.0.borrow_mut() = Some(Rc::new(handler));
    }

    fn call_debug_handler(&self, report: &DebugReport) {
        let handler = self
            .extension::<DebugHandler>()
            .and_then(|handlers| handlers.0.borrow().clone());
        match handler {
            Some(handler) => handler(report),
            None => {
                eprintln!("{}", crate::wrap::wrap(&format!("stepio debug: {report}")))
            }
        }
    }

    fn start_tracing(&self) -> Arc<Tracer> {
        let watcher = watcher_of(self);
        let tracer = watcher
            .tracer
            .get_or_init(|| Arc::new(Tracer::new(Arc::clone(&lock(&watcher.clock)))));
        Arc::clone(tracer)
    }

    fn tracer(&self) -> Option<Arc<Tracer>> {
        self.extension::<Arc<Watcher>>()?.tracer.get().cloned()
    }

    fn trace(&self) -> Option<Trace> {
        self.tracer().map(|tracer| tracer.snapshot())
    }
}

/// Turns on what the environment asks for on `event_loop`: debug mode
/// (`STEPIO_DEBUG=1`), tracing (`STEPIO_TRACE=1`, `STEPIO_TRACE_FILE`,
/// `STEPIO_TRACE_SVG`).
pub fn watch_as_env_says(event_loop: &EventLoop) {
    let from_env = FromEnv::get();
    if from_env.debug {
        event_loop.set_debug(true);
    }
    if from_env.tracing() {
        event_loop.start_tracing();
    }
}

/// Watches every loop made from now on in this process as the environment
/// says (see [`watch_as_env_says`]), whichever stage made it: chapter 9's
/// examples call this before running an earlier chapter's scenario.
pub fn watch_from_env() {
    stepio_poll_loop::observe_new_loops(watch_as_env_says);
}

/// At close, when the environment asked for it: the timeline on stderr,
/// the Chrome trace in a file.
fn show_trace_from_env(event_loop: &EventLoop) {
    let from_env = FromEnv::get();
    let Some(trace) = event_loop.trace().filter(|_| from_env.tracing()) else { return };
    if from_env.timeline {
        // After what the program printed so far, and apart from it.
        let _ = std::io::Write::flush(&mut std::io::stdout());
        eprint!("\n{}", trace.timeline(from_env.width));
    }
    if let Some(path) = &from_env.trace_svg {
        // The first traced loop only: a picture is of one run.
        static DRAWN: AtomicUsize = AtomicUsize::new(0);
        if DRAWN.fetch_add(1, Ordering::Relaxed) == 0
            && let Err(err) = std::fs::write(path, trace.svg())
        {
            eprintln!("stepio: could not write the SVG to {}: {err}", path.display());
        }
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
                "{}",
                crate::wrap::wrap(&format!(
                    "stepio: trace written to {} (open it at https://ui.perfetto.dev \
                     or chrome://tracing)",
                    path.display()
                ))
            ),
            Err(err) => eprintln!(
                "stepio: could not write the trace to {}: {err}",
                path.display()
            ),
        }
    }
}

/// `trace-2.json` from `trace.json` and 2.
fn numbered(path: &std::path::Path, n: usize) -> std::path::PathBuf {
    let stem = path
        .file_stem()
        .map_or_else(Default::default, |stem| stem.to_string_lossy().into_owned());
    let name = match path.extension() {
        Some(extension) => format!("{stem}-{n}.{}", extension.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}
