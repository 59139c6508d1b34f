//! # Stage 1: futures, wakers and `block_on`
//!
//! A Rust future is a state machine that an executor drives by calling
//! [`Future::poll`]. `poll` either finishes
//! (`Poll::Ready(value)`) or says "not yet" (`Poll::Pending`). Before it says
//! "not yet", it takes the [`Waker`](std::task::Waker) out of the
//! [`Context`](std::task::Context) it was given and arranges for someone (a
//! timer thread, the kernel, another task) to call `wake` when progress is
//! possible. The executor then has nothing to do but sleep until that wake.
//! That handshake is the whole contract; everything in later stages is a
//! faster or more convenient way to keep it.
//!
//! This stage builds the pieces by hand:
//!
//! - [`Parker`]: a thread that sleeps until another one says "wake up", with
//!   no lost notifications ([`parker`]).
//! - A waker from a hand-written `RawWakerVTable` ([`raw_waker`]), and the same
//!   waker from the safe [`std::task::Wake`] trait ([`waker`]).
//! - [`block_on`](fn@block_on): poll, park, repeat. No busy loop.
//! - Small futures to drive: [`Delay`] (one thread per timer), [`join`](fn@join) and
//!   [`yield_now`](fn@yield_now).
//! - [`testing::within`]: run a test on its own thread with a deadline, so
//!   that a lost wake-up fails the test instead of hanging it. Every stage's
//!   tests and the course's checks use it.
//!
//! ```
//! use std::time::Duration;
//! use stepio_waker::{block_on, join, Delay};
//!
//! // Two 10 ms delays run at once on one thread: about 10 ms in all.
//! let start = std::time::Instant::now();
//! block_on(join(Delay::new(Duration::from_millis(10)), Delay::new(Duration::from_millis(10))));
//! assert!(start.elapsed() >= Duration::from_millis(10));
//! ```
//!
//! ## What this stage deliberately leaves out
//!
//! - Running more than one top-level future: that needs a queue of tasks.
//! - Efficient timers: [`Delay`] spends a thread per pending timer on purpose,
//!   so that a timing wheel has something to improve on.
//! - Allocation-free combinators: [`join`](fn@join) boxes its children to avoid
//!   `unsafe` pin projection.

pub mod block_on;
pub mod delay;
pub mod join;
pub mod parker;
pub mod raw;
pub mod testing;
pub mod wake;
pub mod yield_now;

pub use block_on::block_on;
pub use delay::Delay;
pub use join::{Join, JoinVec, join, join_vec};
pub use parker::{Parker, Unparker};
pub use raw::raw_waker;
pub use wake::waker;
pub use yield_now::{YieldNow, yield_now};

#[cfg(test)]
mod tests;
