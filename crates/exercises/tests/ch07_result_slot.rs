//! The checks of exercise `ch07_result_slot`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch07_result_slot.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::thread;
use std::time::Duration;

use crate::ch07_result_slot::ResultSlot;
use crate::support::within;

#[test]
fn a_blocked_thread_gets_the_value_set_by_another() {
    // Generous limits: they catch a hang, not a slow thread start.
    let value = within(Duration::from_secs(90), || {
        let slot = ResultSlot::new();
        let setter = slot.clone();
        let thread = thread::spawn(move || setter.set("hello").unwrap());
        let value = slot.wait_timeout(Duration::from_secs(60));
        thread.join().unwrap();
        value
    });
    assert_eq!(value, Some("hello"));
}

#[test]
fn waiting_gives_up_after_the_timeout() {
    let value = within(Duration::from_secs(10), || {
        ResultSlot::<u8>::new().wait_timeout(Duration::from_millis(20))
    });
    assert_eq!(value, None);
}

#[test]
fn a_second_set_is_refused() {
    let slot = ResultSlot::new();
    assert_eq!(slot.set(1), Ok(()));
    assert_eq!(slot.set(2), Err(2));
    assert_eq!(slot.wait_timeout(Duration::ZERO), Some(1));
}

#[test]
fn a_task_on_a_parked_loop_is_woken_from_another_thread() {
    let values = within(Duration::from_secs(30), || {
        // The reactor's loop parks in epoll_wait; the wake must reach it.
        let event_loop = stepio_reactor::new_event_loop().unwrap();
        let mut values = Vec::new();
        for round in 0..2_000_u32 {
            let slot = ResultSlot::new();
            let setter = slot.clone();
            let thread = thread::spawn(move || setter.set(round).unwrap());
            values.push(event_loop.run_until_complete(slot).unwrap());
            thread.join().unwrap();
        }
        values
    });
    assert_eq!(values, (0..2_000).collect::<Vec<_>>(), "no wake was lost");
}
