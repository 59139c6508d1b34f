//! `Queue`: a queue between tasks, bounded or not: first in first out,
//! last in first out, or lowest first.

use std::cell::{RefCell, RefMut};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::waiters::{Turn, WaitList, Waiter, wake};

// ANCHOR: order
/// Where items wait, in the order `get` takes them: asyncio's `Queue`,
/// `LifoQueue` and `PriorityQueue` differ only here.
enum Items<T> {
    Fifo(VecDeque<T>),
    Lifo(Vec<T>),
    /// Lowest first. The heap's `push` and `pop` need `T: Ord`, which only
    /// [`Queue::priority`] knows, so it hands them over as functions.
    Priority {
        heap: BinaryHeap<Reverse<T>>,
        push: fn(&mut BinaryHeap<Reverse<T>>, T),
        pop: fn(&mut BinaryHeap<Reverse<T>>) -> Option<T>,
    },
}

impl<T> Items<T> {
    fn len(&self) -> usize {
        match self {
            Items::Fifo(items) => items.len(),
            Items::Lifo(items) => items.len(),
            Items::Priority { heap, .. } => heap.len(),
        }
    }

    fn push(&mut self, item: T) {
        match self {
            Items::Fifo(items) => items.push_back(item),
            Items::Lifo(items) => items.push(item),
            Items::Priority { heap, push, .. } => push(heap, item),
        }
    }

    /// The item `get` takes next.
    fn pop(&mut self) -> Option<T> {
        match self {
            Items::Fifo(items) => items.pop_front(),
            Items::Lifo(items) => items.pop(),
            Items::Priority { heap, pop, .. } => pop(heap),
        }
    }

    /// Puts back an item taken by a getter that was cancelled, where the
    /// next `get` will take it first.
    fn put_back(&mut self, item: T) {
        match self {
            Items::Fifo(items) => items.push_front(item),
            Items::Lifo(items) => items.push(item),
            Items::Priority { heap, push, .. } => push(heap, item),
        }
    }
}
// ANCHOR_END: order

struct Inner<T> {
    items: Items<T>,
    /// 0 for no bound, as asyncio's `maxsize=0`.
    maxsize: usize,
    /// Waiting in `get`: a `put` hands its item straight to the first.
    getters: WaitList<T>,
    /// Waiting in `put`: a `get` that makes room keeps it for the first
    /// one, which puts its item when it runs (as asyncio's putter does).
    putters: WaitList<()>,
    /// Places kept for putters that were told of room and have not run
    /// yet: nobody else may take them.
    reserved: usize,
    /// Items put and not yet marked done with `task_done`.
    unfinished: usize,
    /// Waiting in `join` for `unfinished` to reach 0.
    joiners: WaitList<()>,
}

// ANCHOR: queue
/// A first-in, first-out queue between tasks, as `asyncio.Queue`; with
/// [`Queue::lifo`] or [`Queue::priority`], asyncio's `LifoQueue` and
/// `PriorityQueue` (everything below holds for all three).
///
/// - [`put`](Queue::put) waits while a bounded queue is full;
///   [`get`](Queue::get) waits while it is empty. `put_nowait` and
///   `get_nowait` do not wait: they fail instead.
/// - **Fair**: getters are served in arrival order (an item put while
///   tasks wait goes straight to the first), and so are putters.
/// - **Cancellation-safe**: a getter cancelled after an item was handed to
///   it gives the item back (to the next getter, or the front of the
///   queue). A putter cancelled while it waits puts nothing, even when
///   room was kept for it and it had not run yet (the room goes to the
///   next putter), as in asyncio: a cancelled `put` never put its item,
///   so putting it again cannot make a duplicate. No item is lost either.
/// - [`task_done`](Queue::task_done) and [`join`](Queue::join) count the
///   items not yet processed, as asyncio's.
pub struct Queue<T> {
    inner: Rc<RefCell<Inner<T>>>,
}
// ANCHOR_END: queue

impl<T> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Queue { inner: Rc::clone(&self.inner) }
    }
}

/// `put_nowait` on a full queue (asyncio's `QueueFull`); the item comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueFull<T>(pub T);

/// `get_nowait` on an empty queue (asyncio's `QueueEmpty`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueEmpty;

/// `task_done` called more times than items were put (asyncio's `ValueError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyTaskDone;

impl<T> fmt::Display for QueueFull<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is full")
    }
}

impl fmt::Display for QueueEmpty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is empty")
    }
}

impl fmt::Display for TooManyTaskDone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done() called too many times")
    }
}

impl<T: fmt::Debug> std::error::Error for QueueFull<T> {}
impl std::error::Error for QueueEmpty {}
impl std::error::Error for TooManyTaskDone {}

impl<T> Queue<T> {
    /// A queue that holds at most `maxsize` items; 0 means no bound.
    pub fn new(maxsize: usize) -> Queue<T> {
        Queue::with_items(Items::Fifo(VecDeque::new()), maxsize)
    }

    /// A queue whose `get` takes the item put last, as `asyncio.LifoQueue`.
    pub fn lifo(maxsize: usize) -> Queue<T> {
        Queue::with_items(Items::Lifo(Vec::new()), maxsize)
    }

    /// A queue whose `get` takes the lowest item, as
    /// `asyncio.PriorityQueue` (put `(priority, value)` tuples, as there).
    pub fn priority(maxsize: usize) -> Queue<T>
    where
        T: Ord,
    {
        let items = Items::Priority {
            heap: BinaryHeap::new(),
            push: |heap, item| heap.push(Reverse(item)),
            pop: |heap| heap.pop().map(|Reverse(item)| item),
        };
        Queue::with_items(items, maxsize)
    }

    fn with_items(items: Items<T>, maxsize: usize) -> Queue<T> {
        Queue {
            inner: Rc::new(RefCell::new(Inner {
                items,
                maxsize,
                getters: WaitList::new(),
                putters: WaitList::new(),
                reserved: 0,
                unfinished: 0,
                joiners: WaitList::new(),
            })),
        }
    }

    /// How many items are in the queue, as `qsize()`.
    pub fn qsize(&self) -> usize {
        self.inner.borrow().items.len()
    }

    /// The bound (0: none), as `maxsize`.
    pub fn maxsize(&self) -> usize {
        self.inner.borrow().maxsize
    }

    /// Whether it holds no item, as `empty()`.
    pub fn empty(&self) -> bool {
        self.inner.borrow().items.len() == 0
    }

    /// Whether a bounded queue holds `maxsize` items, as `full()`.
    pub fn full(&self) -> bool {
        let inner = self.inner.borrow();
        inner.maxsize > 0 && inner.items.len() >= inner.maxsize
    }

    // ANCHOR: put_nowait
    /// Puts `item` without waiting, as `put_nowait()`.
    ///
    /// # Errors
    ///
    /// [`QueueFull`] with the item if the queue is full, or if putters are
    /// already waiting or a place is kept for one (they come first).
    pub fn put_nowait(&self, item: T) -> Result<(), QueueFull<T>> {
        let mut inner = self.inner.borrow_mut();
        let taken = inner.items.len() + inner.reserved;
        let full = inner.maxsize > 0 && taken >= inner.maxsize;
        if full || !inner.putters.is_empty() {
            return Err(QueueFull(item));
        }
        let getter = put_now(&mut inner, item);
        drop(inner);
        if let Some(getter) = getter {
            wake(&getter);
        }
        Ok(())
    }
    // ANCHOR_END: put_nowait

    /// Takes the first item without waiting, as `get_nowait()`.
    ///
    /// # Errors
    ///
    /// [`QueueEmpty`] if there is none.
    pub fn get_nowait(&self) -> Result<T, QueueEmpty> {
        let mut inner = self.inner.borrow_mut();
        let item = inner.items.pop().ok_or(QueueEmpty)?;
        // Room for the first waiting putter: kept for it until it runs.
        admit_putters(inner, None);
        Ok(item)
    }

    /// Puts `item`, waiting while the queue is full, as `put()`.
    pub fn put(&self, item: T) -> Put<T> {
        Put { queue: self.clone(), item: Some(item), turn: Turn::new() }
    }

    /// Takes the first item, waiting while there is none, as `get()`.
    pub fn get(&self) -> Get<T> {
        Get { queue: self.clone(), turn: Turn::new() }
    }

    /// Marks one item taken with `get` as processed, as `task_done()`.
    ///
    /// # Errors
    ///
    /// [`TooManyTaskDone`] if every item put is marked done already.
    pub fn task_done(&self) -> Result<(), TooManyTaskDone> {
        let mut inner = self.inner.borrow_mut();
        if inner.unfinished == 0 {
            return Err(TooManyTaskDone);
        }
        inner.unfinished -= 1;
        let mut woken = Vec::new();
        if inner.unfinished == 0 {
            while let Some(joiner) = inner.joiners.pop() {
                woken.push(joiner);
            }
        }
        drop(inner);
        for joiner in &woken {
            wake(joiner);
        }
        Ok(())
    }

    /// Waits until every item put has been marked done, as `join()`.
    pub fn join(&self) -> QueueJoin<T> {
        QueueJoin { queue: self.clone(), turn: Turn::new() }
    }
}

/// An item enters the queue: straight to the first waiting getter, or at
/// the back of the line.
fn put_now<T>(inner: &mut RefMut<'_, Inner<T>>, item: T) -> Option<Rc<Waiter<T>>> {
    inner.unfinished += 1;
    match inner.getters.pop() {
        Some(getter) => {
            *getter.item.borrow_mut() = Some(item);
            Some(getter)
        }
        None => {
            inner.items.push(item);
            None
        }
    }
}

/// Keeps each free place for the next waiting putter, and wakes them (an
/// item taken, an item handed straight to a getter, or a putter that gave
/// up leaves a place).
fn admit_putters<T>(mut inner: RefMut<'_, Inner<T>>, getter: Option<Rc<Waiter<T>>>) {
    let mut admitted = Vec::new();
    while inner.maxsize == 0 || inner.items.len() + inner.reserved < inner.maxsize {
        let Some(putter) = inner.putters.pop() else { break };
        inner.reserved += 1;
        admitted.push(putter);
    }
    drop(inner);
    if let Some(getter) = getter {
        wake(&getter);
    }
    for putter in &admitted {
        wake(putter);
    }
}

// ANCHOR: get
/// The future of [`Queue::get`].
#[must_use = "futures do nothing unless awaited"]
pub struct Get<T> {
    queue: Queue<T>,
    turn: Turn<T>,
}

impl<T> Future for Get<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = &mut *self;
        if let Some(poll) = this.turn.poll(cx) {
            return poll.map(|item| item.expect("a put handed us an item"));
        }
        if let Ok(item) = this.queue.get_nowait() {
            return Poll::Ready(item);
        }
        this.turn.join(&mut this.queue.inner.borrow_mut().getters, cx, None);
        Poll::Pending
    }
}

impl<T> Drop for Get<T> {
    fn drop(&mut self) {
        let mut inner = self.queue.inner.borrow_mut();
        let Some(handed) = self.turn.cancel(&mut inner.getters) else { return };
        // Cancelled holding an item it never returned: pass it on, to the
        // next getter or back to the front of the queue.
        let Some(item) = handed.item.borrow_mut().take() else { return };
        match inner.getters.pop() {
            Some(next) => {
                *next.item.borrow_mut() = Some(item);
                drop(inner);
                wake(&next);
            }
            None => inner.items.put_back(item),
        }
    }
}
// ANCHOR_END: get

/// The future of [`Queue::put`].
#[must_use = "futures do nothing unless awaited"]
pub struct Put<T> {
    queue: Queue<T>,
    /// The item, until it is put.
    item: Option<T>,
    turn: Turn<()>,
}

impl<T> Unpin for Put<T> {}

impl<T> Future for Put<T> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        match this.turn.poll(cx) {
            // A `get` kept a place for us: we put our item in it now.
            Some(Poll::Ready(_)) => {
                let mut inner = this.queue.inner.borrow_mut();
                inner.reserved -= 1;
                let getter =
                    put_now(&mut inner, this.item.take().expect("a put finishes once"));
                // Handed to a getter, the item left its place free.
                admit_putters(inner, getter);
                return Poll::Ready(());
            }
            Some(Poll::Pending) => return Poll::Pending,
            None => {}
        }
        let item = this.item.take().expect("a put finishes once");
        match this.queue.put_nowait(item) {
            Ok(()) => Poll::Ready(()),
            Err(QueueFull(item)) => {
                this.item = Some(item);
                this.turn.join(&mut this.queue.inner.borrow_mut().putters, cx, None);
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for Put<T> {
    fn drop(&mut self) {
        // Cancelled while waiting: the item is never put. Cancelled after a
        // place was kept for us, before we ran: the place goes to the next
        // putter, and the item is still not put.
        let mut inner = self.queue.inner.borrow_mut();
        if self.turn.cancel(&mut inner.putters).is_some() {
            inner.reserved -= 1;
            admit_putters(inner, None);
        }
    }
}

/// The future of [`Queue::join`].
#[must_use = "futures do nothing unless awaited"]
pub struct QueueJoin<T> {
    queue: Queue<T>,
    turn: Turn<()>,
}

impl<T> Future for QueueJoin<T> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        if let Some(poll) = this.turn.poll(cx) {
            return poll.map(drop);
        }
        if this.queue.inner.borrow().unfinished == 0 {
            return Poll::Ready(());
        }
        this.turn.join(&mut this.queue.inner.borrow_mut().joiners, cx, None);
        Poll::Pending
    }
}

impl<T> Drop for QueueJoin<T> {
    fn drop(&mut self) {
        self.turn.cancel(&mut self.queue.inner.borrow_mut().joiners);
    }
}

impl<T> fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.borrow();
        f.debug_struct("Queue")
            .field("qsize", &inner.items.len())
            .field("maxsize", &inner.maxsize)
            .field("getters", &inner.getters.len())
            .field("putters", &inner.putters.len())
            .field("reserved", &inner.reserved)
            .field("unfinished", &inner.unfinished)
            .finish()
    }
}

impl<T> fmt::Debug for Get<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Get").field("waiting", &self.turn.is_in_line()).finish()
    }
}

impl<T> fmt::Debug for Put<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Put").field("waiting", &self.turn.is_in_line()).finish()
    }
}

impl<T> fmt::Debug for QueueJoin<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueueJoin").field("waiting", &self.turn.is_in_line()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Queue;
    use crate::{create_task, run, yield_now};

    // ANCHOR: order_test
    #[test]
    fn each_kind_of_queue_gives_items_back_in_its_own_order() {
        let drain = |queue: Queue<(u32, char)>| {
            for item in [(2, 'b'), (3, 'c'), (1, 'a')] {
                queue.put_nowait(item).unwrap();
            }
            (0..3).map(|_| queue.get_nowait().unwrap().1).collect::<String>()
        };
        assert_eq!(drain(Queue::new(0)), "bca", "first in, first out");
        assert_eq!(drain(Queue::lifo(0)), "acb", "last in, first out");
        assert_eq!(drain(Queue::priority(0)), "abc", "lowest first");
    }

    #[test]
    fn a_cancelled_getter_puts_its_item_back_where_the_next_get_finds_it() {
        run(async {
            for (queue, expected) in
                [(Queue::lifo(0), [2, 1]), (Queue::priority(0), [1, 2])]
            {
                let getter = create_task({
                    let queue = queue.clone();
                    async move { queue.get().await }
                });
                yield_now().await;
                // Handed straight to the waiting getter, which is cancelled
                // before it runs: the item must come back.
                queue.put_nowait(1).unwrap();
                getter.cancel();
                assert!(getter.await.unwrap_err().is_cancelled());
                queue.put_nowait(2).unwrap();
                let got = [queue.get_nowait().unwrap(), queue.get_nowait().unwrap()];
                assert_eq!(got, expected);
            }
        })
        .unwrap();
    }
    // ANCHOR_END: order_test
}
