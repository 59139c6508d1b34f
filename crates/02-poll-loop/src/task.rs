//! Tasks: futures owned by the loop, polled only when their waker is called.

use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, Location, catch_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use crate::driver::Unpark;
use crate::extend::Doors;
use crate::observe::TaskEvent;
use crate::schedule::Runnable;
use crate::{EventLoop, LoopError, PanicSource};

/// Names a task of one loop: a slot index plus the slot's generation, so a
/// late wake for a finished task cannot poll a new task that reuses its slot.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaskId {
    pub(crate) index: u32,
    pub(crate) generation: u32,
}

impl fmt::Debug for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TaskId({}.{})", self.index, self.generation)
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task {}", self.index)
    }
}

// ANCHOR: shared
/// The part of the loop that wakers reach from any thread.
pub(crate) struct Shared {
    /// Tasks woken since the loop last looked, in wake order. A `Mutex`
    /// because a wake may come from any thread; the loop swaps the whole
    /// vector out in one lock.
    woken: Mutex<Vec<TaskId>>,
    /// Set (under the lock) whenever `woken` or the injection queue gets an
    /// entry; the loop takes both only when it finds this set: one atomic
    /// swap a turn instead of two locks.
    pending: AtomicBool,
    /// Interrupts the driver's `park`, so a sleeping loop notices the wake.
    unparker: Arc<dyn Unpark>,
    /// What the loop's extension points keep for other threads
    /// (`extend.rs`).
    pub(crate) doors: Doors,
}

/// The waker of one task. Lives as long as any `Waker` clone of it.
pub(crate) struct TaskWaker {
    id: TaskId,
    /// The task's number on the loop (`Task-N`).
    number: u64,
    /// True from a wake until the loop starts polling the task, so a task
    /// woken ten times before it runs is queued once.
    queued: AtomicBool,
    shared: Arc<Shared>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Only the first wake since the last poll queues the task.
        if !self.queued.swap(true, Ordering::AcqRel) {
            self.shared.report_wake(self.number);
            {
                let mut woken =
                    self.shared.woken.lock().unwrap_or_else(|e| e.into_inner());
                woken.push(self.id);
                self.shared.pending.store(true, Ordering::Release);
            }
            self.shared.unparker.unpark();
        }
    }
}
// ANCHOR_END: shared

impl Shared {
    pub(crate) fn new(unparker: Arc<dyn Unpark>) -> Arc<Shared> {
        Arc::new(Shared {
            woken: Mutex::new(Vec::new()),
            pending: AtomicBool::new(false),
            unparker,
            doors: Doors::default(),
        })
    }

    /// Tells the loop's observer, if it has one, that task `number` was
    /// woken (from any thread).
    pub(crate) fn report_wake(&self, number: u64) {
        if let Some(observer) = self.doors.observer.get() {
            observer.event(&TaskEvent::Woken { number });
        }
    }

    /// Queues a runnable task from outside the running loop, and unparks it.
    // Kept out of line: inlined into `Scheduler::schedule`, its mutex made
    // the common path (a wake on the loop's own thread, no lock) save more
    // registers: 8 more instructions per wake, measured with callgrind.
    #[inline(never)]
    pub(crate) fn inject(&self, task: Arc<dyn Runnable>) {
        {
            let mut injected =
                self.doors.injected.lock().unwrap_or_else(|e| e.into_inner());
            // Checked under the lock, so that `shut_down` cannot miss a task.
            if self.doors.closed.load(Ordering::Acquire) {
                drop(injected);
                drop(task);
                return;
            }
            injected.push(task);
            self.pending.store(true, Ordering::Release);
        }
        self.unparker.unpark();
    }

    /// Whether a task was woken or injected since the last call: if not,
    /// the loop need not take the locks to look.
    pub(crate) fn take_pending(&self) -> bool {
        self.pending.swap(false, Ordering::AcqRel)
    }

    /// Moves the injected tasks into `into`, which must be empty.
    pub(crate) fn take_injected(&self, into: &mut Vec<Arc<dyn Runnable>>) {
        debug_assert!(into.is_empty());
        std::mem::swap(
            &mut *self.doors.injected.lock().unwrap_or_else(|e| e.into_inner()),
            into,
        );
    }

    /// Refuses injections from now on, and returns those still queued so the
    /// caller can drop them outside the lock.
    pub(crate) fn shut_down(&self) -> Vec<Arc<dyn Runnable>> {
        let mut injected = self.doors.injected.lock().unwrap_or_else(|e| e.into_inner());
        self.doors.closed.store(true, Ordering::Release);
        std::mem::take(&mut *injected)
    }

    /// Moves the woken ids into `into`, which must be empty, in wake order.
    pub(crate) fn take_woken(&self, into: &mut Vec<TaskId>) {
        debug_assert!(into.is_empty());
        std::mem::swap(&mut *self.woken.lock().unwrap_or_else(|e| e.into_inner()), into);
    }
}

impl TaskWaker {
    /// A waker for `id`, marked as queued: a new task is queued at once.
    pub(crate) fn new(id: TaskId, number: u64, shared: &Arc<Shared>) -> Arc<TaskWaker> {
        Arc::new(TaskWaker {
            id,
            number,
            queued: AtomicBool::new(true),
            shared: Arc::clone(shared),
        })
    }

    /// Called right before a poll: a wake from now on queues the task again,
    /// even one that arrives while the poll is still running.
    pub(crate) fn clear_queued(&self) {
        self.queued.store(false, Ordering::Release);
    }
}

/// The waker of `run_until_complete`'s own future. That future lives on the
/// caller's stack, not in the slab, so a wake only raises a flag that the
/// loop reads between turns: no id, no queue, no mutex.
pub(crate) struct MainWaker {
    woken: AtomicBool,
    shared: Arc<Shared>,
}

impl Wake for MainWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.woken.swap(true, Ordering::AcqRel) {
            self.shared.report_wake(0);
            self.shared.unparker.unpark();
        }
    }
}

impl MainWaker {
    /// A waker marked as woken, so that the future is polled at once.
    pub(crate) fn new(shared: &Arc<Shared>) -> Arc<MainWaker> {
        Arc::new(MainWaker { woken: AtomicBool::new(true), shared: Arc::clone(shared) })
    }

    /// Whether a wake arrived since the last `take_woken`.
    pub(crate) fn is_woken(&self) -> bool {
        self.woken.load(Ordering::Acquire)
    }

    /// Clears the mark, and says whether it was set; called right before a
    /// poll, so that a wake during the poll is kept.
    pub(crate) fn take_woken(&self) -> bool {
        self.woken.swap(false, Ordering::AcqRel)
    }
}

/// A boxed task future; these tasks return nothing.
pub(crate) type BoxFuture = Pin<Box<dyn Future<Output = ()>>>;

/// One slot of the task slab.
struct Slot {
    generation: u32,
    /// `None` while the slot is free, or while its task is being polled.
    future: Option<BoxFuture>,
    /// The task's waker, moved out with the future for each poll so that
    /// polling clones nothing.
    waker: Option<Waker>,
    /// The same waker, typed, to reach its `queued` flag. `None` when free.
    task_waker: Option<Arc<TaskWaker>>,
    /// The task's number on the loop (`Task-N`).
    number: u64,
}

/// Every task of a loop: a slab of slots, reused through a free list.
#[derive(Default)]
pub(crate) struct Tasks {
    slots: Vec<Slot>,
    free: Vec<u32>,
    live: usize,
}

impl Tasks {
    /// Stores `future` as task number `number`, and returns its id.
    pub(crate) fn insert(
        &mut self,
        future: BoxFuture,
        shared: &Arc<Shared>,
        number: u64,
    ) -> TaskId {
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                let index =
                    u32::try_from(self.slots.len()).expect("more than 2^32 tasks");
                self.slots.push(Slot {
                    generation: 0,
                    future: None,
                    waker: None,
                    task_waker: None,
                    number,
                });
                index
            }
        };
        let slot = &mut self.slots[index as usize];
        let id = TaskId { index, generation: slot.generation };
        let task_waker = TaskWaker::new(id, number, shared);
        slot.number = number;
        slot.waker = Some(Waker::from(Arc::clone(&task_waker)));
        slot.task_waker = Some(task_waker);
        slot.future = Some(future);
        self.live += 1;
        id
    }

    /// Takes a task's future out for polling, with its waker. `None` when the
    /// id is stale (the task finished, maybe the slot was reused).
    pub(crate) fn take(&mut self, id: TaskId) -> Option<(BoxFuture, Waker)> {
        let slot = self.slots.get_mut(id.index as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        let future = slot.future.take()?;
        let waker = slot.waker.take().expect("a task slot with a future has its waker");
        slot.task_waker
            .as_ref()
            .expect("a task slot with a future has its waker")
            .clear_queued();
        Some((future, waker))
    }

    /// Puts a still-pending future and its waker back after its poll.
    pub(crate) fn put_back(&mut self, id: TaskId, future: BoxFuture, waker: Waker) {
        let slot = &mut self.slots[id.index as usize];
        slot.future = Some(future);
        slot.waker = Some(waker);
    }

    /// Frees the slot of a finished task, and returns its number; its id
    /// goes stale.
    pub(crate) fn remove(&mut self, id: TaskId) -> u64 {
        let slot = &mut self.slots[id.index as usize];
        slot.generation = slot.generation.wrapping_add(1);
        slot.future = None;
        slot.waker = None;
        slot.task_waker = None;
        self.free.push(id.index);
        self.live -= 1;
        slot.number
    }

    /// How many tasks have not finished.
    pub(crate) fn len(&self) -> usize {
        self.live
    }

    /// Empties the slab, returning the futures so the caller can drop them
    /// outside any borrow (their destructors may call back into the loop).
    pub(crate) fn drain(&mut self) -> Vec<(BoxFuture, u64)> {
        self.free.clear();
        self.live = 0;
        std::mem::take(&mut self.slots)
            .into_iter()
            .filter_map(|slot| Some((slot.future?, slot.number)))
            .collect()
    }

    /// The number of the task `id`, if it is live.
    pub(crate) fn number(&self, id: TaskId) -> Option<u64> {
        let slot = self.slots.get(id.index as usize)?;
        (slot.generation == id.generation && slot.task_waker.is_some())
            .then_some(slot.number)
    }
}

impl EventLoop {
    /// Spawns `future` as a task: the loop polls it on the next turn, and
    /// again each time its waker is called, until it finishes.
    ///
    /// This is asyncio's `loop.create_task()` without the task handle: there
    /// is nothing to await or cancel. A task that panics is reported to the
    /// exception handler and dropped.
    ///
    /// # Errors
    ///
    /// [`LoopError::Closed`] if the loop was closed.
    #[track_caller]
    pub fn spawn<F: Future<Output = ()> + 'static>(
        &self,
        future: F,
    ) -> Result<TaskId, LoopError> {
        self.check_open()?;
        let number = self.next_task_number();
        if let Some(observer) = self.observer() {
            let (future, location) = (std::any::type_name::<F>(), Location::caller());
            observer.event(&TaskEvent::Spawned { number, future, location });
        }
        let future: BoxFuture = Box::pin(future);
        let id = self.core.tasks.borrow_mut().insert(future, &self.core.shared, number);
        self.core.ready.borrow_mut().push_task(id);
        Ok(id)
    }

    /// How many spawned tasks have not finished yet.
    pub fn task_count(&self) -> usize {
        self.core.tasks.borrow().len()
    }
}

// ANCHOR: poll_task
impl EventLoop {
    pub(crate) fn poll_task(&self, id: TaskId) {
        // A stale id (the task already finished) polls nothing.
        let Some((mut future, waker)) = self.core.tasks.borrow_mut().take(id) else {
            return;
        };
        // No borrow is held while the task runs: it may spawn or schedule.
        let mut cx = Context::from_waker(&waker);
        match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx))) {
            Ok(Poll::Pending) => self.core.tasks.borrow_mut().put_back(id, future, waker),
            Ok(Poll::Ready(())) => {
                let number = self.core.tasks.borrow_mut().remove(id);
                self.report_finished(number);
                drop(future);
            }
            Err(payload) => {
                let number = self.core.tasks.borrow_mut().remove(id);
                self.report_panicked(number);
                // The future's destructor may panic too; that is reported as well.
                if let Err(payload) = catch_unwind(AssertUnwindSafe(|| drop(future))) {
                    self.report(PanicSource::Task(id), payload);
                }
                self.report(PanicSource::Task(id), payload);
            }
        }
    }
}
// ANCHOR_END: poll_task
