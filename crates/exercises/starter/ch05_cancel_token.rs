//! Exercise ch05_cancel_token: a token that cancels the futures it runs.
//!
//! Read first: chapter 5 of the book, "Cancellation"
//! (`book/src/ch05-tasks.md`).
//!
//! `token.run(future)` wraps a future so that it finishes early, with
//! `Err(Cancelled)`, as soon as the token is cancelled: before its first
//! poll (the inner future is then never polled), or while it waits (the
//! awaiting task is woken, and the inner future is dropped at once). This is
//! how a Rust task is cancelled: its future is dropped at an `await`.
//! Check with `cargo exercises verify ch05_cancel_token`.
#![allow(unused_variables, unused_mut, dead_code)]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// The error of a future whose token was cancelled.
#[derive(Debug, PartialEq, Eq)]
pub struct Cancelled;

/// Cancels every future it runs; clones share one token.
#[derive(Clone, Debug, Default)]
pub struct CancelToken {
    inner: Rc<TokenState>,
}

#[derive(Debug, Default)]
struct TokenState {
    cancelled: Cell<bool>,
    /// The wakers of the futures waiting under this token.
    wakers: RefCell<Vec<Waker>>,
}

/// A future run under a [`CancelToken`].
pub struct Cancellable<F> {
    token: CancelToken,
    /// `None` once finished or cancelled (the inner future is dropped).
    future: Option<Pin<Box<F>>>,
}

impl<F> std::fmt::Debug for Cancellable<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cancellable")
            .field("finished", &self.future.is_none())
            .finish_non_exhaustive()
    }
}

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Cancels the token and wakes every future waiting under it. Returns
    /// `false` if it was already cancelled.
    pub fn cancel(&self) -> bool {
        todo!("set the flag once; take the wakers out and wake each")
    }

    /// Whether [`cancel`](CancelToken::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        todo!()
    }

    /// Runs `future` under this token.
    pub fn run<F: Future>(&self, future: F) -> Cancellable<F> {
        Cancellable { token: self.clone(), future: Some(Box::pin(future)) }
    }
}

impl<F: Future> Future for Cancellable<F> {
    type Output = Result<F::Output, Cancelled>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        todo!(
            "cancelled: drop the inner future, Err; else poll it; pending: register the waker with the token"
        )
    }
}
