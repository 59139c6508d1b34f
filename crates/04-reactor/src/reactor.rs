//! The reactor: one epoll instance, the sources registered in it, and the
//! driver that waits in `epoll_wait`.
//!
//! [`Registry`] is the shared half (an `Rc` on the loop, found by sources
//! through the running loop); [`Reactor`] is the [`Driver`] the loop parks
//! on. The timer driver of stage 3 wraps the reactor, so one `epoll_wait`
//! waits for I/O and for the next deadline at once.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::io;
use std::mem::MaybeUninit;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use stepio_poll_loop::{Driver, ReadyQueue, Unpark, running_observer};

use crate::sys::{self, EpollEvent, Fd};

// ANCHOR: direction
/// One of the two directions a source can be ready in. Each has its own
/// readiness bit and its own waker, so a task reading and a task writing
/// the same socket never wake each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Ready to read (or accept): data, end of stream, or an error waits.
    Read,
    /// Ready to write (or a connect finished).
    Write,
}

impl Direction {
    /// The bits that make this direction ready.
    fn ready_mask(self) -> u8 {
        match self {
            Direction::Read => READABLE | READ_CLOSED,
            Direction::Write => WRITABLE | WRITE_CLOSED,
        }
    }

    /// The bit a "would block" clears.
    fn clearable(self) -> u8 {
        match self {
            Direction::Read => READABLE,
            Direction::Write => WRITABLE,
        }
    }

    fn index(self) -> usize {
        match self {
            Direction::Read => 0,
            Direction::Write => 1,
        }
    }
}

const READABLE: u8 = 1;
const WRITABLE: u8 = 2;
/// The peer will send nothing more (or the connection failed): reads
/// return end of stream or the error from now on, without blocking.
const READ_CLOSED: u8 = 4;
/// Writes fail from now on (the connection is gone), without blocking.
const WRITE_CLOSED: u8 = 8;

/// What epoll said, as readiness bits.
///
/// The `CLOSED` bits are for good: no read or write clears them. That
/// matters because an end of stream and the last data often come in one
/// event, and a read that empties the buffer clears `READABLE`: if the news
/// of the end were cleared with it, edge-triggered epoll would never say it
/// again, and the reader would wait forever.
fn readiness_of(events: u32) -> u8 {
    let mut bits = 0;
    if events & sys::EPOLLIN != 0 {
        bits |= READABLE;
    }
    if events & sys::EPOLLOUT != 0 {
        bits |= WRITABLE;
    }
    if events & sys::EPOLLRDHUP != 0 {
        bits |= READ_CLOSED;
    }
    if events & (sys::EPOLLHUP | sys::EPOLLERR) != 0 {
        bits |= READ_CLOSED | WRITE_CLOSED;
    }
    bits
}
// ANCHOR_END: direction

// ANCHOR: token
/// Names one registration: a slot index and that slot's generation, packed
/// into the 64-bit `data` of its epoll events.
///
/// A freed slot gets a new generation, so an event that names an old
/// registration (its source was dropped, and a new source may already use
/// the same slot and even the same fd number) matches nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    index: u32,
    generation: u32,
}

impl Token {
    /// The eventfd's token: a value no slot can produce, since it would need
    /// generation `u32::MAX`, and a slot whose generation reaches that is
    /// retired instead of reused (see `deregister`).
    const WAKE: u64 = u64::MAX;

    fn to_data(self) -> u64 {
        (u64::from(self.generation) << 32) | u64::from(self.index)
    }

    fn from_data(data: u64) -> Token {
        Token { index: data as u32, generation: (data >> 32) as u32 }
    }
}
// ANCHOR_END: token

// ANCHOR: registry
/// What the reactor knows about one registered source.
#[derive(Default)]
struct Entry {
    /// Readiness bits, kept until a read or write says "would block" (or
    /// a read comes back short).
    readiness: u8,
    /// The task waiting to read, and the one waiting to write.
    wakers: [Option<Waker>; 2],
}

/// A slot of the registry: an entry, or free.
struct Slot {
    generation: u32,
    entry: Option<Entry>,
}

/// The epoll instance of one loop and its registrations.
///
/// Lives in an `Rc` shared by the [`Reactor`] (which fills in readiness)
/// and every source (which reads it, and registers wakers). All of it is
/// used on the loop's thread only: only the eventfd is touched by others.
pub struct Registry {
    epoll: Fd,
    slots: RefCell<Vec<Slot>>,
    /// Free slot indices, reused last-in first-out.
    free: RefCell<Vec<u32>>,
    /// Wakers taken out of entries by an event, woken after the borrow ends.
    to_wake: RefCell<Vec<Waker>>,
    /// How many events `epoll_wait` returned in all (for tests and benches).
    events_seen: Cell<u64>,
    /// How many times the reactor called `epoll_wait` (the same).
    looks: Cell<u64>,
}
// ANCHOR_END: registry

impl Registry {
    fn new() -> io::Result<Registry> {
        Ok(Registry {
            epoll: sys::epoll_new()?,
            slots: RefCell::default(),
            free: RefCell::default(),
            to_wake: RefCell::default(),
            events_seen: Cell::new(0),
            looks: Cell::new(0),
        })
    }

    // ANCHOR: register
    /// Registers `fd` for both directions, edge-triggered, once for its
    /// whole life. Readiness starts empty: if the fd is ready already,
    /// epoll reports it on the next wait anyway.
    pub(crate) fn register(&self, fd: &Fd) -> io::Result<Token> {
        let token = {
            let mut slots = self.slots.borrow_mut();
            match self.free.borrow_mut().pop() {
                Some(index) => {
                    let slot = &mut slots[index as usize];
                    slot.entry = Some(Entry::default());
                    Token { index, generation: slot.generation }
                }
                None => {
                    let index =
                        u32::try_from(slots.len()).expect("fewer than 2^32 sources");
                    slots.push(Slot { generation: 0, entry: Some(Entry::default()) });
                    Token { index, generation: 0 }
                }
            }
        };
        let interest = sys::EPOLLIN | sys::EPOLLOUT | sys::EPOLLRDHUP | sys::EPOLLET;
        if let Err(err) = sys::epoll_add(&self.epoll, fd.raw(), interest, token.to_data())
        {
            self.release(token);
            return Err(err);
        }
        Ok(token)
    }

    /// Removes `fd` from epoll and frees its slot. Called by a source's
    /// `Drop`, before its fd is closed.
    pub(crate) fn deregister(&self, token: Token, fd: &Fd) {
        // An error here means the fd is not in the epoll set any more; there
        // is nothing to undo, and the slot is freed either way.
        let _ = sys::epoll_delete(&self.epoll, fd.raw());
        self.release(token);
    }

    fn release(&self, token: Token) {
        let (entry, reusable) = {
            let mut slots = self.slots.borrow_mut();
            let slot = &mut slots[token.index as usize];
            debug_assert_eq!(slot.generation, token.generation);
            // A new generation: events still naming the old one match nothing.
            slot.generation = slot.generation.wrapping_add(1);
            // A slot whose generation ran out is retired rather than let a
            // generation come round again (or collide with the eventfd's).
            (slot.entry.take(), slot.generation != u32::MAX)
        };
        if reusable {
            self.free.borrow_mut().push(token.index);
        }
        // Wakers are dropped here, after the borrow: a waker's destructor
        // may run arbitrary code.
        drop(entry);
    }
    // ANCHOR_END: register

    // ANCHOR: poll_ready
    /// Ready in `direction`? If not, `cx`'s waker is stored and woken when
    /// epoll reports the source ready.
    pub(crate) fn poll_ready(
        &self,
        token: Token,
        direction: Direction,
        cx: &mut Context<'_>,
    ) -> Poll<()> {
        let mut slots = self.slots.borrow_mut();
        let entry = entry_mut(&mut slots, token);
        if entry.readiness & direction.ready_mask() != 0 {
            return Poll::Ready(());
        }
        // Not ready: register the waker. No event can slip in between the
        // check above and this line: events are only taken in by `park`,
        // on this thread, between polls. One that arrived earlier is in
        // `readiness` already.
        let slot = &mut entry.wakers[direction.index()];
        match slot {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            _ => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// Forgets readiness in `direction` (not the `CLOSED` bits), after a
    /// read or write said "would block", or a read returned less than it
    /// asked for (the receive buffer was emptied, so the next bytes bring a
    /// new edge). With edge-triggered epoll, the next event comes only when
    /// the state changes again, so this must not happen for any other
    /// reason: that would lose the edge.
    pub(crate) fn clear_ready(&self, token: Token, direction: Direction) {
        let mut slots = self.slots.borrow_mut();
        entry_mut(&mut slots, token).readiness &= !direction.clearable();
    }
    // ANCHOR_END: poll_ready

    // ANCHOR: dispatch
    /// Records an event for the source `data` names, and wakes its waiters.
    /// An event for a stale token (a source dropped since) is ignored.
    fn dispatch(&self, data: u64, events: u32) {
        let token = Token::from_data(data);
        let bits = readiness_of(events);
        let mut slots = self.slots.borrow_mut();
        let Some(Slot { generation, entry: Some(entry) }) =
            slots.get_mut(token.index as usize)
        else {
            return;
        };
        if *generation != token.generation {
            return;
        }
        entry.readiness |= bits;
        let mut to_wake = self.to_wake.borrow_mut();
        for direction in [Direction::Read, Direction::Write] {
            if bits & direction.ready_mask() != 0 {
                to_wake.extend(entry.wakers[direction.index()].take());
            }
        }
    }

    /// Wakes what `dispatch` collected, outside every borrow.
    fn wake_collected(&self) {
        let mut to_wake = self.to_wake.take();
        for waker in to_wake.drain(..) {
            waker.wake();
        }
        *self.to_wake.borrow_mut() = to_wake;
    }
    // ANCHOR_END: dispatch

    /// How many sources are registered now.
    pub fn len(&self) -> usize {
        self.slots.borrow().iter().filter(|slot| slot.entry.is_some()).count()
    }

    /// Whether no source is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many I/O events `epoll_wait` has returned so far (the eventfd's
    /// not counted).
    pub fn events_seen(&self) -> u64 {
        self.events_seen.get()
    }

    /// How many times the reactor has called `epoll_wait` so far.
    pub fn looks(&self) -> u64 {
        self.looks.get()
    }

    /// Drops every stored waker (the loop is closing). Registrations stay
    /// until their sources are dropped.
    fn clear_wakers(&self) {
        let wakers: Vec<Waker> = self
            .slots
            .borrow_mut()
            .iter_mut()
            .filter_map(|slot| slot.entry.as_mut())
            .flat_map(|entry| entry.wakers.iter_mut().filter_map(Option::take))
            .collect();
        drop(wakers);
    }
}

/// The live entry `token` names. A source only ever holds a live token.
fn entry_mut(slots: &mut [Slot], token: Token) -> &mut Entry {
    let slot = &mut slots[token.index as usize];
    assert_eq!(slot.generation, token.generation, "a source used a stale token");
    slot.entry.as_mut().expect("a source's slot holds its entry")
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("epoll", &self.epoll.raw())
            .field("sources", &self.slots.try_borrow().map(|_| self.len()).ok())
            .finish()
    }
}

// ANCHOR: wake_fd
/// The eventfd through which any thread wakes a loop parked in
/// `epoll_wait`: the loop's [`Unpark`].
///
/// Writing to the eventfd is a system call, so it is only made when the
/// loop is parked or about to be. `state` says which:
/// the loop sets `PARKED` before `epoll_wait`, and an `unpark` that finds
/// `PARKED` writes; one that finds anything else only leaves `NOTIFIED`,
/// which the loop checks before it parks (and then does not sleep).
#[derive(Debug)]
pub struct WakeFd {
    fd: Fd,
    state: AtomicU8,
}

const RUNNING: u8 = 0;
const PARKED: u8 = 1;
const NOTIFIED: u8 = 2;

impl Unpark for WakeFd {
    fn unpark(&self) {
        if self.state.swap(NOTIFIED, Ordering::AcqRel) == PARKED {
            let result = match sys::eventfd_signal(&self.fd) {
                // The counter is full: 2^64 - 2 writes that nobody read
                // (the loop never reads it). Empty it, and write again so
                // that there is a new edge.
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    sys::eventfd_reset(&self.fd)
                        .and_then(|_| sys::eventfd_signal(&self.fd))
                }
                other => other,
            };
            // Any other error means the fd is broken: a bug, not a condition.
            if let Err(err) = result {
                panic!("cannot wake the loop through its eventfd: {err}");
            }
        }
    }
}
// ANCHOR_END: wake_fd

// ANCHOR: reactor
/// The innermost driver of a stage-4 loop: parks in `epoll_wait`.
pub struct Reactor {
    registry: Rc<Registry>,
    wake: Arc<WakeFd>,
    /// The buffer `epoll_wait` fills; its length caps events per wait.
    events: Vec<MaybeUninit<EpollEvent>>,
    /// Zero-timeout parks answered without a system call since the last
    /// `epoll_wait` (see [`LOOK_EVERY`]).
    skipped: u32,
}

// ANCHOR: look_every
/// With work ready, the loop parks with a zero timeout on every turn, only
/// to look for events. A look is a system call, dearer than a whole turn of
/// two tasks passing a ball, so the reactor makes it on every
/// `LOOK_EVERY`-th such park only; a park that may sleep always looks.
/// Measured (`io_latency`): 1 halves ping-pong's speed; 61, tokio's
/// `event_interval`, nearly triples a socket's round trip beside a busy
/// task; 16 keeps nearly all of the speed at half that cost.
pub const LOOK_EVERY: u32 = 16;
// ANCHOR_END: look_every

/// At most this many events per `epoll_wait`; more wait for the next turn.
const EVENTS_PER_WAIT: usize = 1024;

impl Reactor {
    /// A new epoll instance with its eventfd registered.
    ///
    /// # Errors
    ///
    /// When the process is out of file descriptors (`EMFILE`) or memory.
    pub fn new() -> io::Result<Reactor> {
        let registry = Rc::new(Registry::new()?);
        let fd = sys::eventfd_new()?;
        // Edge-triggered: a write makes one event. The counter is never
        // read; it cannot fill up in practice (see `WakeFd::unpark`).
        sys::epoll_add(
            &registry.epoll,
            fd.raw(),
            sys::EPOLLIN | sys::EPOLLET,
            Token::WAKE,
        )?;
        let wake = Arc::new(WakeFd { fd, state: AtomicU8::new(RUNNING) });
        Ok(Reactor {
            registry,
            wake,
            events: vec![MaybeUninit::uninit(); EVENTS_PER_WAIT],
            skipped: 0,
        })
    }

    /// The registry sources register with.
    pub fn registry(&self) -> Rc<Registry> {
        Rc::clone(&self.registry)
    }
}

impl Driver for Reactor {
    fn park(
        &mut self,
        timeout: Option<Duration>,
        _ready: &mut ReadyQueue,
    ) -> io::Result<()> {
        let mut timeout = timeout;
        if timeout == Some(Duration::ZERO) {
            // Work is waiting: events can wait a few turns more.
            if self.skipped + 1 < LOOK_EVERY {
                self.skipped += 1;
                return Ok(());
            }
        } else {
            // About to sleep: from now on an `unpark` must write the eventfd.
            // If one came since the last park, don't sleep at all.
            if self
                .wake
                .state
                .compare_exchange(RUNNING, PARKED, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
            {
                timeout = Some(Duration::ZERO);
            }
        }
        self.skipped = 0;
        self.registry.looks.set(self.registry.looks.get() + 1);
        let result = sys::epoll_wait_for(&self.registry.epoll, &mut self.events, timeout);
        // Awake. Wakes from here on need no system call: the loop collects
        // woken tasks right after `park` returns.
        self.wake.state.store(RUNNING, Ordering::Release);
        let ready = result?;
        let mut io_events = 0;
        for &EpollEvent { events, data } in ready {
            if data != Token::WAKE {
                self.registry.dispatch(data, events);
                io_events += 1;
            }
        }
        if io_events > 0 {
            report_ready(ready);
        }
        self.registry.events_seen.set(self.registry.events_seen.get() + io_events);
        self.registry.wake_collected();
        Ok(())
    }

    fn unparker(&self) -> Arc<dyn Unpark> {
        Arc::clone(&self.wake) as Arc<dyn Unpark>
    }

    fn close(&mut self) {
        self.registry.clear_wakers();
    }
}
// ANCHOR_END: reactor

/// What the reactor reports to the loop's observer: a source that epoll
/// said is ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IoReady {
    /// The source's slot in the registry.
    pub source: u64,
    /// Ready to read (or closed).
    pub readable: bool,
    /// Ready to write.
    pub writable: bool,
}

/// Tells the loop's observer, if it has one, which sources were ready.
fn report_ready(ready: &[EpollEvent]) {
    let Some(observer) = running_observer() else { return };
    for &EpollEvent { events, data } in ready {
        if data != Token::WAKE {
            let bits = readiness_of(events);
            observer.event(&IoReady {
                source: u64::from(Token::from_data(data).index),
                readable: bits & Direction::Read.ready_mask() != 0,
                writable: bits & Direction::Write.ready_mask() != 0,
            });
        }
    }
}

impl fmt::Debug for Reactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reactor")
            .field("registry", &self.registry)
            .field("wake", &self.wake)
            .finish()
    }
}

#[cfg(test)]
impl Registry {
    /// Feeds an event straight to `dispatch`, as `park` would.
    pub(crate) fn inject(&self, token: Token, events: u32) {
        self.dispatch(token.to_data(), events);
        self.wake_collected();
    }

    /// Whether the source `token` names is ready in `direction`.
    pub(crate) fn is_ready(&self, token: Token, direction: Direction) -> bool {
        let mut slots = self.slots.borrow_mut();
        entry_mut(&mut slots, token).readiness & direction.ready_mask() != 0
    }
}

#[cfg(test)]
impl Reactor {
    pub(crate) fn wake_fd(&self) -> Arc<WakeFd> {
        Arc::clone(&self.wake)
    }
}

#[cfg(test)]
impl WakeFd {
    pub(crate) fn unpark_for_test(&self) {
        self.unpark();
    }

    pub(crate) fn set_parked_for_test(&self) {
        self.state.store(PARKED, Ordering::Release);
    }

    /// How many writes the eventfd got since the last call (0: none).
    pub(crate) fn take_signals(&self) -> u64 {
        match sys::eventfd_reset(&self.fd) {
            Ok(count) => count,
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => 0,
            Err(err) => panic!("{err}"),
        }
    }
}

#[cfg(test)]
impl Token {
    pub(crate) fn index(self) -> u32 {
        self.index
    }
}
