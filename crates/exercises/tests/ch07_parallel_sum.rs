//! The checks of exercise `ch07_parallel_sum`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch07_parallel_sum.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::collections::HashSet;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

use stepio::JobError;

use crate::ch07_parallel_sum::{parallel_sum, parallel_sum_with};
use crate::support::within;

// Each check runs whole on a thread of its own (`within`), so that a job
// that is never awaited, or a lost wake, fails it instead of hanging it.

/// The parts `on_part` saw, sorted by their first number.
fn parts_seen(numbers: Vec<u64>, chunks: usize) -> (u64, Vec<Vec<u64>>) {
    within(Duration::from_secs(10), move || {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        let sum = stepio::run(parallel_sum_with(numbers, chunks, move |part| {
            record.lock().unwrap().push(part.to_vec());
        }))
        .unwrap()
        .unwrap();
        let mut parts = seen.lock().unwrap().clone();
        parts.sort();
        (sum, parts)
    })
}

#[test]
fn the_sum_is_the_plain_sum() {
    let cases: Vec<(Vec<u64>, usize)> = vec![
        ((1..=100_000).collect(), 4),
        ((1..=10).collect(), 3),
        ((1..=10).collect(), 1),
        (vec![1 << 62, 1 << 61, 1 << 60, 7, u64::from(u32::MAX)], 2),
        (vec![42], 0),
    ];
    for (numbers, chunks) in cases {
        let expected: u64 = numbers.iter().sum();
        let len = numbers.len();
        let sum = within(Duration::from_secs(10), move || {
            stepio::run(parallel_sum(numbers, chunks)).unwrap()
        });
        assert_eq!(sum, expected, "{len} numbers in {chunks} chunks");
    }
}

#[test]
fn more_chunks_than_numbers_and_no_numbers_at_all() {
    let (sum, parts) = parts_seen(vec![5, 6, 7], 10);
    assert_eq!(sum, 18);
    assert_eq!(parts, [vec![5], vec![6], vec![7]], "one part per number, none empty");

    let (sum, parts) = parts_seen(Vec::new(), 4);
    assert_eq!(sum, 0);
    assert!(parts.is_empty(), "no numbers, no job: got parts {parts:?}");
}

#[test]
fn the_parts_are_contiguous_and_balanced() {
    for (len, chunks, sizes) in
        [(10, 4, vec![2, 2, 3, 3]), (9, 4, vec![2, 2, 2, 3]), (7, 7, vec![1; 7])]
    {
        let (sum, parts) = parts_seen((0..len).collect(), chunks);
        assert_eq!(sum, (0..len).sum::<u64>());
        let mut seen_sizes: Vec<usize> = parts.iter().map(Vec::len).collect();
        seen_sizes.sort_unstable();
        assert_eq!(seen_sizes, sizes, "{len} numbers in {chunks} parts: {parts:?}");
        assert_eq!(
            parts.concat(),
            (0..len).collect::<Vec<_>>(),
            "each part is a run of neighbours, and together they are the input"
        );
    }
}

/// `parties` threads meet here: each waits until all have come, or gives up
/// after `limit` (and then so does every later one, so that jobs run one
/// after another fail in `limit`, not in `parties * limit`).
struct Meeting {
    state: Mutex<(usize, bool)>, // (arrived, broken)
    all_here: Condvar,
    parties: usize,
    limit: Duration,
}

impl Meeting {
    fn new(parties: usize, limit: Duration) -> Meeting {
        Meeting {
            state: Mutex::new((0, false)),
            all_here: Condvar::new(),
            parties,
            limit,
        }
    }

    /// Whether all the parties met.
    fn meet(&self) -> bool {
        let mut state = self.state.lock().unwrap();
        state.0 += 1;
        if state.0 >= self.parties {
            self.all_here.notify_all();
            return true;
        }
        let (mut state, _) = self
            .all_here
            .wait_timeout_while(state, self.limit, |(arrived, broken)| {
                *arrived < self.parties && !*broken
            })
            .unwrap();
        if state.0 < self.parties {
            state.1 = true;
            self.all_here.notify_all();
            return false;
        }
        true
    }
}

#[test]
fn the_parts_run_at_once_on_the_default_pool_not_on_the_loop() {
    let (loop_thread, threads, met, sum) = within(Duration::from_secs(10), || {
        let loop_thread = thread::current().id();
        let meeting = Meeting::new(4, Duration::from_secs(2));
        let seen: Arc<Mutex<Vec<(ThreadId, String, bool)>>> = Arc::default();
        let record = Arc::clone(&seen);
        // Each part waits for the three others: the sum finishes only if the
        // four jobs run at the same time, on four threads.
        let sum = stepio::run(parallel_sum_with((1..=40).collect(), 4, move |_| {
            let met = meeting.meet();
            let current = thread::current();
            let name = current.name().unwrap_or("").to_owned();
            record.lock().unwrap().push((current.id(), name, met));
        }))
        .unwrap()
        .unwrap();
        let seen = seen.lock().unwrap().clone();
        let met = seen.iter().all(|(_, _, met)| *met);
        (loop_thread, seen, met, sum)
    });
    assert_eq!(sum, 820);
    assert_eq!(threads.len(), 4, "one call of on_part per part");
    assert!(
        met,
        "the four parts did not all run at the same time: submit every job first"
    );
    for (id, name, _) in &threads {
        assert_ne!(*id, loop_thread, "a part ran on the loop's thread");
        assert!(
            name.starts_with("asyncio"),
            "a part ran on {name:?}, not the default pool"
        );
    }
    let distinct: HashSet<ThreadId> = threads.iter().map(|(id, _, _)| *id).collect();
    assert_eq!(distinct.len(), 4, "four parts at once take four workers");
}

#[test]
fn a_panic_in_a_part_makes_the_sum_an_error() {
    let outcome = within(Duration::from_secs(10), || {
        stepio::run(parallel_sum_with((1..=20).collect(), 5, |part| {
            assert!(!part.contains(&13), "unlucky part");
        }))
        .unwrap()
    });
    match outcome {
        Err(JobError::Panicked(message)) => assert!(message.contains("unlucky part")),
        other => panic!("expected the part's panic, got {other:?}"),
    }
}
