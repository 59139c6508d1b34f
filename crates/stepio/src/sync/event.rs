//! `Event`: a flag that tasks wait for.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::waiters::{Turn, WaitList, wake};

struct Flag {
    set: bool,
    waiters: WaitList<()>,
}

// ANCHOR: event
/// A flag, as `asyncio.Event`: [`wait`](Event::wait) until it is
/// [`set`](Event::set). Setting it wakes every waiter; each of them
/// finishes even if the flag is cleared again before it runs. Clones share
/// the flag.
#[derive(Clone)]
pub struct Event {
    flag: Rc<RefCell<Flag>>,
}
// ANCHOR_END: event

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}

impl Event {
    /// A flag, not set.
    pub fn new() -> Event {
        Event {
            flag: Rc::new(RefCell::new(Flag { set: false, waiters: WaitList::new() })),
        }
    }

    /// Sets the flag and wakes every waiter, as `set()`.
    pub fn set(&self) {
        let mut woken = Vec::new();
        {
            let mut flag = self.flag.borrow_mut();
            flag.set = true;
            while let Some(waiter) = flag.waiters.pop() {
                woken.push(waiter);
            }
        }
        for waiter in &woken {
            wake(waiter);
        }
    }

    /// Clears the flag, as `clear()`.
    pub fn clear(&self) {
        self.flag.borrow_mut().set = false;
    }

    /// Whether it is set, as `is_set()`.
    pub fn is_set(&self) -> bool {
        self.flag.borrow().set
    }

    /// Waits until the flag is set (at once if it is), as `wait()`.
    pub fn wait(&self) -> EventWait {
        EventWait { event: self.clone(), turn: Turn::new() }
    }
}

/// The future of [`Event::wait`].
#[must_use = "futures do nothing unless awaited"]
pub struct EventWait {
    event: Event,
    turn: Turn<()>,
}

impl Future for EventWait {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        if let Some(poll) = this.turn.poll(cx) {
            return poll.map(drop);
        }
        if this.event.is_set() {
            return Poll::Ready(());
        }
        this.turn.join(&mut this.event.flag.borrow_mut().waiters, cx, None);
        Poll::Pending
    }
}

impl Drop for EventWait {
    fn drop(&mut self) {
        // Nothing to hand on: a set wakes every waiter.
        self.turn.cancel(&mut self.event.flag.borrow_mut().waiters);
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let flag = self.flag.borrow();
        f.debug_struct("Event")
            .field("set", &flag.set)
            .field("waiting", &flag.waiters.len())
            .finish()
    }
}

impl fmt::Debug for EventWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventWait").field("waiting", &self.turn.is_in_line()).finish()
    }
}
