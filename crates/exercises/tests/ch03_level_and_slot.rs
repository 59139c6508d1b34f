//! The checks of exercise `ch03_level_and_slot`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch03_level_and_slot.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use crate::ch03_level_and_slot::{RANGE, level_and_slot};

#[test]
fn level_edges_from_zero() {
    assert_eq!(level_and_slot(0, 0), (0, 0));
    assert_eq!(level_and_slot(0, 63), (0, 63));
    assert_eq!(level_and_slot(0, 64), (1, 1));
    assert_eq!(level_and_slot(0, 4_095), (1, 63));
    assert_eq!(level_and_slot(0, 4_096), (2, 1));
    assert_eq!(level_and_slot(0, (1 << 30) - 1), (4, 63));
    assert_eq!(level_and_slot(0, 1 << 30), (5, 1));
    assert_eq!(level_and_slot(0, RANGE - 1), (5, 63));
}

#[test]
fn it_is_the_difference_with_elapsed_that_counts_not_the_distance() {
    // 27 ticks ahead, but across a multiple of 64: level 1.
    assert_eq!(level_and_slot(100, 127), (0, 63));
    assert_eq!(level_and_slot(100, 128), (1, 2));
    // 4,000 ticks ahead, inside the same 4,096-block: still level 1.
    assert_eq!(level_and_slot(4_096, 8_095), (1, 62));
}

#[test]
fn the_past_is_now_and_the_far_future_is_clamped() {
    assert_eq!(level_and_slot(1_000, 3), level_and_slot(1_000, 1_000));
    assert_eq!(level_and_slot(0, RANGE), (5, 63));
    assert_eq!(level_and_slot(0, u64::MAX), (5, 63));
    // Clamped across a multiple of 2^36: the top level, not a seventh.
    let elapsed = RANGE - 10;
    assert_eq!(level_and_slot(elapsed, elapsed + 20), (5, 0));
    // Clamped to the last tick the wheel can hold, whose top digit is not
    // the one of `u64::MAX`: every bit above the wheel's 36 counts too.
    assert_eq!(level_and_slot(elapsed, u64::MAX), (5, 63));
}

/// The definition itself, checked on many pairs: the slot is the tick's
/// digit at the level; above the level the digits agree; at the level
/// (above level 0) they differ.
#[test]
fn every_answer_fits_the_definition() {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for _ in 0..100_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let elapsed = state % (1 << 40);
        let tick = elapsed + (state >> 24) % (1u64 << (6 * (1 + state % 6)));
        if tick - elapsed >= RANGE || (elapsed ^ tick) >> 36 != 0 {
            continue;
        }
        let (level, slot) = level_and_slot(elapsed, tick);
        let shift = 6 * level;
        assert_eq!(slot, (tick >> shift) & 63, "slot for ({elapsed}, {tick})");
        assert_eq!(
            elapsed >> (shift + 6),
            tick >> (shift + 6),
            "level too low for ({elapsed}, {tick})"
        );
        if level > 0 {
            assert_ne!(
                (elapsed >> shift) & 63,
                slot,
                "level too high for ({elapsed}, {tick})"
            );
        }
    }
}
