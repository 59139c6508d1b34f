//! The checks of exercise `ch04_poll_io`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch04_poll_io.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use crate::ch04_poll_io::{Readiness, on_event, poll_io};

/// A waker that counts its wakes.
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_waker() -> (Waker, Arc<Counter>) {
    let counter = Arc::new(Counter(AtomicUsize::new(0)));
    (Waker::from(Arc::clone(&counter)), counter)
}

fn wakes(counter: &Counter) -> usize {
    counter.0.load(Ordering::SeqCst)
}

/// A pretend non-blocking socket: bytes that arrived, and how many times
/// it was read.
#[derive(Default)]
struct Socket {
    arrived: RefCell<VecDeque<u8>>,
    reads: Cell<usize>,
}

impl Socket {
    fn read(&self) -> io::Result<u8> {
        self.reads.set(self.reads.get() + 1);
        self.arrived
            .borrow_mut()
            .pop_front()
            .ok_or_else(|| io::ErrorKind::WouldBlock.into())
    }
}

#[test]
fn not_ready_waits_without_touching_the_socket() {
    let readiness = RefCell::new(Readiness::default());
    let socket = Socket::default();
    let (waker, counter) = counting_waker();
    let poll = poll_io(&readiness, &mut Context::from_waker(&waker), || socket.read());
    assert!(poll.is_pending());
    assert_eq!(
        socket.reads.get(),
        0,
        "the socket was read although epoll never said it was ready"
    );
    assert!(
        readiness.borrow().waker.as_ref().is_some_and(|w| w.will_wake(&waker)),
        "the waker was not stored"
    );
    on_event(&readiness);
    assert_eq!(wakes(&counter), 1, "the event did not wake the waiting task");
    assert!(readiness.borrow().waker.is_none(), "a waker is woken once, then forgotten");
}

#[test]
fn ready_with_data_reads_it() {
    let readiness = RefCell::new(Readiness { ready: true, waker: None });
    let socket = Socket::default();
    socket.arrived.borrow_mut().extend([7, 8]);
    let (waker, _) = counting_waker();
    let poll = poll_io(&readiness, &mut Context::from_waker(&waker), || socket.read());
    assert!(matches!(poll, Poll::Ready(Ok(7))));
    assert!(
        readiness.borrow().ready,
        "a successful read must not clear readiness: more may be waiting"
    );
}

#[test]
fn would_block_clears_readiness_and_registers_the_waker() {
    let readiness = RefCell::new(Readiness { ready: true, waker: None });
    let socket = Socket::default();
    let (waker, counter) = counting_waker();
    let poll = poll_io(&readiness, &mut Context::from_waker(&waker), || socket.read());
    assert!(poll.is_pending());
    assert_eq!(socket.reads.get(), 1);
    assert!(!readiness.borrow().ready, "readiness must be cleared on WouldBlock");
    assert!(
        readiness.borrow().waker.is_some(),
        "after a WouldBlock the task must wait for the next edge"
    );
    // The next edge: data arrives, epoll reports it, the task is woken and
    // reads it.
    socket.arrived.borrow_mut().push_back(42);
    on_event(&readiness);
    assert_eq!(wakes(&counter), 1);
    let poll = poll_io(&readiness, &mut Context::from_waker(&waker), || socket.read());
    assert!(matches!(poll, Poll::Ready(Ok(42))));
}

#[test]
fn an_event_with_nobody_waiting_is_kept() {
    // The lost-readiness race: the edge arrives before any task waits.
    // Edge-triggered epoll will not report it again.
    let readiness = RefCell::new(Readiness::default());
    let socket = Socket::default();
    socket.arrived.borrow_mut().push_back(1);
    on_event(&readiness);
    let (waker, counter) = counting_waker();
    let poll = poll_io(&readiness, &mut Context::from_waker(&waker), || socket.read());
    assert!(
        matches!(poll, Poll::Ready(Ok(1))),
        "the readiness that arrived first was lost"
    );
    assert_eq!(wakes(&counter), 0);
}

#[test]
fn other_errors_are_returned_and_keep_readiness() {
    let readiness = RefCell::new(Readiness { ready: true, waker: None });
    let (waker, _) = counting_waker();
    let poll: Poll<io::Result<()>> =
        poll_io(&readiness, &mut Context::from_waker(&waker), || {
            Err(io::ErrorKind::ConnectionReset.into())
        });
    assert!(
        matches!(poll, Poll::Ready(Err(err)) if err.kind() == io::ErrorKind::ConnectionReset)
    );
    assert!(readiness.borrow().ready);
}

#[test]
fn the_latest_waker_is_the_one_woken() {
    // A task moved to another waker (a different task, or a combinator)
    // must be woken through the new one.
    let readiness = RefCell::new(Readiness::default());
    let socket = Socket::default();
    let (first, first_count) = counting_waker();
    let (second, second_count) = counting_waker();
    assert!(
        poll_io(&readiness, &mut Context::from_waker(&first), || socket.read())
            .is_pending()
    );
    assert!(
        poll_io(&readiness, &mut Context::from_waker(&second), || socket.read())
            .is_pending()
    );
    on_event(&readiness);
    assert_eq!((wakes(&first_count), wakes(&second_count)), (0, 1));
}

thread_local! {
    /// The readiness the `Peeker` looks at (a waker must be `Send`, so it
    /// cannot hold the `Rc` itself).
    static PEEKED: RefCell<Option<Rc<RefCell<Readiness>>>> = const { RefCell::new(None) };
}

/// A waker that reads the readiness as soon as it is woken.
struct Peeker(AtomicUsize);

impl Wake for Peeker {
    fn wake(self: Arc<Self>) {
        PEEKED.with(|slot| {
            let readiness = slot.borrow().clone().unwrap();
            // Panics if `on_event` still holds its borrow.
            assert!(readiness.borrow().ready);
        });
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn an_event_wakes_after_its_borrow_ends() {
    // A waker may run code that looks at the readiness at once.
    let readiness = Rc::new(RefCell::new(Readiness::default()));
    PEEKED.with(|slot| *slot.borrow_mut() = Some(Rc::clone(&readiness)));
    let peeker = Arc::new(Peeker(AtomicUsize::new(0)));
    let waker = Waker::from(Arc::clone(&peeker));
    let poll =
        poll_io(&readiness, &mut Context::from_waker(&waker), || Ok::<_, io::Error>(()));
    assert!(poll.is_pending());
    on_event(&readiness);
    assert_eq!(peeker.0.load(Ordering::SeqCst), 1);
}
