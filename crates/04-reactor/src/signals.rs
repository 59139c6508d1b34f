//! Signal handlers on the loop, as asyncio's `loop.add_signal_handler()`:
//! the callback runs on the loop's thread, between tasks, like any other
//! callback, not inside the kernel's interruption.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::c_int;
use std::future::{Future, poll_fn};
use std::io;
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;

use stepio_poll_loop::{EventLoop, get_running_loop};

use crate::reactor::Direction;
use crate::source::Source;
use crate::sys::{self, Fd, SIGINT};

// ANCHOR: signals
/// The loop's signal handlers, and the pipe the C handler writes to.
struct Handlers {
    callbacks: RefCell<HashMap<c_int, Rc<dyn Fn()>>>,
    /// The pipe's write end, kept open while handlers are installed.
    write: Fd,
}

/// Calls `callback` on the running loop each time the process receives
/// signal `signum`, as `loop.add_signal_handler()`; replaces a handler
/// already set for it.
///
/// # Errors
///
/// No running loop with a reactor, or a signal that cannot be caught
/// (`SIGKILL`, `SIGSTOP`: `EINVAL`).
pub fn add_signal_handler(signum: i32, callback: impl Fn() + 'static) -> io::Result<()> {
    add_handler(signum, Rc::new(callback))
}

/// As [`add_signal_handler`], with the callback shared, so that its owner
/// can later remove it only if it is still the one in place.
fn add_handler(signum: c_int, callback: Rc<dyn Fn()>) -> io::Result<()> {
    let event_loop = get_running_loop().map_err(io::Error::other)?;
    let handlers = match event_loop.extension::<Handlers>() {
        Some(handlers) => handlers,
        None => start(&event_loop)?,
    };
    if !handlers.callbacks.borrow().contains_key(&signum) {
        sys::catch_signal(signum)?;
    }
    handlers.callbacks.borrow_mut().insert(signum, callback);
    Ok(())
}

/// Removes the handler for `signum`, giving the signal back the action
/// it had before (unless another loop still catches it), as
/// `loop.remove_signal_handler()`; `false` if there was none.
pub fn remove_signal_handler(signum: i32) -> bool {
    remove(signum, None)
}

/// Removes the handler for `signum`; with `only`, only if it is still that
/// callback (one that replaced it is left alone). Whether one was removed.
fn remove(signum: c_int, only: Option<&Rc<dyn Fn()>>) -> bool {
    let Ok(event_loop) = get_running_loop() else { return false };
    let Some(handlers) = event_loop.extension::<Handlers>() else { return false };
    let mut callbacks = handlers.callbacks.borrow_mut();
    let ours = callbacks
        .get(&signum)
        .is_some_and(|now| only.is_none_or(|only| Rc::ptr_eq(now, only)));
    if ours {
        callbacks.remove(&signum);
        sys::release_signal(signum);
    }
    ours
}

/// Makes the pipe, points the C handler at it, and starts the task that
/// reads it; on close, every caught signal gets its earlier action back.
fn start(event_loop: &EventLoop) -> io::Result<Rc<Handlers>> {
    let (read, write) = sys::pipe_new()?;
    let source = Source::new(read)?;
    sys::add_signal_pipe(write.raw())?;
    let handlers = Rc::new(Handlers { callbacks: RefCell::default(), write });
    event_loop.insert_extension(Rc::clone(&handlers));
    let weak = Rc::downgrade(&handlers);
    event_loop.spawn(signal_callbacks(source, weak)).map_err(io::Error::other)?;
    let on_close = Rc::clone(&handlers);
    event_loop.on_close(move || on_close.stop());
    Ok(handlers)
}

/// The loop's task that reads the pipe and calls each signal's callback
/// (a task of its own, so a trace shows it by this name).
async fn signal_callbacks(source: Source, handlers: std::rc::Weak<Handlers>) {
    let mut signums = [0u8; 64];
    loop {
        let read = poll_fn(|cx| {
            source.poll_io(Direction::Read, cx, |fd| sys::pipe_read(fd, &mut signums))
        })
        .await;
        let (Ok(n), Some(handlers)) = (read, handlers.upgrade()) else { return };
        for &signum in &signums[..n] {
            let callback = handlers.callbacks.borrow().get(&c_int::from(signum)).cloned();
            if let Some(callback) = callback {
                callback();
            }
        }
    }
}

impl Handlers {
    /// No more signals for this loop: the pipe leaves the C handler's list,
    /// and each signal gets its earlier action back, unless another loop
    /// still catches it.
    fn stop(&self) {
        sys::remove_signal_pipe(self.write.raw());
        for signum in self.callbacks.borrow_mut().drain().map(|(signum, _)| signum) {
            sys::release_signal(signum);
        }
    }
}

impl Drop for Handlers {
    /// A loop dropped without `close`: out of the list before the pipe
    /// closes, or the C handler would write to whatever reuses its number.
    fn drop(&mut self) {
        self.stop();
    }
}

// ANCHOR_END: signals

// ANCHOR: ctrl_c
/// Catches Ctrl-C (`SIGINT`) from now on, and gives a future that finishes
/// at the first one, for a program to stop gracefully. The first Ctrl-C
/// also gives `SIGINT` its default action back, so a second one ends the
/// process at once, as Ctrl-C does without a handler. The handler is in
/// place when this returns, so a Ctrl-C that comes before the future is
/// polled is not lost; dropping the future removes it.
///
/// # Errors
///
/// As [`add_signal_handler`].
pub fn ctrl_c() -> io::Result<impl Future<Output = ()>> {
    let state: Rc<RefCell<(bool, Option<std::task::Waker>)>> = Rc::default();
    let callback: Rc<dyn Fn()> = Rc::new({
        let state = Rc::clone(&state);
        move || {
            let mut state = state.borrow_mut();
            state.0 = true;
            if let Some(waker) = state.1.take() {
                waker.wake();
            }
        }
    });
    add_handler(SIGINT, Rc::clone(&callback))?;
    let stop = CtrlC { callback, _waiting: sys::StopWaiting::new() };
    Ok(poll_fn(move |cx| {
        let _ = &stop; // owned by the future: dropped with it
        let mut state = state.borrow_mut();
        if state.0 {
            return Poll::Ready(());
        }
        state.1 = Some(cx.waker().clone());
        Poll::Pending
    }))
}

/// A graceful stop waiting for Ctrl-C: while it lives, the C handler gives
/// `SIGINT` its default action back at the first one (it works even while
/// a task blocks the loop); dropped, its handler goes.
struct CtrlC {
    callback: Rc<dyn Fn()>,
    _waiting: sys::StopWaiting,
}

impl Drop for CtrlC {
    fn drop(&mut self) {
        remove(SIGINT, Some(&self.callback));
    }
}
// ANCHOR_END: ctrl_c

// ANCHOR: cancel_on_ctrl_c
/// Runs `main` until it finishes, or until the first Ctrl-C cancels it
/// (drops it), as `asyncio.run` cancels its main task: `None` if Ctrl-C
/// came first. A second Ctrl-C ends the process at once (see [`ctrl_c`]).
///
/// As asyncio, only on the main thread and while `SIGINT` has its default
/// action (a shell starts a background job with it ignored); elsewhere it
/// is `main` alone, and Ctrl-C does what it did.
pub async fn cancel_on_ctrl_c<F: Future>(main: F) -> Option<F::Output> {
    let on_main_thread = std::thread::current().name() == Some("main");
    let stop = match on_main_thread && sys::signal_is_default(SIGINT) {
        true => ctrl_c().ok(),
        false => None,
    };
    let Some(stop) = stop else { return Some(main.await) };
    let (mut main, mut stop) = (pin!(main), pin!(stop));
    poll_fn(|cx| {
        if let Poll::Ready(output) = main.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        stop.as_mut().poll(cx).map(|()| None)
    })
    .await
}
// ANCHOR_END: cancel_on_ctrl_c
