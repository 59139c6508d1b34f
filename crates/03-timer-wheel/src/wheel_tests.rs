//! Tests of the wheel alone: against a sorted model, and at its edges.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::wheel::{RANGE_TICKS, TimerKey, TimerWheel, slot_for};

const MS: u64 = 1_000_000;

fn ns(nanos: u64) -> Duration {
    Duration::from_nanos(nanos)
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A small deterministic generator (SplitMix64), so that a seed names a run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The reference: every waiting timer in a sorted map, keyed by
/// (deadline, insertion number), which is exactly the order to fire in.
#[derive(Default)]
struct Model {
    waiting: BTreeMap<(u64, u64), u64>,
    seq: u64,
}

impl Model {
    fn insert(&mut self, deadline: u64, id: u64) -> (u64, u64) {
        let key = (deadline, self.seq);
        self.seq += 1;
        self.waiting.insert(key, id);
        key
    }

    /// Removes and returns every timer due at `now`, in order.
    fn advance(&mut self, now: u64) -> Vec<u64> {
        let later = self.waiting.split_off(&(now, u64::MAX));
        let due = std::mem::replace(&mut self.waiting, later);
        due.into_values().collect()
    }
}

/// A deadline for a new timer, from a mix of the distances that matter:
/// the past, this very tick, level edges, years ahead, `Duration::MAX`.
fn deadline(rng: &mut Rng, now: u64, recent: &[u64]) -> u64 {
    match rng.below(100) {
        0..=4 => now.saturating_sub(rng.below(10 * MS)),
        5..=9 => now,
        10..=29 => now.saturating_add(rng.below(2 * MS)),
        30..=54 => now.saturating_add(rng.below(100 * MS)),
        55..=69 => now.saturating_add(rng.below(10_000 * MS)),
        70..=79 => recent
            .get(rng.below(recent.len() as u64 + 1) as usize)
            .copied()
            .unwrap_or(now),
        80..=89 => now.saturating_add(
            (1 << (6 * (1 + rng.below(5)))) * MS - MS + rng.below(2 * MS),
        ),
        90..=96 => now.saturating_add(rng.below(1 << 33) * MS),
        97..=98 => now.saturating_add(((1 << 36) + rng.below(1 << 38)) * MS),
        _ => u64::MAX,
    }
}

/// How far to move time: not at all, a little, to the next deadline
/// exactly (what the loop does), or far.
fn step(rng: &mut Rng, next_deadline: Option<Duration>, now: u64) -> u64 {
    match rng.below(1000) {
        0..=99 => 0,
        100..=399 => rng.below(2 * MS),
        400..=599 => rng.below(100 * MS),
        600..=949 => {
            next_deadline.map_or(0, |d| (d.as_nanos() as u64).saturating_sub(now))
        }
        950..=997 => rng.below(5_000 * MS),
        _ => rng.below(1 << 38) * MS,
    }
}

/// Runs `ops` random operations on a wheel and the model; panics with the
/// seed and the operation number at the first difference.
fn compare_with_model(seed: u64, ops: usize) {
    let mut rng = Rng(seed);
    let mut wheel = TimerWheel::new();
    let mut model = Model::default();
    let mut live: Vec<(u64, TimerKey)> = Vec::new();
    let mut stale: Vec<TimerKey> = Vec::new();
    let mut recent: Vec<u64> = Vec::new();
    let mut now = 0u64;
    let mut next_id = 0u64;
    let mut fired = Vec::new();
    let mut model_keys: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
    for op in 0..ops {
        let at = |what: &str| format!("seed {seed:#x}, operation {op}: {what}");
        match rng.below(100) {
            0..=44 => {
                let when = deadline(&mut rng, now, &recent);
                recent.push(when);
                if recent.len() > 16 {
                    recent.remove(0);
                }
                let key = wheel.insert(ns(when), next_id);
                model_keys.insert(next_id, model.insert(when, next_id));
                live.push((next_id, key));
                next_id += 1;
            }
            45..=69 if !live.is_empty() => {
                let (id, key) = live.swap_remove(rng.below(live.len() as u64) as usize);
                assert_eq!(
                    wheel.cancel(key),
                    Some(id),
                    "{}",
                    at("cancel a waiting timer")
                );
                model.waiting.remove(&model_keys.remove(&id).unwrap());
                stale.push(key);
            }
            70..=74 if !stale.is_empty() => {
                let key = stale[rng.below(stale.len() as u64) as usize];
                assert_eq!(
                    wheel.cancel(key),
                    None,
                    "{}",
                    at("a stale key cancelled something")
                );
            }
            _ => {
                now = now.saturating_add(step(&mut rng, wheel.next_deadline(), now));
                fired.clear();
                wheel.advance(ns(now), &mut fired);
                let expected = model.advance(now);
                assert_eq!(
                    fired,
                    expected,
                    "{}",
                    at(&format!("advance to {now} ns fired differently"))
                );
                for id in &fired {
                    let index =
                        live.iter().position(|(live_id, _)| live_id == id).unwrap();
                    stale.push(live.swap_remove(index).1);
                    model_keys.remove(id);
                }
            }
        }
        assert_eq!(wheel.len(), model.waiting.len(), "{}", at("lengths differ"));
        let model_next = model.waiting.keys().next().map(|&(deadline, _)| deadline);
        let wheel_next = wheel.next_deadline().map(|d| d.as_nanos() as u64);
        match (wheel_next, model_next) {
            (None, None) => {}
            (Some(wheel_next), Some(model_next)) => {
                assert!(
                    wheel_next <= model_next,
                    "{}",
                    at("next_deadline is after a waiting timer")
                );
                // Within 12 days (and not across a 2^30-tick boundary) it is exact.
                let tick = model_next / MS;
                if tick >> 30 == (now / MS) >> 30 {
                    assert_eq!(
                        wheel_next,
                        model_next,
                        "{}",
                        at("next_deadline is not exact")
                    );
                }
            }
            _ => panic!("{}", at("next_deadline disagrees on emptiness")),
        }
        if stale.len() > 4096 {
            stale.drain(..2048);
        }
    }
}

// ANCHOR: model_test
/// Each seed runs 200,000 mixed inserts, cancels and advances.
#[test]
fn the_wheel_fires_exactly_what_a_sorted_model_fires() {
    for seed in [1, 2, 3, 0x5eed, 0xdead_beef, 20_261_121] {
        compare_with_model(seed, 200_000);
    }
}
// ANCHOR_END: model_test

#[test]
fn slots_at_the_level_edges() {
    assert_eq!(slot_for(0, 0), (0, 0));
    assert_eq!(slot_for(0, 63), (0, 63));
    assert_eq!(slot_for(0, 64), (1, 1));
    assert_eq!(slot_for(0, 4095), (1, 63));
    assert_eq!(slot_for(0, 4096), (2, 1));
    assert_eq!(slot_for(0, (1 << 30) - 1), (4, 63));
    assert_eq!(slot_for(0, 1 << 30), (5, 1));
    assert_eq!(slot_for(0, RANGE_TICKS - 1), (5, 63));
    // Beyond the range: the last slot the wheel reaches.
    assert_eq!(slot_for(0, RANGE_TICKS), (5, 63));
    assert_eq!(slot_for(0, u64::MAX / MS), (5, 63));
    // Not from zero: 63 and 64 ticks after 100 cross a level-0 turn both.
    assert_eq!(slot_for(100, 163), (1, 2));
    assert_eq!(slot_for(100, 127), (0, 63));
    assert_eq!(slot_for(100, 128), (1, 2));
    // The past is now.
    assert_eq!(slot_for(100, 7), slot_for(100, 100));
}

/// Advances `wheel` to `now` ms and returns what fired.
fn advance_ms(wheel: &mut TimerWheel<&'static str>, now: Duration) -> Vec<&'static str> {
    let mut fired = Vec::new();
    wheel.advance(now, &mut fired);
    fired
}

#[test]
fn timers_at_level_edges_fire_at_their_deadline_not_before() {
    for edge in [
        63u64,
        64,
        65,
        4095,
        4096,
        4097,
        262_143,
        262_144,
        (1 << 30) - 1,
        1 << 30,
        RANGE_TICKS - 1,
    ] {
        let mut wheel = TimerWheel::new();
        wheel.insert(ms(edge), "edge");
        let next = wheel.next_deadline().unwrap();
        if edge < 1 << 30 {
            assert_eq!(next, ms(edge));
        } else {
            assert!(
                next <= ms(edge),
                "a top-level timer's next_deadline may be early, never late"
            );
        }
        assert!(
            advance_ms(&mut wheel, ms(edge) - ns(1)).is_empty(),
            "{edge} ms fired early"
        );
        assert_eq!(
            advance_ms(&mut wheel, ms(edge)),
            ["edge"],
            "{edge} ms did not fire on time"
        );
        assert!(wheel.is_empty());
    }
}

#[test]
fn a_deadline_inside_a_tick_is_kept_exactly() {
    let mut wheel = TimerWheel::new();
    wheel.insert(ns(10 * MS + MS / 2), "10.5 ms");
    assert_eq!(wheel.next_deadline(), Some(ns(10 * MS + MS / 2)));
    assert!(advance_ms(&mut wheel, ns(10 * MS + MS / 2 - 1)).is_empty());
    assert_eq!(advance_ms(&mut wheel, ns(10 * MS + MS / 2)), ["10.5 ms"]);
}

#[test]
fn next_deadline_is_exact_on_every_level_below_the_top() {
    for deadline in
        [ns(1), ms(5), ns(70 * MS + 3), ms(5_000), ms(300_000), ms(20_000_000)]
    {
        let mut wheel = TimerWheel::new();
        wheel.insert(deadline + ms(1), "later");
        wheel.insert(deadline, "first");
        assert_eq!(wheel.next_deadline(), Some(deadline));
    }
}

#[test]
fn the_top_level_wraps_around() {
    let mut wheel = TimerWheel::new();
    // Just before the wheel's whole range turns over.
    let start = ms(RANGE_TICKS - 10);
    advance_ms(&mut wheel, start);
    wheel.insert(start + ms(30), "across the turn");
    wheel.insert(start + ms(RANGE_TICKS + 5), "a whole range later");
    assert!(advance_ms(&mut wheel, start + ms(29)).is_empty());
    assert_eq!(advance_ms(&mut wheel, start + ms(30)), ["across the turn"]);
    // Walk up to the far one a level-5 slot at a time: it never fires early.
    let mut now = start + ms(30);
    while now < start + ms(RANGE_TICKS + 4) {
        now = (now + ms(1 << 29)).min(start + ms(RANGE_TICKS + 4));
        assert!(advance_ms(&mut wheel, now).is_empty(), "fired early at {now:?}");
    }
    assert_eq!(
        advance_ms(&mut wheel, start + ms(RANGE_TICKS + 5)),
        ["a whole range later"]
    );
}

#[test]
fn far_deadlines_never_fire_early_and_never_overflow() {
    let mut wheel = TimerWheel::new();
    let years = ms(3 * RANGE_TICKS + 7);
    wheel.insert(years, "three ranges");
    wheel.insert(Duration::MAX, "never");
    // Jumping close to the far deadline in one go re-files it on the way.
    assert!(advance_ms(&mut wheel, years - ns(1)).is_empty());
    assert_eq!(wheel.next_deadline().map(|d| d <= years), Some(true));
    assert_eq!(advance_ms(&mut wheel, years), ["three ranges"]);
    // `Duration::MAX` counts as u64::MAX nanoseconds.
    assert!(advance_ms(&mut wheel, ns(u64::MAX - 1)).is_empty());
    assert_eq!(advance_ms(&mut wheel, Duration::MAX), ["never"]);
}

#[test]
fn past_deadlines_fire_on_the_next_advance() {
    let mut wheel = TimerWheel::new();
    advance_ms(&mut wheel, ms(500));
    wheel.insert(ms(100), "late");
    wheel.insert(ms(500), "now");
    assert_eq!(wheel.next_deadline(), Some(ms(100)));
    // Time does not go back: advancing "to 0" is advancing to 500 ms.
    assert_eq!(advance_ms(&mut wheel, ms(0)), ["late", "now"]);
}

#[test]
fn equal_deadlines_fire_in_insertion_order_even_across_a_cascade() {
    let mut wheel = TimerWheel::new();
    wheel.insert(ms(70), "first (filed on level 1)");
    advance_ms(&mut wheel, ms(65)); // cascades the first down to level 0
    wheel.insert(ms(70), "second (filed on level 0)");
    wheel.insert(ms(69), "earlier deadline");
    assert_eq!(
        advance_ms(&mut wheel, ms(80)),
        ["earlier deadline", "first (filed on level 1)", "second (filed on level 0)"]
    );
}

#[test]
fn a_late_advance_fires_many_slots_in_deadline_order() {
    let mut wheel = TimerWheel::new();
    for (deadline, name) in [(5_000, "e"), (3, "a"), (64, "c"), (63, "b"), (4_096, "d")] {
        wheel.insert(ms(deadline), name);
    }
    assert_eq!(advance_ms(&mut wheel, ms(10_000)), ["a", "b", "c", "d", "e"]);
}

// ANCHOR: generation_test
#[test]
fn an_old_key_never_cancels_a_new_timer() {
    let mut wheel = TimerWheel::new();
    let old = wheel.insert(ms(10), "old");
    assert_eq!(wheel.cancel(old), Some("old"));
    let new = wheel.insert(ms(10), "new"); // reuses the old one's entry
    assert_ne!(old, new);
    assert_eq!(wheel.cancel(old), None);
    assert_eq!(advance_ms(&mut wheel, ms(10)), ["new"]);
    // A key whose timer fired cancels nothing either.
    assert_eq!(wheel.cancel(new), None);
    let newest = wheel.insert(ms(20), "newest");
    assert_eq!(wheel.cancel(new), None);
    assert_eq!(wheel.cancel(newest), Some("newest"));
}
// ANCHOR_END: generation_test

#[test]
fn drain_empties_the_wheel_and_stales_every_key() {
    let mut wheel = TimerWheel::new();
    let keys: Vec<TimerKey> = (0..100).map(|i| wheel.insert(ms(i * 37), i)).collect();
    let mut values = wheel.drain();
    values.sort_unstable();
    assert_eq!(values, (0..100).collect::<Vec<_>>());
    assert!(wheel.is_empty());
    assert_eq!(wheel.next_deadline(), None);
    assert!(keys.iter().all(|&key| wheel.cancel(key).is_none()));
    wheel.insert(ms(5), 7);
    let mut fired = Vec::new();
    wheel.advance(ms(5), &mut fired);
    assert_eq!(fired, [7]);
}
