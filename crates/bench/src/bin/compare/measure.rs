//! Taking turns, ratios with their spread, and a heap that counts.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// Times each runner `rounds` times, taking turns round by round (A B C A B
/// C ...) so that a slow stretch of a shared machine hits them all alike;
/// two untimed rounds each first. Returns, per runner, its times in ns per
/// op, one per round, in round order.
pub fn interleave(
    rounds: usize,
    ops: u64,
    runners: &mut [&mut dyn FnMut()],
) -> Vec<Vec<f64>> {
    for runner in runners.iter_mut() {
        runner();
        runner();
    }
    let mut times = vec![Vec::with_capacity(rounds); runners.len()];
    for _ in 0..rounds {
        for (runner, times) in runners.iter_mut().zip(&mut times) {
            let start = Instant::now();
            runner();
            times.push(start.elapsed().as_nanos() as f64 / ops as f64);
        }
    }
    times
}

/// The middle value (the upper one of an even count).
pub fn median(values: &[f64]) -> f64 {
    percentile(values, 0.5)
}

/// The value `p` of the way up the sorted values (nearest rank).
pub fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (p * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank]
}

/// A ratio measured round by round: its median, and the 10th and 90th
/// percentiles of the per-round ratios (the spread).
#[derive(Clone, Copy, Debug)]
pub struct Spread {
    pub median: f64,
    pub low: f64,
    pub high: f64,
}

impl Spread {
    /// `top[i] / bottom[i]` for each round `i`.
    pub fn of(top: &[f64], bottom: &[f64]) -> Spread {
        let ratios: Vec<f64> = top.iter().zip(bottom).map(|(t, b)| t / b).collect();
        Spread {
            median: median(&ratios),
            low: percentile(&ratios, 0.1),
            high: percentile(&ratios, 0.9),
        }
    }

    /// A ratio with no spread (an exact count, such as bytes).
    pub fn exact(ratio: f64) -> Spread {
        Spread { median: ratio, low: ratio, high: ratio }
    }

    pub fn show(&self) -> String {
        if self.low == self.high {
            format!("{:.2}x", self.median)
        } else {
            format!("{:.2}x ({:.2}-{:.2})", self.median, self.low, self.high)
        }
    }
}

/// The global allocator of `compare`: the system's, counting the bytes
/// and blocks allocated between a [`Mark`]'s start and finish (one relaxed load per
/// call otherwise). What malloc adds to each block is not counted, for
/// anyone.
pub struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static BLOCKS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method hands the call to `System` unchanged, whose contract
// is the one `GlobalAlloc` asks for; the counting touches only atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller keeps `alloc`'s contract; passed on as is.
        let block = unsafe { System.alloc(layout) };
        if COUNTING.load(Relaxed) && !block.is_null() {
            LIVE.fetch_add(layout.size() as isize, Relaxed);
            BLOCKS.fetch_add(1, Relaxed);
        }
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        if COUNTING.load(Relaxed) {
            LIVE.fetch_sub(layout.size() as isize, Relaxed);
        }
        // SAFETY: the caller keeps `dealloc`'s contract; passed on as is.
        unsafe { System.dealloc(block, layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        // SAFETY: the caller keeps `realloc`'s contract; passed on as is.
        let moved = unsafe { System.realloc(block, layout, size) };
        if COUNTING.load(Relaxed) && !moved.is_null() {
            LIVE.fetch_add(size as isize - layout.size() as isize, Relaxed);
            BLOCKS.fetch_add(1, Relaxed);
        }
        moved
    }
}

/// What the heap gained between [`Mark::start`] and [`Mark::finish`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Heap {
    /// Bytes allocated and not yet freed, per item.
    pub bytes: f64,
    /// Blocks allocated (reallocations included), per item.
    pub blocks: f64,
}

/// Where the count began.
pub struct Mark {
    bytes: isize,
    blocks: usize,
}

impl Mark {
    /// Turns counting on.
    pub fn start() -> Mark {
        let mark = Mark { bytes: LIVE.load(Relaxed), blocks: BLOCKS.load(Relaxed) };
        COUNTING.store(true, Relaxed);
        mark
    }

    /// Turns counting off: what the heap gained since `start`, per item
    /// of `items`.
    pub fn finish(self, items: usize) -> Heap {
        COUNTING.store(false, Relaxed);
        Heap {
            bytes: (LIVE.load(Relaxed) - self.bytes) as f64 / items as f64,
            blocks: (BLOCKS.load(Relaxed) - self.blocks) as f64 / items as f64,
        }
    }
}
