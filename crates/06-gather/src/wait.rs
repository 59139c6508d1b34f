//! `wait`, `wait_for` and `wait_for_task`.

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use stepio_tasks::{Task, TaskError};
use stepio_timer_wheel::{Elapsed, Sleep, sleep, timeout};

use crate::children::Children;

// ANCHOR: return_when
/// When [`wait`] returns, as asyncio's `return_when`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnWhen {
    /// As soon as any task has finished (`FIRST_COMPLETED`).
    FirstCompleted,
    /// As soon as any task has failed: panicked, or ended with an
    /// exception (`FIRST_EXCEPTION`). A cancelled task is not a failure,
    /// and neither is an output that happens to be an `Err`. With no
    /// failure, this waits for them all.
    FirstException,
    /// When every task has finished (`ALL_COMPLETED`).
    AllCompleted,
}

/// What [`wait`] gives back: every task it was given, split in two.
pub struct Waited<T: 'static> {
    /// The finished tasks, in the order they were seen to finish. Their
    /// outcomes are untouched: ask [`Task::result`] or await them (they
    /// are ready at once). With `FirstCompleted` it holds every task that
    /// had finished by the time the wait ran again, as asyncio's does: two
    /// timers due in the same turn (a loop that woke late) finish two.
    pub done: Vec<Task<T>>,
    /// The tasks still running, in the order they were given.
    pub pending: Vec<Task<T>>,
}
// ANCHOR_END: return_when

// ANCHOR: wait
/// Waits for `tasks` until `return_when` holds or `timeout` passes, as
/// `asyncio.wait(tasks, timeout=..., return_when=...)`, and gives every
/// task back, split into [`done`](Waited::done) and
/// [`pending`](Waited::pending).
///
/// It cancels nothing, takes no outcome and raises nothing: a timeout just
/// returns with more tasks pending. (It takes the handles and gives them
/// back; if the wait itself is dropped, the handles go with it, which
/// detaches their tasks.) With no tasks it returns at once with two empty
/// lists, where asyncio raises `ValueError`.
///
/// # Panics
///
/// With a `timeout`, when polled outside a running loop that has timers.
pub fn wait<T: 'static>(
    tasks: impl IntoIterator<Item = Task<T>>,
    return_when: ReturnWhen,
    timeout: Option<Duration>,
) -> Wait<T> {
    Wait {
        children: Some(Children::new(tasks.into_iter().map(|task| Watch(Some(task))))),
        done: Vec::new(),
        return_when,
        deadline: timeout.map(sleep),
    }
}

/// The future of [`wait`].
#[must_use = "a wait does nothing unless awaited"]
pub struct Wait<T: 'static> {
    /// `None` once it has returned.
    children: Option<Children<Watch<T>>>,
    done: Vec<Task<T>>,
    return_when: ReturnWhen,
    deadline: Option<Sleep>,
}

/// Finishes when its task does, and gives the task back with its outcome
/// still inside.
struct Watch<T: 'static>(Option<Task<T>>);

impl<T: 'static> Future for Watch<T> {
    type Output = Task<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Task<T>> {
        let task = self.0.as_ref().expect("a watch finishes once");
        match task.poll_done(cx) {
            Poll::Ready(()) => Poll::Ready(self.0.take().expect("checked above")),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: 'static> Future for Wait<T> {
    type Output = Waited<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Waited<T>> {
        let this = self.get_mut();
        let children = this.children.as_mut().expect("wait polled after it returned");
        let mut met = false;
        // Every finished child that was woken is collected, so that tasks
        // that finished together are all in `done`.
        while let Poll::Ready(next) = children.poll_next(cx) {
            let Some((_, task)) = next else {
                met = true; // all of them
                break;
            };
            met |= match this.return_when {
                ReturnWhen::FirstCompleted => true,
                ReturnWhen::FirstException => task.failed(),
                ReturnWhen::AllCompleted => false,
            };
            this.done.push(task);
        }
        if !met {
            let timed_out = this
                .deadline
                .as_mut()
                .is_some_and(|deadline| Pin::new(deadline).poll(cx).is_ready());
            if !timed_out {
                return Poll::Pending;
            }
        }
        let children = this.children.take().expect("checked above");
        let pending = children
            .into_unfinished()
            .into_iter()
            .map(|watch| watch.0.expect("unfinished"));
        Poll::Ready(Waited {
            done: std::mem::take(&mut this.done),
            pending: pending.collect(),
        })
    }
}
// ANCHOR_END: wait

// ANCHOR: wait_for
/// Runs `future` for at most `timeout`, as `asyncio.wait_for(aw, timeout)`:
/// its output, or [`Elapsed`] if the time ran out first.
///
/// On timeout the future is dropped, which cancels it (and whatever it was
/// waiting on) before `wait_for` returns. This is stage 3's
/// [`timeout`] with asyncio's argument order.
///
/// A zero `timeout` gives [`Elapsed`] without polling `future` at all, as
/// asyncio's `wait_for(coro, 0)` cancels the coroutine before its first
/// step. (Stage 3's `timeout(Duration::ZERO, f)` polls `f` once, as
/// `asyncio.timeout(0)` and tokio's `timeout` run their body up to its
/// first wait.)
///
/// A [`Task`] handle is a future too, but dropping a handle only detaches
/// its task, which would go on running: use [`wait_for_task`] for a task.
///
/// # Panics
///
/// When polled outside a running loop that has timers.
pub async fn wait_for<F: Future>(
    future: F,
    timeout: Duration,
) -> Result<F::Output, Elapsed> {
    if timeout.is_zero() {
        drop(future);
        return Err(Elapsed::new(timeout));
    }
    self::timeout(timeout, future).await
}

/// [`wait_for`] for a task: on timeout it cancels the task and waits until
/// the task has ended (its future dropped), then returns [`Elapsed`], as
/// asyncio's `wait_for` does with a task.
///
/// Inside, `Ok` holds the task's own outcome: its output, or its error if
/// it failed (or was cancelled by someone else) in time. With a zero
/// `timeout`, a task already done gives its outcome, and any other is
/// cancelled without another step, as in asyncio.
///
/// # Panics
///
/// When polled outside a running loop that has timers.
pub async fn wait_for_task<T: 'static>(
    mut task: Task<T>,
    timeout: Duration,
) -> Result<Result<T, TaskError>, Elapsed> {
    let waited = if timeout.is_zero() {
        if task.done() { Ok((&mut task).await) } else { Err(Elapsed::new(timeout)) }
    } else {
        self::timeout(timeout, &mut task).await
    };
    match waited {
        Ok(outcome) => Ok(outcome),
        Err(elapsed) => {
            task.cancel();
            // The task ends at the loop's next turn; wait for it, so that
            // whatever it holds is released when we return.
            poll_fn(|cx| task.poll_done(cx)).await;
            // It may have finished in the very turn the time ran out; its
            // output is dropped with the handle, as asyncio drops it.
            Err(elapsed)
        }
    }
}
// ANCHOR_END: wait_for

impl<T: 'static> fmt::Debug for Wait<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("return_when", &self.return_when)
            .field("done", &self.done.len())
            .field("pending", &self.children.as_ref().map_or(0, Children::remaining))
            .field("timeout", &self.deadline.is_some())
            .finish()
    }
}

impl<T: 'static> fmt::Debug for Waited<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waited")
            .field("done", &self.done)
            .field("pending", &self.pending)
            .finish()
    }
}
