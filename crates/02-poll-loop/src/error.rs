//! The errors a misused loop reports, worded as asyncio words them.

use std::fmt;
use std::io;

/// What went wrong when using an [`EventLoop`](crate::EventLoop).
///
/// Each message is the one asyncio raises for the same mistake, so that a
/// reader coming from Python recognises it.
#[derive(Debug)]
#[non_exhaustive]
pub enum LoopError {
    /// `run_forever` or `run_until_complete` on a loop that is already running
    /// (for example from inside one of its own tasks).
    AlreadyRunning,
    /// Running a loop while another loop is running on the same thread.
    AnotherLoopRunning,
    /// `run` (a new loop, run and closed) called while a loop is running on
    /// this thread, as from inside one of its tasks.
    RunFromRunningLoop,
    /// `close` on a running loop.
    CloseWhileRunning,
    /// Any use of a loop after `close`.
    Closed,
    /// `stop` was called before the future given to `run_until_complete`
    /// finished.
    StoppedBeforeComplete,
    /// `get_running_loop` outside a running loop.
    NoRunningLoop,
    /// The driver failed to wait for events (a system call returned an error).
    Driver(io::Error),
    /// The loop cannot do what was asked: it was made without the driver
    /// the call needs. asyncio raises `NotImplementedError` for a method a
    /// loop does not have; the message says what is missing and how to
    /// make a loop that has it.
    NotImplemented(&'static str),
    /// Ctrl-C (`SIGINT`) cancelled the main future of `stepio::run`, as
    /// `asyncio.run` cancels its main task and raises `KeyboardInterrupt`.
    Interrupted,
}

impl fmt::Display for LoopError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoopError::AlreadyRunning => {
                f.write_str("This event loop is already running")
            }
            LoopError::AnotherLoopRunning => {
                f.write_str("Cannot run the event loop while another loop is running")
            }
            LoopError::RunFromRunningLoop => {
                f.write_str("run() cannot be called from a running event loop")
            }
            LoopError::CloseWhileRunning => {
                f.write_str("Cannot close a running event loop")
            }
            LoopError::Closed => f.write_str("Event loop is closed"),
            LoopError::StoppedBeforeComplete => {
                f.write_str("Event loop stopped before Future completed.")
            }
            LoopError::NoRunningLoop => f.write_str("no running event loop"),
            LoopError::Driver(err) => write!(f, "the event loop's driver failed: {err}"),
            LoopError::NotImplemented(missing) => f.write_str(missing),
            LoopError::Interrupted => {
                f.write_str("KeyboardInterrupt: Ctrl-C cancelled the main future")
            }
        }
    }
}

impl std::error::Error for LoopError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoopError::Driver(err) => Some(err),
            _ => None,
        }
    }
}

impl From<io::Error> for LoopError {
    fn from(err: io::Error) -> Self {
        LoopError::Driver(err)
    }
}
