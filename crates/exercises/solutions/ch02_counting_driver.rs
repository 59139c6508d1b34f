//! Reference solution of ch02_counting_driver.

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
        let counter = if timeout == Some(Duration::ZERO) {
            &self.stats.polling
        } else {
            &self.stats.blocking
        };
        counter.set(counter.get() + 1);
        self.inner.park(timeout, ready)
    }

    fn unparker(&self) -> Arc<dyn Unpark> {
        // Wakers must reach the driver that really sleeps: the inner one.
        self.inner.unparker()
    }
}
