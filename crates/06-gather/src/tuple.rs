//! `gather!`: a fixed set of futures of different types, giving a tuple.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use stepio_poll_loop::{EventLoop, get_running_loop};
use stepio_tasks::{Task, TaskError};

use crate::IntoTask;

// ANCHOR: gather_macro
/// Gathers a fixed set of futures (or [`Spawned`](crate::Spawned) tasks)
/// of different types: awaited, it gives `Ok` with a tuple of their
/// outputs in argument order, or the first error, with the same rules as
/// [`gather`](crate::gather()) (up to 8 children).
///
/// ```
/// use stepio_gather::gather;
///
/// let (number, word) = stepio_timer_wheel::run(async {
///     gather!(async { 42 }, async { "hello" }).await
/// })
/// .unwrap()
/// .unwrap();
/// assert_eq!((number, word), (42, "hello"));
/// ```
///
/// With so few children it polls each unfinished one at every wake (as
/// `tokio::join!` does) instead of keeping a ready list.
#[macro_export]
macro_rules! gather {
    ($($child:expr),+ $(,)?) => {
        $crate::GatherTuple::new(($($crate::MaybeDone::new($child),)+))
    };
}
// ANCHOR_END: gather_macro

/// One child of [`gather!`]: not spawned yet, running, finished with its
/// output, or handed out.
#[doc(hidden)]
pub enum MaybeDone<C: IntoTask> {
    Unspawned(C),
    Running(Task<C::Output>),
    Done(C::Output),
    Taken,
}

impl<C: IntoTask> fmt::Debug for MaybeDone<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MaybeDone::Unspawned(_) => "Unspawned",
            MaybeDone::Running(_) => "Running",
            MaybeDone::Done(_) => "Done",
            MaybeDone::Taken => "Taken",
        })
    }
}

impl<C: IntoTask> MaybeDone<C> {
    #[doc(hidden)]
    pub fn new(child: C) -> MaybeDone<C> {
        MaybeDone::Unspawned(child)
    }

    fn spawn(&mut self, event_loop: &EventLoop) {
        if let MaybeDone::Unspawned(_) = self {
            let MaybeDone::Unspawned(child) = std::mem::replace(self, MaybeDone::Taken)
            else {
                unreachable!()
            };
            *self = MaybeDone::Running(child.into_task(event_loop));
        }
    }

    /// `Ready(Ok(()))` once it holds its output; `Ready(Err)` if it failed.
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TaskError>> {
        let MaybeDone::Running(task) = self else { return Poll::Ready(Ok(())) };
        match Pin::new(task).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(output)) => {
                *self = MaybeDone::Done(output);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(err)) => {
                *self = MaybeDone::Taken;
                Poll::Ready(Err(err))
            }
        }
    }

    fn take(&mut self) -> C::Output {
        match std::mem::replace(self, MaybeDone::Taken) {
            MaybeDone::Done(output) => output,
            _ => unreachable!("taken only once every child is done"),
        }
    }

    fn cancel(&self) {
        if let MaybeDone::Running(task) = self {
            task.cancel();
        }
    }
}

/// The children of one [`gather!`]: a tuple of [`MaybeDone`]s.
#[doc(hidden)]
pub trait Children {
    type Output;
    fn spawn(&mut self, event_loop: &EventLoop);
    fn poll_all(&mut self, cx: &mut Context<'_>)
    -> Poll<Result<Self::Output, TaskError>>;
    fn cancel(&self);
}

macro_rules! tuple_children {
    ($($child:ident $index:tt),+) => {
        impl<$($child: IntoTask),+> Children for ($(MaybeDone<$child>,)+) {
            type Output = ($($child::Output,)+);

            fn spawn(&mut self, event_loop: &EventLoop) {
                $(self.$index.spawn(event_loop);)+
            }

            fn poll_all(&mut self, cx: &mut Context<'_>) -> Poll<Result<Self::Output, TaskError>> {
                let mut all_done = true;
                $(
                    match self.$index.poll(cx) {
                        Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                        Poll::Ready(Ok(())) => {}
                        Poll::Pending => all_done = false,
                    }
                )+
                if !all_done {
                    return Poll::Pending;
                }
                Poll::Ready(Ok(($(self.$index.take(),)+)))
            }

            fn cancel(&self) {
                $(self.$index.cancel();)+
            }
        }
    };
}

tuple_children!(A 0);
tuple_children!(A 0, B 1);
tuple_children!(A 0, B 1, C 2);
tuple_children!(A 0, B 1, C 2, D 3);
tuple_children!(A 0, B 1, C 2, D 3, E 4);
tuple_children!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_children!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_children!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// The future of [`gather!`](crate::gather!).
#[must_use = "a gather does nothing unless awaited; dropping it cancels its children"]
pub struct GatherTuple<S: Children> {
    children: S,
    spawned: bool,
    finished: bool,
}

impl<S: Children> GatherTuple<S> {
    #[doc(hidden)]
    pub fn new(mut children: S) -> GatherTuple<S> {
        let spawned = match get_running_loop() {
            Ok(event_loop) => {
                children.spawn(&event_loop);
                true
            }
            Err(_) => false,
        };
        GatherTuple { children, spawned, finished: false }
    }
}

impl<S: Children> Future for GatherTuple<S> {
    type Output = Result<S::Output, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        assert!(!this.finished, "gather! polled after it returned");
        if !this.spawned {
            let event_loop = get_running_loop().unwrap_or_else(|err| {
                panic!("gather! was polled outside a running event loop: {err}")
            });
            this.children.spawn(&event_loop);
            this.spawned = true;
        }
        let outcome = this.children.poll_all(cx);
        this.finished = outcome.is_ready();
        outcome
    }
}

// Nothing in it is pinned: unspawned futures are moved into tasks, and
// tasks are reached through handles.
impl<S: Children> Unpin for GatherTuple<S> {}

impl<S: Children> Drop for GatherTuple<S> {
    fn drop(&mut self) {
        if !self.finished {
            self.children.cancel();
        }
    }
}

impl<S: Children> fmt::Debug for GatherTuple<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatherTuple")
            .field("spawned", &self.spawned)
            .field("finished", &self.finished)
            .finish()
    }
}
