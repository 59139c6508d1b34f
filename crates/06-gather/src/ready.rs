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
//!
//! The wakers take no allocation each: every child's waker points at its
//! entry in one array kept in the shared part (see `raw waker` below), so
//! a gathered child costs the allocation of its task and nothing more.

use std::collections::VecDeque;
use std::fmt;
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{RawWaker, RawWakerVTable, Waker};

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
    /// One entry per child: what child `i`'s waker points at.
    entries: Box<[Entry]>,
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

/// What child `index`'s waker points at: its index, and the way back to
/// the shared part that holds this entry.
struct Entry {
    index: usize,
    shared: *const Shared,
}
// ANCHOR_END: ready_list

// SAFETY: `shared` is only read, to reach a `Shared`, which is `Sync` (a
// `Mutex` and entries like this one); a waker on any thread does that.
unsafe impl Send for Entry {}
// SAFETY: as for `Send`: nothing is written through `&Entry`.
unsafe impl Sync for Entry {}

// ANCHOR: child_wake
impl Shared {
    /// What child `index`'s waker does when called.
    fn wake(&self, index: usize) {
        let parent = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            if state.closed || state.queued[index] {
                return;
            }
            state.queued[index] = true;
            state.woken.push(index);
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

// ANCHOR: raw_waker
/// A child's waker is a pointer to its [`Entry`], and holds one count of
/// the `Arc<Shared>` the entry lives in: `std`'s `Waker::from(Arc<W>)`
/// would need an allocation per child, this needs none.
static CHILD_WAKER: RawWakerVTable =
    RawWakerVTable::new(clone_waker, wake, wake_by_ref, drop_waker);

/// # Safety
///
/// `data` points at an `Entry` of a live `Shared`, on which the waker
/// being cloned holds a count (true of every waker made here).
unsafe fn clone_waker(data: *const ()) -> RawWaker {
    // SAFETY: by this function's contract, the entry and its `Shared` are
    // alive, and `shared` came from `Arc::as_ptr` (see `ReadyList::new`).
    unsafe { Arc::increment_strong_count((*data.cast::<Entry>()).shared) };
    RawWaker::new(data, &CHILD_WAKER)
}

/// # Safety
///
/// As [`clone_waker`]; the waker's count is given up.
unsafe fn wake(data: *const ()) {
    // SAFETY: the waker is alive until `drop_waker`, which comes last.
    unsafe {
        wake_by_ref(data);
        drop_waker(data);
    }
}

/// # Safety
///
/// As [`clone_waker`].
unsafe fn wake_by_ref(data: *const ()) {
    // SAFETY: the waker's count keeps the `Shared`, and so the entry, alive.
    let entry = unsafe { &*data.cast::<Entry>() };
    // SAFETY: the same count keeps `*entry.shared` alive.
    unsafe { (*entry.shared).wake(entry.index) };
}

/// # Safety
///
/// As [`clone_waker`]; the waker is not used again.
unsafe fn drop_waker(data: *const ()) {
    // SAFETY: the entry is alive until the count is given back, and is not
    // touched after: the decrement may free it.
    unsafe {
        let shared = (*data.cast::<Entry>()).shared;
        Arc::decrement_strong_count(shared);
    }
}
// ANCHOR_END: raw_waker

impl ReadyList {
    /// A ready list for `len` children, all of them woken.
    pub fn new(len: usize) -> ReadyList {
        let shared = Arc::new_cyclic(|shared| Shared {
            state: Mutex::new(State {
                woken: Vec::new(),
                queued: vec![false; len],
                parent: None,
                closed: false,
            }),
            // `as_ptr` is where the `Shared` will be once made.
            entries: (0..len)
                .map(|index| Entry { index, shared: shared.as_ptr() })
                .collect(),
        });
        let wakers = shared
            .entries
            .iter()
            .map(|entry| {
                // Each waker holds a count of `shared`, given back when the
                // waker is dropped.
                let counted = Arc::into_raw(Arc::clone(&shared));
                debug_assert_eq!(counted, entry.shared);
                let data = std::ptr::from_ref(entry).cast::<()>();
                // SAFETY: `data` points at an entry of `shared`, and the waker
                // owns the count just taken: what the vtable's functions ask.
                unsafe { Waker::from_raw(RawWaker::new(data, &CHILD_WAKER)) }
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
