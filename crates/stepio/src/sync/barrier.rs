//! `Barrier`: tasks wait until a given number of them have arrived.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::waiters::{Turn, WaitList, wake};

struct Gate {
    parties: usize,
    /// Tasks waiting in the current round.
    arrived: usize,
    waiters: WaitList<()>,
}

// ANCHOR: barrier
/// A barrier, as `asyncio.Barrier` (3.11): [`wait`](Barrier::wait) returns
/// once `parties` tasks are waiting, all of them at once, and the barrier
/// is ready for the next round. Clones share it.
#[derive(Clone)]
pub struct Barrier {
    gate: Rc<RefCell<Gate>>,
}

impl Barrier {
    /// A barrier for `parties` tasks.
    ///
    /// # Panics
    ///
    /// If `parties` is 0 (asyncio: "parties must be > 0").
    pub fn new(parties: usize) -> Barrier {
        assert!(parties > 0, "parties must be > 0");
        let gate = Gate { parties, arrived: 0, waiters: WaitList::new() };
        Barrier { gate: Rc::new(RefCell::new(gate)) }
    }

    /// Waits until `parties` tasks wait, as `wait()`. Gives this task's
    /// place in its round, from 0 (the first to arrive) to `parties - 1`
    /// (the last, which does not wait at all).
    pub fn wait(&self) -> BarrierWait {
        BarrierWait { barrier: self.clone(), turn: Turn::new(), index: None }
    }
}
// ANCHOR_END: barrier

impl Barrier {
    /// How many tasks it waits for, as `parties`.
    pub fn parties(&self) -> usize {
        self.gate.borrow().parties
    }

    /// How many are waiting now, as `n_waiting`.
    pub fn n_waiting(&self) -> usize {
        self.gate.borrow().arrived
    }
}

/// The future of [`Barrier::wait`].
#[must_use = "futures do nothing unless awaited"]
pub struct BarrierWait {
    barrier: Barrier,
    turn: Turn<()>,
    index: Option<usize>,
}

// ANCHOR: barrier_wait
impl Future for BarrierWait {
    type Output = usize;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        let this = &mut *self;
        if let Some(poll) = this.turn.poll(cx) {
            let index = this.index.expect("a waiter has its place");
            return poll.map(|_| index);
        }
        let mut released = Vec::new();
        let index = {
            let mut gate = this.barrier.gate.borrow_mut();
            let index = gate.arrived;
            if index + 1 < gate.parties {
                gate.arrived += 1;
                this.index = Some(index);
                this.turn.join(&mut gate.waiters, cx, None);
                return Poll::Pending;
            }
            // The last one: open the gate for everyone, and reset it.
            gate.arrived = 0;
            while let Some(waiter) = gate.waiters.pop() {
                released.push(waiter);
            }
            index
        };
        for waiter in &released {
            wake(waiter);
        }
        Poll::Ready(index)
    }
}
// ANCHOR_END: barrier_wait

impl Drop for BarrierWait {
    fn drop(&mut self) {
        // A task that stops waiting leaves the round (asyncio does the
        // same); one already released has nothing to give back.
        let mut gate = self.barrier.gate.borrow_mut();
        if self.turn.is_in_line() && self.turn.cancel(&mut gate.waiters).is_none() {
            gate.arrived -= 1;
        }
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let gate = self.gate.borrow();
        f.debug_struct("Barrier")
            .field("parties", &gate.parties)
            .field("waiting", &gate.arrived)
            .finish()
    }
}

impl fmt::Debug for BarrierWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BarrierWait").field("index", &self.index).finish()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::Barrier;
    use crate::{create_task, run, yield_now};

    // ANCHOR: barrier_test
    #[test]
    fn a_barrier_lets_its_parties_through_together_round_after_round() {
        let log = Rc::new(RefCell::new(Vec::new()));
        run({
            let log = Rc::clone(&log);
            async move {
                let barrier = Barrier::new(3);
                let tasks: Vec<_> = ["A", "B", "C"]
                    .into_iter()
                    .map(|name| {
                        let (barrier, log) = (barrier.clone(), Rc::clone(&log));
                        create_task(async move {
                            for round in 1..=2 {
                                log.borrow_mut().push(format!("{name} arrives {round}"));
                                let place = barrier.wait().await;
                                log.borrow_mut()
                                    .push(format!("{name} passes {round} as {place}"));
                                yield_now().await;
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.unwrap();
                }
            }
        })
        .unwrap();
        let log = log.borrow();
        // Nobody passes a round before all three arrived at it.
        for round in 1..=2 {
            let last_arrival =
                log.iter().rposition(|line| line.ends_with(&format!("arrives {round}")));
            let first_pass =
                log.iter().position(|line| line.contains(&format!("passes {round}")));
            assert!(last_arrival < first_pass, "{log:#?}");
        }
        // Places are given in arrival order: the last to arrive is 2.
        assert!(log.contains(&"C passes 1 as 2".to_owned()), "{log:#?}");
        assert!(log.contains(&"A passes 1 as 0".to_owned()), "{log:#?}");
    }

    #[test]
    fn a_waiter_that_gives_up_leaves_the_round() {
        run(async {
            let barrier = Barrier::new(2);
            let waiting = create_task({
                let barrier = barrier.clone();
                async move { barrier.wait().await }
            });
            yield_now().await;
            assert_eq!(barrier.n_waiting(), 1);
            waiting.cancel();
            assert!(waiting.await.unwrap_err().is_cancelled());
            assert_eq!(barrier.n_waiting(), 0, "the cancelled waiter left");
            // A new pair passes together.
            let first = create_task({
                let barrier = barrier.clone();
                async move { barrier.wait().await }
            });
            yield_now().await;
            assert_eq!(barrier.wait().await, 1);
            assert_eq!(first.await.unwrap(), 0);
        })
        .unwrap();
    }
    // ANCHOR_END: barrier_test
}
