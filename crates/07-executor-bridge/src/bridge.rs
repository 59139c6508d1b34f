//! The loop's side: `run_in_executor`, `to_thread`, the default executor,
//! and `call_soon_threadsafe`.

use std::fmt;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use stepio_poll_loop::{
    EventLoop, LoopError, Observer, Runnable, Scheduler, get_running_loop,
};

use crate::{ConcurrentFuture, ThreadPoolExecutor};

/// The loop's default executor, made at the first `run_in_executor(None,
/// ...)` and shut down (without waiting) when the loop closes, as asyncio's.
struct DefaultExecutor(ThreadPoolExecutor);

// ANCHOR: loop_executor
/// Stage 7's methods on stage 2's [`EventLoop`].
pub trait LoopExecutor {
    /// Runs the blocking `job` on `executor` (or on the loop's default
    /// executor, for `None`), as `loop.run_in_executor(executor, fn)`, and
    /// returns a future to await its result from a task.
    ///
    /// The job starts at once, on a worker thread: awaiting only waits for
    /// it. Cancelling or dropping the awaiting task does not stop a job that
    /// has started (threads cannot be stopped from outside); it only
    /// stops waiting. A job still queued can be cancelled through the
    /// returned future's [`cancel`](ConcurrentFuture::cancel).
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`] if the loop is closed, or the executor was
    /// shut down.
    fn run_in_executor<T, F>(
        &self,
        executor: Option<&ThreadPoolExecutor>,
        job: F,
    ) -> Result<ConcurrentFuture<T>, LoopError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static;

    /// The loop's default executor, `min(32, cpus + 4)` workers, made on
    /// first use, as asyncio's.
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`] if the loop is closed.
    fn default_executor(&self) -> Result<ThreadPoolExecutor, LoopError>;

    /// Makes `executor` the loop's default, as `set_default_executor`.
    fn set_default_executor(&self, executor: ThreadPoolExecutor);

    /// A handle for other threads, through which they can call
    /// [`call_soon_threadsafe`](RemoteLoop::call_soon_threadsafe).
    fn remote(&self) -> RemoteLoop;
}
// ANCHOR_END: loop_executor

impl LoopExecutor for EventLoop {
    fn run_in_executor<T, F>(
        &self,
        executor: Option<&ThreadPoolExecutor>,
        job: F,
    ) -> Result<ConcurrentFuture<T>, LoopError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let default;
        let executor = match executor {
            Some(executor) => executor,
            None => {
                // Borrowed from the loop: no clone of the pool's handle per job.
                default = default_of(self)?;
                &default.0
            }
        };
        let submitted = match self.observer() {
            None => executor.submit(job),
            Some(observer) => executor.submit(observed(Arc::clone(observer), job)),
        };
        submitted.map_err(|_| LoopError::Closed)
    }

    fn default_executor(&self) -> Result<ThreadPoolExecutor, LoopError> {
        Ok(default_of(self)?.0.clone())
    }

    fn set_default_executor(&self, executor: ThreadPoolExecutor) {
        let on_close = executor.clone();
        self.insert_extension(Rc::new(DefaultExecutor(executor)));
        // asyncio's close(): `shutdown(wait=False)` on the default executor.
        // A replaced default is shut down then too.
        self.on_close(move || on_close.shutdown(false));
    }

    fn remote(&self) -> RemoteLoop {
        RemoteLoop { scheduler: self.scheduler() }
    }
}

// ANCHOR: observed_job
/// `job`, reporting to `observer` when it starts and ends on its worker.
fn observed<T>(
    observer: Arc<dyn Observer>,
    job: impl FnOnce() -> T,
) -> impl FnOnce() -> T {
    static NEXT_JOB: AtomicU64 = AtomicU64::new(1);
    let number = NEXT_JOB.fetch_add(1, Ordering::Relaxed);
    move || {
        let thread = thread::current().name().unwrap_or("a worker").to_owned();
        observer.event(&JobStarted { job: number, thread });
        // Reported on the way out even if the job panics (the pool catches
        // the panic one level up).
        let _finished = Finished(observer, number);
        job()
    }
}

/// Reports `JobFinished` when dropped.
struct Finished(Arc<dyn Observer>, u64);

impl Drop for Finished {
    fn drop(&mut self) {
        self.0.event(&JobFinished { job: self.1 });
    }
}
// ANCHOR_END: observed_job

/// What a job from `run_in_executor` reports to the loop's observer when a
/// worker thread starts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStarted {
    /// The job's number, unique in the process.
    pub job: u64,
    /// The worker thread's name.
    pub thread: String,
}

/// What a job reports when it ends on its worker, by return or by panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobFinished {
    /// The job's number.
    pub job: u64,
}

/// The loop's default executor, made on first use.
fn default_of(event_loop: &EventLoop) -> Result<Rc<DefaultExecutor>, LoopError> {
    if let Some(default) = event_loop.extension::<DefaultExecutor>() {
        return Ok(default);
    }
    if event_loop.is_closed() {
        return Err(LoopError::Closed);
    }
    event_loop.set_default_executor(ThreadPoolExecutor::with_name(
        ThreadPoolExecutor::default_size(),
        "asyncio",
    ));
    Ok(event_loop.extension::<DefaultExecutor>().expect("just set"))
}

// ANCHOR: to_thread
/// Runs the blocking `job` on the running loop's default executor, as
/// `asyncio.to_thread(fn)`, and returns a future to await its result.
///
/// # Panics
///
/// Outside a running loop, as asyncio raises "no running event loop".
pub fn to_thread<T, F>(job: F) -> ConcurrentFuture<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let event_loop = get_running_loop().unwrap_or_else(|err| panic!("to_thread: {err}"));
    // A running loop is open, and its default executor is shut down only
    // when the loop closes.
    event_loop
        .run_in_executor(None, job)
        .expect("the running loop's default executor is open")
}
// ANCHOR_END: to_thread

// ANCHOR: remote
/// A loop as other threads see it: `Send`, `Sync` and `Clone`, from
/// [`LoopExecutor::remote`].
#[derive(Clone)]
pub struct RemoteLoop {
    scheduler: Scheduler,
}

impl RemoteLoop {
    /// Schedules `callback` to run on the loop's thread at a coming turn,
    /// from any thread, as `loop.call_soon_threadsafe(callback)`. A loop
    /// parked in its driver (`epoll_wait`, in stage 4) is woken to run it.
    ///
    /// The callback returns `()`. asyncio checks at run time (in debug
    /// mode) that a callback is not a coroutine function; here an `async
    /// fn`'s future is the wrong return type, and the call does not compile:
    ///
    /// ```compile_fail,E0308
    /// use stepio_executor_bridge::LoopExecutor;
    ///
    /// async fn task(seconds: u64) -> u64 {
    ///     seconds
    /// }
    ///
    /// let event_loop = stepio_poll_loop::EventLoop::new();
    /// event_loop.remote().call_soon_threadsafe(|| task(1)).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`] if the loop is closed; the callback is dropped.
    pub fn call_soon_threadsafe(
        &self,
        callback: impl FnOnce() + Send + 'static,
    ) -> Result<(), LoopError> {
        if self.scheduler.is_closed() {
            return Err(LoopError::Closed);
        }
        let name = std::any::type_name_of_val(&callback);
        self.scheduler.schedule(Arc::new(Callback {
            callback: Mutex::new(Some(Box::new(callback))),
            name,
        }));
        Ok(())
    }

    /// Whether the loop has been closed.
    pub fn is_closed(&self) -> bool {
        self.scheduler.is_closed()
    }
}

/// A callback on its way to the loop: stage 2's queue runs `Runnable`s.
struct Callback {
    callback: Mutex<Option<Box<dyn FnOnce() + Send>>>,
    /// The closure's type, for traces and debug mode.
    name: &'static str,
}

impl Runnable for Callback {
    fn run(self: Arc<Self>, _event_loop: &EventLoop) {
        let callback =
            self.callback.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(callback) = callback {
            callback();
        }
    }

    fn name(&self) -> &'static str {
        self.name
    }
}
// ANCHOR_END: remote

impl fmt::Debug for RemoteLoop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteLoop").field("closed", &self.is_closed()).finish()
    }
}
