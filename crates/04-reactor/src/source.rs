//! `Source`: a file descriptor registered with the running loop's reactor.

use std::fmt;
use std::io;
use std::rc::Rc;
use std::task::{Context, Poll, ready};

use stepio_poll_loop::get_running_loop;

use crate::reactor::{Direction, Registry, Token};
use crate::sys::Fd;

// ANCHOR: source
/// A non-blocking fd, registered once with the loop's epoll, for its whole
/// life. Dropping it deregisters the fd first, then closes it.
pub(crate) struct Source {
    registry: Rc<Registry>,
    token: Token,
    fd: Fd,
}

impl Source {
    /// Registers `fd` with the reactor of the loop running on this thread.
    pub(crate) fn new(fd: Fd) -> io::Result<Source> {
        let registry = running_registry()?;
        let token = registry.register(&fd)?;
        Ok(Source { registry, token, fd })
    }

    #[cfg(test)]
    pub(crate) fn token(&self) -> Token {
        self.token
    }

    pub(crate) fn fd(&self) -> &Fd {
        &self.fd
    }

    /// Waits until the source is ready in `direction` (see
    /// [`Registry::poll_ready`]).
    pub(crate) fn poll_ready(
        &self,
        direction: Direction,
        cx: &mut Context<'_>,
    ) -> Poll<()> {
        self.registry.poll_ready(self.token, direction, cx)
    }

    /// Forgets readiness in `direction` (see [`Registry::clear_ready`]).
    pub(crate) fn clear_ready(&self, direction: Direction) {
        self.registry.clear_ready(self.token, direction);
    }

    // ANCHOR: poll_io
    /// Runs the non-blocking `op` once the source is ready in `direction`;
    /// when `op` says "would block", forgets the readiness and waits for the
    /// next edge. This is the whole protocol between I/O and the reactor.
    pub(crate) fn poll_io<T>(
        &self,
        direction: Direction,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&Fd) -> io::Result<T>,
    ) -> Poll<io::Result<T>> {
        loop {
            ready!(self.poll_ready(direction, cx));
            match op(&self.fd) {
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    self.clear_ready(direction)
                }
                result => return Poll::Ready(result),
            }
        }
    }
    // ANCHOR_END: poll_io
}

impl Drop for Source {
    fn drop(&mut self) {
        // Out of epoll first; `fd` closes after this, as fields drop.
        self.registry.deregister(self.token, &self.fd);
    }
}
// ANCHOR_END: source

/// The reactor of the loop running on this thread.
pub(crate) fn running_registry() -> io::Result<Rc<Registry>> {
    let event_loop = get_running_loop().map_err(|_| {
        io::Error::other(
            "sockets need a running event loop: create them inside a task or run()",
        )
    })?;
    event_loop.extension::<Registry>().ok_or_else(|| {
        io::Error::other(
            "this event loop has no reactor: create it with stepio_reactor::new_event_loop() or run()",
        )
    })
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source")
            .field("fd", &self.fd.raw())
            .field("token", &self.token)
            .finish()
    }
}
