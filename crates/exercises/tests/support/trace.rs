//! Building traces by hand, for the checks of chapter 9's exercises.

use std::panic::Location;
use std::time::Duration;

use stepio::TraceEvent;
use stepio::trace::Record;

/// `n` milliseconds.
pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// `event`, recorded at `millis` ms.
pub fn at(millis: u64, event: TraceEvent) -> Record {
    Record { at: ms(millis), event }
}

/// Task `task` spawned with the name `name`.
pub fn spawned(task: u64, name: &str) -> TraceEvent {
    TraceEvent::Spawned {
        task,
        name: name.to_owned(),
        future: "f",
        location: Location::caller(),
    }
}

/// A poll of task `task` from `from` to `to` ms.
pub fn poll(task: u64, from: u64, to: u64) -> [Record; 2] {
    [at(from, TraceEvent::PollStart { task }), at(to, TraceEvent::PollEnd { task })]
}
