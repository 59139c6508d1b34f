//! `TimerWheel`: a hierarchical timing wheel, as a pure data structure.
//!
//! The wheel has no clock. Every deadline, and every "now", is a [`Duration`]
//! since an origin the caller chooses (the loop uses the moment it was
//! created). So the same calls always give the same results, and the tests
//! can drive it through years of virtual time in milliseconds of real time.
//!
//! # Shape
//!
//! Time is cut into ticks of 1 ms. Level 0 has 64 slots of one tick each;
//! each slot of level 1 spans 64 ticks, of level 2, 64 × 64 ticks, and so on
//! up to level 5, whose slots span 2^30 ticks (12.4 days): 2^36 ms, about
//! 2.2 years, in all. A timer goes to the level of the highest base-64 digit
//! in which its tick differs from the wheel's current tick, in the slot that
//! digit names. When the wheel reaches a slot of level 1 or above, it
//! *cascades* the slot: each timer in it moves down to a finer level. When it
//! reaches a slot of level 0, the timers in it are due.
//!
//! Each level keeps a 64-bit word with a bit per occupied slot, so finding
//! the next occupied slot is a mask and a `trailing_zeros`, however many
//! timers there are. Timers live in a slab (a `Vec` with a free list) and
//! each slot is a doubly linked list threaded through the slab by index:
//! inserting and cancelling are O(1) and allocate nothing once the slab has
//! grown. Each slab entry has a generation, bumped when the entry is freed,
//! so a [`TimerKey`] of a timer that fired or was cancelled can never cancel
//! a later timer that reuses the entry.
//!
//! # Exact deadlines
//!
//! The wheel files a timer by its tick, but keeps its exact deadline, to the
//! nanosecond. A timer fires when `now` has reached its deadline, not when
//! the wheel has reached its tick: never early, and not up to a tick late
//! either. [`next_deadline`](TimerWheel::next_deadline) reports the exact
//! deadline too, so a loop can sleep until the very instant.
//!
//! # Far deadlines
//!
//! A deadline more than the wheel's range ahead (2^36 ms, about 2.2 years) is
//! filed in the slot of level 5 that the wheel reaches last, and filed again
//! from there when the wheel gets to it, until it is in range. A deadline
//! beyond `u64::MAX` nanoseconds from the origin (about 584 years, so
//! `Duration::MAX` too) is treated as exactly that far: it never overflows or
//! panics, and in practice never fires.

use std::fmt;
use std::time::Duration;

/// Slots per level.
pub const SLOTS: usize = 64;
/// Levels of the wheel.
pub const LEVELS: usize = 6;
/// The length of one tick, the width of a level-0 slot.
pub const TICK: Duration = Duration::from_millis(1);
/// How many ticks ahead the wheel can file a timer directly: 64^6 = 2^36.
pub const RANGE_TICKS: u64 = 1 << (SLOT_BITS * LEVELS as u32);

/// log2(SLOTS): a level is one base-64 digit of the tick.
const SLOT_BITS: u32 = 6;
const SLOT_MASK: u64 = SLOTS as u64 - 1;
const TICK_NANOS: u64 = 1_000_000;
/// The end of a linked list, and of the free list.
const NIL: u32 = u32::MAX;

// ANCHOR: key
/// Names one timer in a [`TimerWheel`], to cancel it.
///
/// A key stays valid until its timer fires or is cancelled. After that it
/// names nothing: the slab entry it points to has a new generation, even if a
/// new timer lives there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimerKey {
    index: u32,
    generation: u32,
}
// ANCHOR_END: key

// ANCHOR: wheel
/// A hierarchical timing wheel holding values of type `T`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use stepio_timer_wheel::TimerWheel;
///
/// let ms = Duration::from_millis;
/// let mut wheel = TimerWheel::new();
/// wheel.insert(ms(30), "thirty");
/// let ten = wheel.insert(ms(10), "ten");
/// wheel.insert(ms(20), "twenty");
/// assert_eq!(wheel.cancel(ten), Some("ten"));
/// assert_eq!(wheel.next_deadline(), Some(ms(20)));
///
/// let mut fired = Vec::new();
/// wheel.advance(ms(25), &mut fired);
/// assert_eq!(fired, ["twenty"]);
/// ```
pub struct TimerWheel<T> {
    entries: Vec<Entry<T>>,
    /// The first free entry, linked through `Entry::next`.
    free: u32,
    /// The first entry of each slot's list.
    heads: [[u32; SLOTS]; LEVELS],
    /// One bit per slot that has a timer, per level.
    occupied: [u64; LEVELS],
    /// The wheel's current tick: every slot before it has been processed.
    elapsed: u64,
    /// The latest `now` passed to `advance`, in nanoseconds.
    now: u64,
    /// Numbers timers in insertion order, to break ties between deadlines.
    next_seq: u64,
    len: usize,
    /// Reused by `advance` to sort what one slot makes due.
    due: Vec<(u64, u64, u32)>,
}

struct Entry<T> {
    /// Bumped each time the entry is freed.
    generation: u32,
    /// The exact deadline, in nanoseconds since the origin.
    deadline: u64,
    seq: u64,
    /// Where the entry is filed, to unlink it.
    level: u8,
    slot: u8,
    prev: u32,
    next: u32,
    /// `Some` while the entry holds a timer; `None` on the free list.
    value: Option<T>,
}
// ANCHOR_END: wheel

// ANCHOR: slot_for
/// The level and slot in which a wheel whose current tick is `elapsed` files
/// a timer due at `tick`.
///
/// The level is that of the highest base-64 digit in which the two ticks
/// differ; the slot is the timer's digit at that level. A tick in the past
/// is filed as if it were `elapsed` (due now); one beyond the wheel's range
/// is filed at the last tick in range.
///
/// ```
/// use stepio_timer_wheel::wheel::slot_for;
///
/// assert_eq!(slot_for(0, 63), (0, 63)); // the last slot of level 0
/// assert_eq!(slot_for(0, 64), (1, 1)); // the first tick level 0 cannot hold
/// assert_eq!(slot_for(100, 100), (0, 36)); // due now: 100 = 1 * 64 + 36
/// ```
pub fn slot_for(elapsed: u64, tick: u64) -> (usize, usize) {
    let tick = tick.clamp(elapsed, elapsed + (RANGE_TICKS - 1));
    // `| SLOT_MASK` makes ticks that differ only in the lowest digit (or not
    // at all) land on level 0.
    let highest_bit = 63 - ((elapsed ^ tick) | SLOT_MASK).leading_zeros();
    let level = (highest_bit / SLOT_BITS).min(LEVELS as u32 - 1);
    let slot = (tick >> (level * SLOT_BITS)) & SLOT_MASK;
    (level as usize, slot as usize)
}
// ANCHOR_END: slot_for

/// A duration as whole nanoseconds, saturating at `u64::MAX` (584 years).
fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

impl<T> TimerWheel<T> {
    /// An empty wheel whose current time is the origin.
    pub fn new() -> TimerWheel<T> {
        TimerWheel {
            entries: Vec::new(),
            free: NIL,
            heads: [[NIL; SLOTS]; LEVELS],
            occupied: [0; LEVELS],
            elapsed: 0,
            now: 0,
            next_seq: 0,
            len: 0,
            due: Vec::new(),
        }
    }

    /// How many timers are waiting.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no timer is waiting.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The latest time passed to [`advance`](TimerWheel::advance).
    pub fn now(&self) -> Duration {
        Duration::from_nanos(self.now)
    }
}

// ANCHOR: insert
impl<T> TimerWheel<T> {
    /// Adds a timer due at `deadline`, holding `value`, and returns its key.
    ///
    /// A deadline that has already passed is due at the next
    /// [`advance`](TimerWheel::advance). Timers with equal deadlines fire in
    /// the order they were inserted.
    ///
    /// # Panics
    ///
    /// If `u32::MAX - 1` timers are already waiting.
    pub fn insert(&mut self, deadline: Duration, value: T) -> TimerKey {
        let deadline = nanos(deadline);
        let seq = self.next_seq;
        self.next_seq += 1;
        let index = if self.free != NIL {
            let index = self.free;
            let entry = &mut self.entries[index as usize];
            self.free = entry.next;
            entry.deadline = deadline;
            entry.seq = seq;
            entry.value = Some(value);
            index
        } else {
            let index = u32::try_from(self.entries.len()).ok().filter(|&i| i != NIL);
            let index = index.expect("a TimerWheel holds at most u32::MAX - 1 timers");
            self.entries.push(Entry {
                generation: 0,
                deadline,
                seq,
                level: 0,
                slot: 0,
                prev: NIL,
                next: NIL,
                value: Some(value),
            });
            index
        };
        self.len += 1;
        self.file(index);
        TimerKey { index, generation: self.entries[index as usize].generation }
    }

    /// Links entry `index` into the slot its deadline belongs to now.
    fn file(&mut self, index: u32) {
        let (level, slot) =
            slot_for(self.elapsed, self.entries[index as usize].deadline / TICK_NANOS);
        let head = self.heads[level][slot];
        let entry = &mut self.entries[index as usize];
        (entry.level, entry.slot) = (level as u8, slot as u8);
        entry.prev = NIL;
        entry.next = head;
        if head != NIL {
            self.entries[head as usize].prev = index;
        }
        self.heads[level][slot] = index;
        self.occupied[level] |= 1 << slot;
    }
}
// ANCHOR_END: insert

// ANCHOR: cancel
impl<T> TimerWheel<T> {
    /// Removes the timer named by `key` and returns its value.
    ///
    /// Returns `None`, and changes nothing, if the timer has already fired or
    /// been cancelled: a key never reaches a newer timer, even one that
    /// reuses its slab entry.
    pub fn cancel(&mut self, key: TimerKey) -> Option<T> {
        self.get(key)?;
        self.unlink(key.index);
        Some(self.release(key.index))
    }

    /// The value of the waiting timer named by `key`.
    pub fn get(&self, key: TimerKey) -> Option<&T> {
        let entry = self.entries.get(key.index as usize)?;
        if entry.generation == key.generation { entry.value.as_ref() } else { None }
    }

    /// The value of the waiting timer named by `key`, to change it.
    pub fn get_mut(&mut self, key: TimerKey) -> Option<&mut T> {
        let entry = self.entries.get_mut(key.index as usize)?;
        if entry.generation == key.generation { entry.value.as_mut() } else { None }
    }

    /// The deadline of the waiting timer named by `key`.
    pub fn deadline(&self, key: TimerKey) -> Option<Duration> {
        self.get(key)?;
        Some(Duration::from_nanos(self.entries[key.index as usize].deadline))
    }

    /// Takes entry `index` out of its slot's list.
    fn unlink(&mut self, index: u32) {
        let Entry { prev, next, level, slot, .. } = self.entries[index as usize];
        let (level, slot) = (level as usize, slot as usize);
        if prev == NIL {
            self.heads[level][slot] = next;
            if next == NIL {
                self.occupied[level] &= !(1 << slot);
            }
        } else {
            self.entries[prev as usize].next = next;
        }
        if next != NIL {
            self.entries[next as usize].prev = prev;
        }
    }

    /// Frees entry `index` (already unlinked) and returns its value.
    fn release(&mut self, index: u32) -> T {
        let entry = &mut self.entries[index as usize];
        entry.generation = entry.generation.wrapping_add(1);
        entry.next = self.free;
        self.free = index;
        self.len -= 1;
        entry.value.take().expect("a linked entry holds a value")
    }
}
// ANCHOR_END: cancel

// ANCHOR: next_slot
impl<T> TimerWheel<T> {
    /// The occupied slot the wheel reaches first: its level, its slot, and
    /// the tick at which it begins.
    fn next_slot(&self) -> Option<(usize, usize, u64)> {
        let mut best: Option<(usize, usize, u64)> = None;
        // From the top down, so that if a coarse slot began at the same tick
        // as a fine one, the coarse one would cascade first.
        for level in (0..LEVELS).rev() {
            let occupied = self.occupied[level];
            if occupied == 0 {
                continue;
            }
            let shift = level as u32 * SLOT_BITS;
            let digit = ((self.elapsed >> shift) & SLOT_MASK) as u32;
            // Level 0 holds timers due in the current tick's slot too; a
            // higher level's current slot has already been cascaded, so a
            // timer filed there belongs to the level's next turn.
            let first = if level == 0 { digit } else { digit + 1 };
            let ahead =
                if first < SLOTS as u32 { occupied & (u64::MAX << first) } else { 0 };
            let turn_span = 1u64 << (shift + SLOT_BITS);
            let turn_start = self.elapsed & !(turn_span - 1);
            let (slot, tick) = if ahead != 0 {
                let slot = ahead.trailing_zeros();
                (slot, turn_start + (u64::from(slot) << shift))
            } else {
                // Only the top level wraps: far timers wait in the slot it
                // reaches last, in its next turn.
                let slot = occupied.trailing_zeros();
                (slot, turn_start + turn_span + (u64::from(slot) << shift))
            };
            if best.is_none_or(|(_, _, best_tick)| tick < best_tick) {
                best = Some((level, slot as usize, tick));
            }
        }
        best
    }
}
// ANCHOR_END: next_slot

// ANCHOR: advance
impl<T> TimerWheel<T> {
    /// Moves the wheel's time to `now` and appends the value of every timer
    /// whose deadline is at or before `now` to `fired`: in deadline order,
    /// equal deadlines in insertion order. Returns how many fired.
    ///
    /// Time never goes back: a `now` earlier than an earlier call's counts as
    /// that earlier `now`.
    pub fn advance(&mut self, now: Duration, fired: &mut Vec<T>) -> usize {
        let now = nanos(now).max(self.now);
        self.now = now;
        let now_tick = now / TICK_NANOS;
        let before = fired.len();
        while let Some((level, slot, tick)) = self.next_slot() {
            if tick > now_tick {
                break;
            }
            self.elapsed = tick;
            let mut index = std::mem::replace(&mut self.heads[level][slot], NIL);
            self.occupied[level] &= !(1 << slot);
            while index != NIL {
                let Entry { next, deadline, seq, .. } = self.entries[index as usize];
                if level > 0 {
                    // Cascade: closer now, the timer goes to a finer level.
                    self.file(index);
                } else if deadline <= now {
                    self.due.push((deadline, seq, index));
                } else {
                    // Due later in the current tick: back in the same slot.
                    self.file(index);
                }
                index = next;
            }
            if level == 0 {
                // A level-0 slot is one tick: sorting it orders by deadline.
                self.due.sort_unstable();
                for i in 0..self.due.len() {
                    let index = self.due[i].2;
                    fired.push(self.release(index));
                }
                self.due.clear();
                if tick == now_tick {
                    // What is left in this slot is due after `now`.
                    break;
                }
            }
        }
        self.elapsed = self.elapsed.max(now_tick);
        fired.len() - before
    }
}
// ANCHOR_END: advance

// ANCHOR: next_deadline
impl<T> TimerWheel<T> {
    /// The earliest deadline of a waiting timer, or `None` if there is none.
    ///
    /// It is exact unless the first occupied slot is on the top level (the
    /// deadline is days away, or lies past the next boundary of 2^30
    /// ticks); then it may be earlier: the tick at which the wheel must
    /// cascade that slot. A loop that sleeps until the returned time never
    /// misses a timer; at worst it wakes once to find nothing due.
    pub fn next_deadline(&self) -> Option<Duration> {
        let (level, slot, tick) = self.next_slot()?;
        if level == LEVELS - 1 {
            // Far timers filed here keep deadlines beyond this slot, while a
            // later slot may hold an earlier one: the slot's start is safe.
            return Some(Duration::from_nanos(tick.saturating_mul(TICK_NANOS)));
        }
        // Slots of the levels below the top cover disjoint spans of time,
        // finer levels first: the first occupied slot holds the earliest
        // deadline.
        let mut earliest = u64::MAX;
        let mut index = self.heads[level][slot];
        while index != NIL {
            let entry = &self.entries[index as usize];
            earliest = earliest.min(entry.deadline);
            index = entry.next;
        }
        Some(Duration::from_nanos(earliest))
    }
}
// ANCHOR_END: next_deadline

impl<T> TimerWheel<T> {
    /// Removes every waiting timer and returns their values, in no
    /// particular order. Keys given out before stay stale forever.
    pub fn drain(&mut self) -> Vec<T> {
        let mut values = Vec::with_capacity(self.len);
        for index in 0..self.entries.len() {
            if self.entries[index].value.is_some() {
                values.push(self.release(index as u32));
            }
        }
        self.heads = [[NIL; SLOTS]; LEVELS];
        self.occupied = [0; LEVELS];
        values
    }
}

impl<T> Default for TimerWheel<T> {
    fn default() -> Self {
        TimerWheel::new()
    }
}

impl<T> fmt::Debug for TimerWheel<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per_level: Vec<u32> =
            self.occupied.iter().map(|bits| bits.count_ones()).collect();
        f.debug_struct("TimerWheel")
            .field("len", &self.len)
            .field("now", &self.now())
            .field("elapsed_ticks", &self.elapsed)
            .field("occupied_slots_per_level", &per_level)
            .finish()
    }
}
