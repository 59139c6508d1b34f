//! Chapter 1: a future written by hand beside the `async fn` that compiles
//! to the same kind of state machine.
//!
//! The scenario of the "generator-based coroutines" tutorial: two coroutines
//! print the thread they run on, wait 5 seconds, and print again. Run
//! together by one `block_on`, they both run on the main thread and finish
//! after 5 seconds, not 10.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

use stepio_waker::{Delay, block_on, join};

/// The name of the thread we are running on.
fn thread_name() -> String {
    thread::current().name().unwrap_or("unnamed").to_owned()
}

// ANCHOR: async_fn
/// Prints where it runs, waits `secs` seconds, and prints again.
async fn wait_and_report(name: &'static str, secs: u64, start: Instant) {
    println!("{name}: running on thread {}", thread_name());
    Delay::new(Duration::from_secs(secs)).await;
    let elapsed = start.elapsed().as_secs_f64();
    println!("{name}: back after {elapsed:.4} s, on thread {}", thread_name());
}
// ANCHOR_END: async_fn

// ANCHOR: state_machine
/// The same coroutine written by hand: one variant per place where the
/// `async fn` can be paused, holding what is alive at that point.
enum WaitAndReport {
    /// Created, not yet polled: nothing has run.
    Start { name: &'static str, secs: u64, start: Instant },
    /// Paused at the `.await`, holding the delay it waits on.
    Waiting { name: &'static str, start: Instant, delay: Delay },
    /// Finished; polling again is a bug.
    Done,
}

impl Future for WaitAndReport {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // Every field is `Unpin`, so the state can be moved freely.
        let state = self.get_mut();
        loop {
            match std::mem::replace(state, WaitAndReport::Done) {
                WaitAndReport::Start { name, secs, start } => {
                    println!("{name}: running on thread {}", thread_name());
                    let delay = Delay::new(Duration::from_secs(secs));
                    *state = WaitAndReport::Waiting { name, start, delay };
                    // Go round again to poll the delay at once, as `.await` does.
                }
                WaitAndReport::Waiting { name, start, mut delay } => {
                    if Pin::new(&mut delay).poll(cx).is_pending() {
                        *state = WaitAndReport::Waiting { name, start, delay };
                        return Poll::Pending;
                    }
                    let elapsed = start.elapsed().as_secs_f64();
                    println!(
                        "{name}: back after {elapsed:.4} s, on thread {}",
                        thread_name()
                    );
                    return Poll::Ready(());
                }
                WaitAndReport::Done => panic!("WaitAndReport polled after it finished"),
            }
        }
    }
}
// ANCHOR_END: state_machine

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() {
    let start = Instant::now();
    let first =
        WaitAndReport::Start { name: "coroutine 1 (state machine)", secs: 5, start };
    let second = wait_and_report("coroutine 2 (async fn)", 5, start);
    println!("both coroutines created; nothing has run yet");

    block_on(join(first, second));

    let elapsed = start.elapsed().as_secs_f64();
    println!("both done after {elapsed:.4} s, not 10: the waits overlapped");
}
// ANCHOR_END: main
