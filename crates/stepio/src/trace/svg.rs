//! The timeline as an SVG picture: the rows of the text timeline, drawn to
//! scale, for a page or a slide.

use std::fmt::Write;
use std::time::Duration;

use super::Trace;
use super::model::{Model, Span};

/// The picture's width, and where the time axis begins and ends in it.
const WIDTH: f64 = 640.0;
const PLOT_START: f64 = 190.0;
const PLOT_END: f64 = 620.0;
/// The height of a row, and where the first one begins.
const ROW: f64 = 30.0;
const TOP: f64 = 56.0;
/// Labels longer than this are cut.
const MAX_LABEL: usize = 22;

/// Fill colours, from the book's figures.
const RUNNING: &str = "#3367d6";
const WAITING: &str = "#e0e0e0";
const ASLEEP: &str = "#fef7e0";

// ANCHOR: svg
impl Trace {
    /// Draws the trace as an SVG picture, 640 units wide: a row for the
    /// loop's thread (dark where it ran anything, pale yellow where it slept
    /// in its driver), one for each task (grey while alive, dark for each
    /// poll) and one for each worker thread that ran a job (dark for each
    /// job), on a time axis to scale. A poll too short to see is drawn one
    /// unit wide.
    pub fn svg(&self) -> String {
        let model = Model::new(self);
        let end = model.end.max(Duration::from_micros(1));
        let x = |at: Duration| {
            PLOT_START + (PLOT_END - PLOT_START) * at.as_secs_f64() / end.as_secs_f64()
        };

        let mut rows: Vec<(String, Vec<(Span, &str)>)> = Vec::new();
        let mut event_loop: Vec<(Span, &str)> =
            model.event_loop.parked.iter().map(|(span, _)| (*span, ASLEEP)).collect();
        event_loop.extend(model.loop_busy().into_iter().map(|span| (span, RUNNING)));
        rows.push(("loop".to_owned(), event_loop));
        for task in &model.tasks {
            let alive = Span { start: task.spawned, end: task.end(model.end) };
            let mut bars = vec![(alive, WAITING)];
            bars.extend(task.polls.iter().map(|span| (*span, RUNNING)));
            rows.push((task.label(), bars));
        }
        for worker in &model.workers {
            let jobs = worker.jobs.iter().map(|(_, span)| (*span, RUNNING)).collect();
            rows.push((worker.thread.clone(), jobs));
        }

        let height = TOP + ROW * rows.len() as f64 + 50.0;
        let mut out = String::new();
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" font-family="sans-serif" font-size="14">"#
        );
        let _ = writeln!(
            out,
            "  <title>A traced run of {} on the loop, drawn from its trace</title>",
            count(model.tasks.len(), "task", "tasks")
        );
        let _ = writeln!(
            out,
            "  <desc>One row for the loop's thread, one per task, one per worker thread; \
             time runs left to right over {}.</desc>",
            seconds(model.end)
        );

        // The time axis: a tick at every round step, about five of them.
        let step = tick_step(end);
        let axis_y = TOP - 14.0;
        let mut tick = Duration::ZERO;
        while tick <= end {
            let tx = x(tick);
            let _ = writeln!(
                out,
                r##"  <line x1="{tx:.1}" y1="{:.1}" x2="{tx:.1}" y2="{:.1}" stroke="#ccc"/>"##,
                axis_y + 4.0,
                TOP + ROW * rows.len() as f64
            );
            let _ = writeln!(
                out,
                r#"  <text x="{tx:.1}" y="{axis_y:.1}" text-anchor="middle">{}</text>"#,
                tick_label(tick, step)
            );
            tick += step;
        }

        for (index, (label, bars)) in rows.iter().enumerate() {
            let y = TOP + ROW * index as f64;
            let _ = writeln!(
                out,
                r#"  <text x="10" y="{:.1}">{}</text>"#,
                y + 19.0,
                escape(&cut(label))
            );
            for (span, fill) in bars {
                let (left, right) = (x(span.start), x(span.end));
                let _ = writeln!(
                    out,
                    r#"  <rect x="{left:.1}" y="{:.1}" width="{:.1}" height="16" fill="{fill}"/>"#,
                    y + 7.0,
                    (right - left).max(1.0)
                );
            }
        }

        let legend_y = TOP + ROW * rows.len() as f64 + 30.0;
        for (i, (fill, what)) in
            [(RUNNING, "running"), (WAITING, "waiting"), (ASLEEP, "loop asleep")]
                .iter()
                .enumerate()
        {
            let lx = PLOT_START + 150.0 * i as f64;
            let _ = writeln!(
                out,
                r##"  <rect x="{lx:.1}" y="{:.1}" width="14" height="14" fill="{fill}" stroke="#999"/>"##,
                legend_y - 12.0
            );
            let _ = writeln!(
                out,
                r#"  <text x="{:.1}" y="{legend_y:.1}">{what}</text>"#,
                lx + 20.0
            );
        }
        out.push_str("</svg>\n");
        out
    }
}
// ANCHOR_END: svg

/// A round step (1, 2 or 5 times a power of ten, from 1 µs) that puts at
/// most six ticks on `0..=end`.
fn tick_step(end: Duration) -> Duration {
    let mut base = Duration::from_micros(1);
    loop {
        for factor in [1, 2, 5] {
            let step = base * factor;
            if end.as_nanos() / step.as_nanos() <= 5 {
                return step;
            }
        }
        base *= 10;
    }
}

/// `at` in the unit of `step`: `1.5 s`, `20 ms`, `500 µs`.
fn tick_label(at: Duration, step: Duration) -> String {
    let (value, unit) = if step >= Duration::from_secs(1) {
        (at.as_secs_f64(), "s")
    } else if step >= Duration::from_millis(1) {
        (at.as_secs_f64() * 1e3, "ms")
    } else {
        (at.as_secs_f64() * 1e6, "µs")
    };
    format!("{} {unit}", (value * 1e3).round() / 1e3)
}

fn seconds(at: Duration) -> String {
    format!("{:.3} s", at.as_secs_f64())
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn cut(label: &str) -> String {
    label.chars().take(MAX_LABEL).collect()
}

/// `text` with XML's special characters escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
