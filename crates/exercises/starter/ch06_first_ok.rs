//! Exercise ch06_first_ok: the first task to succeed, built on `wait`.
//!
//! Read first: chapter 6 of the book, "wait" (`book/src/ch06-gather.md`).
//!
//! Ask several servers the same question and take the first good answer:
//! `first_ok(tasks)` gives the output of the first task that finishes with
//! `Ok`, and cancels the others. Failures before that are skipped; if every
//! task fails, it gives all the errors, in the order the tasks finished.
//! Use `wait(..., ReturnWhen::FirstCompleted, None)` in a loop, as asyncio
//! code does with `while pending: done, pending = await wait(pending, ...)`.
//! Check with `cargo exercises verify ch06_first_ok`.
#![allow(unused_variables, unused_mut, unused_imports, dead_code)]

use stepio_gather::{ReturnWhen, wait};
use stepio_tasks::{Task, TaskError};

/// The output of the first of `tasks` to succeed; the rest are cancelled.
///
/// # Errors
///
/// Every task's error, in the order they finished, if none succeeded.
pub async fn first_ok<T: 'static>(tasks: Vec<Task<T>>) -> Result<T, Vec<TaskError>> {
    todo!(
        "loop while tasks are pending: wait(pending, FirstCompleted); await each done task; \
         on the first Ok cancel what is still pending and return it; collect the errors"
    )
}
