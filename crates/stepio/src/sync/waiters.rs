//! A FIFO list of waiting futures, shared by every primitive.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

// ANCHOR: waiter
/// Where a waiter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// In the list, waiting for its turn.
    Waiting,
    /// Taken off the list and handed what it waited for (a permit, an
    /// item, a signal): its next poll finishes. If it is dropped first, it
    /// must hand that on, or it would be lost.
    Notified,
}

/// One waiting future's slot: its waker, its state, and (for a queue) the
/// item handed to it or the item it brings.
pub(crate) struct Waiter<T> {
    pub(crate) state: Cell<State>,
    waker: RefCell<Option<Waker>>,
    pub(crate) item: RefCell<Option<T>>,
}

/// Waiters in arrival order: the first in is the first served.
pub(crate) struct WaitList<T> {
    waiters: VecDeque<Rc<Waiter<T>>>,
}
// ANCHOR_END: waiter

impl<T> Waiter<T> {
    pub(crate) fn new(item: Option<T>) -> Rc<Waiter<T>> {
        Rc::new(Waiter {
            state: Cell::new(State::Waiting),
            waker: RefCell::new(None),
            item: RefCell::new(item),
        })
    }

    /// Keeps `waker` to be woken when notified (cloned only if it changed).
    pub(crate) fn register(&self, waker: &Waker) {
        let mut current = self.waker.borrow_mut();
        if !current.as_ref().is_some_and(|current| current.will_wake(waker)) {
            *current = Some(waker.clone());
        }
    }

    pub(crate) fn is_notified(&self) -> bool {
        self.state.get() == State::Notified
    }
}

impl<T> WaitList<T> {
    pub(crate) fn new() -> WaitList<T> {
        WaitList { waiters: VecDeque::new() }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.waiters.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.waiters.len()
    }

    pub(crate) fn push(&mut self, waiter: Rc<Waiter<T>>) {
        self.waiters.push_back(waiter);
    }

    /// Takes the first waiter off the list and marks it notified; the
    /// caller hands it what it waited for, then calls [`wake`].
    pub(crate) fn pop(&mut self) -> Option<Rc<Waiter<T>>> {
        let waiter = self.waiters.pop_front()?;
        waiter.state.set(State::Notified);
        Some(waiter)
    }

    /// Takes a waiter that gave up off the list (a cancelled wait).
    pub(crate) fn remove(&mut self, waiter: &Rc<Waiter<T>>) {
        self.waiters.retain(|other| !Rc::ptr_eq(other, waiter));
    }
}

// ANCHOR: turn
/// A waiting future's place in a [`WaitList`]: empty until it gets in line.
/// Every waiting future of this module (acquire, wait, get, put, join)
/// keeps one.
pub(crate) struct Turn<T> {
    waiter: Option<Rc<Waiter<T>>>,
}

impl<T> Turn<T> {
    pub(crate) fn new() -> Turn<T> {
        Turn { waiter: None }
    }

    /// `None` if not in line yet. In line: `Ready` with what was handed
    /// (if anything) once notified, which ends the turn; otherwise
    /// `Pending`, with `cx`'s waker kept.
    pub(crate) fn poll(&mut self, cx: &Context<'_>) -> Option<Poll<Option<T>>> {
        let waiter = self.waiter.as_ref()?;
        if waiter.is_notified() {
            let item = waiter.item.borrow_mut().take();
            self.waiter = None;
            return Some(Poll::Ready(item));
        }
        waiter.register(cx.waker());
        Some(Poll::Pending)
    }

    /// Gets in line at the back of `list`, carrying `item` (a putter's).
    pub(crate) fn join(
        &mut self,
        list: &mut WaitList<T>,
        cx: &Context<'_>,
        item: Option<T>,
    ) {
        let waiter = Waiter::new(item);
        waiter.register(cx.waker());
        list.push(Rc::clone(&waiter));
        self.waiter = Some(waiter);
    }

    /// Whether it is in line (or notified and not yet polled).
    pub(crate) fn is_in_line(&self) -> bool {
        self.waiter.is_some()
    }

    /// Gives up the turn (the future is dropped): leaves `list` if still
    /// waiting. If it was notified, returns the waiter, whose caller must
    /// hand on what it was given (a permit, an item), or it is lost.
    pub(crate) fn cancel(&mut self, list: &mut WaitList<T>) -> Option<Rc<Waiter<T>>> {
        let waiter = self.waiter.take()?;
        match waiter.state.get() {
            State::Waiting => {
                list.remove(&waiter);
                None
            }
            State::Notified => Some(waiter),
        }
    }
}
// ANCHOR_END: turn

/// Wakes a notified waiter (after the primitive's borrow has ended).
pub(crate) fn wake<T>(waiter: &Waiter<T>) {
    let waker = waiter.waker.borrow_mut().take();
    if let Some(waker) = waker {
        waker.wake();
    }
}
