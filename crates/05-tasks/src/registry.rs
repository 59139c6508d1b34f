//! The registry: every unfinished task of one loop, so that closing the
//! loop can drop their futures, and so that `current_task` can find one.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::thread::{self, ThreadId};

use stepio_poll_loop::{EventLoop, Scheduler, WeakEventLoop};

use crate::task::LiveTask;

thread_local! {
    /// The registry slot of the task being polled on this thread.
    static CURRENT: Cell<u32> = const { Cell::new(NONE) };
}

const NONE: u32 = u32::MAX;

thread_local! {
    /// The registry `get_or_create` found last on this thread.
    static LAST: RefCell<Weak<Registry>> = const { RefCell::new(Weak::new()) };
}

/// Sets the task being polled (a registry slot), and returns the previous.
pub(crate) fn set_current(slot: u32) -> u32 {
    CURRENT.with(|current| current.replace(slot))
}

pub(crate) fn current_slot() -> Option<usize> {
    Some(CURRENT.with(Cell::get)).filter(|&slot| slot != NONE).map(|slot| slot as usize)
}

// ANCHOR: registry
/// The unfinished tasks of one loop, attached to it as an extension.
///
/// It holds one reference to each task until the task finishes, so that a
/// task's future is always dropped here, on the loop's thread: when the task
/// finishes, or when the loop closes (or is dropped) with the task pending.
pub(crate) struct Registry {
    slots: RefCell<Vec<Option<Arc<dyn LiveTask>>>>,
    free: RefCell<Vec<usize>>,
    pub(crate) scheduler: Scheduler,
    pub(crate) thread: ThreadId,
    pub(crate) event_loop: WeakEventLoop,
}
// ANCHOR_END: registry

impl Registry {
    /// The registry of `event_loop`, if a task was ever created on it.
    pub(crate) fn of(event_loop: &EventLoop) -> Option<Rc<Registry>> {
        event_loop.extension::<Registry>()
    }

    /// The registry of `event_loop`, created with its first task. The last
    /// one found is remembered per thread, so that spawning does not look
    /// through the loop's extensions each time.
    pub(crate) fn get_or_create(event_loop: &EventLoop) -> Rc<Registry> {
        // A registry still alive keeps its loop's scheduler alive, so no
        // other loop can share the scheduler that `is_for` compares.
        let last = LAST.with(|last| last.borrow().upgrade());
        if let Some(registry) =
            last.filter(|registry| registry.scheduler.is_for(event_loop))
        {
            return registry;
        }
        let registry = Registry::find_or_create(event_loop);
        LAST.with(|last| *last.borrow_mut() = Rc::downgrade(&registry));
        registry
    }

    fn find_or_create(event_loop: &EventLoop) -> Rc<Registry> {
        if let Some(registry) = Registry::of(event_loop) {
            return registry;
        }
        let registry = Rc::new(Registry {
            slots: RefCell::default(),
            free: RefCell::default(),
            scheduler: event_loop.scheduler(),
            thread: thread::current().id(),
            event_loop: event_loop.downgrade(),
        });
        event_loop.insert_extension(Rc::clone(&registry));
        let on_close = Rc::clone(&registry);
        event_loop.on_close(move || on_close.abandon_all());
        registry
    }

    /// Keeps `task` until [`remove`](Registry::remove); records its slot.
    /// Inlined into `spawn`: as a call, the fat `Arc` went through memory,
    /// and spawning measured 9% slower with the same instruction count.
    #[inline(always)]
    pub(crate) fn insert(&self, task: Arc<dyn LiveTask>) {
        let mut slots = self.slots.borrow_mut();
        let slot = match self.free.borrow_mut().pop() {
            Some(slot) => slot,
            None => {
                slots.push(None);
                slots.len() - 1
            }
        };
        task.header().slot.set(u32::try_from(slot).expect("fewer than 2^32 live tasks"));
        slots[slot] = Some(task);
    }

    /// Lets go of a finished task. The caller still holds a reference, so
    /// nothing is dropped inside the borrow.
    pub(crate) fn remove(&self, slot: usize) {
        let task = self.slots.borrow_mut().get_mut(slot).and_then(Option::take);
        if task.is_some() {
            self.free.borrow_mut().push(slot);
        }
        drop(task);
    }

    /// The unfinished task in `slot`.
    pub(crate) fn get(&self, slot: usize) -> Option<Arc<dyn LiveTask>> {
        self.slots.borrow().get(slot)?.clone()
    }

    /// How many tasks have not finished.
    pub(crate) fn len(&self) -> usize {
        self.slots.borrow().len() - self.free.borrow().len()
    }

    /// Drops the future of every unfinished task: the loop is closing.
    fn abandon_all(&self) {
        // Taken out first: a future's destructor may create or cancel tasks.
        loop {
            let tasks: Vec<_> = self.slots.borrow_mut().drain(..).flatten().collect();
            self.free.borrow_mut().clear();
            if tasks.is_empty() {
                return;
            }
            for task in &tasks {
                task.abandon();
            }
        }
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        // A loop dropped without `close` drops its tasks' futures here.
        self.abandon_all();
    }
}
