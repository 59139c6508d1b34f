//! What the checks share.

pub mod trace;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
pub use stepio_waker::testing::within;

/// Polls `future` once with a waker that does nothing.
pub fn noop_context_poll<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(Waker::noop()))
}
