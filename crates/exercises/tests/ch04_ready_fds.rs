//! The checks of exercise `ch04_ready_fds`: a test target of its own, so that it
//! builds and runs whatever state the other exercises are in. The code
//! under test is the starter, or with the `solutions` feature the reference
//! solution (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/code_ch04_ready_fds.rs"));

#[allow(dead_code, unused_imports)] // not every exercise uses every helper
mod support;

use std::io::Write;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use crate::ch04_ready_fds::ready_to_read;
use crate::support::within;

// Each check runs whole on a thread of its own (`within`), so that a call
// that blocks for ever fails it instead of hanging it.

/// `n` connected pairs, (writer, reader), standing in for connections.
fn pairs(n: usize) -> Vec<(UnixStream, UnixStream)> {
    (0..n).map(|_| UnixStream::pair().unwrap()).collect()
}

fn readers(pairs: &[(UnixStream, UnixStream)]) -> Vec<RawFd> {
    pairs.iter().map(|(_, reader)| reader.as_raw_fd()).collect()
}

#[test]
fn nothing_ready_gives_an_empty_list_after_the_timeout() {
    let (at_once, after_wait, waited) = within(Duration::from_secs(10), || {
        let pairs = pairs(3);
        let fds = readers(&pairs);
        let at_once = ready_to_read(&fds, Some(Duration::ZERO)).unwrap();
        let start = Instant::now();
        let after_wait = ready_to_read(&fds, Some(Duration::from_millis(30))).unwrap();
        (at_once, after_wait, start.elapsed())
    });
    assert_eq!(at_once, []);
    assert_eq!(after_wait, []);
    assert!(waited >= Duration::from_millis(30), "the timeout is passed on: {waited:?}");
}

#[test]
fn exactly_the_written_ones_come_back_in_the_given_order() {
    let (got, expected) = within(Duration::from_secs(10), || {
        let pairs = pairs(6);
        for i in [4, 1, 2] {
            (&pairs[i].0).write_all(b"!").unwrap();
        }
        // Given in an order that is neither the fds' nor the writes'.
        let order = [5, 2, 0, 4, 3, 1];
        let fds: Vec<RawFd> = order.iter().map(|&i| pairs[i].1.as_raw_fd()).collect();
        let got = ready_to_read(&fds, Some(Duration::ZERO)).unwrap();
        let expected: Vec<RawFd> =
            [2, 4, 1].iter().map(|&i| pairs[i].1.as_raw_fd()).collect();
        (got, expected)
    });
    assert_eq!(got, expected);
}

#[test]
fn a_hung_up_peer_counts_as_ready() {
    let (got, expected) = within(Duration::from_secs(10), || {
        let mut pairs = pairs(3);
        let fds = readers(&pairs);
        // The middle connection's peer goes away: a read would return 0 at
        // once (end of stream), so it is ready.
        let (writer, reader) = pairs.remove(1);
        drop(writer);
        let got = ready_to_read(&fds, Some(Duration::ZERO)).unwrap();
        (got, vec![reader.as_raw_fd()])
    });
    assert_eq!(got, expected);
}

#[test]
fn with_no_timeout_it_waits_until_another_thread_writes() {
    let (got, expected) = within(Duration::from_secs(10), || {
        let pairs = pairs(3);
        let fds = readers(&pairs);
        let writer = pairs[2].0.try_clone().unwrap();
        let start = Arc::new(Barrier::new(2));
        let go = Arc::clone(&start);
        let thread = thread::spawn(move || {
            go.wait();
            (&writer).write_all(b"!").unwrap();
        });
        // The write comes just before the call or while it waits; either
        // way the call returns with that one reader, and only it.
        start.wait();
        let got = ready_to_read(&fds, None).unwrap();
        thread.join().unwrap();
        (got, vec![fds[2]])
    });
    assert_eq!(got, expected);
}
