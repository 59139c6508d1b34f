//! Exercise ch02_counting_driver: a driver that wraps another one.
//!
//! Read first: chapter 2 of the book, "The idea: a ready queue and a driver"
//! (`book/src/ch02-poll-loop.md`).
//!
//! Later stages add timers and epoll by wrapping drivers. Practise the shape:
//! `CountingDriver` forwards every `park` to a `ThreadDriver`, and counts
//! the parks that may block (`timeout` is `None` or not zero) apart from the
//! ones that only poll (`Some(Duration::ZERO)`).
//! Check with `cargo exercises verify ch02_counting_driver`.
#![allow(unused_variables, unused_mut, dead_code)]

use std::cell::Cell;
use std::io;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use stepio_poll_loop::{Driver, ReadyQueue, ThreadDriver, Unpark};

/// What a [`CountingDriver`] saw, shared with whoever made it.
#[derive(Debug, Default)]
pub struct ParkStats {
    /// Parks that were allowed to sleep.
    pub blocking: Cell<usize>,
    /// Parks with a zero timeout: a look, without sleeping.
    pub polling: Cell<usize>,
}

/// A [`ThreadDriver`] that counts its parks into [`ParkStats`].
#[derive(Debug)]
pub struct CountingDriver {
    inner: ThreadDriver,
    stats: Rc<ParkStats>,
}

impl CountingDriver {
    /// A counting driver around a new `ThreadDriver`.
    pub fn new(stats: Rc<ParkStats>) -> CountingDriver {
        CountingDriver { inner: ThreadDriver::new(), stats }
    }
}

impl Driver for CountingDriver {
    fn park(
        &mut self,
        timeout: Option<Duration>,
        ready: &mut ReadyQueue,
    ) -> io::Result<()> {
        todo!("count this park as blocking or polling, then forward it to self.inner")
    }

    fn unparker(&self) -> Arc<dyn Unpark> {
        todo!("the inner driver's unparker")
    }
}
