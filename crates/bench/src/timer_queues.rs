//! The timer queues the wheel is measured against, behind one trait.
//!
//! - [`LazyHeap`]: asyncio's design. A binary heap ordered by deadline; a
//!   cancelled timer stays in the heap, flagged, until it reaches the top or
//!   until more than half the heap is cancelled, when the heap is rebuilt.
//! - [`SortedMap`]: a `BTreeMap` keyed by (deadline, insertion number); cancel
//!   removes the key.
//! - [`TimerWheel`]: stage 3's wheel.
//!
//! Deadlines are nanoseconds since an origin; values are `u32` ids.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::time::Duration;

use stepio_timer_wheel::{TimerKey, TimerWheel};

/// What every benchmarked timer queue can do.
pub trait TimerQueue {
    /// What `insert` returns, to cancel with.
    type Key: Copy;
    /// Adds timer `id`, due at `deadline` ns.
    fn insert(&mut self, deadline: u64, id: u32) -> Self::Key;
    /// Cancels a waiting timer.
    fn cancel(&mut self, key: Self::Key);
    /// Appends the ids of every timer due by `now` ns, in deadline order.
    fn advance(&mut self, now: u64, fired: &mut Vec<u32>);
}

impl TimerQueue for TimerWheel<u32> {
    type Key = TimerKey;

    fn insert(&mut self, deadline: u64, id: u32) -> TimerKey {
        TimerWheel::insert(self, Duration::from_nanos(deadline), id)
    }

    fn cancel(&mut self, key: TimerKey) {
        TimerWheel::cancel(self, key);
    }

    fn advance(&mut self, now: u64, fired: &mut Vec<u32>) {
        TimerWheel::advance(self, Duration::from_nanos(now), fired);
    }
}

/// asyncio's timer queue: a heap with lazy cancellation.
#[derive(Debug, Default)]
pub struct LazyHeap {
    heap: BinaryHeap<Reverse<(u64, u64, u32, u32)>>,
    /// Per slot: the insertion number of the timer there, and whether it
    /// was cancelled. Cancelling a stale slot does nothing.
    slots: Vec<(u64, bool)>,
    free: Vec<u32>,
    cancelled: usize,
    seq: u64,
}

impl TimerQueue for LazyHeap {
    type Key = (u32, u64);

    fn insert(&mut self, deadline: u64, id: u32) -> (u32, u64) {
        let seq = self.seq;
        self.seq += 1;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = (seq, false);
                slot
            }
            None => {
                self.slots.push((seq, false));
                (self.slots.len() - 1) as u32
            }
        };
        self.heap.push(Reverse((deadline, seq, slot, id)));
        (slot, seq)
    }

    fn cancel(&mut self, (slot, seq): (u32, u64)) {
        let state = &mut self.slots[slot as usize];
        if state.0 != seq || state.1 {
            return;
        }
        state.1 = true;
        self.cancelled += 1;
        // asyncio rebuilds when over half the heap is cancelled timers.
        if self.cancelled * 2 > self.heap.len() && self.heap.len() > 100 {
            let slots = &self.slots;
            let free = &mut self.free;
            self.heap.retain(|&Reverse((_, seq, slot, _))| {
                let keep = slots[slot as usize] == (seq, false);
                if !keep {
                    free.push(slot);
                }
                keep
            });
            self.cancelled = 0;
        }
    }

    fn advance(&mut self, now: u64, fired: &mut Vec<u32>) {
        while let Some(&Reverse((deadline, seq, slot, id))) = self.heap.peek() {
            if deadline > now {
                break;
            }
            self.heap.pop();
            if self.slots[slot as usize] == (seq, true) {
                self.cancelled -= 1;
            } else {
                fired.push(id);
            }
            self.slots[slot as usize].0 = u64::MAX;
            self.free.push(slot);
        }
    }
}

/// A sorted map of (deadline, insertion number) to id.
#[derive(Debug, Default)]
pub struct SortedMap {
    map: BTreeMap<(u64, u64), u32>,
    seq: u64,
}

impl TimerQueue for SortedMap {
    type Key = (u64, u64);

    fn insert(&mut self, deadline: u64, id: u32) -> (u64, u64) {
        let key = (deadline, self.seq);
        self.seq += 1;
        self.map.insert(key, id);
        key
    }

    fn cancel(&mut self, key: (u64, u64)) {
        self.map.remove(&key);
    }

    fn advance(&mut self, now: u64, fired: &mut Vec<u32>) {
        while let Some(entry) = self.map.first_entry() {
            if entry.key().0 > now {
                break;
            }
            fired.push(entry.remove());
        }
    }
}

/// `n` deadlines spread over `0..span_ns`, the same on every run.
pub fn spread_deadlines(n: usize, span_ns: u64) -> Vec<u64> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % span_ns
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The baselines must fire what the wheel fires, or the comparison
    /// measures different work.
    fn fire_order<Q: TimerQueue>(mut queue: Q) -> Vec<u32> {
        let deadlines = spread_deadlines(5_000, 2_000_000_000);
        let keys: Vec<Q::Key> = deadlines
            .iter()
            .enumerate()
            .map(|(id, &deadline)| queue.insert(deadline, id as u32))
            .collect();
        for key in keys.iter().step_by(3) {
            queue.cancel(*key);
        }
        let mut fired = Vec::new();
        let mut now = 0;
        while now <= 2_000_000_000 {
            queue.advance(now, &mut fired);
            now += 1_000_000;
        }
        fired
    }

    #[test]
    fn every_queue_fires_the_same_timers_in_the_same_order() {
        let wheel = fire_order(TimerWheel::new());
        assert_eq!(wheel.len(), 5_000 - 5_000_usize.div_ceil(3));
        assert_eq!(fire_order(SortedMap::default()), wheel);
        assert_eq!(fire_order(LazyHeap::default()), wheel);
    }
}
