//! Exercise ch03_generations: keys that cannot cancel the wrong timer.
//! (Reference solution.)

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
        let index = match self.free.pop() {
            Some(index) => index,
            None => {
                self.entries.push(Entry { generation: 0, value: None });
                self.entries.len() - 1
            }
        };
        let entry = &mut self.entries[index];
        entry.value = Some(value);
        Key { index, generation: entry.generation }
    }

    /// The value named by `key`, if it is still there.
    pub fn get(&self, key: Key) -> Option<&T> {
        let entry = self.entries.get(key.index)?;
        if entry.generation == key.generation { entry.value.as_ref() } else { None }
    }

    /// Takes out the value named by `key`; `None` (and no change) for a
    /// stale key.
    pub fn remove(&mut self, key: Key) -> Option<T> {
        let entry = self.entries.get_mut(key.index)?;
        if entry.generation != key.generation {
            return None;
        }
        let value = entry.value.take()?;
        entry.generation = entry.generation.wrapping_add(1);
        self.free.push(key.index);
        Some(value)
    }
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab::new()
    }
}
