//! Chapter 1, step 2: an executor that sleeps between polls, on a condition
//! variable that its waker signals. It loses a wake that comes before the
//! sleep, and then sleeps for ever: here, until a 2 s timeout says so.

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use stepio_waker::yield_now;

// ANCHOR: signal
/// A waker that signals a condition variable and remembers nothing.
struct Signal(Condvar);

impl Wake for Signal {
    fn wake(self: Arc<Self>) {
        self.0.notify_one();
    }
}
// ANCHOR_END: signal

// ANCHOR: sleepy_block_on
/// Polls `future`, and between polls waits for its waker's signal, for at
/// most `patience`. `None` if a wait ran out: the executor would hang.
fn sleepy_block_on<F: Future>(future: F, patience: Duration) -> Option<F::Output> {
    let mut future = pin!(future);
    let signal = Arc::new(Signal(Condvar::new()));
    let waker = Waker::from(Arc::clone(&signal));
    let mut cx = Context::from_waker(&waker);
    let lock = Mutex::new(());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return Some(output);
        }
        // A wake that came during the poll is gone: nobody was waiting.
        let guard = lock.lock().unwrap();
        let (guard, waited) = signal.0.wait_timeout(guard, patience).unwrap();
        drop(guard);
        if waited.timed_out() {
            return None;
        }
    }
}
// ANCHOR_END: sleepy_block_on

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() {
    println!("sleepy_block_on: a future that wakes itself, then returns Pending");
    let start = Instant::now();
    // `yield_now` calls `wake_by_ref` inside its first poll: the wake comes
    // before the executor starts to wait.
    match sleepy_block_on(yield_now(), Duration::from_secs(2)) {
        Some(()) => println!("{:.4}: ready", start.elapsed().as_secs_f64()),
        None => println!(
            "{:.4}: still waiting; the wake was lost",
            start.elapsed().as_secs_f64()
        ),
    }
}
// ANCHOR_END: main
