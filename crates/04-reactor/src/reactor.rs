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

use crate::sys::{self, EpollEvent, Fd, PollFd};

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
    /// The descriptor, for the `poll(2)` backend, which passes it to every
    /// wait (epoll keeps its own list).
    fd: std::ffi::c_int,
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
    /// The epoll instance; `None` with the `poll(2)` backend.
    epoll: Option<Fd>,
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
    fn new(backend: Backend) -> io::Result<Registry> {
        Ok(Registry {
            epoll: match backend {
                Backend::Epoll => Some(sys::epoll_new()?),
                Backend::Poll => None,
            },
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
                    slot.entry = Some(Entry { fd: fd.raw(), ..Entry::default() });
                    Token { index, generation: slot.generation }
                }
                None => {
                    let index =
                        u32::try_from(slots.len()).expect("fewer than 2^32 sources");
                    let entry = Entry { fd: fd.raw(), ..Entry::default() };
                    slots.push(Slot { generation: 0, entry: Some(entry) });
                    Token { index, generation: 0 }
                }
            }
        };
        // The `poll(2)` backend needs nothing more: every wait passes the
        // entries' descriptors.
        let Some(epoll) = &self.epoll else { return Ok(token) };
        let interest = sys::EPOLLIN | sys::EPOLLOUT | sys::EPOLLRDHUP | sys::EPOLLET;
        if let Err(err) = sys::epoll_add(epoll, fd.raw(), interest, token.to_data()) {
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
        if let Some(epoll) = &self.epoll {
            let _ = sys::epoll_delete(epoll, fd.raw());
        }
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

    /// Which backend waits for this registry's sources.
    pub fn backend(&self) -> Backend {
        if self.epoll.is_some() { Backend::Epoll } else { Backend::Poll }
    }

    /// How many times the reactor has called `epoll_wait` (or `poll`) so far.
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
            .field("backend", &self.backend())
            .field("epoll", &self.epoll.as_ref().map(Fd::raw))
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
    /// The eventfd, or the write end of the `poll(2)` backend's self-pipe.
    fd: Fd,
    pipe: bool,
    state: AtomicU8,
}

const RUNNING: u8 = 0;
const PARKED: u8 = 1;
const NOTIFIED: u8 = 2;

impl Unpark for WakeFd {
    fn unpark(&self) {
        if self.state.swap(NOTIFIED, Ordering::AcqRel) == PARKED {
            if self.pipe {
                if let Err(err) = sys::pipe_signal(&self.fd) {
                    panic!("cannot wake the loop through its pipe: {err}");
                }
                return;
            }
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

// ANCHOR: backend
/// How the reactor waits for its sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Edge-triggered epoll (Linux), the default: a source is registered
    /// once, and a wait costs the same however many sources sit idle.
    Epoll,
    /// Level-triggered `poll(2)`, which every Unix has: each wait passes
    /// every source not known to be ready, and costs in proportion.
    Poll,
}

impl Backend {
    /// The backend when nothing says otherwise: epoll on Linux, `poll(2)`
    /// everywhere else.
    pub const DEFAULT: Backend =
        if cfg!(target_os = "linux") { Backend::Epoll } else { Backend::Poll };

    /// The backend the environment variable `STEPIO_REACTOR` names
    /// (`epoll` or `poll`); [`Backend::DEFAULT`] when it is not set.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for any other value.
    pub fn from_env() -> io::Result<Backend> {
        match std::env::var("STEPIO_REACTOR") {
            Ok(name) => Backend::parse(&name),
            Err(_) => Ok(Backend::DEFAULT),
        }
    }

    /// The backend `name` names: `epoll`, `poll`, or (empty) the default.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for any other name.
    pub fn parse(name: &str) -> io::Result<Backend> {
        match name {
            "" => Ok(Backend::DEFAULT),
            "epoll" => Ok(Backend::Epoll),
            "poll" => Ok(Backend::Poll),
            other => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "STEPIO_REACTOR={other:?}: the reactor backends are epoll and poll"
                ),
            )),
        }
    }
}
// ANCHOR_END: backend

// ANCHOR: poll_backend
impl PollState {
    /// One wait in `poll(2)`. The array holds the self-pipe and every source
    /// in each direction it is *not* ready in: `poll` is level-triggered,
    /// and would report a ready direction again on every call, so that a
    /// socket nobody reads would keep the loop from ever sleeping. Leaving
    /// out what is ready until a read or write says "would block" makes it
    /// behave as edge-triggered epoll does.
    fn wait(
        &mut self,
        registry: &Registry,
        timeout: Option<Duration>,
    ) -> io::Result<&[EpollEvent]> {
        self.fds.clear();
        self.tokens.clear();
        self.fds.push(PollFd { fd: self.wake.raw(), events: sys::POLLIN, revents: 0 });
        self.tokens.push(Token::WAKE);
        for (index, slot) in registry.slots.borrow().iter().enumerate() {
            let Some(entry) = &slot.entry else { continue };
            let mut events = 0;
            if entry.readiness & Direction::Read.ready_mask() == 0 {
                events |= sys::POLLIN;
            }
            if entry.readiness & Direction::Write.ready_mask() == 0 {
                events |= sys::POLLOUT;
            }
            if events != 0 {
                self.fds.push(PollFd { fd: entry.fd, events, revents: 0 });
                let token = Token { index: index as u32, generation: slot.generation };
                self.tokens.push(token.to_data());
            }
        }
        self.events.clear();
        if sys::poll_fds(&mut self.fds, timeout)? == 0 {
            return Ok(&self.events);
        }
        for (fd, &data) in self.fds.iter().zip(&self.tokens) {
            if fd.revents == 0 {
                continue;
            }
            if data == Token::WAKE {
                sys::pipe_drain(&self.wake)?;
            }
            // The same bits epoll would have set, for `dispatch`.
            let mut events = 0;
            if fd.revents & sys::POLLIN != 0 {
                events |= sys::EPOLLIN;
            }
            if fd.revents & sys::POLLOUT != 0 {
                events |= sys::EPOLLOUT;
            }
            if fd.revents & sys::POLLHUP != 0 {
                events |= sys::EPOLLHUP;
            }
            if fd.revents & (sys::POLLERR | sys::POLLNVAL) != 0 {
                events |= sys::EPOLLERR;
            }
            self.events.push(EpollEvent { events, data });
        }
        Ok(&self.events)
    }
}
// ANCHOR_END: poll_backend

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
    /// The `poll(2)` backend's state: `None` with epoll.
    poll: Option<PollState>,
}

/// What the `poll(2)` backend keeps between waits.
struct PollState {
    /// The self-pipe's read end, which other threads make readable.
    wake: Fd,
    /// The array passed to `poll`, rebuilt for each wait, and the token of
    /// each of its entries.
    fds: Vec<PollFd>,
    tokens: Vec<u64>,
    /// What the wait found, as the events epoll would have given.
    events: Vec<EpollEvent>,
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
        Reactor::with_backend(Backend::from_env()?)
    }

    /// A reactor on `backend`. With [`Backend::Poll`], a self-pipe takes
    /// the eventfd's place.
    ///
    /// # Errors
    ///
    /// As [`Reactor::new`].
    pub fn with_backend(backend: Backend) -> io::Result<Reactor> {
        let registry = Rc::new(Registry::new(backend)?);
        if backend == Backend::Poll {
            let (read, write) = sys::pipe_new()?;
            return Ok(Reactor {
                registry,
                wake: Arc::new(WakeFd {
                    fd: write,
                    pipe: true,
                    state: AtomicU8::new(RUNNING),
                }),
                events: Vec::new(),
                skipped: 0,
                poll: Some(PollState {
                    wake: read,
                    fds: Vec::new(),
                    tokens: Vec::new(),
                    events: Vec::new(),
                }),
            });
        }
        let epoll = registry.epoll.as_ref().expect("an epoll registry");
        let fd = sys::eventfd_new()?;
        // Edge-triggered: a write makes one event. The counter is never
        // read; it cannot fill up in practice (see `WakeFd::unpark`).
        sys::epoll_add(epoll, fd.raw(), sys::EPOLLIN | sys::EPOLLET, Token::WAKE)?;
        let wake = Arc::new(WakeFd { fd, pipe: false, state: AtomicU8::new(RUNNING) });
        Ok(Reactor {
            registry,
            wake,
            events: vec![MaybeUninit::uninit(); EVENTS_PER_WAIT],
            skipped: 0,
            poll: None,
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
        let result = match (&self.registry.epoll, &mut self.poll) {
            (Some(epoll), _) => sys::epoll_wait_for(epoll, &mut self.events, timeout),
            (None, Some(poll)) => poll.wait(&self.registry, timeout),
            (None, None) => unreachable!("a reactor has a backend"),
        };
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
