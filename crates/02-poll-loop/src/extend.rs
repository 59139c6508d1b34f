//! What later stages plug into: one place, so that the loop's turn in
//! `event_loop.rs` stays the loop's. Each door is listed in
//! `ARCHITECTURE.md`, with the stage that uses it.

use std::any::{Any, TypeId};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::{Rc, Weak};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock};

use crate::EventLoop;
use crate::event_loop::Core;
use crate::observe::Observer;
use crate::panic::PanicSource;
use crate::schedule::{Runnable, Scheduler};
use crate::task::Shared;

/// What the extension points keep where wakers on any thread reach it.
#[derive(Default)]
pub(crate) struct Doors {
    /// Runnable tasks woken from other threads (or while the loop was not
    /// running), in wake order: see [`Scheduler`].
    pub(crate) injected: Mutex<Vec<Arc<dyn Runnable>>>,
    /// Set when the loop closes: from then on an injected task is dropped.
    pub(crate) closed: AtomicBool,
    /// The loop's observer, if it has one: see [`Observer`].
    pub(crate) observer: OnceLock<Arc<dyn Observer>>,
}

impl EventLoop {
    /// Attaches `value` to the loop, replacing a value of the same type.
    ///
    /// A stage that adds to the loop keeps its per-loop state here, so
    /// that code running on the loop finds it through
    /// [`get_running_loop`](crate::get_running_loop). Values stay attached
    /// after `close`.
    pub fn insert_extension<T: Any>(&self, value: Rc<T>) {
        let mut extensions = self.core.extensions.borrow_mut();
        extensions.retain(|(type_id, _)| *type_id != TypeId::of::<T>());
        extensions.push((TypeId::of::<T>(), value));
    }

    /// The value of type `T` attached with
    /// [`insert_extension`](EventLoop::insert_extension), if any.
    pub fn extension<T: Any>(&self) -> Option<Rc<T>> {
        let extensions = self.core.extensions.borrow();
        let (_, extension) =
            extensions.iter().find(|(type_id, _)| *type_id == TypeId::of::<T>())?;
        Rc::clone(extension).downcast::<T>().ok()
    }

    /// Registers `hook` to run once when the loop is closed, after pending
    /// callbacks are cancelled and before the driver closes. A stage that keeps
    /// tasks of its own drops
    /// its pending tasks this way. On a closed loop, `hook` runs at once.
    pub fn on_close(&self, hook: impl FnOnce() + 'static) {
        if self.is_closed() {
            hook();
        } else {
            self.core.close_hooks.borrow_mut().push(Box::new(hook));
        }
    }

    /// A number for a new task, counting from 1 on each loop: asyncio's
    /// `Task-1`, `Task-2`, ... `spawn` and every other kind of
    /// `create_task` both take theirs from here.
    pub fn next_task_number(&self) -> u64 {
        let number = self.core.next_task.get();
        self.core.next_task.set(number + 1);
        number
    }

    /// A [`Scheduler`] that queues self-owning tasks on this loop from any
    /// thread.
    pub fn scheduler(&self) -> Scheduler {
        Scheduler::new(Arc::clone(&self.core.shared))
    }

    /// Queues `task` on the ready queue directly, if `shared` is this loop's
    /// and the queue is not borrowed; otherwise hands the task back.
    pub(crate) fn push_local(
        &self,
        shared: &Arc<Shared>,
        task: Arc<dyn Runnable>,
    ) -> Result<(), Arc<dyn Runnable>> {
        if !Arc::ptr_eq(shared, &self.core.shared) {
            return Err(task);
        }
        match self.core.ready.try_borrow_mut() {
            Ok(mut ready) => {
                ready.push_runnable(task);
                Ok(())
            }
            Err(_) => Err(task),
        }
    }

    /// Whether the ready queue can be pushed to now.
    pub(crate) fn ready_is_free(&self) -> bool {
        self.core.ready.try_borrow_mut().is_ok()
    }

    /// Pushes `task` onto the ready queue.
    pub(crate) fn push_ready(&self, task: Arc<dyn Runnable>) {
        self.core.ready.borrow_mut().push_runnable(task);
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.core.shared
    }
}

impl EventLoop {
    /// Runs a task queued through the [`Scheduler`]. Such a task catches
    /// its own panics; this catches one from a destructor it runs (its
    /// output's, say).
    #[inline(always)]
    pub(crate) fn run_scheduled(&self, task: Arc<dyn Runnable>) {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| task.run(self))) {
            self.report(PanicSource::Callback, payload);
        }
    }
}

/// A reference to a loop that does not keep it alive, from
/// [`EventLoop::downgrade`]. A future completed later holds one, to schedule
/// their done callbacks without keeping a dropped loop in memory.
#[derive(Clone)]
pub struct WeakEventLoop {
    core: Weak<Core>,
}

impl WeakEventLoop {
    /// The loop, if it still exists.
    pub fn upgrade(&self) -> Option<EventLoop> {
        self.core.upgrade().map(|core| EventLoop { core })
    }
}

impl fmt::Debug for WeakEventLoop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakEventLoop")
            .field("alive", &(self.core.strong_count() > 0))
            .finish()
    }
}

impl EventLoop {
    /// A reference to this loop that does not keep it alive.
    pub fn downgrade(&self) -> WeakEventLoop {
        WeakEventLoop { core: Rc::downgrade(&self.core) }
    }
}
