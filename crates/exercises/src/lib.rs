//! # The stepio course exercises
//!
//! Each exercise is a small piece of a stage, cut out with `todo!()`:
//!
//! - `starter/<name>.rs`: the code you complete (the only place in the
//!   project where `todo!()` is allowed);
//! - `tests/<name>.rs`: the tests it must pass, a test target of its own;
//! - `hints/<name>.md`: a hint, printed by `cargo exercises hint <name>`;
//! - `solutions/<name>.rs`: a reference solution (look after you try).
//!
//! `cargo exercises` lists them with your progress; `cargo exercises verify
//! <name>` runs one exercise's tests against your starter. With the
//! `solutions` feature (on by default, so `cargo test` uses it) the crate
//! builds the solutions instead; CI checks that every exercise's tests fail
//! on the starter and pass on the solution.

#![deny(unsafe_op_in_unsafe_fn)]

/// One exercise, as the runner lists it.
#[derive(Debug, Clone, Copy)]
pub struct Exercise {
    /// The exercise's name: its file name in `starter/`, `tests/`, `hints/`
    /// and `solutions/`.
    pub name: &'static str,
    /// The book chapter it belongs to.
    pub chapter: u8,
    /// What it asks for, in a line.
    pub title: &'static str,
    /// The hint, from `hints/<name>.md`.
    pub hint: &'static str,
}

/// Every exercise, in the order the book introduces them.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        name: "ch01_counting_waker",
        chapter: 1,
        title: "a waker from a RawWakerVTable that counts its wakes",
        hint: include_str!("../hints/ch01_counting_waker.md"),
    },
    Exercise {
        name: "ch01_race",
        chapter: 1,
        title: "poll two futures by hand; finish with the first to finish",
        hint: include_str!("../hints/ch01_race.md"),
    },
    Exercise {
        name: "ch01_yield_now",
        chapter: 1,
        title: "write yield_now: wake your own waker, return Pending once, then Ready",
        hint: include_str!("../hints/ch01_yield_now.md"),
    },
    Exercise {
        name: "ch02_run_all",
        chapter: 2,
        title: "run a list of tasks to the end with run_forever and stop",
        hint: include_str!("../hints/ch02_run_all.md"),
    },
    Exercise {
        name: "ch02_counting_driver",
        chapter: 2,
        title: "a driver that wraps a ThreadDriver and counts its parks",
        hint: include_str!("../hints/ch02_counting_driver.md"),
    },
    Exercise {
        name: "ch02_stop_after",
        chapter: 2,
        title: "a callback that reschedules itself each turn; the last run stops the loop",
        hint: include_str!("../hints/ch02_stop_after.md"),
    },
    Exercise {
        name: "ch03_level_and_slot",
        chapter: 3,
        title: "which level and slot of the wheel a deadline lands in",
        hint: include_str!("../hints/ch03_level_and_slot.md"),
    },
    Exercise {
        name: "ch03_generations",
        chapter: 3,
        title: "a slab whose stale keys cannot remove a newer value",
        hint: include_str!("../hints/ch03_generations.md"),
    },
    Exercise {
        name: "ch03_call_every",
        chapter: 3,
        title: "call_every on call_at: a repeating timer that does not drift",
        hint: include_str!("../hints/ch03_call_every.md"),
    },
    Exercise {
        name: "ch04_poll_io",
        chapter: 4,
        title: "the readiness protocol: wait, read, clear on would-block, wake on an edge",
        hint: include_str!("../hints/ch04_poll_io.md"),
    },
    Exercise {
        name: "ch04_read_line",
        chapter: 4,
        title: "an async read_line that keeps the bytes past the line for next time",
        hint: include_str!("../hints/ch04_read_line.md"),
    },
    Exercise {
        name: "ch04_ready_fds",
        chapter: 4,
        title: "which descriptors are ready to read, from one poll(2) call",
        hint: include_str!("../hints/ch04_ready_fds.md"),
    },
    Exercise {
        name: "ch05_join_handle",
        chapter: 5,
        title: "a task handle you can await, on stage 2's spawn",
        hint: include_str!("../hints/ch05_join_handle.md"),
    },
    Exercise {
        name: "ch05_cancel_token",
        chapter: 5,
        title: "a token that cancels the futures it runs: dropped at an await, the awaiter told",
        hint: include_str!("../hints/ch05_cancel_token.md"),
    },
    Exercise {
        name: "ch05_spawn_all",
        chapter: 5,
        title: "run futures as tasks all at once; every outcome, panics included",
        hint: include_str!("../hints/ch05_spawn_all.md"),
    },
    Exercise {
        name: "ch06_join_all",
        chapter: 6,
        title: "join_all on a ReadyList: a poll looks only at the children that were woken",
        hint: include_str!("../hints/ch06_join_all.md"),
    },
    Exercise {
        name: "ch06_first_ok",
        chapter: 6,
        title: "the first task to succeed, on wait(FirstCompleted); cancel the rest",
        hint: include_str!("../hints/ch06_first_ok.md"),
    },
    Exercise {
        name: "ch06_wait_or_cancel",
        chapter: 6,
        title: "wait for all with a timeout; cancel the rest and wait until they end",
        hint: include_str!("../hints/ch06_wait_or_cancel.md"),
    },
    Exercise {
        name: "ch07_result_slot",
        chapter: 7,
        title: "a result one thread sets and another blocks on (Condvar) or awaits (Waker)",
        hint: include_str!("../hints/ch07_result_slot.md"),
    },
    Exercise {
        name: "ch07_mini_pool",
        chapter: 7,
        title: "a fixed pool of workers on one channel; a panic stays in its job",
        hint: include_str!("../hints/ch07_mini_pool.md"),
    },
    Exercise {
        name: "ch07_parallel_sum",
        chapter: 7,
        title: "sum a vector in parts on the default pool with to_thread, awaited at once",
        hint: include_str!("../hints/ch07_parallel_sum.md"),
    },
    Exercise {
        name: "ch08_latch",
        chapter: 8,
        title: "a count-down latch on Event: waiters go on when the count reaches zero",
        hint: include_str!("../hints/ch08_latch.md"),
    },
    Exercise {
        name: "ch08_limit_concurrency",
        chapter: 8,
        title: "run jobs as tasks, at most limit at once, with a Semaphore",
        hint: include_str!("../hints/ch08_limit_concurrency.md"),
    },
    Exercise {
        name: "ch08_pipeline",
        chapter: 8,
        title: "a three-stage pipeline on two bounded queues, ended by None sentinels",
        hint: include_str!("../hints/ch08_pipeline.md"),
    },
    Exercise {
        name: "ch09_slow_polls",
        chapter: 9,
        title: "debug mode after the fact: the slow polls in a trace, by task name",
        hint: include_str!("../hints/ch09_slow_polls.md"),
    },
    Exercise {
        name: "ch09_wakes_by_task",
        chapter: 9,
        title: "count each task's wakes in a trace, and those from other threads",
        hint: include_str!("../hints/ch09_wakes_by_task.md"),
    },
    Exercise {
        name: "ch09_loop_busy",
        chapter: 9,
        title: "how long the loop polled tasks and how long it slept, from a trace",
        hint: include_str!("../hints/ch09_loop_busy.md"),
    },
];

pub mod runner;

/// The report an autograder reads: one JSON object per exercise, with its
/// name, chapter, result (`pass`, `fail`, `timeout` or `build-error`) and
/// test counts.
pub fn report_json(rows: &[(&Exercise, runner::run::Outcome)]) -> String {
    let objects: Vec<String> = rows
        .iter()
        .map(|(exercise, outcome)| {
            let (passed, total) = outcome.counts();
            format!(
                r#"  {{"name":"{}","chapter":{},"result":"{}","passed":{passed},"total":{total}}}"#,
                exercise.name,
                exercise.chapter,
                outcome.word()
            )
        })
        .collect();
    format!("[\n{}\n]\n", objects.join(",\n"))
}

/// Finds an exercise by name.
pub fn find(name: &str) -> Option<&'static Exercise> {
    EXERCISES.iter().find(|exercise| exercise.name == name)
}

#[cfg(test)]
mod tests;
