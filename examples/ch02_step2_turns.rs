//! Chapter 2, step 2: the same queue, worked through one turn at a time.
//! A turn runs what was ready when it began, and `stop` is looked at after
//! each turn. Each callback gets a handle that can cancel it.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

// ANCHOR: turn_loop
/// A callback on the queue, and whether its handle cancelled it.
type Entry = (Rc<Cell<bool>>, Box<dyn FnOnce()>);

/// A queue of callbacks, worked through turn by turn.
#[derive(Default)]
struct TurnLoop {
    ready: RefCell<VecDeque<Entry>>,
    stopping: Cell<bool>,
}

impl TurnLoop {
    /// Queues `callback`; the handle returned cancels it.
    fn call_soon(&self, callback: impl FnOnce() + 'static) -> Rc<Cell<bool>> {
        let cancelled = Rc::new(Cell::new(false));
        self.ready.borrow_mut().push_back((Rc::clone(&cancelled), Box::new(callback)));
        cancelled
    }

    fn stop(&self) {
        self.stopping.set(true);
    }

    /// Runs turns until `stop`; returns how many callbacks ran.
    fn run_forever(&self) -> u64 {
        let mut ran = 0;
        loop {
            let n_ready = self.ready.borrow().len();
            for _ in 0..n_ready {
                let next = self.ready.borrow_mut().pop_front();
                let Some((cancelled, callback)) = next else { break };
                if !cancelled.get() {
                    callback();
                    ran += 1;
                }
            }
            if self.stopping.get() {
                return ran;
            }
        }
    }
}
// ANCHOR_END: turn_loop

// ANCHOR: main
/// A callback that schedules itself again, as a polling loop does.
fn ping(event_loop: Rc<TurnLoop>) {
    let again = Rc::clone(&event_loop);
    event_loop.call_soon(move || ping(again));
}

/// Runs the scenario (the tour calls this too).
pub fn main() {
    let event_loop = Rc::new(TurnLoop::default());
    ping(Rc::clone(&event_loop));
    let never = event_loop.call_soon(|| println!("a cancelled callback ran"));
    never.set(true);
    let lp = Rc::clone(&event_loop);
    event_loop.call_soon(move || lp.stop());
    let ran = event_loop.run_forever();
    println!("stop() was the third callback queued; the loop ran {ran} callbacks");
}
// ANCHOR_END: main
