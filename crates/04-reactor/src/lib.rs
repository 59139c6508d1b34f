//! # Stage 4: an epoll reactor, from raw system calls
//!
//! Sockets are the reason event loops exist: a server spends its life
//! waiting for bytes from many clients at once. This stage gives the loop an
//! innermost driver, the [`Reactor`], that waits in `epoll_wait`, and async
//! TCP on top: [`TcpListener`] and [`TcpStream`].
//!
//! - Every system call is declared by hand in one small module (`sys`), and
//!   its result goes through one check that turns `-1` and `errno` into an
//!   [`io::Error`](std::io::Error); all but two calls are retried on `EINTR`.
//!   No `libc` crate.
//! - A source registers once, edge-triggered, for both directions. Its
//!   readiness is kept in the reactor until a read or write says "would
//!   block", with a waker per direction: no event is lost, however late
//!   the task gets round to waiting.
//! - Registrations are named by tokens with a generation, so an event for a
//!   dropped source never reaches a new source that reuses its slot or fd.
//! - An eventfd lets any thread wake a loop parked in `epoll_wait`, with a
//!   system call only when the loop is really asleep.
//! - With work ready, the loop parks only to look for events; the reactor
//!   makes that look (an `epoll_wait`) on every 16th such park
//!   ([`LOOK_EVERY`]), and on every park that may sleep.
//! - The timer driver of stage 3 wraps the reactor: one `epoll_wait` waits
//!   for I/O and for the next deadline at once, to the nanosecond with
//!   `epoll_pwait2` (Linux 5.11), to the millisecond (rounded up) before.
//!
//! ```
//! use stepio_reactor::{TcpListener, TcpStream};
//!
//! let reply = stepio_reactor::run(async {
//!     let mut listener = TcpListener::bind("127.0.0.1:0")?;
//!     let addr = listener.local_addr()?;
//!     let mut client = TcpStream::connect(addr).await?;
//!     let (mut server, _) = listener.accept().await?;
//!     client.write_all(b"ping").await?;
//!     let mut buf = [0; 4];
//!     server.read_exact(&mut buf).await?;
//!     Ok::<_, std::io::Error>(buf)
//! })
//! .unwrap()
//! .unwrap();
//! assert_eq!(&reply, b"ping");
//! ```
//!
//! ## Layout
//!
//! - `sys`: the FFI declarations and their safe wrappers, a file per
//!   concern (epoll, eventfd, poll, sockets, errors).
//! - [`bare`]: `poll(2)` and epoll with a safe face and nothing else, for
//!   the chapter's first steps.
//! - [`reactor`]: `Registry` (epoll and its registrations), `Reactor` (the
//!   driver), `WakeFd` (the eventfd).
//! - `source`: `Source`, a registered fd, and the readiness protocol.
//! - [`net`]: `TcpListener`, `TcpStream` and its halves.
//! - [`server`]: `serve`, an accept loop with a task per connection.
//! - [`udp`], [`signals`], [`process`]: datagrams, signal handlers, child
//!   processes and their pipes, for the assembled runtime's streams.
//! - `log`: [`log_line`] and [`log_error`], logging from the loop that
//!   never blocks it.
//!
//! ## What this stage deliberately leaves out
//!
//! - kqueue and IOCP: Linux waits with epoll or `poll(2)`, macOS and
//!   FreeBSD with `poll(2)` (compiled, not run there); other systems stop
//!   at a `compile_error!`.
//! - Unix sockets: the same `Source` would carry them.
//! - Several tasks waiting on one direction of one socket: reads and writes
//!   take `&mut self`, so the compiler rules it out.

#![deny(unsafe_code)]

// ANCHOR: platforms
// The system calls are declared by hand, with each system's constants:
// Linux's (epoll, or poll(2)), and macOS's and FreeBSD's (poll(2) only).
// Every declaration is gated to the systems it is written for.
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "freebsd")))]
compile_error!(
    "stepio's reactor (stage 4, and every crate built on it) runs on Linux (tested, \
     epoll or poll(2)), and is written for macOS and FreeBSD (poll(2), compiled but \
     not run there). Its system calls are declared with those systems' constants. \
     Stages 1, 2, 3, 5 and 6 build everywhere."
);
// ANCHOR_END: platforms

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
pub mod bare;
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
mod log;
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
pub mod net;
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
pub mod process;
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
pub mod reactor;
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
pub mod server;
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
pub mod signals;
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
mod source;
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
#[allow(unsafe_code)]
mod sys;
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
pub mod udp;

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
use std::future::Future;

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
use stepio_poll_loop::{EventLoop, LoopError};
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
use stepio_timer_wheel::Clock;

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
pub use log::{log_error, log_line};
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
pub use net::{ReadHalf, TcpListener, TcpStream, WriteHalf, is_out_of_resources};
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
pub use process::{Child, ChildWatch, PipeReader, PipeWriter};
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
pub use reactor::{
    Backend, Direction, IoReady, LOOK_EVERY, Reactor, Registry, Token, WakeFd,
};
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
pub use server::{serve, serve_until, serve_with};
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
pub use signals::{add_signal_handler, cancel_on_ctrl_c, ctrl_c, remove_signal_handler};
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
pub use udp::UdpSocket;

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
// ANCHOR: new_event_loop
/// A loop that waits for I/O and timers in `epoll_wait`: the reactor,
/// wrapped in stage 3's timers. The loop's reactor is attached to it, so
/// sockets created in its tasks find it.
///
/// # Errors
///
/// When epoll or the eventfd cannot be created (out of file descriptors).
pub fn new_event_loop() -> std::io::Result<EventLoop> {
    event_loop_with_clock(Clock::real())
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
/// As [`new_event_loop`], on `clock` (tests pass [`Clock::simulated`]).
///
/// # Errors
///
/// As [`new_event_loop`].
pub fn event_loop_with_clock(clock: Clock) -> std::io::Result<EventLoop> {
    event_loop_on(Reactor::new()?, clock)
}
// ANCHOR_END: new_event_loop

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
/// As [`new_event_loop`], on the reactor backend given rather than the one
/// `STEPIO_REACTOR` names.
///
/// # Errors
///
/// As [`new_event_loop`].
pub fn new_event_loop_with(backend: Backend) -> std::io::Result<EventLoop> {
    event_loop_on(Reactor::with_backend(backend)?, Clock::real())
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
// ANCHOR: event_loop_on
/// The reactor, wrapped in stage 3's timers, and attached to the loop.
fn event_loop_on(reactor: Reactor, clock: Clock) -> std::io::Result<EventLoop> {
    let registry = reactor.registry();
    let event_loop = stepio_timer_wheel::event_loop_with(reactor, clock);
    event_loop.insert_extension(registry);
    Ok(event_loop)
}
// ANCHOR_END: event_loop_on

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
/// Runs `future` on a new loop with a reactor and timers, then closes the
/// loop, as `asyncio.run()`.
///
/// # Errors
///
/// As [`EventLoop::run_until_complete`]; [`LoopError::Driver`] when the
/// reactor cannot be created.
pub fn run<F: Future>(future: F) -> Result<F::Output, LoopError> {
    new_event_loop().map_err(LoopError::Driver)?.run_and_close(future)
}

#[cfg(test)]
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "freebsd"))]
mod tests;
