//! `ThreadPoolExecutor`: a queue of jobs and the threads that run them.

use std::collections::VecDeque;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};

use crate::{ConcurrentFuture, JobError};

/// Numbers the pools of a process, for thread names, as Python does.
static POOLS: AtomicUsize = AtomicUsize::new(0);

/// A job as the queue holds it: run it, or just drop it.
type Job = Box<dyn FnOnce() + Send>;

// ANCHOR: pool
/// A pool of worker threads that run blocking jobs, as Python's
/// `concurrent.futures.ThreadPoolExecutor`.
///
/// ```text
///  submit(f) --push--> queue: [job, job, ...] --pop--> worker 0 --+
///  (any thread)        (one Mutex + Condvar)           worker 1 --+--> ConcurrentFuture
///                                                      ...         (value or panic;
///                      workers start on demand,                    wakes awaiting tasks,
///                      up to max_workers                           runs done callbacks)
/// ```
///
/// - Workers are started as jobs arrive, when no worker is idle, up to
///   `max_workers`, and are named `{prefix}_{n}` (`ThreadPoolExecutor-0_0`,
///   ...), as in Python.
/// - A job that panics ends with [`JobError::Panicked`]; its worker goes on
///   with the next job.
/// - A job that has started cannot be stopped: [`ConcurrentFuture::cancel`]
///   only removes a job that has not.
/// - The handle is `Clone`, `Send` and `Sync`: any thread may submit.
///   [`shutdown`](ThreadPoolExecutor::shutdown) refuses new jobs; the queued
///   ones still run. **Dropping the last handle** shuts the pool down
///   without waiting: the queued jobs still run and deliver their results,
///   and the workers exit once the queue is empty.
#[derive(Clone)]
pub struct ThreadPoolExecutor {
    pool: Arc<Pool>,
    /// Counts the handles (not the workers, which hold `pool` too): the
    /// last handle dropped shuts the pool down.
    _owner: Arc<Owner>,
}

struct Pool {
    state: Mutex<State>,
    /// Signalled when a job is queued, or at shutdown.
    job_queued: Condvar,
    max_workers: usize,
    prefix: String,
}

struct State {
    queue: VecDeque<Job>,
    /// Workers started so far, and how many wait for a job.
    workers: usize,
    idle: usize,
    shutdown: bool,
    threads: Vec<JoinHandle<()>>,
}
// ANCHOR_END: pool

/// Shuts the pool down when the last handle goes.
struct Owner(Arc<Pool>);

impl Drop for Owner {
    fn drop(&mut self) {
        self.0.shut_down();
    }
}

/// Refusing a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutDown;

impl fmt::Display for ShutDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Python's words.
        f.write_str("cannot schedule new futures after shutdown")
    }
}

impl std::error::Error for ShutDown {}

impl ThreadPoolExecutor {
    /// A pool of at most `max_workers` threads, none started yet.
    ///
    /// # Panics
    ///
    /// If `max_workers` is 0 (Python raises `ValueError`).
    pub fn new(max_workers: usize) -> ThreadPoolExecutor {
        let prefix =
            format!("ThreadPoolExecutor-{}", POOLS.fetch_add(1, Ordering::Relaxed));
        ThreadPoolExecutor::with_name(max_workers, prefix)
    }

    /// As [`new`](ThreadPoolExecutor::new), with the workers named
    /// `{prefix}_0`, `{prefix}_1`, ... (Python's `thread_name_prefix`).
    ///
    /// # Panics
    ///
    /// If `max_workers` is 0.
    pub fn with_name(
        max_workers: usize,
        prefix: impl Into<String>,
    ) -> ThreadPoolExecutor {
        assert!(max_workers > 0, "max_workers must be greater than 0");
        let pool = Arc::new(Pool {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                workers: 0,
                idle: 0,
                shutdown: false,
                threads: Vec::new(),
            }),
            job_queued: Condvar::new(),
            max_workers,
            prefix: prefix.into(),
        });
        ThreadPoolExecutor { _owner: Arc::new(Owner(Arc::clone(&pool))), pool }
    }

    /// Python's default size for a pool: `min(32, cpus + 4)`.
    pub fn default_size() -> usize {
        let cpus = thread::available_parallelism().map_or(1, |cpus| cpus.get());
        (cpus + 4).min(32)
    }

    /// The most workers it will start.
    pub fn max_workers(&self) -> usize {
        self.pool.max_workers
    }

    /// How many workers it has started.
    pub fn workers(&self) -> usize {
        self.pool.lock().workers
    }

    // ANCHOR: submit
    /// Queues `job` to run on a worker, as `submit(fn)`, and returns the
    /// future of its result.
    ///
    /// # Errors
    ///
    /// [`ShutDown`] after [`shutdown`](ThreadPoolExecutor::shutdown).
    pub fn submit<T, F>(&self, job: F) -> Result<ConcurrentFuture<T>, ShutDown>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let future = ConcurrentFuture::new();
        let result = future.clone();
        let run: Job = Box::new(move || {
            if !result.start() {
                return; // cancelled while queued
            }
            let outcome = catch_unwind(AssertUnwindSafe(job)).map_err(|panic| {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|message| (*message).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "Box<dyn Any>".to_owned());
                JobError::Panicked(message)
            });
            result.finish(outcome);
        });
        self.pool.push(run)?;
        Ok(future)
    }
    // ANCHOR_END: submit

    /// Runs `job` on every item, as `map(fn, items)`: all are submitted at
    /// once, and the results come back in the order of the items, each
    /// waited for (blocking) when the iterator reaches it.
    ///
    /// # Errors
    ///
    /// [`ShutDown`] after [`shutdown`](ThreadPoolExecutor::shutdown).
    pub fn map<I, T, F>(
        &self,
        job: F,
        items: I,
    ) -> Result<impl Iterator<Item = Result<T, JobError>>, ShutDown>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        let job = Arc::new(job);
        let futures = items
            .into_iter()
            .map(|item| {
                let job = Arc::clone(&job);
                self.submit(move || job(item))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(futures.into_iter().map(ConcurrentFuture::into_result))
    }

    // ANCHOR: shutdown
    /// Refuses new jobs from now on, as `shutdown(wait)`; the jobs already
    /// queued still run. With `wait`, blocks until they have run and every
    /// worker has exited.
    ///
    /// Never call it with `wait` from one of the pool's own jobs: it would
    /// wait for itself.
    pub fn shutdown(&self, wait: bool) {
        self.pool.shut_down();
        if wait {
            let threads = std::mem::take(&mut self.pool.lock().threads);
            for thread in threads {
                // A worker survives its jobs' panics, so this is Ok.
                let _ = thread.join();
            }
        }
    }
    // ANCHOR_END: shutdown
}

impl Pool {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    // ANCHOR: push
    /// Queues a job, starting a worker if none is idle and the pool may grow.
    fn push(self: &Arc<Self>, job: Job) -> Result<(), ShutDown> {
        let mut state = self.lock();
        if state.shutdown {
            return Err(ShutDown);
        }
        state.queue.push_back(job);
        // Idle workers will take the queued jobs; start one only for a job
        // that would otherwise wait.
        if state.idle < state.queue.len() && state.workers < self.max_workers {
            let name = format!("{}_{}", self.prefix, state.workers);
            let pool = Arc::clone(self);
            let thread = thread::Builder::new().name(name).spawn(move || pool.work());
            match thread {
                Ok(thread) => {
                    state.workers += 1;
                    state.threads.push(thread);
                }
                // No thread could be made: the job waits for a worker that
                // exists (there is one, unless this was the first).
                Err(err) if state.workers == 0 => {
                    state.queue.pop_back();
                    panic!("cannot start a worker thread: {err}");
                }
                Err(_) => {}
            }
        }
        drop(state);
        self.job_queued.notify_one();
        Ok(())
    }
    // ANCHOR_END: push

    // ANCHOR: work
    /// A worker's life: take a job, run it, again; exit at shutdown once
    /// the queue is empty.
    fn work(&self) {
        let mut state = self.lock();
        loop {
            if let Some(job) = state.queue.pop_front() {
                drop(state);
                // A panic in the job was caught inside it (`submit`).
                job();
                state = self.lock();
                continue;
            }
            if state.shutdown {
                return;
            }
            state.idle += 1;
            state = self.job_queued.wait(state).unwrap_or_else(PoisonError::into_inner);
            state.idle -= 1;
        }
    }
    // ANCHOR_END: work

    fn shut_down(&self) {
        self.lock().shutdown = true;
        self.job_queued.notify_all();
    }
}

impl fmt::Debug for ThreadPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.pool.lock();
        f.debug_struct("ThreadPoolExecutor")
            .field("prefix", &self.pool.prefix)
            .field("max_workers", &self.pool.max_workers)
            .field("workers", &state.workers)
            .field("idle", &state.idle)
            .field("queued", &state.queue.len())
            .field("shutdown", &state.shutdown)
            .finish()
    }
}
