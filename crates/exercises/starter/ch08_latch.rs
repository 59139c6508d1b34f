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
#![allow(unused_variables, unused_mut, unused_imports, dead_code)]

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
        todo!("keep the count and a new Event; a latch of 0 is open already")
    }

    /// How many `count_down`s are still missing: 0 once it is open.
    pub fn count(&self) -> usize {
        todo!("read the count")
    }

    /// Takes one off the count, and opens the latch when it reaches zero.
    /// On an open latch, does nothing.
    pub fn count_down(&self) {
        todo!("take one off, never below 0; set the event when it reaches 0")
    }

    /// Waits until the latch is open (at once if it is).
    pub async fn wait(&self) {
        todo!("wait for the event")
    }
}
