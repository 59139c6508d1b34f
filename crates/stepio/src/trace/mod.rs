//! Tracing: a record of what the loop did and when, to draw afterwards.
//!
//! With tracing on ([`LoopDebug::start_tracing`](crate::LoopDebug::start_tracing),
//! or `STEPIO_TRACE=1`), the loop's [`Watcher`](crate::watch::Watcher)
//! appends a [`Record`] to one [`Tracer`] for each thing the loop and the
//! stages report: a task spawned, polled,
//! woken, finished; a callback run; a timer fired; a socket ready; a job
//! started on a worker thread; the loop parked and unparked. A [`Trace`] is
//! a copy of those records, which [`Trace::timeline`] draws as text and
//! [`Trace::chrome_json`] writes in the Chrome trace event format, which
//! Perfetto (<https://ui.perfetto.dev>) and `chrome://tracing` open.
//!
//! With tracing off, nothing here runs.

mod chrome;
mod model;
mod svg;
mod timeline;

pub use model::short_name;

use std::fmt;
use std::panic::Location;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

pub use stepio_poll_loop::TaskEnd;

// ANCHOR: clock_fn
/// Where the tracer and the debug mode read the time: the time since the
/// loop's clock started. Stage 3 passes its own clock (real or simulated), so
/// that a trace's times are the times `loop.time()` printed.
pub type ClockFn = Arc<dyn Fn() -> Duration + Send + Sync>;
// ANCHOR_END: clock_fn

/// A clock that reads [`Instant::now`], starting at zero now.
pub fn real_clock() -> ClockFn {
    let origin = Instant::now();
    Arc::new(move || origin.elapsed())
}

// ANCHOR: event
/// One thing the loop (or a worker thread) did.
///
/// Tasks are named by their number: stage 5's `Task-N` is number `N`; the
/// future given to `run_until_complete` is number 0, drawn as `main`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TraceEvent {
    /// A task was created, with its name and where `spawn`/`create_task`
    /// was called.
    Spawned {
        /// The task's number.
        task: u64,
        /// Its name at creation (`Task-N`).
        name: String,
        /// The future's type (`std::any::type_name`): for an `async fn`,
        /// the function's path.
        future: &'static str,
        /// The caller of `create_task`.
        location: &'static Location<'static>,
    },
    /// A task was renamed (`set_name`).
    Renamed {
        /// The task's number.
        task: u64,
        /// The new name.
        name: String,
    },
    /// The loop began polling a task.
    PollStart {
        /// The task's number.
        task: u64,
    },
    /// The poll that began at the last `PollStart` returned.
    PollEnd {
        /// The task's number.
        task: u64,
    },
    /// A task's waker put it back on the ready queue.
    Woken {
        /// The task's number.
        task: u64,
        /// The thread the wake came from, if not the loop's own.
        from: Option<String>,
    },
    /// A task finished.
    Done {
        /// The task's number.
        task: u64,
        /// How it ended.
        end: TaskEnd,
    },
    /// The loop began running a callback (`call_soon`, `call_later`, a done
    /// callback, a `call_soon_threadsafe` callback).
    CallbackStart {
        /// The closure's type, which names the function it was written in.
        name: &'static str,
    },
    /// The callback that began at the last `CallbackStart` returned.
    CallbackEnd,
    /// Timers came due and fired (stage 3).
    TimerFired {
        /// How many fired at this instant.
        count: usize,
    },
    /// epoll reported a socket ready (stage 4).
    IoReady {
        /// The source's token in the reactor.
        source: u64,
        /// Ready to read (or closed).
        readable: bool,
        /// Ready to write.
        writable: bool,
    },
    /// A worker thread began a job from `run_in_executor` (stage 7).
    JobStarted {
        /// The job's number in this trace.
        job: u64,
        /// The worker thread's name.
        thread: String,
    },
    /// A job finished on its worker thread.
    JobFinished {
        /// The job's number.
        job: u64,
    },
    /// The loop had nothing to run and went to sleep in its driver.
    Parked {
        /// How long it may sleep: `None` until woken.
        timeout: Option<Duration>,
    },
    /// The driver returned.
    Unparked,
}
// ANCHOR_END: event

/// One event and when it happened, on the loop's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The time since the loop's clock started.
    pub at: Duration,
    /// What happened.
    pub event: TraceEvent,
}

// ANCHOR: tracer
/// Collects the records of one loop, from any thread.
///
/// One mutex guards the list and the clock, and the time is read under it,
/// so records are in time order even when worker threads add some.
pub struct Tracer {
    inner: Mutex<Inner>,
    next_job: AtomicU64,
    loop_thread: thread::ThreadId,
}

struct Inner {
    clock: ClockFn,
    records: Vec<Record>,
    /// Records not kept because the list was full.
    dropped: u64,
    limit: usize,
}
// ANCHOR_END: tracer

/// At most this many records are kept (80 bytes each: about 80 MB, plus
/// the names); later ones are counted
/// and dropped, so a long traced run cannot eat all memory.
pub const MAX_RECORDS: usize = 1 << 20;

impl Tracer {
    /// A tracer for a loop on this thread, reading `clock`.
    pub fn new(clock: ClockFn) -> Tracer {
        Tracer::with_limit(clock, MAX_RECORDS)
    }

    /// A tracer that keeps at most `limit` records.
    pub fn with_limit(clock: ClockFn, limit: usize) -> Tracer {
        Tracer {
            inner: Mutex::new(Inner { clock, records: Vec::new(), dropped: 0, limit }),
            next_job: AtomicU64::new(1),
            loop_thread: thread::current().id(),
        }
    }

    /// Reads the time from `clock` from now on (stage 3 passes the loop's).
    pub fn set_clock(&self, clock: ClockFn) {
        self.lock().clock = clock;
    }

    /// Appends `event`, stamped with the current time.
    pub fn record(&self, event: TraceEvent) {
        let mut inner = self.lock();
        if inner.records.len() >= inner.limit {
            inner.dropped += 1;
            return;
        }
        let at = (inner.clock)();
        inner.records.push(Record { at, event });
    }

    /// Records that `task` was woken, naming the waking thread if it is not
    /// the loop's.
    #[cold]
    pub fn record_wake(&self, task: u64) {
        let current = thread::current();
        let from = (current.id() != self.loop_thread).then(|| {
            current.name().map_or_else(|| format!("{:?}", current.id()), str::to_owned)
        });
        self.record(TraceEvent::Woken { task, from });
    }

    /// A number for a new executor job.
    pub fn next_job(&self) -> u64 {
        self.next_job.fetch_add(1, Ordering::Relaxed)
    }

    /// A copy of everything recorded so far, ending now.
    pub fn snapshot(&self) -> Trace {
        let inner = self.lock();
        Trace {
            records: inner.records.clone(),
            dropped: inner.dropped,
            end: (inner.clock)(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while the lock is held leaves the list whole: go on.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for Tracer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.lock();
        f.debug_struct("Tracer")
            .field("records", &inner.records.len())
            .field("dropped", &inner.dropped)
            .finish()
    }
}

/// What a traced loop did: the records, in time order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    /// Every record kept, in time order.
    pub records: Vec<Record>,
    /// How many records were dropped because the list was full.
    pub dropped: u64,
    /// When the trace was taken.
    pub end: Duration,
}

#[cfg(test)]
mod tests;
