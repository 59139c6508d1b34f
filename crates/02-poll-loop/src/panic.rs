//! Panics the loop catches, and the exception handler it hands them to.

use std::any::Any;
use std::fmt;
use std::rc::Rc;

use crate::{EventLoop, TaskId};

/// Where a panic that the loop caught came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PanicSource {
    /// A callback from `call_soon`.
    Callback,
    /// A task from `spawn`; the task is dropped.
    Task(TaskId),
    /// A failed task whose error nobody looked at, reported when
    /// the last handle to it is gone, as asyncio's "Task exception was never
    /// retrieved". The message names the task.
    NeverRetrieved,
}

/// A panic the loop caught, handed to the exception handler.
#[derive(Debug, Clone)]
pub struct PanicReport {
    /// What was running when it panicked.
    pub source: PanicSource,
    /// The panic message, when the payload was a string.
    pub message: String,
}

impl fmt::Display for PanicReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.source {
            PanicSource::Callback => write!(f, "a callback panicked: {}", self.message),
            PanicSource::Task(id) => write!(f, "{id} panicked: {}", self.message),
            PanicSource::NeverRetrieved => {
                write!(f, "Task exception was never retrieved: {}", self.message)
            }
        }
    }
}

pub(crate) type ExceptionHandler = Rc<dyn Fn(&PanicReport)>;

/// The message of a caught panic: its payload when that is a string.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(a panic payload that is not a string)".to_owned()
    }
}

impl EventLoop {
    /// Hands `report` to the exception handler, as
    /// `loop.call_exception_handler()`: the handler set with
    /// [`set_exception_handler`](EventLoop::set_exception_handler), or by
    /// default a line on stderr.
    pub fn call_exception_handler(&self, report: &PanicReport) {
        let handler = self.core.exception_handler.borrow().clone();
        match handler {
            Some(handler) => handler(report),
            None => eprintln!("stepio: {report}; the loop goes on"),
        }
    }

    /// Sets the function that receives panics caught in callbacks and tasks,
    /// as `loop.set_exception_handler()`. The default prints them to stderr.
    pub fn set_exception_handler(&self, handler: impl Fn(&PanicReport) + 'static) {
        *self.core.exception_handler.borrow_mut() = Some(Rc::new(handler));
    }
}

impl EventLoop {
    pub(crate) fn report(&self, source: PanicSource, payload: Box<dyn Any + Send>) {
        let report = PanicReport { source, message: panic_message(&*payload) };
        self.call_exception_handler(&report);
    }
}
