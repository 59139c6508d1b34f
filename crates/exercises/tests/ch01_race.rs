//! The checks of exercise `ch01_race`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch01_race.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::future::{Future, pending, ready};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use stepio_waker::{Delay, block_on};

use crate::ch01_race::{Either, race};
use crate::support::{noop_context_poll, within};

#[test]
fn the_first_ready_future_wins() {
    let winner = block_on(race(pending::<u8>(), ready("b")));
    assert_eq!(winner, Either::Right("b"));
}

#[test]
fn the_left_side_wins_a_tie() {
    assert_eq!(block_on(race(ready(1), ready(2))), Either::Left(1));
}

#[test]
fn it_is_pending_while_both_are_pending() {
    let mut both_pending = race(pending::<()>(), pending::<()>());
    assert!(noop_context_poll(&mut both_pending).is_pending());
}

#[test]
fn a_wake_from_either_side_is_heard() {
    // The right side finishes first through a real wake-up from a timer thread.
    let winner = within(Duration::from_secs(10), || {
        block_on(race(
            Delay::new(Duration::from_secs(30)),
            Delay::new(Duration::from_millis(10)),
        ))
    });
    assert_eq!(winner, Either::Right(()));
}

/// A future that counts its polls and is ready on the second one.
struct ReadyOnSecondPoll(u32);

impl Future for ReadyOnSecondPoll {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        self.0 += 1;
        if self.0 == 2 {
            return Poll::Ready(self.0);
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn both_sides_are_polled_on_every_poll() {
    let winner = within(Duration::from_secs(10), || {
        block_on(race(pending::<u32>(), ReadyOnSecondPoll(0)))
    });
    assert_eq!(winner, Either::Right(2));
}
