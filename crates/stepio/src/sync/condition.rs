//! `Condition`: wait, with a lock released, until another task notifies.

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::semaphore::{Lock, LockGuard};
use super::waiters::{Turn, WaitList, wake};

// ANCHOR: condition
/// A condition variable, as `asyncio.Condition`: a [`Lock`], and tasks
/// that wait, with the lock released, until another task holding it says
/// something changed. Clones share it.
#[derive(Clone)]
pub struct Condition {
    lock: Lock,
    waiters: Rc<RefCell<WaitList<()>>>,
}

impl Condition {
    /// A condition with a lock of its own.
    pub fn new() -> Condition {
        Condition::with_lock(Lock::new())
    }

    /// A condition on `lock`, shared with whoever else holds it.
    pub fn with_lock(lock: Lock) -> Condition {
        Condition { lock, waiters: Rc::new(RefCell::new(WaitList::new())) }
    }

    /// Takes the lock, as `async with condition:`.
    pub async fn lock(&self) -> LockGuard {
        self.lock.lock().await
    }

    /// Releases `guard`'s lock, waits to be notified, and takes the lock
    /// again, as `wait()`.
    pub async fn wait(&self, guard: LockGuard) -> LockGuard {
        let mut notified = Notified { condition: self.clone(), turn: Turn::new() };
        // In line before the lock is released: a notify between the two
        // cannot be missed (nothing else runs until the next `await`).
        std::future::poll_fn(|cx| {
            Pin::new(&mut notified).join(cx);
            Poll::Ready(())
        })
        .await;
        drop(guard);
        notified.await;
        self.lock.lock().await
    }

    /// Waits until `predicate` is true, checking it with the lock held
    /// each time the task is notified, as `wait_for()`.
    pub async fn wait_for(
        &self,
        mut guard: LockGuard,
        mut predicate: impl FnMut() -> bool,
    ) -> LockGuard {
        while !predicate() {
            guard = self.wait(guard).await;
        }
        guard
    }

    /// Wakes up to `n` waiters, first come first served, as `notify(n)`.
    ///
    /// # Errors
    ///
    /// [`NotLocked`] if the lock is not held (asyncio's `RuntimeError`).
    pub fn notify(&self, n: usize) -> Result<(), NotLocked> {
        if !self.lock.locked() {
            return Err(NotLocked);
        }
        let mut woken = Vec::new();
        {
            let mut waiters = self.waiters.borrow_mut();
            while woken.len() < n {
                let Some(waiter) = waiters.pop() else { break };
                woken.push(waiter);
            }
        }
        for waiter in &woken {
            wake(waiter);
        }
        Ok(())
    }

    /// Wakes every waiter, as `notify_all()`.
    ///
    /// # Errors
    ///
    /// As [`notify`](Condition::notify).
    pub fn notify_all(&self) -> Result<(), NotLocked> {
        self.notify(usize::MAX)
    }
}
// ANCHOR_END: condition

impl Default for Condition {
    fn default() -> Self {
        Condition::new()
    }
}

/// `notify` without the lock held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotLocked;

impl fmt::Display for NotLocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot notify on un-acquired lock")
    }
}

impl Error for NotLocked {}

/// Waiting for a notify.
struct Notified {
    condition: Condition,
    turn: Turn<()>,
}

impl Notified {
    fn join(&mut self, cx: &Context<'_>) {
        self.turn.join(&mut self.condition.waiters.borrow_mut(), cx, None);
    }
}

impl Future for Notified {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.turn.poll(cx) {
            Some(poll) => poll.map(drop),
            None => {
                self.join(cx);
                Poll::Pending
            }
        }
    }
}

impl Drop for Notified {
    fn drop(&mut self) {
        // Notified, then dropped (its task cancelled): the notification
        // goes to the next waiter rather than being lost.
        let mut waiters = self.condition.waiters.borrow_mut();
        if self.turn.cancel(&mut waiters).is_some() {
            if let Some(next) = waiters.pop() {
                drop(waiters);
                wake(&next);
            }
        }
    }
}

impl fmt::Debug for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("lock", &self.lock)
            .field("waiting", &self.waiters.borrow().len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::{Condition, NotLocked};
    use crate::{create_task, run, yield_now};

    // ANCHOR: condition_test
    #[test]
    fn a_waiter_sleeps_with_the_lock_released_until_its_predicate_holds() {
        run(async {
            let condition = Condition::new();
            let items = Rc::new(RefCell::new(Vec::new()));
            let consumer = create_task({
                let (condition, items) = (condition.clone(), Rc::clone(&items));
                async move {
                    let guard = condition.lock().await;
                    let _guard =
                        condition.wait_for(guard, || items.borrow().len() >= 2).await;
                    items.borrow_mut().drain(..).collect::<Vec<u32>>()
                }
            });
            for item in [1, 2] {
                yield_now().await;
                // The consumer waits without the lock: we can take it.
                let _guard = condition.lock().await;
                items.borrow_mut().push(item);
                condition.notify(1).unwrap();
            }
            assert_eq!(consumer.await.unwrap(), [1, 2]);
        })
        .unwrap();
    }

    #[test]
    fn notify_wakes_the_first_waiters_only_and_needs_the_lock() {
        run(async {
            let condition = Condition::new();
            assert_eq!(condition.notify(1), Err(NotLocked));
            assert_eq!(NotLocked.to_string(), "cannot notify on un-acquired lock");
            let woke = Rc::new(RefCell::new(Vec::new()));
            for name in ["first", "second"] {
                let (condition, woke) = (condition.clone(), Rc::clone(&woke));
                create_task(async move {
                    let guard = condition.lock().await;
                    let _guard = condition.wait(guard).await;
                    woke.borrow_mut().push(name);
                });
            }
            for _ in 0..3 {
                yield_now().await;
            }
            {
                let _guard = condition.lock().await;
                condition.notify(1).unwrap();
            }
            for _ in 0..3 {
                yield_now().await;
            }
            assert_eq!(*woke.borrow(), ["first"]);
            {
                let _guard = condition.lock().await;
                condition.notify_all().unwrap();
            }
            for _ in 0..3 {
                yield_now().await;
            }
            assert_eq!(*woke.borrow(), ["first", "second"]);
        })
        .unwrap();
    }
    // ANCHOR_END: condition_test
}
