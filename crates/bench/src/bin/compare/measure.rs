//! The heap that counts: `compare`'s global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering::Relaxed};

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
