//! Exercise ch08_latch: a count-down latch on `Event`, which tasks wait on
//! until a count of things has happened.
//!
//! Read first: chapter 8 of the book, "Event" (`book/src/ch08-capstone.md`).
//!
//! A latch starts at a count. Each `count_down` takes one off; when the
//! count reaches zero the latch opens for good: every task waiting in
//! `wait` goes on, and a task that waits later goes on at once. Build it on
//! `stepio::sync::Event`, with the count in a `Cell` (like the primitives of
//! `stepio::sync`, a latch belongs to one loop's thread). A latch made with
//! a count of 0 is open from the start. A `count_down` on an open latch is
//! harmless: it does nothing, and the count stays at 0.
//! Check with `cargo exercises verify ch08_latch`.

use std::cell::Cell;

use stepio::sync::Event;

/// A count-down latch, as Java's `CountDownLatch`: tasks wait until
/// [`count_down`](Latch::count_down) has been called `count` times.
#[derive(Debug)]
pub struct Latch {
    /// How many `count_down`s are still missing.
    count: Cell<usize>,
    /// Set when the count reaches zero, and never cleared.
    opened: Event,
}

impl Latch {
    /// A latch that opens after `count` calls to `count_down`; open at once
    /// if `count` is 0.
    pub fn new(count: usize) -> Latch {
        let opened = Event::new();
        if count == 0 {
            opened.set();
        }
        Latch { count: Cell::new(count), opened }
    }

    /// How many `count_down`s are still missing: 0 once it is open.
    pub fn count(&self) -> usize {
        self.count.get()
    }

    /// Takes one off the count, and opens the latch when it reaches zero.
    /// On an open latch, does nothing.
    pub fn count_down(&self) {
        match self.count.get() {
            // Open already: the event is set, and stays set.
            0 => {}
            1 => {
                self.count.set(0);
                // Wakes every waiter; each of them finishes at its next poll.
                self.opened.set();
            }
            count => self.count.set(count - 1),
        }
    }

    /// Waits until the latch is open (at once if it is).
    pub async fn wait(&self) {
        self.opened.wait().await;
    }
}
