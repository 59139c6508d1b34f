//! A helper for tests of async code: every stage's tests and the course's
//! checks use it.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Runs `f` on a thread of its own and returns its output, or fails (panics)
/// if it takes longer than `limit`: a test that loses a wake-up fails
/// instead of hanging. A panic inside `f` is passed on with its own message.
///
/// # Panics
///
/// If `f` panics, or does not finish within `limit` (the thread is then
/// left running; the test process ends with the test).
pub fn within<T: Send + 'static>(
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    let worker = thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(limit) {
        Ok(value) => value,
        // The closure panicked: let its own message explain the failure.
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker sent nothing and did not panic"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!(
                "did not finish within {limit:?}: a wake-up was lost, or the loop never stopped"
            )
        }
    }
}
