//! The Chrome trace event format, which Perfetto and `chrome://tracing` open.
//!
//! The format is a JSON object whose `traceEvents` array holds events, each
//! with a name, a phase (`ph`), a time stamp in microseconds (`ts`), and a
//! process and thread id (`pid`, `tid`) that say which track it is drawn on.
//! We use three phases: `X` (a complete event: a span with a `dur`), `i`
//! (an instant) and `M` (metadata: the tracks' names and order).

use std::fmt::Write;
use std::io;
use std::path::Path;
use std::time::Duration;

use super::Trace;
use super::model::{Model, Span};

/// The track of the loop's thread.
const LOOP_TID: u64 = 1;
/// Task `N`'s track is `TASK_TID + N`.
const TASK_TID: u64 = 1_000;
/// The `i`th worker thread's track is `WORKER_TID + i`.
const WORKER_TID: u64 = 1_000_000;

// ANCHOR: chrome
impl Trace {
    /// The trace in the Chrome trace event format (JSON).
    ///
    /// Each task is a track named after it, with one span for its life and
    /// the polls inside it, and an instant for each wake (with the waking
    /// thread). The loop's track has the callbacks, the time parked in the
    /// driver, timers fired and sockets ready; each worker thread's track
    /// has its jobs.
    pub fn chrome_json(&self) -> String {
        let model = Model::new(self);
        let mut events = Vec::new();
        events.push(metadata("process_name", LOOP_TID, "stepio event loop"));
        events.push(metadata("thread_name", LOOP_TID, "loop"));
        events.push(sort_index(LOOP_TID, 0));

        for (span, name) in &model.event_loop.callbacks {
            events.push(complete(
                "callback",
                LOOP_TID,
                *span,
                &format!(r#"{{"callback":{}}}"#, string(name)),
            ));
        }
        for (span, timeout) in &model.event_loop.parked {
            let timeout = timeout.map_or_else(|| "null".to_owned(), micros);
            events.push(complete(
                "parked",
                LOOP_TID,
                *span,
                &format!(r#"{{"timeout_us":{timeout}}}"#),
            ));
        }
        for (at, count) in &model.event_loop.timers {
            events.push(instant(
                "timers fired",
                LOOP_TID,
                *at,
                &format!(r#"{{"count":{count}}}"#),
            ));
        }
        for (at, source, readable, writable) in &model.event_loop.io {
            let args = format!(
                r#"{{"source":{source},"readable":{readable},"writable":{writable}}}"#
            );
            events.push(instant("I/O ready", LOOP_TID, *at, &args));
        }

        for (order, task) in (1..).zip(&model.tasks) {
            let tid = TASK_TID + task.number;
            events.push(metadata("thread_name", tid, &task.label()));
            events.push(sort_index(tid, order));
            let life = Span { start: task.spawned, end: task.end(model.end) };
            let ended = match task.done {
                Some((_, end)) => format!("{end:?}"),
                None => "pending".to_owned(),
            };
            let created =
                task.location.map_or_else(String::new, |location| location.to_string());
            let args = format!(
                r#"{{"created_at":{},"ended":{}}}"#,
                string(&created),
                string(&ended)
            );
            events.push(complete(&task.label(), tid, life, &args));
            for span in &task.polls {
                events.push(complete("poll", tid, *span, "{}"));
            }
            for (at, from) in &task.wakes {
                let from = from.as_deref().unwrap_or("loop");
                events.push(instant(
                    "woken",
                    tid,
                    *at,
                    &format!(r#"{{"from":{}}}"#, string(from)),
                ));
            }
        }

        for ((i, worker), order) in model.workers.iter().enumerate().zip(1_000..) {
            let tid = WORKER_TID + i as u64;
            events.push(metadata("thread_name", tid, &worker.thread));
            events.push(sort_index(tid, order));
            for (job, span) in &worker.jobs {
                events.push(complete("job", tid, *span, &format!(r#"{{"job":{job}}}"#)));
            }
        }

        let mut out = String::from("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
        out.push_str(&events.join(",\n"));
        out.push_str("\n]}\n");
        out
    }

    /// Writes [`chrome_json`](Trace::chrome_json) to `path`.
    ///
    /// # Errors
    ///
    /// Any error from writing the file.
    pub fn write_chrome_json(&self, path: impl AsRef<Path>) -> io::Result<()> {
        std::fs::write(path, self.chrome_json())
    }
}
// ANCHOR_END: chrome

/// What comes before each event's arguments: a line of their own, so that
/// the file's lines stay short enough to read in a page of the book.
const ARGS: &str = "\n \"args\":";

fn metadata(name: &str, tid: u64, value: &str) -> String {
    format!(
        r#"{{"name":"{name}","ph":"M","pid":1,"tid":{tid},{ARGS}{{"name":{}}}}}"#,
        string(value)
    )
}

fn sort_index(tid: u64, index: u64) -> String {
    format!(
        r#"{{"name":"thread_sort_index","ph":"M","pid":1,"tid":{tid},{ARGS}{{"sort_index":{index}}}}}"#
    )
}

fn complete(name: &str, tid: u64, span: Span, args: &str) -> String {
    format!(
        r#"{{"name":{},"ph":"X","ts":{},"dur":{},"pid":1,"tid":{tid},{ARGS}{args}}}"#,
        string(name),
        micros(span.start),
        micros(span.end.saturating_sub(span.start)),
    )
}

fn instant(name: &str, tid: u64, at: Duration, args: &str) -> String {
    format!(
        r#"{{"name":{},"ph":"i","s":"t","ts":{},"pid":1,"tid":{tid},{ARGS}{args}}}"#,
        string(name),
        micros(at)
    )
}

/// Microseconds, to the nanosecond: `1500.25`.
fn micros(at: Duration) -> String {
    let nanos = at.as_nanos();
    let text = format!("{}.{:03}", nanos / 1_000, nanos % 1_000);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// `text` as a JSON string, quoted and escaped.
fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
