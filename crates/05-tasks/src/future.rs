//! `BareFuture<T>`: a result that someone sets later, awaited by many, as
//! asyncio's `Future`.

use std::cell::{Cell, RefCell};
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use stepio_poll_loop::{EventLoop, WeakEventLoop};

use crate::TaskError;

// ANCHOR: bare_future
/// A value that is not there yet, as asyncio's `Future` (which Rust's
/// `Future` trait names something else, hence "bare": no task behind it).
///
/// Whoever holds a clone can complete it once, with
/// [`set_result`](BareFuture::set_result),
/// [`set_exception`](BareFuture::set_exception) or
/// [`cancel`](BareFuture::cancel); any number of tasks can await clones of
/// it meanwhile, and each gets a clone of the outcome. Done callbacks run
/// through the loop, as a task's do.
///
/// It belongs to one loop's thread (it is not `Send`); a thread pool brings
/// results from other threads.
pub struct BareFuture<T> {
    inner: Rc<Inner<T>>,
    /// This clone's place in `waiters`, once it has been polled.
    waiter: Cell<Option<usize>>,
}

struct Inner<T> {
    state: RefCell<State<T>>,
    /// Where done callbacks are scheduled. Weak, so that a future held by a
    /// task held by the loop does not keep the loop alive.
    event_loop: WeakEventLoop,
}

struct State<T> {
    outcome: Option<Result<T, TaskError>>,
    /// One entry per awaiting clone.
    waiters: Waiters,
    callbacks: Vec<Callback<T>>,
}
// ANCHOR_END: bare_future

/// A done callback of a bare future.
type Callback<T> = Box<dyn FnOnce(&BareFuture<T>)>;

impl<T: 'static> BareFuture<T> {
    /// A future that is not done yet, bound to `event_loop`, as
    /// `loop.create_future()`.
    pub fn new(event_loop: &EventLoop) -> BareFuture<T> {
        BareFuture {
            inner: Rc::new(Inner {
                state: RefCell::new(State {
                    outcome: None,
                    waiters: Waiters::default(),
                    callbacks: Vec::new(),
                }),
                event_loop: event_loop.downgrade(),
            }),
            waiter: Cell::new(None),
        }
    }

    /// Completes the future with `value`, as `Future.set_result()`, and wakes
    /// every task that awaits it.
    ///
    /// # Errors
    ///
    /// [`TaskError::InvalidState`] if it was already done: set, failed or
    /// cancelled. Nothing changes then.
    pub fn set_result(&self, value: T) -> Result<(), TaskError> {
        self.complete(Ok(value))
    }

    /// Completes the future with an error, as `Future.set_exception()`:
    /// awaiting it gives [`TaskError::Exception`].
    ///
    /// # Errors
    ///
    /// As [`set_result`](BareFuture::set_result).
    pub fn set_exception(
        &self,
        error: impl Error + Send + Sync + 'static,
    ) -> Result<(), TaskError> {
        self.complete(Err(TaskError::Exception(Arc::new(error))))
    }

    /// Cancels the future, as `Future.cancel()`: awaiting it gives
    /// [`TaskError::Cancelled`]. Returns `false` if it was already done.
    pub fn cancel(&self) -> bool {
        self.complete(Err(TaskError::Cancelled)).is_ok()
    }

    /// Whether it is done, as `Future.done()`.
    pub fn done(&self) -> bool {
        self.inner.state.borrow().outcome.is_some()
    }

    /// Whether it was cancelled, as `Future.cancelled()`.
    pub fn cancelled(&self) -> bool {
        matches!(self.inner.state.borrow().outcome, Some(Err(TaskError::Cancelled)))
    }

    /// The result, without waiting, as `Future.result()`.
    ///
    /// # Errors
    ///
    /// [`TaskError::InvalidState`] if it is not done; otherwise the error it
    /// was completed with.
    pub fn result(&self) -> Result<T, TaskError>
    where
        T: Clone,
    {
        match &self.inner.state.borrow().outcome {
            Some(outcome) => outcome.clone(),
            None => Err(TaskError::InvalidState("Result is not set.")),
        }
    }

    /// Calls `callback` with the future once it is done, through the loop,
    /// in the order added, as `Future.add_done_callback()`.
    pub fn add_done_callback(&self, callback: impl FnOnce(&BareFuture<T>) + 'static) {
        let mut state = self.inner.state.borrow_mut();
        if state.outcome.is_none() {
            state.callbacks.push(Box::new(callback));
        } else {
            drop(state);
            self.call_soon(Box::new(callback), 0);
        }
    }

    // ANCHOR: complete
    fn complete(&self, outcome: Result<T, TaskError>) -> Result<(), TaskError> {
        let mut state = self.inner.state.borrow_mut();
        if state.outcome.is_some() {
            return Err(TaskError::InvalidState("invalid state"));
        }
        state.outcome = Some(outcome);
        if state.callbacks.is_empty() {
            // The usual case, a one-shot: no callback to keep an order
            // with, so every waiter is woken now. Woken outside the borrow:
            // a waker may run code that looks at us.
            let waiters = state.waiters.take();
            drop(state);
            waiters.wake_all();
            return Ok(());
        }
        let waiters = state.waiters.take();
        let callbacks = std::mem::take(&mut state.callbacks);
        drop(state);
        // Waiters and callbacks are told in the order they came, as a
        // task's are (see `Task`'s `finish`).
        let Some(event_loop) = self.inner.event_loop.upgrade() else {
            // No loop to run a callback on.
            waiters.wake_all();
            return Ok(());
        };
        crate::notify::in_order(
            &event_loop,
            waiters.in_order(),
            callbacks,
            |callback, hops| {
                self.call_soon(callback, hops);
            },
        );
        Ok(())
    }
    // ANCHOR_END: complete

    /// Runs `callback` on the loop's next turn, or (`hops` 1) the one after.
    fn call_soon(&self, callback: Callback<T>, hops: u8) {
        let Some(event_loop) = self.inner.event_loop.upgrade() else { return };
        let future = self.clone();
        crate::notify::call_soon(&event_loop, hops, move || callback(&future));
    }
}

// ANCHOR: bare_future_poll
impl<T: Clone + 'static> Future for BareFuture<T> {
    type Output = Result<T, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.inner.state.borrow_mut();
        if let Some(outcome) = &state.outcome {
            // Done: this clone holds no place any more (its drop then need
            // not look).
            self.waiter.set(None);
            return Poll::Ready(outcome.clone());
        }
        let after = state.callbacks.len();
        let index = state.waiters.register(self.waiter.get(), cx.waker(), after);
        self.waiter.set(Some(index));
        Poll::Pending
    }
}
// ANCHOR_END: bare_future_poll

/// The wakers of the clones that await a bare future, each with the count
/// of done callbacks added before it began to wait. The first one is kept
/// inline: most futures have one waiter, and need no `Vec` for it.
#[derive(Default)]
struct Waiters {
    first: Option<(Waker, usize)>,
    /// Waiter `i + 1`; `None` once dropped.
    more: Vec<Option<(Waker, usize)>>,
    free: Vec<usize>,
}

impl Waiters {
    /// Stores `waker` in the waiter's place (`index`, or a new one), and
    /// returns that place.
    fn register(&mut self, index: Option<usize>, waker: &Waker, after: usize) -> usize {
        let index = index.unwrap_or_else(|| self.take_place());
        let place = if index == 0 { &mut self.first } else { &mut self.more[index - 1] };
        // The same task polling again needs no new clone, and keeps its place.
        if !place.as_ref().is_some_and(|(current, _)| current.will_wake(waker)) {
            *place = Some((waker.clone(), after));
        }
        index
    }

    /// Takes every waiter out, leaving none; moves nothing when there is
    /// only the inline one.
    fn take(&mut self) -> Waiters {
        Waiters {
            first: self.first.take(),
            more: if self.more.is_empty() {
                Vec::new()
            } else {
                std::mem::take(&mut self.more)
            },
            free: Vec::new(),
        }
    }

    fn take_place(&mut self) -> usize {
        if let Some(index) = self.free.pop() {
            return index;
        }
        if self.first.is_none() && self.more.is_empty() {
            return 0;
        }
        self.more.push(None);
        self.more.len()
    }

    fn remove(&mut self, index: usize) {
        let place = if index == 0 { &mut self.first } else { &mut self.more[index - 1] };
        *place = None;
        self.free.push(index);
    }

    fn wake_all(self) {
        if let Some((waker, _)) = self.first {
            waker.wake();
        }
        if !self.more.is_empty() {
            for (waker, _) in self.more.into_iter().flatten() {
                waker.wake();
            }
        }
    }

    /// Every waiter, in the order they began to wait among the callbacks.
    fn in_order(self) -> impl Iterator<Item = (usize, Waker)> {
        let mut all: Vec<(usize, Waker)> = self
            .first
            .into_iter()
            .chain(self.more.into_iter().flatten())
            .map(|(waker, after)| (after, waker))
            .collect();
        all.sort_by_key(|(after, _)| *after);
        all.into_iter()
    }
}

impl<T> Clone for BareFuture<T> {
    /// Another handle to the same future; each clone can be awaited.
    fn clone(&self) -> Self {
        BareFuture { inner: Rc::clone(&self.inner), waiter: Cell::new(None) }
    }
}

impl<T> Drop for BareFuture<T> {
    fn drop(&mut self) {
        // A clone that stops waiting gives its place back.
        if let Some(index) = self.waiter.get() {
            let mut state = self.inner.state.borrow_mut();
            if state.outcome.is_none() {
                state.waiters.remove(index);
            }
        }
    }
}

impl<T> fmt::Debug for BareFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.inner.state.borrow();
        let status = match &state.outcome {
            None => "pending",
            Some(Ok(_)) => "finished",
            Some(Err(TaskError::Cancelled)) => "cancelled",
            Some(Err(_)) => "failed",
        };
        write!(f, "<BareFuture {status}>")
    }
}
