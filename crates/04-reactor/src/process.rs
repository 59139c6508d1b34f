//! Child processes on the loop: a child's pipes as non-blocking
//! descriptors the reactor watches, and its exit noticed without blocking
//! the loop in `waitpid`.
//!
//! std starts the child ([`std::process::Command`]: the fork, the exec,
//! the report of a program that cannot run); this module takes over what
//! std would otherwise wait for. The exit is noticed one of two ways
//! ([`ChildWatch`]):
//!
//! - **a pidfd** (Linux 5.3): a descriptor that becomes readable when the
//!   child exits, registered like any socket;
//! - **`SIGCHLD`**: the signal the kernel sends a parent when a child
//!   exits, caught with [`add_signal_handler`](crate::add_signal_handler);
//!   each one wakes every waiting child, which asks `waitpid` (without
//!   waiting) whether it is the one that exited.

use std::cell::RefCell;
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::process::{Command, ExitStatus};
use std::rc::Rc;
use std::task::{Context, Poll, Waker, ready};

use stepio_poll_loop::get_running_loop;

use crate::reactor::Direction;
use crate::source::Source;
use crate::sys;

// ANCHOR: pipes
/// The reading end of a pipe from a child (its stdout or stderr).
pub struct PipeReader {
    source: Source,
}

/// The writing end of a pipe to a child (its stdin). Dropping it closes
/// the pipe: the child reads the end of its input.
pub struct PipeWriter {
    source: Source,
}

impl PipeReader {
    /// Reads what the child has written, as [`TcpStream::poll_read`]:
    /// `Ok(0)` once the child has closed its end (or exited).
    ///
    /// # Errors
    ///
    /// As `read(2)`.
    ///
    /// [`TcpStream::poll_read`]: crate::TcpStream::poll_read
    pub fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.source.poll_io(Direction::Read, cx, |fd| sys::pipe_read(fd, buf))
    }

    /// As [`poll_read`](PipeReader::poll_read), awaited.
    ///
    /// # Errors
    ///
    /// As `read(2)`.
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_read(cx, buf)).await
    }
}

impl PipeWriter {
    /// Writes what the pipe has room for, as [`TcpStream::poll_write`].
    ///
    /// # Errors
    ///
    /// `BrokenPipe` once the child has closed its end (or exited).
    ///
    /// [`TcpStream::poll_write`]: crate::TcpStream::poll_write
    pub fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.source.poll_io(Direction::Write, cx, |fd| sys::pipe_write(fd, buf))
    }

    /// Writes all of `buf`, waiting whenever the pipe is full.
    ///
    /// # Errors
    ///
    /// As [`poll_write`](PipeWriter::poll_write).
    pub async fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match poll_fn(|cx| self.poll_write(cx, buf)).await? {
                0 => return Err(io::ErrorKind::WriteZero.into()),
                n => buf = &buf[n..],
            }
        }
        Ok(())
    }
}
// ANCHOR_END: pipes

/// How a [`Child`]'s exit is noticed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildWatch {
    /// A pidfd (Linux 5.3); where the kernel refuses one, `SIGCHLD`.
    Pidfd,
    /// The `SIGCHLD` signal, and `waitpid` without waiting.
    Sigchld,
}

impl ChildWatch {
    /// A pidfd on Linux, `SIGCHLD` elsewhere.
    pub const DEFAULT: ChildWatch =
        if cfg!(target_os = "linux") { ChildWatch::Pidfd } else { ChildWatch::Sigchld };
}

// ANCHOR: child
/// A child process started on the running loop, as the process half of
/// asyncio's `create_subprocess_exec`. Its pipes are the ones the command
/// asked for with [`Stdio::piped`](std::process::Stdio::piped).
///
/// Dropping a child that is still running leaves it running; while the
/// loop runs, a task of it collects the exit status when the child ends,
/// so it does not stay a zombie. (Once the loop has closed, it stays one
/// until this process ends, as with std.)
pub struct Child {
    pid: u32,
    /// Until the exit is collected: the std child and how to notice it.
    running: Option<Running>,
    status: Option<ExitStatus>,
    /// The child's stdin, if piped.
    pub stdin: Option<PipeWriter>,
    /// The child's stdout, if piped.
    pub stdout: Option<PipeReader>,
    /// The child's stderr, if piped.
    pub stderr: Option<PipeReader>,
}

/// A child whose exit is not collected yet.
struct Running {
    child: std::process::Child,
    exit: Exit,
}

/// What wakes a task waiting for the exit.
enum Exit {
    /// Readable once the child has exited.
    Pidfd(Source),
    /// The loop's `SIGCHLD` waiters.
    Sigchld(Rc<SigchldWaiters>),
}
// ANCHOR_END: child

impl Child {
    /// Starts `command` on the running loop, with its exit noticed the
    /// default way ([`ChildWatch::DEFAULT`]).
    ///
    /// # Errors
    ///
    /// As [`Command::spawn`] (`NotFound` for a program that does not
    /// exist), or no running loop with a reactor.
    pub fn spawn(command: &mut Command) -> io::Result<Child> {
        Child::spawn_watched(command, ChildWatch::DEFAULT)
    }

    /// As [`spawn`](Child::spawn), with the exit noticed the way `watch`
    /// says.
    ///
    /// # Errors
    ///
    /// As [`spawn`](Child::spawn).
    pub fn spawn_watched(command: &mut Command, watch: ChildWatch) -> io::Result<Child> {
        // Nothing starts without a loop to watch it.
        crate::source::running_registry()?;
        // The handler goes in before the child starts: a SIGCHLD from a
        // child that exits at once must find it.
        let sigchld = match watch {
            ChildWatch::Sigchld => Some(SigchldWaiters::of_running_loop()?),
            ChildWatch::Pidfd => None,
        };
        let mut child = command.spawn().map_err(|err| {
            let program = command.get_program().to_string_lossy();
            io::Error::new(err.kind(), format!("cannot start {program:?}: {err}"))
        })?;
        let (pipes, exit) = match watch_parts(&mut child, sigchld) {
            Ok(parts) => parts,
            Err(err) => {
                // Out of descriptors, say: the child must not run on
                // unwatched, nor stay a zombie.
                let _ = child.kill();
                let _ = child.wait();
                return Err(err);
            }
        };
        let [stdin, stdout, stderr] = pipes;
        Ok(Child {
            pid: child.id(),
            running: Some(Running { child, exit }),
            status: None,
            stdin: stdin.map(|source| PipeWriter { source }),
            stdout: stdout.map(|source| PipeReader { source }),
            stderr: stderr.map(|source| PipeReader { source }),
        })
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.pid
    }

    /// The exit status, if the child's exit has been collected.
    pub fn status(&self) -> Option<ExitStatus> {
        self.status
    }

    /// Waits for the child to exit, without blocking the loop.
    ///
    /// # Errors
    ///
    /// As `waitpid(2)`.
    pub fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        if let Some(status) = self.status {
            return Poll::Ready(Ok(status));
        }
        let running = self.running.as_mut().expect("running until the status is known");
        let status = ready!(running.poll_exit(cx))?;
        self.status = Some(status);
        self.running = None; // closes the pidfd
        Poll::Ready(Ok(status))
    }

    /// As [`poll_wait`](Child::poll_wait), awaited.
    ///
    /// # Errors
    ///
    /// As `waitpid(2)`.
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        poll_fn(|cx| self.poll_wait(cx)).await
    }

    /// Sends signal `signum` to the child.
    ///
    /// # Errors
    ///
    /// `ESRCH` ("No such process", asyncio's `ProcessLookupError`) once the
    /// exit has been collected: the number may name another process by
    /// then. Until it is collected, it cannot.
    pub fn send_signal(&mut self, signum: i32) -> io::Result<()> {
        const ESRCH: i32 = 3;
        if self.status.is_some() {
            return Err(io::Error::from_raw_os_error(ESRCH));
        }
        sys::send_signal(self.pid, signum)
    }

    /// Kills the child (`SIGKILL`), as asyncio's `kill()`.
    ///
    /// # Errors
    ///
    /// As [`send_signal`](Child::send_signal).
    pub fn kill(&mut self) -> io::Result<()> {
        self.send_signal(9)
    }

    /// Asks the child to end (`SIGTERM`), as asyncio's `terminate()`.
    ///
    /// # Errors
    ///
    /// As [`send_signal`](Child::send_signal).
    pub fn terminate(&mut self) -> io::Result<()> {
        self.send_signal(15)
    }
}

// ANCHOR: exit
impl Running {
    /// Collects the exit status once the child has exited: asks `waitpid`
    /// without waiting, and if the child is still running, waits for the
    /// pidfd or the next `SIGCHLD`, then asks again.
    fn poll_exit(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Poll::Ready(Ok(status));
            }
            match &self.exit {
                Exit::Pidfd(source) => {
                    ready!(source.poll_ready(Direction::Read, cx));
                    // Readable means exited: the next `try_wait` has it.
                    source.clear_ready(Direction::Read);
                }
                Exit::Sigchld(waiters) => {
                    waiters.wait(cx.waker());
                    return Poll::Pending;
                }
            }
        }
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        // Still running: a task of the loop collects its exit, so that it
        // does not stay a zombie. Without a running loop, it stays one.
        let Some(mut running) = self.running.take() else { return };
        if let Ok(event_loop) = get_running_loop() {
            let _ = event_loop.spawn(async move {
                let _ = poll_fn(|cx| running.poll_exit(cx)).await;
            });
        }
    }
}
// ANCHOR_END: exit

/// Takes over `child`'s pipes (stdin, stdout, stderr), and a way to
/// notice its exit.
fn watch_parts(
    child: &mut std::process::Child,
    sigchld: Option<Rc<SigchldWaiters>>,
) -> io::Result<([Option<Source>; 3], Exit)> {
    let stdin = child.stdin.take().map(pipe_source).transpose()?;
    let stdout = child.stdout.take().map(pipe_source).transpose()?;
    let stderr = child.stderr.take().map(pipe_source).transpose()?;
    let exit = match sigchld {
        Some(waiters) => Exit::Sigchld(waiters),
        None => match sys::pidfd_open(child.id()) {
            Ok(fd) => Exit::Pidfd(Source::new(fd)?),
            Err(err) if err.kind() == io::ErrorKind::Unsupported => {
                Exit::Sigchld(SigchldWaiters::of_running_loop()?)
            }
            Err(err) => return Err(err),
        },
    };
    Ok(([stdin, stdout, stderr], exit))
}

/// A pipe end from std, made non-blocking and registered.
fn pipe_source(pipe: impl std::os::fd::IntoRawFd) -> io::Result<Source> {
    Source::new(sys::fd_from_std(pipe)?)
}

// ANCHOR: sigchld
/// The tasks of one loop waiting for a child's exit by `SIGCHLD`.
#[derive(Default)]
struct SigchldWaiters {
    wakers: RefCell<Vec<Waker>>,
}

impl SigchldWaiters {
    /// The running loop's waiters, with the `SIGCHLD` handler that wakes
    /// them all put in place the first time.
    fn of_running_loop() -> io::Result<Rc<SigchldWaiters>> {
        #[cfg(target_os = "linux")]
        const SIGCHLD: i32 = 17;
        #[cfg(any(target_os = "macos", target_os = "freebsd"))]
        const SIGCHLD: i32 = 20;
        let event_loop = get_running_loop().map_err(io::Error::other)?;
        if let Some(waiters) = event_loop.extension::<SigchldWaiters>() {
            return Ok(waiters);
        }
        let waiters = Rc::new(SigchldWaiters::default());
        let weak = Rc::downgrade(&waiters);
        crate::add_signal_handler(SIGCHLD, move || {
            if let Some(waiters) = weak.upgrade() {
                // One signal may stand for several exits: wake everyone,
                // each asks `waitpid` about its own child.
                waiters.wakers.take().into_iter().for_each(Waker::wake);
            }
        })?;
        event_loop.insert_extension(Rc::clone(&waiters));
        Ok(waiters)
    }

    fn wait(&self, waker: &Waker) {
        let mut wakers = self.wakers.borrow_mut();
        if !wakers.iter().any(|known| known.will_wake(waker)) {
            wakers.push(waker.clone());
        }
    }
}
// ANCHOR_END: sigchld

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("pid", &self.pid)
            .field("status", &self.status)
            .finish()
    }
}

impl fmt::Debug for PipeReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PipeReader").field("source", &self.source).finish()
    }
}

impl fmt::Debug for PipeWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PipeWriter").field("source", &self.source).finish()
    }
}
