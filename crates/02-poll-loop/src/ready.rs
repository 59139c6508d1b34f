//! The ready queue: what the loop will run on its next turn.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;

use crate::Handle;
use crate::schedule::Runnable;
use crate::task::TaskId;

/// One unit of ready work.
pub(crate) enum Work {
    /// A callback from `call_soon` (or a driver), run unless cancelled.
    Callback(Handle),
    /// A task whose waker was called; it is polled once.
    Task(TaskId),
    /// A task queued through the loop's `Scheduler`, which owns itself.
    Scheduled(Arc<dyn Runnable>),
}

impl fmt::Debug for Work {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Work::Callback(handle) => f.debug_tuple("Callback").field(handle).finish(),
            Work::Task(id) => f.debug_tuple("Task").field(id).finish(),
            Work::Scheduled(_) => f.write_str("Scheduled"),
        }
    }
}

/// The FIFO queue of work that is ready to run, as asyncio's `_ready` deque.
///
/// The loop runs it in batches: each turn runs exactly the entries that were
/// queued when the turn began, so work queued during a turn runs on the next
/// one, after the driver has been checked for events.
#[derive(Debug, Default)]
pub struct ReadyQueue {
    items: VecDeque<Work>,
}

impl ReadyQueue {
    /// Queues a callback at the back. Drivers use this for callbacks that
    /// became due (timers).
    pub fn push(&mut self, handle: Handle) {
        self.items.push_back(Work::Callback(handle));
    }

    /// The number of entries queued.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn push_task(&mut self, task: TaskId) {
        self.items.push_back(Work::Task(task));
    }

    pub(crate) fn push_runnable(&mut self, task: Arc<dyn Runnable>) {
        self.items.push_back(Work::Scheduled(task));
    }

    pub(crate) fn pop(&mut self) -> Option<Work> {
        self.items.pop_front()
    }

    /// Moves everything from `other` to the back of this queue.
    pub(crate) fn append(&mut self, other: &mut ReadyQueue) {
        self.items.append(&mut other.items);
    }

    /// Empties the queue, returning what it held.
    pub(crate) fn take_all(&mut self) -> VecDeque<Work> {
        std::mem::take(&mut self.items)
    }
}
