//! Signal handlers on the loop, as asyncio's `loop.add_signal_handler()`:
//! the callback runs on the loop's thread, between tasks, like any other
//! callback, not inside the kernel's interruption.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::c_int;
use std::future::poll_fn;
use std::io;
use std::rc::Rc;

use stepio_poll_loop::{EventLoop, get_running_loop};

use crate::reactor::Direction;
use crate::source::Source;
use crate::sys::{self, Fd};

// ANCHOR: signals
/// The loop's signal handlers, and the pipe the C handler writes to.
struct Handlers {
    callbacks: RefCell<HashMap<c_int, Rc<dyn Fn()>>>,
    /// The pipe's write end, kept open while handlers are installed.
    _write: Fd,
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
    let event_loop = get_running_loop().map_err(io::Error::other)?;
    let handlers = match event_loop.extension::<Handlers>() {
        Some(handlers) => handlers,
        None => start(&event_loop)?,
    };
    sys::catch_signal(signum)?;
    handlers.callbacks.borrow_mut().insert(signum, Rc::new(callback));
    Ok(())
}

/// Removes the handler for `signum`, giving the signal its default action
/// back, as `loop.remove_signal_handler()`; `false` if there was none.
pub fn remove_signal_handler(signum: i32) -> bool {
    let Ok(event_loop) = get_running_loop() else { return false };
    let Some(handlers) = event_loop.extension::<Handlers>() else { return false };
    let removed = handlers.callbacks.borrow_mut().remove(&signum).is_some();
    if removed {
        sys::default_signal(signum);
    }
    removed
}

/// Makes the pipe, points the C handler at it, and starts the task that
/// reads it; on close, every caught signal gets its default action back.
fn start(event_loop: &EventLoop) -> io::Result<Rc<Handlers>> {
    let (read, write) = sys::pipe_new()?;
    sys::set_signal_pipe(write.raw());
    let source = Source::new(read)?;
    let handlers = Rc::new(Handlers { callbacks: RefCell::default(), _write: write });
    event_loop.insert_extension(Rc::clone(&handlers));
    let weak = Rc::downgrade(&handlers);
    event_loop
        .spawn(async move {
            let mut signums = [0u8; 64];
            loop {
                let read = poll_fn(|cx| {
                    source.poll_io(Direction::Read, cx, |fd| {
                        sys::pipe_read(fd, &mut signums)
                    })
                })
                .await;
                let (Ok(n), Some(handlers)) = (read, weak.upgrade()) else { return };
                for &signum in &signums[..n] {
                    let callback =
                        handlers.callbacks.borrow().get(&c_int::from(signum)).cloned();
                    if let Some(callback) = callback {
                        callback();
                    }
                }
            }
        })
        .map_err(io::Error::other)?;
    let on_close = Rc::clone(&handlers);
    event_loop.on_close(move || {
        sys::set_signal_pipe(-1);
        for signum in on_close.callbacks.borrow_mut().drain().map(|(signum, _)| signum) {
            sys::default_signal(signum);
        }
    });
    Ok(handlers)
}
// ANCHOR_END: signals

// ANCHOR: ctrl_c
/// Catches Ctrl-C (`SIGINT`) from now on, and gives a future that finishes
/// at the first one, for a program to stop gracefully; a second Ctrl-C ends
/// the process at once, with the status a shell gives a program that
/// Ctrl-C killed (130). The handler is in place when this returns, so a
/// Ctrl-C that comes before the future is polled is not lost.
///
/// # Errors
///
/// As [`add_signal_handler`].
pub fn ctrl_c() -> io::Result<impl std::future::Future<Output = ()>> {
    const SIGINT: i32 = 2;
    let state: Rc<RefCell<(bool, Option<std::task::Waker>)>> = Rc::default();
    add_signal_handler(SIGINT, {
        let state = Rc::clone(&state);
        move || {
            let mut state = state.borrow_mut();
            if state.0 {
                std::process::exit(130);
            }
            state.0 = true;
            if let Some(waker) = state.1.take() {
                waker.wake();
            }
        }
    })?;
    Ok(poll_fn(move |cx| {
        let mut state = state.borrow_mut();
        if state.0 {
            return std::task::Poll::Ready(());
        }
        state.1 = Some(cx.waker().clone());
        std::task::Poll::Pending
    }))
}
// ANCHOR_END: ctrl_c
