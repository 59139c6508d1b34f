//! Exercise ch03_level_and_slot: where does a timer go in the wheel?
//! (Reference solution.)

/// Slots per level.
pub const SLOTS: u64 = 64;
/// Levels in the wheel.
pub const LEVELS: u32 = 6;
/// Ticks the wheel can hold ahead of `elapsed`: 64^6.
pub const RANGE: u64 = 1 << (6 * LEVELS);

/// The `(level, slot)` in which a wheel at `elapsed` files a timer due at
/// `tick`.
pub fn level_and_slot(elapsed: u64, tick: u64) -> (u32, u64) {
    let tick = tick.clamp(elapsed, elapsed + (RANGE - 1));
    // The highest bit in which they differ; `| 63` puts "no difference" and
    // differences in the lowest digit on level 0.
    let highest_bit = 63 - ((elapsed ^ tick) | (SLOTS - 1)).leading_zeros();
    let level = (highest_bit / 6).min(LEVELS - 1);
    let slot = (tick >> (6 * level)) & (SLOTS - 1);
    (level, slot)
}
