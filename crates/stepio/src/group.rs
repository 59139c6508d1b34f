//! `task_group`: structured concurrency, as asyncio's `TaskGroup` (3.11).
//!
//! asyncio writes `async with asyncio.TaskGroup() as tg:` and creates tasks
//! on `tg` inside the block; the block's end waits for all of them. Rust has
//! no asynchronous `with`, so the block is a closure: [`task_group`] runs it
//! with a [`TaskGroup`], and its future ends when the body *and* every task
//! created on the group have finished. As in asyncio:
//!
//! - The first child that fails (panics) cancels every other child, and
//!   the body: it stops at its next `await` that is not ready.
//! - Then the group still waits for every child to finish, and gives back
//!   every failure at once, as asyncio's `ExceptionGroup` does.
//! - A child that is cancelled is not a failure.
//! - Dropping the group's future (cancelling the task that awaits it)
//!   cancels every child.

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use stepio_tasks::{Canceller, Task, TaskError, create_task};

// ANCHOR: state
/// What the group's future and its handles share.
#[derive(Default)]
struct State {
    /// One per child created, to cancel the rest when one fails.
    children: Vec<Canceller>,
    /// Children that have not finished.
    running: usize,
    /// What the failed children ended with, in the order they failed.
    errors: Vec<TaskError>,
    /// A child failed: the rest, and the body, are being cancelled.
    aborting: bool,
    /// The task awaiting the group, woken when a child finishes.
    waker: Option<Waker>,
}
// ANCHOR_END: state

/// The handle the body gets: creates tasks that belong to the group.
#[derive(Clone)]
pub struct TaskGroup {
    state: Rc<RefCell<State>>,
}

// ANCHOR: create_task
impl TaskGroup {
    /// Creates a task in the group, as `tg.create_task()`. Its handle may
    /// be awaited or dropped as any task's; the group waits for it either
    /// way.
    ///
    /// # Panics
    ///
    /// Outside a running loop, as [`create_task`]; and after the group
    /// ended (asyncio: "TaskGroup ... is finished").
    #[track_caller]
    pub fn create_task<T: 'static>(
        &self,
        future: impl Future<Output = T> + 'static,
    ) -> Task<T> {
        assert!(
            self.state.borrow().running != usize::MAX,
            "this task group has finished"
        );
        let task = create_task(future);
        {
            let mut state = self.state.borrow_mut();
            state.children.push(task.canceller());
            state.running += 1;
            if state.aborting {
                // asyncio refuses new tasks once aborting; we cancel them.
                task.cancel();
            }
        }
        let state = Rc::clone(&self.state);
        task.add_done_callback(move |task| child_done(&state, task));
        task
    }
}

/// A child finished: count it, and if it failed, cancel the others.
fn child_done<T>(state: &Rc<RefCell<State>>, task: &Task<T>) {
    let mut state = state.borrow_mut();
    state.running -= 1;
    if let Ok(Some(error)) = task.exception() {
        state.errors.push(error);
        if !state.aborting {
            state.aborting = true;
            for child in &state.children {
                child.cancel();
            }
        }
    }
    if let Some(waker) = state.waker.take() {
        waker.wake();
    }
}
// ANCHOR_END: create_task

/// Every failure of a task group's children, as asyncio's `ExceptionGroup`
/// ("unhandled errors in a TaskGroup").
#[derive(Debug, Clone)]
pub struct GroupError {
    /// What each failed child ended with, in the order they failed.
    pub errors: Vec<TaskError>,
}

impl fmt::Display for GroupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        write!(
            f,
            "unhandled errors in a TaskGroup ({n} sub-exception{})",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl Error for GroupError {}

// ANCHOR: task_group
/// Runs `body` with a new [`TaskGroup`], as `async with TaskGroup() as tg`,
/// and waits for the body and every task created on the group.
///
/// # Errors
///
/// [`GroupError`] with every child's failure, if any child failed; the
/// body's output is then lost (it was cancelled, or is dropped).
pub fn task_group<B, F>(body: B) -> GroupFuture<F>
where
    B: FnOnce(TaskGroup) -> F,
    F: Future,
{
    let group = TaskGroup { state: Rc::default() };
    let body = body(group.clone());
    GroupFuture { group, body: Some(Box::pin(body)), output: None }
}

/// The future of [`task_group`].
#[must_use = "futures do nothing unless awaited"]
pub struct GroupFuture<F: Future> {
    group: TaskGroup,
    body: Option<Pin<Box<F>>>,
    output: Option<F::Output>,
}

// The body is boxed and pinned there; the output is never pinned.
impl<F: Future> Unpin for GroupFuture<F> {}

impl<F: Future> Future for GroupFuture<F> {
    type Output = Result<F::Output, GroupError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if this.group.state.borrow().aborting {
            // asyncio cancels the body too: here it is dropped unfinished.
            this.body = None;
        }
        if let Some(body) = &mut this.body {
            if let Poll::Ready(output) = body.as_mut().poll(cx) {
                this.output = Some(output);
                this.body = None;
            }
        }
        let mut state = this.group.state.borrow_mut();
        if this.body.is_some() || state.running > 0 {
            state.waker = Some(cx.waker().clone());
            return Poll::Pending;
        }
        // Done: no more tasks may join.
        state.running = usize::MAX;
        if !state.errors.is_empty() {
            return Poll::Ready(Err(GroupError {
                errors: std::mem::take(&mut state.errors),
            }));
        }
        Poll::Ready(Ok(this.output.take().expect("the body finished")))
    }
}
// ANCHOR_END: task_group

impl<F: Future> Drop for GroupFuture<F> {
    fn drop(&mut self) {
        // Cancelled from outside (or dropped early): the children go too.
        let state = self.group.state.borrow();
        if state.running != usize::MAX {
            for child in &state.children {
                child.cancel();
            }
        }
    }
}

impl fmt::Debug for TaskGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("TaskGroup")
            .field("running", &state.running)
            .field("failed", &state.errors.len())
            .finish()
    }
}

impl<F: Future> fmt::Debug for GroupFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GroupFuture")
            .field("group", &self.group)
            .field("body_running", &self.body.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};
    use std::future::pending;
    use std::rc::Rc;

    use super::{TaskGroup, task_group};
    use crate::{TaskError, create_task, run, yield_now};

    /// Sets its flag when dropped: a future that holds one was dropped
    /// (finished, or cancelled).
    struct Dropped(Rc<Cell<bool>>);

    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.set(true);
        }
    }

    async fn yields(n: usize, log: Rc<RefCell<Vec<&'static str>>>, name: &'static str) {
        for _ in 0..n {
            yield_now().await;
        }
        log.borrow_mut().push(name);
    }

    // ANCHOR: group_tests
    #[test]
    fn the_group_waits_for_every_child_and_gives_the_bodys_output() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let output = run({
            let log = Rc::clone(&log);
            async move {
                task_group(|group: TaskGroup| async move {
                    group.create_task(yields(3, Rc::clone(&log), "slow"));
                    // A handle may be dropped: the group still waits.
                    drop(group.create_task(yields(1, Rc::clone(&log), "quick")));
                    "body"
                })
                .await
            }
        })
        .unwrap();
        assert_eq!(output.unwrap(), "body");
        assert_eq!(*log.borrow(), ["quick", "slow"]);
    }

    /// Yields `n` times, then says it ran to its end: a child or body that
    /// was not cancelled would (and the test fail, not hang).
    async fn busy(n: usize, ran_out: Rc<Cell<bool>>) {
        for _ in 0..n {
            yield_now().await;
        }
        ran_out.set(true);
    }

    #[test]
    fn a_failing_child_cancels_its_siblings_and_the_body() {
        let sibling_dropped = Rc::new(Cell::new(false));
        let body_dropped = Rc::new(Cell::new(false));
        let ran_out = Rc::new(Cell::new(false));
        let result = run({
            let sibling = Dropped(Rc::clone(&sibling_dropped));
            let body = Dropped(Rc::clone(&body_dropped));
            let ran_out = Rc::clone(&ran_out);
            async move {
                task_group(|group: TaskGroup| async move {
                    let sibling_ran_out = Rc::clone(&ran_out);
                    group.create_task(async move {
                        let _guard = sibling;
                        busy(10_000, sibling_ran_out).await;
                    });
                    group.create_task(async {
                        yield_now().await;
                        panic!("boom");
                    });
                    let _guard = body;
                    busy(10_000, ran_out).await;
                })
                .await
            }
        })
        .unwrap();
        let error = result.unwrap_err();
        assert_eq!(
            error.to_string(),
            "unhandled errors in a TaskGroup (1 sub-exception)"
        );
        let [TaskError::Panicked(message)] = &error.errors[..] else {
            panic!("one panic, not {:?}", error.errors);
        };
        assert_eq!(message, "boom");
        assert!(sibling_dropped.get() && body_dropped.get(), "both were dropped");
        assert!(!ran_out.get(), "neither the sibling nor the body ran to its end");
    }

    #[test]
    fn every_failure_is_given_back_and_a_cancelled_child_is_none() {
        let result = run(async {
            task_group(|group: TaskGroup| async move {
                let quiet = group.create_task(pending::<()>());
                quiet.cancel();
                group.create_task(async { panic!("first") });
                group.create_task(async { panic!("second") });
            })
            .await
        })
        .unwrap();
        let messages: Vec<String> =
            result.unwrap_err().errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].contains("first") && messages[1].contains("second"),
            "{messages:?}"
        );
    }

    #[test]
    fn cancelling_the_task_that_awaits_a_group_cancels_its_children() {
        let child_dropped = Rc::new(Cell::new(false));
        run({
            let child_dropped = Rc::clone(&child_dropped);
            async move {
                let guard = Dropped(Rc::clone(&child_dropped));
                let outer = create_task(task_group(move |group: TaskGroup| async move {
                    group.create_task(async move {
                        let _guard = guard;
                        pending::<()>().await;
                    });
                }));
                yield_now().await;
                outer.cancel();
                assert!(outer.await.unwrap_err().is_cancelled());
                // The child is cancelled; it finishes at its next run, long
                // before the loop closes (which would drop it anyway).
                yield_now().await;
                assert!(child_dropped.get());
            }
        })
        .unwrap();
    }
    // ANCHOR_END: group_tests
}
