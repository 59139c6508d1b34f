//! Chapter 3: T3's `count_down`, run one after the other.
//!
//! Each `count_down` counts 3, 2, 1, waiting `delay` before each count.
//! This first version waits with a blocking sleep, so the three run in
//! sequence: A's 3 s, then B's 2.4 s, then C's 1.5 s, about 6.9 s in all.
//! `ch03_count_down` runs the same three on the loop's timers instead.

use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: count_down
/// Counts down from 3, sleeping `delay` seconds before each count, and
/// prints each count one tab further right per letter after A.
pub fn count_down(name: char, delay: f64, start: Instant) {
    let indent = "\t".repeat(name as usize - 'A' as usize);
    for n in (1..=3).rev() {
        thread::sleep(Duration::from_secs_f64(delay)); // blocks the thread
        // One `println!` for both lines: it holds stdout's lock throughout,
        // so that counts printed from several threads (chapter 7) never mix.
        let elapsed = start.elapsed().as_secs_f64();
        println!("{}\n{elapsed:.4} \t{indent}{name} = {n}", "-".repeat(40));
    }
}
// ANCHOR_END: count_down

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() {
    let start = Instant::now();
    count_down('A', 1.0, start);
    count_down('B', 0.8, start);
    count_down('C', 0.5, start);
    println!("{}", "-".repeat(40));
    println!("Done in {:.4} s", start.elapsed().as_secs_f64());
}
// ANCHOR_END: main
