//! `gather`, `try_gather`, `gather_tasks` and `join_all`.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use stepio_poll_loop::{EventLoop, get_running_loop};
use stepio_tasks::{LoopTasks, Task, TaskError};

use crate::children::Children;

// ANCHOR: into_task
/// What gather and `as_completed` accept as a child: a future, which
/// becomes a task on the running loop, or a task created before
/// ([`Spawned`]), which is taken as it is.
pub trait IntoTask {
    /// The task's output.
    type Output: 'static;

    /// The task for this child, created on `event_loop` if need be.
    fn into_task(self, event_loop: &EventLoop) -> Task<Self::Output>;
}

impl<F: Future + 'static> IntoTask for F {
    type Output = F::Output;

    fn into_task(self, event_loop: &EventLoop) -> Task<F::Output> {
        event_loop.create_task(self).expect("a running loop is open")
    }
}

/// A task created before, given to [`gather`] or
/// [`as_completed`](fn@crate::as_completed) as a child (see [`gather_tasks`]).
///
/// A `Task` is a future itself, so without this wrapper it would be wrapped
/// in a second task; cancelling that one would only detach the first.
pub struct Spawned<T: 'static>(pub Task<T>);

impl<T: 'static> IntoTask for Spawned<T> {
    type Output = T;

    fn into_task(self, _event_loop: &EventLoop) -> Task<T> {
        self.0
    }
}
// ANCHOR_END: into_task

impl<T: 'static> fmt::Debug for Spawned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Spawned").field(&self.0).finish()
    }
}

// ANCHOR: spawner
/// Children that become tasks as soon as a loop runs: at once if one runs
/// on this thread when the combinator is made (as asyncio schedules
/// gather's children), otherwise at the first poll.
pub(crate) struct Spawner<C: IntoTask> {
    unspawned: Vec<C>,
    children: Option<Children<Task<C::Output>>>,
}

impl<C: IntoTask> Spawner<C> {
    pub(crate) fn new(children: impl IntoIterator<Item = C>) -> Spawner<C> {
        match get_running_loop() {
            Ok(event_loop) => Spawner {
                unspawned: Vec::new(),
                children: Some(spawn(children, &event_loop)),
            },
            Err(_) => {
                Spawner { unspawned: children.into_iter().collect(), children: None }
            }
        }
    }

    /// The children as tasks, created now if need be.
    ///
    /// # Panics
    ///
    /// If they have not been created and no loop is running on this thread.
    pub(crate) fn tasks(&mut self, what: &str) -> &mut Children<Task<C::Output>> {
        if self.children.is_none() {
            let event_loop = get_running_loop().unwrap_or_else(|err| {
                panic!("{what} was polled outside a running event loop: {err}")
            });
            self.children = Some(spawn(self.unspawned.drain(..), &event_loop));
        }
        self.children.as_mut().expect("spawned above")
    }

    /// Cancels every child task that has not finished (children never
    /// spawned are just dropped).
    pub(crate) fn cancel_unfinished(&self) {
        if let Some(children) = &self.children {
            for (_, task) in children.unfinished() {
                task.cancel();
            }
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.children.as_ref().map_or(self.unspawned.len(), Children::len)
    }

    pub(crate) fn remaining(&self) -> usize {
        self.children.as_ref().map_or(self.unspawned.len(), Children::remaining)
    }
}
// ANCHOR_END: spawner

/// Creates a task for each child, in order.
fn spawn<C: IntoTask>(
    children: impl IntoIterator<Item = C>,
    event_loop: &EventLoop,
) -> Children<Task<C::Output>> {
    Children::new(children.into_iter().map(|child| child.into_task(event_loop)))
}

/// What gather keeps while it runs; shared by [`Gather`] and [`GatherAll`].
struct Collect<C: IntoTask, T> {
    spawner: Spawner<C>,
    /// Each child's outcome at its argument index, once it has one.
    outcomes: Vec<Option<Result<T, TaskError>>>,
    /// Turns a task's outcome into the child's: the identity for `gather`,
    /// and `Err` outputs into errors for `try_gather`.
    convert: fn(Result<C::Output, TaskError>) -> Result<T, TaskError>,
    /// It returned: from now on dropping it leaves the children alone.
    finished: bool,
}

impl<C: IntoTask, T> Collect<C, T> {
    fn new(
        children: impl IntoIterator<Item = C>,
        convert: fn(Result<C::Output, TaskError>) -> Result<T, TaskError>,
    ) -> Collect<C, T> {
        let spawner = Spawner::new(children);
        let outcomes = (0..spawner.len()).map(|_| None).collect();
        Collect { spawner, outcomes, convert, finished: false }
    }

    // ANCHOR: collect
    /// Stores outcomes until every child has one (`Ok`), or, if
    /// `stop_at_error`, until the first error, which it returns.
    fn poll_collect(
        &mut self,
        cx: &mut Context<'_>,
        stop_at_error: bool,
    ) -> Poll<Result<(), TaskError>> {
        assert!(!self.finished, "gather polled after it returned");
        let children = self.spawner.tasks("gather");
        while let Poll::Ready(next) = children.poll_next(cx) {
            let Some((index, outcome)) = next else {
                self.finished = true;
                return Poll::Ready(Ok(()));
            };
            match (self.convert)(outcome) {
                Err(err) if stop_at_error => {
                    // asyncio's order: the first error goes to the caller,
                    // and the other children go on running (detached).
                    self.finished = true;
                    return Poll::Ready(Err(err));
                }
                outcome => self.outcomes[index] = Some(outcome),
            }
        }
        Poll::Pending
    }
    // ANCHOR_END: collect

    fn take_outcomes(&mut self) -> impl Iterator<Item = Result<T, TaskError>> {
        std::mem::take(&mut self.outcomes)
            .into_iter()
            .map(|outcome| outcome.expect("every child finished"))
    }
}

impl<C: IntoTask, T> Drop for Collect<C, T> {
    fn drop(&mut self) {
        // Dropped (or cancelled) before it returned: its children go too.
        if !self.finished {
            self.spawner.cancel_unfinished();
        }
    }
}

// ANCHOR: gather_type
/// The future of [`gather`]: every child's output in argument order, or the
/// first error.
///
/// - **Results** come in the order of the arguments, whatever order the
///   children finish in.
/// - **The first error** (a child that panicked or was cancelled, or, with
///   [`try_gather`], returned `Err`) is returned at once. As in asyncio, the
///   other children are not cancelled: they go on running, detached, and a
///   later failure among them is reported to the loop's exception handler
///   as never retrieved.
/// - **Dropping it before it returns** (or cancelling the task awaiting it)
///   cancels every child that has not finished, as cancelling asyncio's
///   gather does.
/// - [`return_exceptions`](Gather::return_exceptions) collects every
///   child's outcome instead, as `return_exceptions=True`.
#[must_use = "a gather does nothing unless awaited; dropping it cancels its children"]
pub struct Gather<C: IntoTask, T = <C as IntoTask>::Output> {
    collect: Collect<C, T>,
}
// ANCHOR_END: gather_type

/// The future of [`Gather::return_exceptions`]: every child's outcome, `Ok`
/// or `Err`, in argument order. It never stops early.
#[must_use = "a gather does nothing unless awaited; dropping it cancels its children"]
pub struct GatherAll<C: IntoTask, T = <C as IntoTask>::Output> {
    collect: Collect<C, T>,
}

// ANCHOR: gather
/// Runs every future in `children` as a task and waits for all of them, as
/// `asyncio.gather(*aws)`. Awaited, it gives their outputs in argument
/// order, or the first error (see [`Gather`] for what happens to the rest).
///
/// The children are scheduled at once when a loop runs on this thread, and
/// at the first poll otherwise (so a gather can be built before
/// `run_until_complete` and handed to it).
///
/// ```
/// use stepio_gather::gather;
///
/// let outputs = stepio_timer_wheel::run(async {
///     gather((1..=3).map(|n| async move { n * 10 })).await
/// })
/// .unwrap();
/// assert_eq!(outputs.unwrap(), [10, 20, 30]);
/// ```
pub fn gather<I>(children: I) -> Gather<I::Item>
where
    I: IntoIterator,
    I::Item: IntoTask,
{
    Gather { collect: Collect::new(children, |outcome| outcome) }
}
// ANCHOR_END: gather

/// [`gather`] for tasks created before: awaits each, cancels the
/// unfinished ones if dropped early.
pub fn gather_tasks<T: 'static>(
    tasks: impl IntoIterator<Item = Task<T>>,
) -> Gather<Spawned<T>> {
    gather(tasks.into_iter().map(Spawned))
}

// ANCHOR: try_gather
/// [`gather`] for children that return `Result`: an `Err` counts as the
/// child's error, as an exception raised in an asyncio coroutine does. It
/// becomes [`TaskError::Exception`], whose [`source`](Error::source) is
/// the original error.
pub fn try_gather<I, T, E>(children: I) -> Gather<I::Item, T>
where
    I: IntoIterator,
    I::Item: IntoTask<Output = Result<T, E>>,
    E: Error + Send + Sync + 'static,
{
    Gather { collect: Collect::new(children, flatten) }
}

fn flatten<T, E>(outcome: Result<Result<T, E>, TaskError>) -> Result<T, TaskError>
where
    E: Error + Send + Sync + 'static,
{
    outcome?.map_err(|err| TaskError::Exception(Arc::new(err)))
}
// ANCHOR_END: try_gather

impl<C: IntoTask, T> Gather<C, T> {
    /// Collects every child's outcome, errors included, instead of stopping
    /// at the first error: asyncio's `return_exceptions=True`.
    pub fn return_exceptions(self) -> GatherAll<C, T> {
        GatherAll { collect: self.collect }
    }

    /// How many children it has.
    pub fn len(&self) -> usize {
        self.collect.spawner.len()
    }

    /// Whether it has no children (it then finishes at once with nothing).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<C: IntoTask, T> Future for Gather<C, T> {
    type Output = Result<Vec<T>, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let collect = &mut self.get_mut().collect;
        match collect.poll_collect(cx, true) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Ready(Ok(())) => Poll::Ready(Ok(collect
                .take_outcomes()
                .map(|outcome| {
                    outcome.unwrap_or_else(|_| unreachable!("errors stop the gather"))
                })
                .collect())),
        }
    }
}

impl<C: IntoTask, T> Future for GatherAll<C, T> {
    type Output = Vec<Result<T, TaskError>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let collect = &mut self.get_mut().collect;
        match collect.poll_collect(cx, false) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(_) => Poll::Ready(collect.take_outcomes().collect()),
        }
    }
}

// Neither pins anything: the tasks are reached through handles.
impl<C: IntoTask, T> Unpin for Gather<C, T> {}
impl<C: IntoTask, T> Unpin for GatherAll<C, T> {}

impl<C: IntoTask, T> fmt::Debug for Gather<C, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_collect("Gather", &self.collect, f)
    }
}

impl<C: IntoTask, T> fmt::Debug for GatherAll<C, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_collect("GatherAll", &self.collect, f)
    }
}

fn debug_collect<C: IntoTask, T>(
    name: &str,
    collect: &Collect<C, T>,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    f.debug_struct(name)
        .field("children", &collect.spawner.len())
        .field("remaining", &collect.spawner.remaining())
        .field("finished", &collect.finished)
        .finish()
}

// ANCHOR: join_all
/// Polls every future in place, on the task that awaits it, and gives
/// their outputs in argument order: stage 1's `join_vec`, with a waker per
/// child so that a wake polls only that child.
///
/// Unlike [`gather`], the children are not tasks: nothing is spawned, a
/// panic in one unwinds through the caller, and it works with any executor
/// (stage 1's `block_on` too).
pub fn join_all<F: Future>(futures: impl IntoIterator<Item = F>) -> JoinAll<F> {
    let children = Children::new(futures);
    let outputs = (0..children.len()).map(|_| None).collect();
    JoinAll { children, outputs }
}

/// The future of [`join_all`].
#[must_use = "futures do nothing unless awaited"]
pub struct JoinAll<F: Future> {
    children: Children<F>,
    outputs: Vec<Option<F::Output>>,
}
// ANCHOR_END: join_all

impl<F: Future> Future for JoinAll<F> {
    type Output = Vec<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<F::Output>> {
        let this = self.get_mut();
        while let Poll::Ready(next) = this.children.poll_next(cx) {
            match next {
                Some((index, output)) => this.outputs[index] = Some(output),
                None => {
                    let outputs = std::mem::take(&mut this.outputs);
                    return Poll::Ready(
                        outputs
                            .into_iter()
                            .map(|output| output.expect("finished"))
                            .collect(),
                    );
                }
            }
        }
        Poll::Pending
    }
}

// The children are pinned in their own boxed slice.
impl<F: Future> Unpin for JoinAll<F> {}

impl<F: Future> fmt::Debug for JoinAll<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinAll").field("children", &self.children).finish()
    }
}
