//! Debug mode, as asyncio's: the loop times every callback and every poll,
//! and says which one held its thread too long.
//!
//! A loop has one thread. While a callback runs, or a task runs between two
//! `await`s, nothing else on the loop can: no other task, no timer, no
//! socket. asyncio's debug mode (`PYTHONASYNCIODEBUG=1`, or
//! `loop.set_debug(True)`) logs each step that takes longer than
//! `loop.slow_callback_duration` (100 ms). Ours does the same, and names the
//! task: its name, its future's type and where it was created.

use std::ffi::OsString;
use std::fmt;
use std::panic::Location;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use crate::trace::short_name;

/// asyncio's `slow_callback_duration`: 100 ms.
pub const DEFAULT_SLOW_CALLBACK: Duration = Duration::from_millis(100);

// ANCHOR: debug_report
/// What debug mode found, handed to the debug handler
/// ([`LoopDebug::set_debug_handler`](crate::LoopDebug::set_debug_handler)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DebugReport {
    /// One callback, or one poll of a task, kept the loop's thread longer
    /// than the threshold: everything else on the loop waited.
    Slow {
        /// What ran: a task (name, future, where it was created) or a
        /// callback (its closure's type).
        what: String,
        /// How long it ran.
        took: Duration,
        /// The threshold it went over.
        threshold: Duration,
    },
    /// A task was still pending when the loop closed, and was cancelled
    /// (asyncio: "Task was destroyed but it is pending!").
    PendingAtClose {
        /// The task.
        what: String,
    },
}
// ANCHOR_END: debug_report

impl fmt::Display for DebugReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DebugReport::Slow { what, took, threshold } => write!(
                f,
                "{what} blocked the loop for {:.3} s (the slow callback threshold is {:.3} s); \
                 nothing else ran meanwhile",
                took.as_secs_f64(),
                threshold.as_secs_f64()
            ),
            DebugReport::PendingAtClose { what } => {
                write!(
                    f,
                    "{what} was still pending when the loop closed; it was cancelled"
                )
            }
        }
    }
}

/// How debug mode names a task, for stage 2's tasks and stage 5's alike:
/// `Task-2 (my_task, created at examples/ch05_blocking_mistake.rs:49:24)`.
/// `future` is the future's type; an `async fn`'s is shortened to the
/// function's name.
pub fn describe_task(name: &str, future: &str, created_at: &Location<'_>) -> String {
    let short = short_name(future);
    let future = if short.is_empty() { future } else { short };
    format!("{name} ({future}, created at {created_at})")
}

/// What the environment asks for, read once per process.
#[derive(Debug, Default)]
pub(crate) struct FromEnv {
    /// `STEPIO_DEBUG` is set (and not `0`).
    pub(crate) debug: bool,
    /// `STEPIO_TRACE` is set (and not `0`): draw a timeline at close.
    pub(crate) timeline: bool,
    /// `STEPIO_TRACE_FILE`: write the Chrome trace there at close.
    pub(crate) trace_file: Option<PathBuf>,
    /// `STEPIO_TRACE_SVG`: draw the timeline as SVG there at close.
    pub(crate) trace_svg: Option<PathBuf>,
    /// `STEPIO_TRACE_WIDTH`: the timeline's width in columns (default 64).
    pub(crate) width: usize,
}

impl FromEnv {
    pub(crate) fn get() -> &'static FromEnv {
        static FROM_ENV: OnceLock<FromEnv> = OnceLock::new();
        FROM_ENV.get_or_init(|| FromEnv {
            debug: is_on(std::env::var_os("STEPIO_DEBUG")),
            timeline: is_on(std::env::var_os("STEPIO_TRACE")),
            trace_file: std::env::var_os("STEPIO_TRACE_FILE")
                .filter(|path| !path.is_empty())
                .map(PathBuf::from),
            trace_svg: std::env::var_os("STEPIO_TRACE_SVG")
                .filter(|path| !path.is_empty())
                .map(PathBuf::from),
            width: std::env::var("STEPIO_TRACE_WIDTH")
                .ok()
                .and_then(|w| w.parse().ok())
                .unwrap_or(64),
        })
    }

    /// Whether a loop should trace from its creation.
    pub(crate) fn tracing(&self) -> bool {
        self.timeline || self.trace_file.is_some() || self.trace_svg.is_some()
    }
}

fn is_on(value: Option<OsString>) -> bool {
    value.is_some_and(|value| !value.is_empty() && value != "0")
}
