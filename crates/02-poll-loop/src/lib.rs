//! # Stage 2: the poll loop
//!
//! An event loop is a queue of work that is ready to run, and a way to sleep
//! when there is none. This stage builds asyncio's loop on that idea:
//! callbacks scheduled with [`EventLoop::call_soon`] and tasks spawned with
//! [`EventLoop::spawn`] go on one FIFO ready queue; each turn of the loop
//! runs what was ready when the turn began. A task is polled once when
//! spawned, and after that only when its waker has been called, from this
//! thread or any other. When nothing is ready, the loop parks on a
//! [`Driver`] until a waker unparks it: an idle loop uses no CPU.
//!
//! ```
//! use std::cell::RefCell;
//! use std::rc::Rc;
//! use stepio_poll_loop::EventLoop;
//!
//! let event_loop = EventLoop::new();
//! let events = Rc::new(RefCell::new(Vec::new()));
//! for n in 1..=3 {
//!     let events = Rc::clone(&events);
//!     event_loop.call_soon(move || events.borrow_mut().push(n)).unwrap();
//! }
//! event_loop.stop(); // run one turn, then return
//! event_loop.run_forever().unwrap();
//! assert_eq!(*events.borrow(), [1, 2, 3]);
//! ```
//!
//! ## Where this sits
//!
//! It takes the [`Parker`](stepio_waker::Parker) of stage 1 as its innermost
//! driver ([`ThreadDriver`]). What is built on it adds drivers and kinds of
//! tasks through the loop's extension points (`ARCHITECTURE.md` lists
//! them); none of it changes [`EventLoop`]'s turn.
//!
//! ## Layout
//!
//! - [`event_loop`]: `EventLoop`, its turn, `get_running_loop`, `run`.
//! - [`driver`]: the `Driver` and `Unpark` traits, and `ThreadDriver`.
//! - [`handle`]: `Handle`, a cancellable scheduled callback.
//! - [`ready`]: the ready queue drivers push callbacks to.
//! - [`task`]: the task slab, the wakers that requeue tasks, `spawn`.
//! - [`panic`](mod@panic): caught panics and the exception handler.
//! - [`error`]: `LoopError`, with asyncio's messages.
//!
//! The extension points, each in one place: `extend.rs` (extensions, close
//! hooks, task numbers, `WeakEventLoop`), [`schedule`] (`Runnable` and
//! `Scheduler`, through which tasks that own themselves are queued and run)
//! and [`observe`] (the `Observer` hook, through which a loop can be
//! watched while it works).
//!
//! `task`, `panic`, `extend` and `observe` each add an `impl EventLoop`
//! block of their own, and `Runnable` and `Observer` take the loop they run
//! on, so these modules and `event_loop` refer to each other: the price of
//! a turn that a reader can take in at once, in about 400 lines.
//!
//! ## What this stage deliberately leaves out
//!
//! - Time: no `call_later` or `sleep` yet.
//! - I/O: no sockets yet.
//! - Task results and cancellation: a spawned task returns `()` and cannot be
//!   awaited.
//! - `call_soon_threadsafe`: other threads can wake tasks, not schedule
//!   callbacks.
//! - Speed: a wake takes a mutex even on the loop's own thread, and a task
//!   costs two allocations.

#![forbid(unsafe_code)]

pub mod driver;
pub mod error;
pub mod event_loop;
mod extend;
pub mod handle;
pub mod observe;
pub mod panic;
pub mod ready;
pub mod schedule;
pub mod task;

pub use driver::{Driver, ThreadDriver, Unpark};
pub use error::LoopError;
pub use event_loop::{EventLoop, get_running_loop, run};
pub use extend::WeakEventLoop;
pub use handle::Handle;
pub use observe::{
    Observer, Step, TaskEnd, TaskEvent, observe_new_loops, running_observer,
};
pub use panic::{PanicReport, PanicSource, panic_message};
pub use ready::ReadyQueue;
pub use schedule::{Runnable, Scheduler};
pub use task::TaskId;

#[cfg(test)]
mod tests;
