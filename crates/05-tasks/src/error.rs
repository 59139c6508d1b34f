//! `TaskError`: how a task or a bare future can end other than with a value.

use std::error::Error;
use std::fmt;
use std::sync::Arc;

// ANCHOR: task_error
/// Why awaiting a task or a [`BareFuture`](crate::BareFuture) gave no value,
/// or why asking for its result failed. asyncio raises an exception for each
/// of these; here they are the variants of one error.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum TaskError {
    /// It was cancelled (asyncio's `CancelledError`).
    Cancelled,
    /// The task panicked; the panic message.
    Panicked(String),
    /// A bare future was given this error with `set_exception`.
    Exception(Arc<dyn Error + Send + Sync>),
    /// Asked for something it does not have yet, or any more (asyncio's
    /// `InvalidStateError`): a result before it is done, a second
    /// `set_result`, a result that `await` already took. The message is
    /// asyncio's where it has one ("invalid state", "Result is not set.").
    InvalidState(&'static str),
}
// ANCHOR_END: task_error

impl TaskError {
    /// Whether this is [`TaskError::Cancelled`].
    pub fn is_cancelled(&self) -> bool {
        matches!(self, TaskError::Cancelled)
    }

    /// Whether this is [`TaskError::Panicked`].
    pub fn is_panic(&self) -> bool {
        matches!(self, TaskError::Panicked(_))
    }

    /// Whether this is a failure worth reporting if nobody looks at it: a
    /// panic or an exception, not a cancellation.
    pub(crate) fn is_failure(&self) -> bool {
        matches!(self, TaskError::Panicked(_) | TaskError::Exception(_))
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Cancelled => f.write_str("cancelled"),
            TaskError::Panicked(message) => write!(f, "panicked: {message}"),
            TaskError::Exception(err) => write!(f, "{err}"),
            TaskError::InvalidState(why) => f.write_str(why),
        }
    }
}

impl Error for TaskError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            TaskError::Exception(err) => Some(&**err),
            _ => None,
        }
    }
}
