//! Exercise ch03_generations: keys that cannot cancel the wrong timer.
//!
//! Read first: chapter 3 of the book, "Keys and generations"
//! (`book/src/ch03-timers.md`).
//!
//! The wheel keeps its timers in a slab: a `Vec` of entries and a list of
//! the free ones, reused by the next insert. A key is the entry's index, so
//! after a timer fires and its entry is reused, the old key would name the
//! new timer: cancelling a sleep that already finished would cancel someone
//! else's. The fix is a generation per entry, bumped each time the entry is
//! freed, and kept in the key too: a key only counts if the generations
//! match.
//!
//! Complete `insert`, `get` and `remove`. Freed entries must be reused (the
//! tests check that the slab does not grow).
//! Check with `cargo exercises verify ch03_generations`.
#![allow(unused_variables, unused_mut, dead_code)]

/// Names one value in a [`Slab`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    index: usize,
    generation: u32,
}

#[derive(Debug)]
struct Entry<T> {
    generation: u32,
    /// `None` when the entry is free.
    value: Option<T>,
}

/// A slab whose keys go stale when their value is removed.
#[derive(Debug)]
pub struct Slab<T> {
    entries: Vec<Entry<T>>,
    /// Indexes of free entries, to reuse.
    free: Vec<usize>,
}

impl<T> Slab<T> {
    /// An empty slab.
    pub fn new() -> Slab<T> {
        Slab { entries: Vec::new(), free: Vec::new() }
    }

    /// How many entries the slab has, free or not.
    pub fn capacity(&self) -> usize {
        self.entries.len()
    }

    /// Stores `value` (in a free entry if there is one) and returns its key.
    pub fn insert(&mut self, value: T) -> Key {
        todo!(
            "reuse an entry from self.free, or push a new one; the key carries the entry's generation"
        )
    }

    /// The value named by `key`, if it is still there.
    pub fn get(&self, key: Key) -> Option<&T> {
        todo!("only if the entry's generation is the key's")
    }

    /// Takes out the value named by `key`; `None` (and no change) for a
    /// stale key.
    pub fn remove(&mut self, key: Key) -> Option<T> {
        todo!("check the generation, take the value, bump the generation, free the entry")
    }
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab::new()
    }
}
