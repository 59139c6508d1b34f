//! Chapter 3, step 1: timers in a `Vec` kept sorted by deadline. The next
//! timer due is at the front, found at once; but every insert and every
//! cancel shifts the entries behind it.
//!
//! The deadlines come from a fixed pseudo-random sequence, so the counts
//! printed are the same on every run.

// ANCHOR: sorted
/// Timers as `(deadline in ms, id)`, sorted; counts the entries moved.
#[derive(Default)]
struct SortedTimers {
    timers: Vec<(u64, u64)>,
    moved: u64,
}

impl SortedTimers {
    fn insert(&mut self, deadline: u64, id: u64) {
        let at = self.timers.partition_point(|&timer| timer < (deadline, id));
        self.moved += (self.timers.len() - at) as u64;
        self.timers.insert(at, (deadline, id));
    }

    fn cancel(&mut self, deadline: u64, id: u64) {
        if let Ok(at) = self.timers.binary_search(&(deadline, id)) {
            self.moved += (self.timers.len() - at - 1) as u64;
            self.timers.remove(at);
        }
    }
}
// ANCHOR_END: sorted

/// A small linear congruential generator: the same deadlines every run.
fn deadlines(seed: u64) -> impl Iterator<Item = u64> {
    let mut state = seed;
    std::iter::repeat_with(move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        1 + (state >> 33) % 100_000
    })
}

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() {
    let mut timers = SortedTimers::default();
    for (id, deadline) in deadlines(1).take(100_000).enumerate() {
        timers.insert(deadline, id as u64);
    }
    // 1,000 timeouts that are set and then cancelled, as a server's are.
    let extra: Vec<(u64, u64)> = deadlines(2).zip(100_000..101_000).collect();
    timers.moved = 0;
    extra.iter().for_each(|&(deadline, id)| timers.insert(deadline, id));
    let per_insert = timers.moved / 1_000;
    timers.moved = 0;
    extra.iter().for_each(|&(deadline, id)| timers.cancel(deadline, id));
    let per_cancel = timers.moved / 1_000;
    println!("100000 live timers in a sorted Vec");
    println!("an insert moved {per_insert} entries on average, a cancel {per_cancel}");
}
// ANCHOR_END: main
