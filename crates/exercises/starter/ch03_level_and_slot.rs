//! Exercise ch03_level_and_slot: where does a timer go in the wheel?
//!
//! Read first: chapter 3 of the book, "The wheel" (`book/src/ch03-timers.md`).
//!
//! The wheel has 6 levels of 64 slots; a tick is 1 ms. Write a tick in base
//! 64: its digit `l` (bits `6*l .. 6*l + 6`) picks the slot on level `l`. A
//! timer due at `tick`, on a wheel whose current tick is `elapsed`, goes to
//! the level of the *highest* digit in which `tick` and `elapsed` differ
//! (level 0 if they differ in none), into the slot named by `tick`'s digit
//! at that level.
//!
//! Two edge rules: a `tick` before `elapsed` is filed as if it were
//! `elapsed` (it is due now); a `tick` more than `RANGE - 1` ticks after
//! `elapsed` is filed as if it were `elapsed + RANGE - 1`.
//! Check with `cargo exercises verify ch03_level_and_slot`.
#![allow(unused_variables, unused_mut, dead_code)]

/// Slots per level.
pub const SLOTS: u64 = 64;
/// Levels in the wheel.
pub const LEVELS: u32 = 6;
/// Ticks the wheel can hold ahead of `elapsed`: 64^6.
pub const RANGE: u64 = 1 << (6 * LEVELS);

/// The `(level, slot)` in which a wheel at `elapsed` files a timer due at
/// `tick`.
pub fn level_and_slot(elapsed: u64, tick: u64) -> (u32, u64) {
    todo!(
        "clamp the tick, find the highest differing base-64 digit, take the tick's digit there"
    )
}
