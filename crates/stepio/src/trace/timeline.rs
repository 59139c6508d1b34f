//! The text timeline: one row per task, time across.

use std::fmt::Write;
use std::time::Duration;

use super::model::{Model, Span};
use super::{TaskEnd, Trace};

/// Row labels are cut to this many characters.
const MAX_LABEL: usize = 28;

/// The longest note after a row: `panicked at 12.345 s`.
const MAX_NOTE: usize = 20;

// ANCHOR: timeline
impl Trace {
    /// Draws the trace as text, at most `width` columns of time wide, and
    /// fewer if a row would not fit in 90 characters.
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
        let labels = model.tasks.iter().map(|task| task.label().len());
        let label = labels
            .chain(model.workers.iter().map(|worker| worker.thread.len()))
            .fold(4, usize::max);
        let label = label.min(MAX_LABEL);
        // Fewer columns than asked if a row would not fit the book's 90
        // characters: the label, the bars in `|...|`, and its note.
        let room = crate::wrap::WIDTH.saturating_sub(label + 4 + MAX_NOTE);
        let grid = Grid::new(model.end, width.min(room).max(10));
        let mut out = String::new();
        let _ = writeln!(
            out,
            "stepio timeline: {} in all, one column = {}",
            seconds(model.end),
            short(grid.column, grid.column)
        );
        out.push_str(&grid.axis(label));

        // The loop: busy where anything ran, asleep where it parked.
        let mut cells = grid.blank();
        grid.paint(
            &mut cells,
            model.event_loop.parked.iter().map(|(span, _)| *span),
            '.',
        );
        grid.paint(&mut cells, model.loop_busy(), '#');
        out.push_str(&row(label, "loop", &cells, ""));

        for task in &model.tasks {
            let mut cells = grid.blank();
            grid.paint(
                &mut cells,
                [Span { start: task.spawned, end: task.end(model.end) }],
                '-',
            );
            grid.paint(&mut cells, task.polls.iter().copied(), '#');
            let end = match task.done {
                Some((at, TaskEnd::Finished)) => format!("done at {}", seconds(at)),
                Some((at, TaskEnd::Panicked)) => format!("panicked at {}", seconds(at)),
                Some((at, TaskEnd::Cancelled)) => format!("cancelled at {}", seconds(at)),
                None => "still pending".to_owned(),
            };
            out.push_str(&row(label, &task.label(), &cells, &end));
        }

        for worker in &model.workers {
            let mut cells = grid.blank();
            grid.paint(&mut cells, worker.jobs.iter().map(|(_, span)| *span), '#');
            let jobs = count(worker.jobs.len(), "job", "jobs");
            out.push_str(&row(label, &worker.thread, &cells, &jobs));
        }

        out.push_str("  # running   - waiting   . loop asleep in its driver\n");
        out.push_str(&summary(&model, self.dropped));
        out
    }
}
// ANCHOR_END: timeline

/// Time cut into columns.
struct Grid {
    /// One column's slice of time.
    column: Duration,
    columns: usize,
}

impl Grid {
    /// Columns of the smallest round width (1, 2 or 5 times a power of ten,
    /// from 1 us) that fit `0..=end` into `width` columns.
    fn new(end: Duration, width: usize) -> Grid {
        let mut unit = Duration::from_micros(1);
        loop {
            for factor in [1, 2, 5] {
                let column = unit * factor;
                let columns = end.as_nanos().div_ceil(column.as_nanos()).max(1);
                if columns <= width as u128 {
                    return Grid { column, columns: columns as usize };
                }
            }
            unit *= 10;
        }
    }

    fn blank(&self) -> Vec<char> {
        vec![' '; self.columns]
    }

    /// The column an instant falls in; the end of the trace falls in the
    /// last one.
    fn column_of(&self, at: Duration) -> usize {
        let column = at.as_nanos() / self.column.as_nanos();
        usize::try_from(column).unwrap_or(usize::MAX).min(self.columns - 1)
    }

    /// Writes `mark` in every column a span touches. A span of zero length
    /// (an instant, as on a simulated clock) marks the column it is in.
    fn paint(
        &self,
        cells: &mut [char],
        spans: impl IntoIterator<Item = Span>,
        mark: char,
    ) {
        for span in spans {
            let first = self.column_of(span.start);
            let last = if span.end > span.start {
                self.column_of(span.end - Duration::from_nanos(1))
            } else {
                first
            };
            cells[first..=last].fill(mark);
        }
    }

    /// The time axis: a label every ten columns.
    fn axis(&self, label: usize) -> String {
        let mut line = format!("{:<label$}  ", "");
        for c in (0..self.columns).step_by(10) {
            let at = label + 2 + c;
            while line.len() < at {
                line.push(' ');
            }
            if line.len() == at {
                line.push_str(&short(self.column * c as u32, self.column * 10));
            }
        }
        format!("{}\n", line.trim_end())
    }
}

/// One row: a label, the cells between bars, and a note.
fn row(width: usize, label: &str, cells: &[char], note: &str) -> String {
    let label: String = label.chars().take(width).collect();
    let cells: String = cells.iter().collect();
    let line = format!("{label:<width$} |{cells}| {note}");
    format!("{}\n", line.trim_end())
}

/// What the picture cannot show: counts, and the longest poll.
fn summary(model: &Model, dropped: u64) -> String {
    let mut out = String::new();
    let polls: usize = model.tasks.iter().map(|task| task.polls.len()).sum();
    let wakes: usize = model.tasks.iter().map(|task| task.wakes.len()).sum();
    let remote = model
        .tasks
        .iter()
        .flat_map(|task| &task.wakes)
        .filter(|(_, from)| from.is_some())
        .count();
    let timers: usize = model.event_loop.timers.iter().map(|(_, count)| count).sum();
    let jobs: usize = model.workers.iter().map(|worker| worker.jobs.len()).sum();
    // Two lines of counts, so that each fits the book's 90 columns.
    let _ = writeln!(
        out,
        "  {}, {}, {} ({remote} from other threads), {},",
        count(model.tasks.len(), "task", "tasks"),
        count(polls, "poll", "polls"),
        count(wakes, "wake", "wakes"),
        count(model.event_loop.callbacks.len(), "callback", "callbacks"),
    );
    let _ = writeln!(
        out,
        "  {}, {}, {}",
        count(timers, "timer fired", "timers fired"),
        count(model.event_loop.io.len(), "I/O event", "I/O events"),
        count(jobs, "executor job", "executor jobs"),
    );
    if let Some((task, span)) = model.longest_poll() {
        let _ = write!(
            out,
            "  longest poll: {} by {}, from {} to {}",
            duration(span.end - span.start),
            task.label(),
            seconds(span.start),
            seconds(span.end)
        );
        if let Some(location) = task.location {
            let _ = write!(out, ", created at {location}");
        }
        let _ = writeln!(out);
    }
    if dropped > 0 {
        let _ =
            writeln!(out, "  {dropped} later records were dropped: the trace was full");
    }
    // Each line folded to fit 90 columns, so the book shows it whole.
    out.lines().map(|line| crate::wrap::wrap(line) + "\n").collect()
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
