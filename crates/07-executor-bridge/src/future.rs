//! `ConcurrentFuture<T>`: a job's result, shared between threads, as
//! Python's `concurrent.futures.Future`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

// ANCHOR: job_error
/// Why a job gave no value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JobError {
    /// The job panicked; the panic message. The worker thread lives on.
    Panicked(String),
    /// The job was cancelled before it started.
    Cancelled,
    /// [`ConcurrentFuture::result_timeout`] gave up waiting; the job goes on.
    Timeout,
    /// The value was already moved out by an `await` (or `into_result`).
    Taken,
}
// ANCHOR_END: job_error

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Panicked(message) => write!(f, "the job panicked: {message}"),
            JobError::Cancelled => f.write_str("the job was cancelled before it started"),
            JobError::Timeout => f.write_str("timed out waiting for the job"),
            JobError::Taken => f.write_str("the job's result was already taken"),
        }
    }
}

impl std::error::Error for JobError {}

// ANCHOR: state
/// Where a job is, as `concurrent.futures` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Queued, not started: the only state `cancel` can leave.
    Pending,
    /// A worker is running it; it cannot be stopped any more.
    Running,
    /// It has an outcome (a value, a panic, or cancelled).
    Finished,
}

/// A done callback, waiting for the job to finish.
type DoneCallback<T> = Box<dyn FnOnce(&ConcurrentFuture<T>) + Send>;

struct Inner<T> {
    status: Status,
    /// The outcome once finished, until an `await` takes it.
    outcome: Option<Result<T, JobError>>,
    cancelled: bool,
    /// Called once, in order, by the thread that finishes the job.
    callbacks: Vec<DoneCallback<T>>,
    /// The tasks awaiting it; woken (from the worker's thread) when it finishes.
    wakers: Vec<Waker>,
}

struct Shared<T> {
    inner: Mutex<Inner<T>>,
    /// Signalled when the job finishes, for blocking `result` calls.
    finished: Condvar,
}
// ANCHOR_END: state

// ANCHOR: concurrent_future
/// The result of a job submitted to a
/// [`ThreadPoolExecutor`](crate::ThreadPoolExecutor), as Python's
/// `concurrent.futures.Future`: asked from any thread with
/// [`done`](ConcurrentFuture::done), waited on with the blocking
/// [`result`](ConcurrentFuture::result), or awaited from a task.
///
/// Clones share the one job. Awaiting one (or
/// [`into_result`](ConcurrentFuture::into_result)) moves the value out;
/// `result` clones it, so it needs `T: Clone`.
pub struct ConcurrentFuture<T> {
    shared: Arc<Shared<T>>,
}
// ANCHOR_END: concurrent_future

impl<T> Clone for ConcurrentFuture<T> {
    fn clone(&self) -> Self {
        ConcurrentFuture { shared: Arc::clone(&self.shared) }
    }
}

impl<T> ConcurrentFuture<T> {
    pub(crate) fn new() -> ConcurrentFuture<T> {
        ConcurrentFuture {
            shared: Arc::new(Shared {
                inner: Mutex::new(Inner {
                    status: Status::Pending,
                    outcome: None,
                    cancelled: false,
                    callbacks: Vec::new(),
                    wakers: Vec::new(),
                }),
                finished: Condvar::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner<T>> {
        // A panic never happens while the lock is held (jobs run outside
        // it), but a poisoned lock is still usable: take it.
        self.shared.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the job has an outcome (or was cancelled), as `done()`.
    pub fn done(&self) -> bool {
        self.lock().status == Status::Finished
    }

    /// Whether a worker is running it now, as `running()`.
    pub fn running(&self) -> bool {
        self.lock().status == Status::Running
    }

    /// Whether it was cancelled, as `cancelled()`.
    pub fn cancelled(&self) -> bool {
        self.lock().cancelled
    }

    // ANCHOR: cancel
    /// Cancels the job if it has not started, as `cancel()`: `true` if it
    /// is (now or already) cancelled. A job that is running or finished
    /// cannot be cancelled: a thread cannot be stopped from outside, so
    /// started work always runs to its end.
    pub fn cancel(&self) -> bool {
        let mut inner = self.lock();
        match inner.status {
            Status::Running => false,
            Status::Finished => inner.cancelled,
            Status::Pending => {
                inner.cancelled = true;
                self.finish_locked(inner, Err(JobError::Cancelled));
                true
            }
        }
    }
    // ANCHOR_END: cancel

    /// Called by the worker before it runs the job: `false` if the job was
    /// cancelled, and must not run.
    pub(crate) fn start(&self) -> bool {
        let mut inner = self.lock();
        if inner.status != Status::Pending {
            return false;
        }
        inner.status = Status::Running;
        true
    }

    // ANCHOR: finish
    /// Stores the outcome, wakes the awaiting tasks and the blocked
    /// threads, then runs the done callbacks on this thread.
    pub(crate) fn finish(&self, outcome: Result<T, JobError>) {
        let inner = self.lock();
        self.finish_locked(inner, outcome);
    }

    fn finish_locked(
        &self,
        mut inner: MutexGuard<'_, Inner<T>>,
        outcome: Result<T, JobError>,
    ) {
        inner.status = Status::Finished;
        inner.outcome = Some(outcome);
        let wakers = std::mem::take(&mut inner.wakers);
        let callbacks = std::mem::take(&mut inner.callbacks);
        drop(inner);
        self.shared.finished.notify_all();
        // A task's waker on another thread goes through its loop's
        // injection queue and wakes the loop out of its epoll_wait.
        for waker in wakers {
            waker.wake();
        }
        for callback in callbacks {
            callback(self);
        }
    }
    // ANCHOR_END: finish

    /// Calls `callback` with this future once the job has an outcome, as
    /// `add_done_callback()`: on the thread that finishes it (a worker, or
    /// the one that cancels it), or at once on this thread if it is done.
    pub fn add_done_callback(
        &self,
        callback: impl FnOnce(&ConcurrentFuture<T>) + Send + 'static,
    ) {
        let mut inner = self.lock();
        if inner.status == Status::Finished {
            drop(inner);
            callback(self);
        } else {
            inner.callbacks.push(Box::new(callback));
        }
    }

    /// Blocks until the job has an outcome, or `timeout` (if any) passes.
    fn wait(
        &self,
        timeout: Option<Duration>,
    ) -> Result<MutexGuard<'_, Inner<T>>, JobError> {
        let deadline = timeout.map(|timeout| Instant::now() + timeout);
        let mut inner = self.lock();
        while inner.status != Status::Finished {
            inner = match deadline {
                None => self
                    .shared
                    .finished
                    .wait(inner)
                    .unwrap_or_else(PoisonError::into_inner),
                Some(deadline) => {
                    let left = deadline
                        .checked_duration_since(Instant::now())
                        .ok_or(JobError::Timeout)?;
                    self.shared
                        .finished
                        .wait_timeout(inner, left)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
            };
        }
        Ok(inner)
    }

    /// Blocks this thread until the job has finished, and gives its value
    /// (cloned) or its error, as `result()`.
    ///
    /// # Errors
    ///
    /// [`JobError::Panicked`] or [`JobError::Cancelled`] as the job ended;
    /// [`JobError::Taken`] if an `await` moved the value out.
    pub fn result(&self) -> Result<T, JobError>
    where
        T: Clone,
    {
        self.wait(None)?.outcome.clone().unwrap_or(Err(JobError::Taken))
    }

    /// [`result`](ConcurrentFuture::result), waiting at most `timeout`, as
    /// `result(timeout)`.
    ///
    /// # Errors
    ///
    /// As `result`, and [`JobError::Timeout`] if the time ran out (the job
    /// goes on).
    pub fn result_timeout(&self, timeout: Duration) -> Result<T, JobError>
    where
        T: Clone,
    {
        self.wait(Some(timeout))?.outcome.clone().unwrap_or(Err(JobError::Taken))
    }

    /// Blocks until the job has finished and moves its value out.
    ///
    /// # Errors
    ///
    /// As [`result`](ConcurrentFuture::result).
    pub fn into_result(self) -> Result<T, JobError> {
        self.wait(None)?.outcome.take().unwrap_or(Err(JobError::Taken))
    }
}

// ANCHOR: await
/// Awaiting a concurrent future from a task: `Pending` until a worker
/// finishes the job, then its value (moved out) or error. The wake comes
/// from the worker's thread.
impl<T> Future for ConcurrentFuture<T> {
    type Output = Result<T, JobError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut inner = self.lock();
        if inner.status == Status::Finished {
            return Poll::Ready(inner.outcome.take().unwrap_or(Err(JobError::Taken)));
        }
        // Registered under the lock that `finish` takes: the wake cannot
        // slip in between the check and the registration.
        if !inner.wakers.iter().any(|waker| waker.will_wake(cx.waker())) {
            inner.wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}
// ANCHOR_END: await

impl<T> fmt::Debug for ConcurrentFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.lock();
        let state = match (inner.status, inner.cancelled) {
            (_, true) => "cancelled",
            (Status::Pending, _) => "pending",
            (Status::Running, _) => "running",
            (Status::Finished, _) => "finished",
        };
        write!(f, "<Future state={state}>")
    }
}
