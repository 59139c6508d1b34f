//! The scaling table as a picture: time and heap per item against the
//! number of items, one line per runtime and workload, in plain SVG.

use std::fmt::Write;

use crate::scaling::{Cell, Runtime, Workload};

const PANEL_W: f64 = 330.0;
const PANEL_H: f64 = 220.0;
const LEFT: f64 = 58.0;
const TOP: f64 = 34.0;
const GAP: f64 = 90.0;

fn color(runtime: Runtime) -> &'static str {
    match runtime {
        Runtime::Stepio => "#d9480f",
        Runtime::Tokio => "#1c7ed6",
        Runtime::Smol => "#2b8a3e",
        Runtime::CPython => "#868e96",
    }
}

fn dash(workload: Workload) -> &'static str {
    match workload {
        Workload::Tasks => "",
        Workload::Sleeps => "6 3",
        Workload::Connections => "2 3",
        Workload::Gather => "10 3 2 3",
    }
}

/// Log-scale axis: `value` between `low` and `high` to 0..=1.
fn log_pos(value: f64, low: f64, high: f64) -> f64 {
    (value.log10() - low.log10()) / (high.log10() - low.log10())
}

/// A round power of ten at or below / above the values.
fn decades(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut low, mut high) = (f64::MAX, f64::MIN);
    for value in values {
        low = low.min(value);
        high = high.max(value);
    }
    (10f64.powf(low.log10().floor()), 10f64.powf(high.log10().ceil()))
}

fn label(value: f64) -> String {
    match value {
        v if v >= 1e6 => format!("{}M", v / 1e6),
        v if v >= 1e3 => format!("{}k", v / 1e3),
        v => format!("{v}"),
    }
}

/// One panel: `value` of each cell against its count.
fn panel(
    svg: &mut String,
    x0: f64,
    title: &str,
    cells: &[Cell],
    value: impl Fn(&Cell) -> Option<f64>,
) {
    let points: Vec<(&Cell, f64)> =
        cells.iter().filter_map(|cell| Some((cell, value(cell)?))).collect();
    let (y_low, y_high) = decades(points.iter().map(|(_, v)| *v));
    let (x_low, x_high) = decades(points.iter().map(|(cell, _)| cell.n as f64));
    let x = |n: f64| x0 + log_pos(n, x_low, x_high) * PANEL_W;
    let y = |v: f64| TOP + PANEL_H - log_pos(v, y_low, y_high) * PANEL_H;
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" font-weight="bold">{title}</text>"#,
        x0,
        TOP - 12.0
    );
    let _ = writeln!(
        svg,
        r##"<rect x="{x0}" y="{TOP}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#adb5bd"/>"##
    );
    let mut tick = y_low;
    while tick <= y_high * 1.001 {
        let ty = y(tick);
        let _ = writeln!(
            svg,
            r##"<line x1="{x0}" y1="{ty:.1}" x2="{:.1}" y2="{ty:.1}" stroke="#e9ecef"/><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11">{}</text>"##,
            x0 + PANEL_W,
            x0 - 6.0,
            ty + 4.0,
            label(tick)
        );
        tick *= 10.0;
    }
    let mut tick = x_low;
    while tick <= x_high * 1.001 {
        let tx = x(tick);
        let _ = writeln!(
            svg,
            r#"<text x="{tx:.1}" y="{:.1}" text-anchor="middle" font-size="11">{}</text>"#,
            TOP + PANEL_H + 16.0,
            label(tick)
        );
        tick *= 10.0;
    }
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11">items</text>"#,
        x0 + PANEL_W / 2.0,
        TOP + PANEL_H + 32.0
    );
    for workload in
        [Workload::Tasks, Workload::Sleeps, Workload::Connections, Workload::Gather]
    {
        for runtime in [Runtime::Stepio, Runtime::Tokio, Runtime::Smol, Runtime::CPython]
        {
            let line: Vec<String> = points
                .iter()
                .filter(|(cell, _)| cell.workload == workload && cell.runtime == runtime)
                .map(|(cell, v)| format!("{:.1},{:.1}", x(cell.n as f64), y(*v)))
                .collect();
            if line.is_empty() {
                continue;
            }
            let _ = writeln!(
                svg,
                r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>"#,
                line.join(" "),
                color(runtime),
                dash(workload)
            );
            for point in &line {
                let (px, py) = point.split_once(',').unwrap();
                let _ = writeln!(
                    svg,
                    r#"<circle cx="{px}" cy="{py}" r="2.5" fill="{}"/>"#,
                    color(runtime)
                );
            }
        }
    }
}

/// The whole figure.
pub fn svg(cells: &[Cell]) -> String {
    let width = LEFT + 2.0 * PANEL_W + GAP + 20.0;
    let height = TOP + PANEL_H + 110.0;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif" font-size="12">
<title>Time and heap per item against the number of items: stepio, tokio, smol and CPython</title>
<desc>Written by the compare program from its scaling table. Both axes are logarithmic. Colours are runtimes; dashes are workloads: pending tasks, tasks in a sleep of an hour, idle connections, and the seed gather of tasks that yield once.</desc>
<rect width="100%" height="100%" fill="white"/>
"#
    );
    panel(&mut svg, LEFT, "time per item (ns, log)", cells, |cell| Some(cell.ns));
    panel(&mut svg, LEFT + PANEL_W + GAP, "heap per item (bytes, log)", cells, |cell| {
        cell.heap.map(|heap| heap.bytes).filter(|bytes| *bytes > 0.0)
    });
    // The legend: colours are runtimes, dashes are workloads.
    let legend_y = TOP + PANEL_H + 54.0;
    for (i, runtime) in [Runtime::Stepio, Runtime::Tokio, Runtime::Smol, Runtime::CPython]
        .into_iter()
        .enumerate()
    {
        let lx = LEFT + i as f64 * 110.0;
        let _ = writeln!(
            svg,
            r#"<line x1="{lx}" y1="{legend_y}" x2="{}" y2="{legend_y}" stroke="{}" stroke-width="3"/><text x="{}" y="{}">{}</text>"#,
            lx + 24.0,
            color(runtime),
            lx + 30.0,
            legend_y + 4.0,
            runtime.name()
        );
    }
    for (i, workload) in
        [Workload::Tasks, Workload::Sleeps, Workload::Connections, Workload::Gather]
            .into_iter()
            .enumerate()
    {
        let lx = LEFT + i as f64 * 180.0;
        let ly = legend_y + 24.0;
        let _ = writeln!(
            svg,
            r##"<line x1="{lx}" y1="{ly}" x2="{}" y2="{ly}" stroke="#495057" stroke-width="2" stroke-dasharray="{}"/><text x="{}" y="{}">{}</text>"##,
            lx + 30.0,
            dash(workload),
            lx + 36.0,
            ly + 4.0,
            workload.name()
        );
    }
    svg.push_str("</svg>\n");
    svg
}
