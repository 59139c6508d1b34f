//! Debug mode and the timeline on the chapter examples, run as a learner
//! runs them: with `STEPIO_DEBUG=1`, `STEPIO_TRACE=1` and
//! `STEPIO_TRACE_FILE` set. The trace file is read back with a strict JSON
//! parser and checked against the Chrome trace event format.

use std::collections::BTreeMap;
use std::fs;
use std::panic::Location;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use stepio::trace::Record;
use stepio::{Trace, TraceEvent};
use stepio_examples::compare::TIMES;
use stepio_examples::json::{self, Json};
use stepio_examples::servers::example_binary;

/// What a traced run of an example left.
struct TracedRun {
    stdout: String,
    stderr: String,
    /// The `traceEvents` of the trace file.
    events: Vec<Json>,
}

impl TracedRun {
    /// Runs example `name` with debug mode and tracing on.
    fn of(name: &str) -> TracedRun {
        let dir = std::env::temp_dir()
            .join(format!("stepio-trace-test-{}-{name}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("trace.json");
        let output = Command::new(example_binary(name))
            .env("STEPIO_DEBUG", "1")
            .env("STEPIO_TRACE", "1")
            .env("STEPIO_TRACE_FILE", &path)
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(output.status.success(), "{name} failed:\n{stderr}");
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("{}: {err}\n{stderr}", path.display()));
        fs::remove_dir_all(&dir).unwrap();
        TracedRun { stdout, stderr, events: check_chrome_format(&text) }
    }

    /// The timeline row whose label starts with `label`: its cells.
    fn row(&self, label: &str) -> Vec<char> {
        let line = self.stderr.lines().find(|line| line.starts_with(label));
        let line = line.unwrap_or_else(|| panic!("no row {label:?} in\n{}", self.stderr));
        let cells = line.split('|').nth(1).expect("cells between bars");
        cells.chars().collect()
    }

    /// The track ids named `name` (by `thread_name` metadata) whose name
    /// starts with `prefix`.
    fn tracks(&self, prefix: &str) -> BTreeMap<u64, String> {
        self.events
            .iter()
            .filter(|event| event.get("ph").and_then(Json::as_str) == Some("M"))
            .filter(|event| {
                event.get("name").and_then(Json::as_str) == Some("thread_name")
            })
            .filter_map(|event| {
                let name = event.get("args")?.get("name")?.as_str()?;
                name.starts_with(prefix).then(|| (tid(event), name.to_owned()))
            })
            .collect()
    }

    /// The spans (`ph: X`) named `name` on track `track`, in microseconds.
    fn spans(&self, name: &str, track: u64) -> Vec<f64> {
        self.events
            .iter()
            .filter(|event| event.get("ph").and_then(Json::as_str) == Some("X"))
            .filter(|event| {
                event.get("name").and_then(Json::as_str) == Some(name)
                    && tid(event) == track
            })
            .map(|event| event.get("dur").and_then(Json::as_f64).unwrap())
            .collect()
    }
}

/// What a timeline shows that does not depend on timing: each row's label
/// and the kind of its note, and the counts. The committed timelines in
/// `expected/timelines/` (from `scripts/regen-timelines.sh`) must have the
/// same shape as a fresh run. Debug warnings are left out: which steps a
/// busy machine makes slower than the 100 ms threshold is up to the OS, so
/// the tests look at them with [`slow_steps`].
fn shape(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|line| {
            if let Some((label, rest)) = line.split_once(" |") {
                let note = rest.rsplit_once("| ").map_or("", |(_, note)| note);
                let kind = note.split(" at ").next().unwrap_or("");
                Some(format!("{} | {kind}", label.trim_end()))
            } else if line.starts_with("  ")
                && (line.contains(" polls, ") || line.contains(" I/O event"))
            {
                Some(line.to_owned())
            } else {
                None
            }
        })
        .collect()
}

/// The debug warnings about steps that blocked the loop for at least
/// `at_least` seconds: (what, seconds). A step that is slow on purpose
/// takes far longer than any busy machine's hiccup, so a test asks only
/// about steps longer than the shortest wait of its scenario.
fn slow_steps(stderr: &str, at_least: f64) -> Vec<(String, f64)> {
    unfolded(stderr)
        .lines()
        .filter_map(|line| {
            let (what, rest) = line
                .strip_prefix("stepio debug: ")?
                .split_once(" blocked the loop for ")?;
            let seconds: f64 = rest.split(' ').next()?.parse().ok()?;
            (seconds >= at_least).then(|| (what.to_owned(), seconds))
        })
        .collect()
}

/// `stderr` with the lines stepio folded at 90 columns joined again: a
/// line that starts with four spaces continues the one before.
fn unfolded(stderr: &str) -> String {
    let mut out = String::new();
    for line in stderr.lines() {
        match line.strip_prefix("    ") {
            Some(rest) if !out.is_empty() => {
                out.pop(); // the newline before
                out.push(' ');
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

fn committed_timeline(name: &str) -> String {
    committed_file(&format!("{name}.txt"))
}

fn committed_file(file: &str) -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("expected/timelines").join(file);
    fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn tid(event: &Json) -> u64 {
    event.get("tid").and_then(Json::as_f64).expect("every event has a tid") as u64
}

/// Parses `text` and checks every event has what its phase needs; returns
/// the events.
fn check_chrome_format(text: &str) -> Vec<Json> {
    let trace = json::parse(text).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(trace.get("displayTimeUnit").and_then(Json::as_str), Some("ms"));
    let events = trace
        .get("traceEvents")
        .and_then(Json::as_array)
        .expect("a traceEvents array")
        .to_vec();
    assert!(!events.is_empty());
    for event in &events {
        let field = |key: &str| {
            event.get(key).unwrap_or_else(|| panic!("no {key:?} in {event:?}"))
        };
        assert!(field("name").as_str().is_some());
        assert!(field("pid").as_f64().is_some() && field("tid").as_f64().is_some());
        assert!(matches!(field("args"), Json::Object(_)));
        match field("ph").as_str() {
            Some("M") => {}
            Some("X") => {
                assert!(field("ts").as_f64().unwrap() >= 0.0);
                assert!(field("dur").as_f64().unwrap() >= 0.0);
            }
            Some("i") => {
                assert!(field("ts").as_f64().unwrap() >= 0.0);
                assert_eq!(field("s").as_str(), Some("t"));
            }
            other => panic!("unexpected phase {other:?}"),
        }
    }
    events
}

// ANCHOR: blocking_test
#[test]
fn the_blocking_mistake_is_named_and_drawn_as_one_bar() {
    let run = TracedRun::of("ch09_blocking_mistake");
    assert!(!run.stdout.contains("stepio"), "debug output goes to stderr only");
    assert_eq!(shape(&run.stderr), shape(&committed_timeline("ch09_blocking_mistake")));
    // The trace file the book shows parses too.
    check_chrome_format(&committed_file("ch09_blocking_mistake.json"));
    // One warning about a long step (the ticks wait 0.5 s): it names the
    // task, its coroutine, and where it was created, and the 2 s it blocked.
    let slow = slow_steps(&run.stderr, 0.5);
    assert_eq!(slow.len(), 1, "{}", run.stderr);
    let (what, seconds) = &slow[0];
    assert!(
        what.starts_with(
            "Task-2 (my_task, created at examples/ch05_blocking_mistake.rs:"
        ),
        "{what}"
    );
    assert!(*seconds >= 2.0, "{seconds}");
    // In the timeline, my_task runs without a break for 2 s, and the ticker
    // waits all that time: between the bar's ends, it never runs.
    let my_task = run.row("Task-2 my_task");
    let ticker = run.row("Task-1 ticker");
    let bar: Vec<usize> = (0..my_task.len()).filter(|&c| my_task[c] == '#').collect();
    let (first, last) = (bar[1], *bar.last().unwrap());
    assert!(last - first >= 15, "a long bar: {}", my_task.iter().collect::<String>());
    assert!(
        (first + 1..last).all(|c| my_task[c] == '#' && ticker[c] == '-'),
        "{}",
        run.stderr
    );
    // In the trace file, one poll of my_task lasts 2 s.
    let (&track, _) =
        run.tracks("Task-2 my_task").iter().next().expect("a track for my_task");
    let longest = run.spans("poll", track).into_iter().fold(0.0, f64::max);
    assert!(longest >= 2_000_000.0, "{longest} us");
}
// ANCHOR_END: blocking_test

#[test]
fn the_thread_pool_fix_runs_the_waits_on_three_workers_and_nothing_blocks() {
    let run = TracedRun::of("ch09_executor_count_down");
    // Nothing blocks the loop for as long as a wait (the shortest is 0.5 s).
    assert_eq!(slow_steps(&run.stderr, 0.5), [], "{}", run.stderr);
    assert_eq!(
        shape(&run.stderr),
        shape(&committed_timeline("ch09_executor_count_down"))
    );
    check_chrome_format(&committed_file("ch09_executor_count_down.json"));
    let workers = run.tracks("ThreadPoolExecutor-");
    assert_eq!(workers.len(), 3, "{workers:?}");
    // Each worker ran one count_down: 3 x 0.5 s, 3 x 0.8 s, 3 x 1.0 s,
    // never less, and late by no more than the output tests allow.
    let mut jobs: Vec<f64> =
        workers.keys().flat_map(|&track| run.spans("job", track)).collect();
    jobs.sort_by(f64::total_cmp);
    assert_eq!(jobs.len(), 3, "{jobs:?}");
    for (us, due) in jobs.iter().zip([1.5, 2.4, 3.0]) {
        let seconds = us / 1e6;
        assert!(seconds >= due && seconds <= due + TIMES.above, "{jobs:?} us");
    }
    for row in
        ["ThreadPoolExecutor-0_0", "ThreadPoolExecutor-0_1", "ThreadPoolExecutor-0_2"]
    {
        assert!(run.row(row).contains(&'#'));
    }
    assert!(run.stderr.contains("3 wakes (3 from other threads)"), "{}", run.stderr);
}

#[test]
fn count_down_shows_three_tasks_taking_turns() {
    let run = TracedRun::of("ch09_wait_count_down");
    assert_eq!(slow_steps(&run.stderr, 0.5), [], "{}", run.stderr);
    let tasks = run.tracks("Task-");
    assert_eq!(
        tasks.values().collect::<Vec<_>>(),
        ["Task-1 count_down", "Task-2 count_down", "Task-3 count_down"]
    );
    // Each count_down is polled four times (once, then after each sleep).
    for &track in tasks.keys() {
        assert_eq!(run.spans("poll", track).len(), 4);
    }
    // In the timeline too: four short bursts of running per task. A poll
    // marks its column, or two when it crosses a column's edge (a poll
    // takes microseconds, unless the OS holds the thread off the CPU).
    for label in ["Task-1 count_down", "Task-2 count_down", "Task-3 count_down"] {
        let row = run.row(label);
        let running = row.iter().filter(|&&c| c == '#').count();
        assert!(
            (4..=8).contains(&running),
            "{running} columns of running:\n{}",
            run.stderr
        );
    }
}

#[test]
fn the_timeline_example_draws_what_the_book_shows() {
    let output = Command::new(example_binary("ch09_timeline")).output().unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let shown = shape(&stderr);
    assert_eq!(shown, shape(&committed_timeline("ch09_timeline")));
    assert_eq!(shown.len(), 7, "loop, main, three tasks, two lines of counts: {shown:?}");
}

#[test]
fn names_with_quotes_newlines_and_unicode_survive_the_round_trip() {
    let names = [
        "plain",
        "a \"quoted\" name",
        "back\\slash",
        "two\nlines",
        "tab\tand\u{1}",
        "été 😀",
    ];
    let location = Location::caller();
    let mut records = Vec::new();
    for (task, name) in (1..).zip(names) {
        let at = Duration::from_micros(task * 1_500);
        let spawned =
            TraceEvent::Spawned { task, name: "x".to_owned(), future: "f", location };
        records.push(Record { at, event: spawned });
        records.push(Record {
            at,
            event: TraceEvent::Renamed { task, name: name.to_owned() },
        });
        records.push(Record { at, event: TraceEvent::PollStart { task } });
        records.push(Record {
            at: at + Duration::from_nanos(250),
            event: TraceEvent::PollEnd { task },
        });
    }
    let trace = Trace { records, dropped: 0, end: Duration::from_millis(20) };
    let events = check_chrome_format(&trace.chrome_json());
    let run = TracedRun { stdout: String::new(), stderr: String::new(), events };
    let tracks = run.tracks("");
    for name in names {
        let (&track, _) = tracks
            .iter()
            .find(|(_, n)| *n == name)
            .unwrap_or_else(|| panic!("{name:?}: {tracks:?}"));
        // Nanoseconds survive as fractions of a microsecond.
        assert_eq!(run.spans("poll", track), [0.25]);
    }
}

#[test]
fn a_trace_file_alone_is_written_and_announced_without_a_timeline() {
    let dir = std::env::temp_dir()
        .join(format!("stepio-trace-test-{}-files", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join("t.json");
    let output = Command::new(example_binary("ch09_wait_count_down"))
        .env("STEPIO_TRACE_FILE", &path)
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        unfolded(&stderr)
            .contains(&format!("stepio: trace written to {}", path.display())),
        "{stderr}"
    );
    assert!(!stderr.contains("stepio timeline"), "{stderr}");
    check_chrome_format(&fs::read_to_string(&path).unwrap());
    fs::remove_dir_all(&dir).unwrap();
}
