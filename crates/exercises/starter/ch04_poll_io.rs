//! Exercise ch04_poll_io: the readiness protocol between a socket and the
//! reactor, for one direction of one source.
//!
//! Read first: chapter 4.1 of the book, "The readiness protocol"
//! (`book/src/ch04-1-readiness.md`).
//!
//! The reactor keeps a [`Readiness`] per direction: a flag and the waker of
//! the task waiting. Edge-triggered epoll reports each change once, so the
//! flag must be kept until the socket itself says "would block", and a
//! waiting task must be woken when the flag is set.
//!
//! Complete `poll_io` (what a read or write does) and `on_event` (what the
//! reactor does when epoll reports the direction ready).
//! Check with `cargo exercises verify ch04_poll_io`.
#![allow(unused_variables, unused_mut, dead_code)]

use std::cell::RefCell;
use std::io;
use std::task::{Context, Poll, Waker};

/// What the reactor keeps for one direction of one source.
#[derive(Debug, Default)]
pub struct Readiness {
    /// Whether epoll said "ready" since the last "would block".
    pub ready: bool,
    /// The task waiting for this direction, if any.
    pub waker: Option<Waker>,
}

/// Runs the non-blocking `op` once the direction is ready.
///
/// - Not ready: store `cx`'s waker and return `Pending` (without calling
///   `op`: the socket has nothing for us).
/// - Ready: call `op`. If it says `WouldBlock`, the readiness is used up:
///   clear it, and go back to the first case. Otherwise return what it
///   returned (a success or another error), and keep the readiness.
pub fn poll_io<T>(
    readiness: &RefCell<Readiness>,
    cx: &mut Context<'_>,
    mut op: impl FnMut() -> io::Result<T>,
) -> Poll<io::Result<T>> {
    todo!("check readiness; store the waker or run op; clear readiness on WouldBlock")
}

/// Epoll reported the direction ready: remember it, and wake the waiting
/// task (if any) once, outside the borrow.
pub fn on_event(readiness: &RefCell<Readiness>) {
    todo!("set ready, take the waker, wake it after the borrow ends")
}
