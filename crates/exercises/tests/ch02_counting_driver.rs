//! The checks of exercise `ch02_counting_driver`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch02_counting_driver.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::io;
use std::rc::Rc;
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Poll, Waker};
use std::time::Duration;

use stepio_poll_loop::{Driver, EventLoop, ReadyQueue, Unpark};
use stepio_waker::yield_now;

use crate::ch02_counting_driver::{CountingDriver, ParkStats};
use crate::support::within;

fn counting_loop() -> (EventLoop, Rc<ParkStats>) {
    let stats = Rc::new(ParkStats::default());
    let event_loop =
        EventLoop::with_driver(Box::new(CountingDriver::new(Rc::clone(&stats))));
    (event_loop, stats)
}

#[test]
fn a_loop_with_ready_work_only_polls() {
    let (blocking, polling) = within(Duration::from_secs(10), || {
        let (event_loop, stats) = counting_loop();
        for _ in 0..3 {
            event_loop.call_soon(|| {}).unwrap();
        }
        event_loop.stop();
        event_loop.run_forever().unwrap();
        (stats.blocking.get(), stats.polling.get())
    });
    assert_eq!((blocking, polling), (0, 1));
}

#[test]
fn every_turn_parks_once() {
    let (blocking, polling) = within(Duration::from_secs(10), || {
        let (event_loop, stats) = counting_loop();
        event_loop
            .run_until_complete(async {
                for _ in 0..10 {
                    yield_now().await;
                }
            })
            .unwrap();
        (stats.blocking.get(), stats.polling.get())
    });
    // The future yields 10 times: 10 turns, each with work already waiting.
    assert_eq!((blocking, polling), (0, 10));
}

/// The driver under test, wrapped so that it tells another thread when the
/// loop is about to park with leave to sleep. That thread wakes the loop
/// only then: a wake sent any earlier would reach a loop that still had
/// work, and it would rightly not sleep.
struct Announcing {
    inner: CountingDriver,
    parking: mpsc::Sender<()>,
}

impl Driver for Announcing {
    fn park(
        &mut self,
        timeout: Option<Duration>,
        ready: &mut ReadyQueue,
    ) -> io::Result<()> {
        if timeout != Some(Duration::ZERO) {
            let _ = self.parking.send(());
        }
        self.inner.park(timeout, ready)
    }

    fn unparker(&self) -> Arc<dyn Unpark> {
        self.inner.unparker()
    }
}

#[test]
fn an_idle_loop_blocks_and_a_wake_from_another_thread_reaches_it() {
    let blocking = within(Duration::from_secs(10), || {
        let stats = Rc::new(ParkStats::default());
        let (parking, about_to_park) = mpsc::channel();
        let inner = CountingDriver::new(Rc::clone(&stats));
        let event_loop = EventLoop::with_driver(Box::new(Announcing { inner, parking }));
        let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
        let thread_slot = Arc::clone(&slot);
        let helper = std::thread::spawn(move || {
            // The loop parks after the poll that left the waker here.
            about_to_park.recv().unwrap();
            let waker = thread_slot.lock().unwrap().take().expect("the waker is there");
            waker.wake();
        });
        let mut handed_over = false;
        event_loop
            .run_until_complete(std::future::poll_fn(|cx| {
                if handed_over {
                    return Poll::Ready(());
                }
                handed_over = true;
                *slot.lock().unwrap() = Some(cx.waker().clone());
                Poll::Pending
            }))
            .unwrap();
        helper.join().unwrap();
        stats.blocking.get()
    });
    assert!(
        blocking >= 1,
        "the loop had nothing to do, so it must have offered to sleep"
    );
}
