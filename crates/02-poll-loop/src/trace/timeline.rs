//! The text timeline: one row per task, time across.

use std::fmt::Write;
use std::time::Duration;

use super::model::{Model, Span};
use super::{TaskEnd, Trace};

/// Row labels are cut to this many characters.
const MAX_LABEL: usize = 28;

// ANCHOR: timeline
impl Trace {
    /// Draws the trace as text, at most `width` columns of time wide.
    ///
    /// The loop's thread gets the first row, each task a row in the order
    /// they were created (`main` is the future given to
    /// `run_until_complete`), and each worker thread that ran a job a row.
    /// A column is a slice of time (a round 1, 2 or 5 times a power of ten).
    /// In it, `#` means the row ran in that slice, however briefly; `-` that
    /// the task was alive and waiting; `.` that the loop slept in its
    /// driver; a blank that the task did not exist yet, or any more.
    pub fn timeline(&self, width: usize) -> String {
        let model = Model::new(self);
        let width = width.max(10);
        let column = column_width(model.end, width);
        let columns = columns_for(model.end, column);
        let labels = model.tasks.iter().map(|task| task.label().len());
        let label = labels.chain(model.workers.iter().map(|worker| worker.thread.len())).fold(4, usize::max);
        let label = label.min(MAX_LABEL);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "stepio timeline: {} in all, one column = {}",
            seconds(model.end),
            short(column, column)
        );
        out.push_str(&axis(label, columns, column));

        // The loop: busy where anything ran, asleep where it parked.
        let busy = model.loop_busy();
        let parked: Vec<Span> = model.event_loop.parked.iter().map(|(span, _)| *span).collect();
        let cells = (0..columns).map(|c| {
            let slice = slice(c, column);
            if busy.iter().any(|span| hits(*span, slice)) {
                '#'
            } else if parked.iter().any(|span| hits(*span, slice)) {
                '.'
            } else {
                ' '
            }
        });
        out.push_str(&row(label, "loop", cells, ""));

        for task in &model.tasks {
            let alive = Span { start: task.spawned, end: task.end(model.end) };
            let cells = (0..columns).map(|c| {
                let slice = slice(c, column);
                if task.polls.iter().any(|span| hits(*span, slice)) {
                    '#'
                } else if hits(alive, slice) {
                    '-'
                } else {
                    ' '
                }
            });
            let end = match task.done {
                Some((at, TaskEnd::Finished)) => format!("done at {}", seconds(at)),
                Some((at, TaskEnd::Panicked)) => format!("panicked at {}", seconds(at)),
                Some((at, TaskEnd::Cancelled)) => format!("cancelled at {}", seconds(at)),
                None => "still pending".to_owned(),
            };
            out.push_str(&row(label, &task.label(), cells, &end));
        }

        for worker in &model.workers {
            let cells = (0..columns).map(|c| {
                let slice = slice(c, column);
                if worker.jobs.iter().any(|(_, span)| hits(*span, slice)) { '#' } else { ' ' }
            });
            let jobs = count(worker.jobs.len(), "job", "jobs");
            out.push_str(&row(label, &worker.thread, cells, &jobs));
        }

        out.push_str("  # running   - waiting   . loop asleep in its driver\n");
        out.push_str(&summary(&model, self.dropped));
        out
    }
}
// ANCHOR_END: timeline

/// The column width: the smallest round duration (1, 2 or 5 times a power
/// of ten, from 1 µs) that fits `end` into `width` columns.
fn column_width(end: Duration, width: usize) -> Duration {
    let mut unit = Duration::from_micros(1);
    loop {
        for factor in [1, 2, 5] {
            let column = unit * factor;
            if columns_for(end, column) <= width {
                return column;
            }
        }
        unit *= 10;
    }
}

/// How many columns of `column` cover `0..=end`.
fn columns_for(end: Duration, column: Duration) -> usize {
    usize::try_from(end.as_nanos() / column.as_nanos()).unwrap_or(usize::MAX).saturating_add(1)
}

/// Column `c`'s slice of time.
fn slice(c: usize, column: Duration) -> Span {
    let c = u32::try_from(c).unwrap_or(u32::MAX);
    Span { start: column * c, end: column * (c + 1) }
}

/// Whether `span` falls in `slice`, counting an instant (a span of zero
/// length, as on a simulated clock) as being in the slice it starts in.
fn hits(span: Span, slice: Span) -> bool {
    span.start < slice.end && (span.end > slice.start || span.start >= slice.start)
}

/// One row: a label, the cells between bars, and a note.
fn row(width: usize, label: &str, cells: impl Iterator<Item = char>, note: &str) -> String {
    let label: String = label.chars().take(width).collect();
    let cells: String = cells.collect();
    let line = format!("{label:<width$} |{cells}| {note}");
    format!("{}\n", line.trim_end())
}

/// The time axis: a label every ten columns.
fn axis(label: usize, columns: usize, column: Duration) -> String {
    let mut line = format!("{:<label$}  ", "");
    for c in (0..columns).step_by(10) {
        let at = label + 2 + c;
        while line.len() < at {
            line.push(' ');
        }
        if line.len() == at {
            line.push_str(&short(slice(c, column).start, column * 10));
        }
    }
    format!("{line}\n")
}

/// What the picture cannot show: counts, and the longest poll.
fn summary(model: &Model, dropped: u64) -> String {
    let mut out = String::new();
    let polls: usize = model.tasks.iter().map(|task| task.polls.len()).sum();
    let wakes: usize = model.tasks.iter().map(|task| task.wakes.len()).sum();
    let remote = model.tasks.iter().flat_map(|task| &task.wakes).filter(|(_, from)| from.is_some()).count();
    let timers: usize = model.event_loop.timers.iter().map(|(_, count)| count).sum();
    let jobs: usize = model.workers.iter().map(|worker| worker.jobs.len()).sum();
    let _ = writeln!(
        out,
        "  {}, {}, {} ({remote} from other threads), {}, {}, {}, {}",
        count(model.tasks.len(), "task", "tasks"),
        count(polls, "poll", "polls"),
        count(wakes, "wake", "wakes"),
        count(model.event_loop.callbacks.len(), "callback", "callbacks"),
        count(timers, "timer fired", "timers fired"),
        count(model.event_loop.io.len(), "I/O event", "I/O events"),
        count(jobs, "executor job", "executor jobs"),
    );
    if let Some((task, span)) = model.longest_poll() {
        let _ = write!(out, "  longest poll: {} by {}", duration(span.end - span.start), task.label());
        if let Some(location) = task.location {
            let _ = write!(out, " (created at {location})");
        }
        let _ = writeln!(out, ", from {} to {}", seconds(span.start), seconds(span.end));
    }
    if dropped > 0 {
        let _ = writeln!(out, "  {dropped} later records were dropped: the trace was full");
    }
    out
}

/// `1 task`, `2 tasks`: `n`, then `one` or `many`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A time in seconds with 3 decimals: `1.002 s`.
fn seconds(at: Duration) -> String {
    format!("{:.3} s", at.as_secs_f64())
}

/// A length of time in a unit that suits it: `2.001 s`, `1.250 ms`, `15 us`.
fn duration(length: Duration) -> String {
    if length >= Duration::from_secs(1) {
        seconds(length)
    } else if length >= Duration::from_millis(1) {
        format!("{:.3} ms", length.as_secs_f64() * 1e3)
    } else {
        format!("{} us", length.as_micros())
    }
}

/// A round time in the unit that suits `scale`: `0.5s`, `250ms`, `20us`.
fn short(at: Duration, scale: Duration) -> String {
    let (value, unit) = if scale >= Duration::from_millis(100) {
        (at.as_secs_f64(), "s")
    } else if scale >= Duration::from_micros(100) {
        (at.as_secs_f64() * 1e3, "ms")
    } else {
        (at.as_secs_f64() * 1e6, "us")
    };
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}{unit}")
}
