//! The ready list: one waker per child, and the children woken since the
//! parent last looked.
//!
//! ```text
//!   child 0 waker --+
//!   child 1 waker --+--> Shared (one Mutex)            ReadyList (parent only)
//!   child 2 waker --+     woken: [2, 0]   --refill-->   local: [2, 0]
//!        ...              queued: bit per child           pop() -> 2, then 0
//!                         parent: Waker  <-- woken when `woken` goes from
//!                                            empty to non-empty
//! ```
//!
//! A child's waker records the child's index and wakes the parent. The
//! parent (gather, wait, as_completed) pops indices and polls just those
//! children. So a wake costs one push, and a parent poll costs one look at
//! each child that was woken: never a pass over all of them.

use std::collections::VecDeque;
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Wake, Waker};

// ANCHOR: ready_list
/// The indices of the children woken since the parent last looked, and one
/// waker per child that adds its index.
///
/// All children start woken, so that the parent's first poll polls each
/// once. After that, [`pop`](ReadyList::pop) gives only children that
/// were woken. Wakers may be called from any thread.
pub struct ReadyList {
    /// Shared with every child's waker.
    shared: Arc<Shared>,
    /// `wakers[i]` is child `i`'s waker, made once.
    wakers: Vec<Waker>,
    /// The children not yet polled at all: popped first, in order, without
    /// filling a queue with every index.
    fresh: Range<usize>,
    /// Indices taken from `shared` and not yet popped; only the parent
    /// touches this, without a lock.
    local: VecDeque<usize>,
}

struct Shared {
    state: Mutex<State>,
}

struct State {
    /// Children woken since the last refill, in the order of their wakes.
    woken: Vec<usize>,
    /// `queued[i]`: child `i` is in `woken` already; a second wake before
    /// the parent looks adds nothing.
    queued: Vec<bool>,
    /// Woken when `woken` stops being empty.
    parent: Option<Waker>,
    /// The parent is gone: wakes do nothing.
    closed: bool,
}

/// Child `index`'s waker.
struct ChildWaker {
    index: usize,
    shared: Arc<Shared>,
}
// ANCHOR_END: ready_list

// ANCHOR: child_wake
impl Wake for ChildWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let parent = {
            let mut state =
                self.shared.state.lock().unwrap_or_else(PoisonError::into_inner);
            if state.closed || state.queued[self.index] {
                return;
            }
            state.queued[self.index] = true;
            state.woken.push(self.index);
            // Only the first wake after a refill wakes the parent: it takes
            // every index at once, so later ones ride along.
            if state.woken.len() == 1 { state.parent.clone() } else { None }
        };
        // Outside the lock: waking the parent may take other locks.
        if let Some(parent) = parent {
            parent.wake();
        }
    }
}
// ANCHOR_END: child_wake

impl ReadyList {
    /// A ready list for `len` children, all of them woken.
    pub fn new(len: usize) -> ReadyList {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                woken: Vec::new(),
                queued: vec![false; len],
                parent: None,
                closed: false,
            }),
        });
        let wakers = (0..len)
            .map(|index| {
                Waker::from(Arc::new(ChildWaker { index, shared: Arc::clone(&shared) }))
            })
            .collect();
        ReadyList { shared, wakers, fresh: 0..len, local: VecDeque::new() }
    }

    /// How many children the list was made for.
    pub fn len(&self) -> usize {
        self.wakers.len()
    }

    /// Whether it was made for no children.
    pub fn is_empty(&self) -> bool {
        self.wakers.is_empty()
    }

    /// Child `index`'s waker: poll child `index` with a context made from it.
    ///
    /// # Panics
    ///
    /// If `index` is not below [`len`](ReadyList::len).
    pub fn waker(&self, index: usize) -> &Waker {
        &self.wakers[index]
    }

    // ANCHOR: pop
    /// The next woken child taken by the last [`refill`](ReadyList::refill)
    /// (or one of the children at the start), or `None` when there is none
    /// left.
    pub fn pop(&mut self) -> Option<usize> {
        self.fresh.next().or_else(|| self.local.pop_front())
    }

    /// Takes the children woken since the last refill, and makes `parent`
    /// the waker to wake at the next child's wake.
    ///
    /// A parent that is about to return `Pending` must have refilled, and
    /// then popped until `None`, during that poll: otherwise a wake that
    /// came before the refill would be lost.
    pub fn refill(&mut self, parent: &Waker) {
        let mut state = self.shared.state.lock().unwrap_or_else(PoisonError::into_inner);
        if !state.parent.as_ref().is_some_and(|current| current.will_wake(parent)) {
            state.parent = Some(parent.clone());
        }
        let State { woken, queued, .. } = &mut *state;
        for &index in woken.iter() {
            // A wake from now on queues the child again.
            queued[index] = false;
        }
        self.local.extend(woken.drain(..));
    }
    // ANCHOR_END: pop
}

impl Drop for ReadyList {
    fn drop(&mut self) {
        // A child may outlive its parent (a task handed back by `wait`) and
        // still hold its waker; its wake must not reach a parent that moved on.
        let mut state = self.shared.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.closed = true;
        state.parent = None;
    }
}

impl fmt::Debug for ReadyList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadyList")
            .field("children", &self.wakers.len())
            .field("popped_next", &(self.fresh.len() + self.local.len()))
            .finish_non_exhaustive()
    }
}
