//! # Stage 6: gather and wait
//!
//! asyncio's ways to run many tasks and wait on them, at the scale of
//! 100,000 children:
//!
//! - [`gather()`] (and [`try_gather`], [`gather_tasks`], the tuple macro
//!   [`gather!`]): every output in argument order, or the first error;
//!   [`return_exceptions`](Gather::return_exceptions) collects them all.
//! - [`wait`](fn@wait): until the first task finishes, the first fails, or all
//!   have, with a timeout; gives back the done and the pending tasks.
//! - [`wait_for`] and [`wait_for_task`]: one future or task with a
//!   timeout, cancelled when it runs out.
//! - [`as_completed`](fn@as_completed): outcomes in the order the children finish.
//! - [`select`](fn@select): the first of two futures; [`join_all`]: many futures
//!   polled in place, without tasks.
//!
//! ```
//! use std::time::Duration;
//! use stepio_gather::{ReturnWhen, gather, wait};
//! use stepio_tasks::create_task;
//! use stepio_timer_wheel::sleep;
//!
//! stepio_timer_wheel::run(async {
//!     let outputs = gather([3, 1, 2].map(|n| async move { n * 2 })).await.unwrap();
//!     assert_eq!(outputs, [6, 2, 4]); // argument order
//!
//!     let fast = create_task(async { sleep(Duration::from_millis(1)).await });
//!     let slow = create_task(async { sleep(Duration::from_secs(60)).await });
//!     let waited = wait([fast, slow], ReturnWhen::FirstCompleted, None).await;
//!     assert_eq!((waited.done.len(), waited.pending.len()), (1, 1));
//!     waited.pending[0].cancel(); // wait cancels nothing by itself
//! })
//! .unwrap();
//! ```
//!
//! ## One waker per child
//!
//! Stage 1's `join_vec` gives every child the parent's waker, so it cannot
//! tell which child woke it and polls them all: gathering n children that
//! finish one at a time costs n + (n - 1) + ... = O(n²) polls. Here every
//! child gets a waker of its own that puts the child's index on a
//! [`ReadyList`] and wakes the parent; the parent polls just those indices.
//! Gathering n children costs O(n) polls in all (`src/tests.rs` counts
//! them for 100,000).
//!
//! ## Layout
//!
//! - [`ready`](mod@ready): `ReadyList`, the wakers and the woken indices.
//! - `children`: a set of futures polled through a ready list; every
//!   combinator below is a loop over it.
//! - [`gather`](mod@gather): `gather`, `try_gather`, `gather_tasks`,
//!   `join_all`.
//! - `tuple`: `gather!`.
//! - [`wait`](mod@wait): `wait`, `wait_for`, `wait_for_task`.
//! - [`as_completed`](mod@as_completed), [`select`](mod@select).
//!
//! ## What this stage deliberately leaves out
//!
//! - asyncio's `TaskGroup` (structured concurrency that cancels the
//!   siblings on the first error): gather matches asyncio's gather, which
//!   does not.
//! - A timeout on `as_completed`: wrap [`AsCompleted::next`] in
//!   [`wait_for`].
//! - `wait` on bare futures: it takes tasks, as asyncio's does since 3.11.

#![deny(unsafe_code)]

pub mod as_completed;
#[allow(unsafe_code)]
mod children;
pub mod gather;
#[allow(unsafe_code)]
pub mod ready;
pub mod select;
mod tuple;
pub mod wait;

pub use as_completed::{AsCompleted, as_completed};
pub use gather::{
    Gather, GatherAll, IntoTask, JoinAll, Spawned, gather, gather_tasks, join_all,
    try_gather,
};
pub use ready::ReadyList;
pub use select::{Either, select};
pub use tuple::GatherTuple;
#[doc(hidden)]
pub use tuple::{Children as TupleChildren, MaybeDone};
pub use wait::{ReturnWhen, Wait, Waited, wait, wait_for, wait_for_task};

pub use stepio_timer_wheel::Elapsed;

#[cfg(test)]
mod tests;
