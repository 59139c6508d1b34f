//! Chapter 3, step 2: timers in a binary heap, as asyncio keeps them. An
//! insert is cheap; popping the next timer due costs O(log n); and a heap
//! cannot remove what is not on top, so a cancel either leaves a dead
//! entry behind (asyncio's choice) or searches the whole heap.

use std::cell::Cell;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

thread_local! {
    /// How many times two timers were compared.
    static COMPARISONS: Cell<u64> = const { Cell::new(0) };
}

// ANCHOR: timer
/// A timer as `(deadline in ms, id)`, counting every comparison.
#[derive(PartialEq, Eq)]
struct Timer(u64, u64);

impl Ord for Timer {
    fn cmp(&self, other: &Self) -> Ordering {
        COMPARISONS.with(|count| count.set(count.get() + 1));
        (self.0, self.1).cmp(&(other.0, other.1))
    }
}
// ANCHOR_END: timer

impl PartialOrd for Timer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The same pseudo-random deadlines as step 1.
fn deadlines(seed: u64) -> impl Iterator<Item = u64> {
    let mut state = seed;
    std::iter::repeat_with(move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        1 + (state >> 33) % 100_000
    })
}

/// Comparisons made by `work`, divided by `per`.
fn comparisons(per: u64, work: impl FnOnce()) -> u64 {
    let before = COMPARISONS.with(Cell::get);
    work();
    (COMPARISONS.with(Cell::get) - before) / per
}

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() {
    let mut heap = BinaryHeap::new();
    for (id, deadline) in deadlines(1).take(100_000).enumerate() {
        heap.push(Reverse(Timer(deadline, id as u64)));
    }
    let extra: Vec<(u64, u64)> = deadlines(2).zip(100_000..101_000).collect();
    let per_insert = comparisons(1_000, || {
        extra.iter().for_each(|&(deadline, id)| heap.push(Reverse(Timer(deadline, id))));
    });
    let per_pop = comparisons(1_000, || {
        (0..1_000).for_each(|_| {
            heap.pop();
        })
    });
    // Cancelling eagerly: the heap has no `remove`, so keep all but one:
    // every entry is looked at, and the heap is rebuilt.
    let visited = heap.len();
    let rebuild = comparisons(1, || {
        let (deadline, id) = extra[0];
        heap.retain(|Reverse(timer)| (timer.0, timer.1) != (deadline, id));
    });
    println!("100000 live timers in a binary heap");
    println!("an insert made {per_insert} comparisons on average");
    println!("a pop of the next timer due made {per_pop}");
    println!("a cancel done lazily leaves a dead entry in the heap until its deadline;");
    println!("done eagerly, it looked at all {visited} entries and rebuilt the heap");
    println!("with {rebuild} comparisons");
}
// ANCHOR_END: main
