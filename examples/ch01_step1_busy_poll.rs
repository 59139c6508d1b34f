//! Chapter 1, step 1: the first executor a newcomer writes. It polls the
//! future again and again until it is ready, and never sleeps.
//!
//! The future waits for a deadline 1 s away. It is correct, and it keeps
//! its thread on the CPU for the whole second.

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use stepio_examples::cpu::{cpu_time, describe};

// ANCHOR: deadline
/// Ready once the clock reaches its deadline. It asks nobody to wake it.
struct Deadline(Instant);

impl Future for Deadline {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.0 { Poll::Ready(()) } else { Poll::Pending }
    }
}
// ANCHOR_END: deadline

// ANCHOR: busy_block_on
/// Polls `future` until it is ready, as fast as the CPU allows. Returns its
/// output and how many times it polled.
fn busy_block_on<F: Future>(future: F) -> (F::Output, u64) {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 0;
    loop {
        polls += 1;
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (output, polls);
        }
    }
}
// ANCHOR_END: busy_block_on

// ANCHOR: main
/// Runs the scenario (the tour calls this too).
pub fn main() {
    println!("busy_block_on: wait 1 s for a deadline, polling without a pause");
    let (start, cpu_before) = (Instant::now(), cpu_time());
    let ((), polls) = busy_block_on(Deadline(start + Duration::from_secs(1)));
    let cpu = cpu_time().zip(cpu_before).map(|(after, before)| after - before);
    println!("{:.4}: ready", start.elapsed().as_secs_f64());
    // How much is up to the machine's load; that it is not zero is not.
    let busy = cpu.is_some_and(|cpu| cpu >= Duration::from_millis(50));
    println!("the thread spent at least 50 ms of the wait on the CPU: {busy}");
    eprintln!("measured: {} and {polls} polls in 1 s", describe(cpu));
}
// ANCHOR_END: main
