//! `as_completed`: outcomes in the order the children finish.

use std::fmt;
use std::future::poll_fn;

use stepio_tasks::TaskError;

use crate::gather::{IntoTask, Spawner};

// ANCHOR: as_completed
/// Runs every future in `children` as a task and hands out their outcomes
/// as they finish, as `asyncio.as_completed`: call
/// [`next`](AsCompleted::next) until it gives `None`.
///
/// Each outcome comes with its child's index in argument order, since the
/// order of completion is not the order of the arguments.
///
/// On a simulated clock (time jumps from deadline to deadline), so that the
/// order is the same on any machine, however busy:
///
/// ```
/// use std::time::Duration;
/// use stepio_gather::as_completed;
/// use stepio_poll_loop::ThreadDriver;
/// use stepio_timer_wheel::{Clock, event_loop_with, sleep};
///
/// let event_loop = event_loop_with(ThreadDriver::new(), Clock::simulated());
/// event_loop.run_until_complete(async {
///     let mut completed = as_completed([30, 10, 20].map(|ms| async move {
///         sleep(Duration::from_millis(ms)).await;
///         ms
///     }));
///     let mut order = Vec::new();
///     while let Some((_index, outcome)) = completed.next().await {
///         order.push(outcome.unwrap());
///     }
///     assert_eq!(order, [10, 20, 30]);
/// })
/// .unwrap();
/// event_loop.close().unwrap();
/// ```
pub fn as_completed<I>(children: I) -> AsCompleted<I::Item>
where
    I: IntoIterator,
    I::Item: IntoTask,
{
    AsCompleted { spawner: Spawner::new(children) }
}

/// The children of [`as_completed`], finishing one by one.
///
/// Dropping it cancels the children that have not finished: nobody could
/// see their outcomes any more.
pub struct AsCompleted<C: IntoTask> {
    spawner: Spawner<C>,
}

impl<C: IntoTask> AsCompleted<C> {
    /// The next child to finish: its index in argument order and its
    /// outcome. `None` once every child has been handed out.
    pub async fn next(&mut self) -> Option<(usize, Result<C::Output, TaskError>)> {
        let children = self.spawner.tasks("as_completed");
        poll_fn(|cx| children.poll_next(cx)).await
    }
    // ANCHOR_END: as_completed

    /// How many children have not been handed out yet.
    pub fn remaining(&self) -> usize {
        self.spawner.remaining()
    }
}

impl<C: IntoTask> Drop for AsCompleted<C> {
    fn drop(&mut self) {
        self.spawner.cancel_unfinished();
    }
}

impl<C: IntoTask> fmt::Debug for AsCompleted<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted")
            .field("children", &self.spawner.len())
            .field("remaining", &self.spawner.remaining())
            .finish()
    }
}
