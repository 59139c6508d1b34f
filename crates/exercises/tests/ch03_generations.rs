//! The checks of exercise `ch03_generations`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch03_generations.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::collections::HashMap;

use crate::ch03_generations::{Key, Slab};

#[test]
fn insert_get_remove() {
    let mut slab = Slab::new();
    let a = slab.insert("a");
    let b = slab.insert("b");
    assert_eq!(slab.get(a), Some(&"a"));
    assert_eq!(slab.remove(a), Some("a"));
    assert_eq!(slab.get(a), None);
    assert_eq!(slab.remove(a), None);
    assert_eq!(slab.get(b), Some(&"b"));
}

#[test]
fn freed_entries_are_reused() {
    let mut slab = Slab::new();
    for round in 0..100 {
        let key = slab.insert(round);
        assert_eq!(slab.remove(key), Some(round));
    }
    assert_eq!(slab.capacity(), 1);
}

#[test]
fn an_old_key_never_reaches_the_value_that_reuses_its_entry() {
    let mut slab = Slab::new();
    let old = slab.insert("my sleep");
    slab.remove(old); // the timer fired
    let new = slab.insert("someone else's sleep"); // same entry
    assert_eq!(slab.capacity(), 1);
    assert_ne!(old, new);
    assert_eq!(slab.get(old), None);
    assert_eq!(slab.remove(old), None, "the old key cancelled the new timer");
    assert_eq!(slab.get(new), Some(&"someone else's sleep"));
}

#[test]
fn many_random_operations_match_a_map() {
    let mut slab = Slab::new();
    let mut model: HashMap<u64, Key> = HashMap::new();
    let mut stale: Vec<Key> = Vec::new();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for n in 0..20_000u64 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        if state % 3 != 0 || model.is_empty() {
            model.insert(n, slab.insert(n));
        } else {
            let id = *model.keys().nth((state >> 8) as usize % model.len()).unwrap();
            let key = model.remove(&id).unwrap();
            assert_eq!(slab.remove(key), Some(id));
            stale.push(key);
        }
        if let Some(&key) = stale.get((state >> 16) as usize % (stale.len() + 1)) {
            assert_eq!(slab.remove(key), None, "a stale key removed something");
        }
    }
    for (id, key) in &model {
        assert_eq!(slab.get(*key), Some(id));
    }
    assert!(slab.capacity() <= 20_000);
}
