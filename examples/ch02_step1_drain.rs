//! Chapter 2, step 1: a loop a newcomer writes in twenty lines. It pops
//! callbacks until the queue is empty, so a callback that schedules itself
//! again keeps it busy for ever, and `stop` is never looked at.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

// ANCHOR: drain_loop
/// A queue of callbacks, worked through until it is empty.
#[derive(Default)]
struct DrainLoop {
    ready: RefCell<VecDeque<Box<dyn FnOnce()>>>,
    stopping: Cell<bool>,
}

impl DrainLoop {
    fn call_soon(&self, callback: impl FnOnce() + 'static) {
        self.ready.borrow_mut().push_back(Box::new(callback));
    }

    fn stop(&self) {
        self.stopping.set(true);
    }

    /// Runs callbacks until the queue is empty, then returns if `stop` was
    /// called. Gives up after `limit` callbacks; returns how many ran.
    fn run_forever(&self, limit: u64) -> u64 {
        let mut ran = 0;
        while ran < limit {
            let Some(callback) = self.ready.borrow_mut().pop_front() else {
                if self.stopping.get() {
                    break;
                }
                continue; // idle: a real loop would wait for events here
            };
            callback();
            ran += 1;
        }
        ran
    }
}
// ANCHOR_END: drain_loop

// ANCHOR: main
/// A callback that schedules itself again, as a polling loop does.
fn ping(event_loop: Rc<DrainLoop>) {
    let again = Rc::clone(&event_loop);
    event_loop.call_soon(move || ping(again));
}

/// Runs the scenario (the tour calls this too).
pub fn main() {
    let event_loop = Rc::new(DrainLoop::default());
    ping(Rc::clone(&event_loop));
    let lp = Rc::clone(&event_loop);
    event_loop.call_soon(move || lp.stop());
    let ran = event_loop.run_forever(1_000_000);
    println!("stop() was the second callback queued; the loop ran {ran} callbacks");
}
// ANCHOR_END: main
