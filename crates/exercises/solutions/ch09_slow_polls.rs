//! Reference solution for ch09_slow_polls.

use std::collections::HashMap;
use std::time::Duration;

use stepio::{Trace, TraceEvent};

/// One poll that took too long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlowPoll {
    /// The task's name when it was polled.
    pub task: String,
    /// When the poll began.
    pub start: Duration,
    /// How long it ran.
    pub took: Duration,
}

/// Every poll in `trace` that took `threshold` or longer, in the order they
/// began.
pub fn slow_polls(trace: &Trace, threshold: Duration) -> Vec<SlowPoll> {
    let mut names: HashMap<u64, String> = HashMap::new();
    let name_of = |names: &HashMap<u64, String>, task: u64| match names.get(&task) {
        Some(name) => name.clone(),
        None if task == 0 => "main".to_owned(),
        None => format!("Task-{task}"),
    };
    let mut slow = Vec::new();
    // The loop polls one task at a time: one poll can be open.
    let mut open: Option<(String, Duration)> = None;
    let close =
        |open: Option<(String, Duration)>, end: Duration, slow: &mut Vec<SlowPoll>| {
            if let Some((task, start)) = open {
                let took = end.saturating_sub(start);
                if took >= threshold {
                    slow.push(SlowPoll { task, start, took });
                }
            }
        };
    for record in &trace.records {
        match &record.event {
            TraceEvent::Spawned { task, name, .. }
            | TraceEvent::Renamed { task, name } => {
                names.insert(*task, name.clone());
            }
            TraceEvent::PollStart { task } => {
                open = Some((name_of(&names, *task), record.at))
            }
            TraceEvent::PollEnd { .. } => close(open.take(), record.at, &mut slow),
            _ => {}
        }
    }
    close(open, trace.end, &mut slow);
    slow
}
