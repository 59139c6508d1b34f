//! Synchronization between tasks of one loop, as asyncio's: [`Lock`],
//! [`Event`], [`Semaphore`] (bounded or not), [`Queue`], and (chapter 10)
//! [`Condition`] and [`Barrier`].
//!
//! All of them serve their waiters first come, first served, and survive
//! cancellation: a waiting future that is dropped leaves the line, and one
//! dropped after it was handed a permit or an item hands it on. Like
//! asyncio's, they belong to one loop's thread (they are not `Send`);
//! between threads, use `std::sync` or the thread pool of chapter 7.

mod barrier;
mod condition;
mod event;
mod queue;
mod semaphore;
mod waiters;

pub use barrier::{Barrier, BarrierWait};
pub use condition::{Condition, NotLocked};
pub use event::{Event, EventWait};
pub use queue::{Get, Put, Queue, QueueEmpty, QueueFull, QueueJoin, TooManyTaskDone};
pub use semaphore::{Acquire, Lock, LockGuard, Permit, Semaphore, TooManyReleases};
