//! The exercise runner: `cargo exercises [COMMAND]` (see `USAGE`).
//!
//! Each exercise is a test target of its own; the runner builds and runs
//! one at a time, each run bounded in time, and remembers the outcome, so
//! `list` answers at once without building anything.

use std::env;
use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process::{Command, ExitCode};
use std::thread;
use std::time::Duration;

use stepio_exercises::runner::progress::{self, Record};
use stepio_exercises::runner::run::{Code, Outcome, run_exercise, time_limit};
use stepio_exercises::{EXERCISES, Exercise, find};

const USAGE: &str = "\
usage: cargo exercises [COMMAND]

commands:
  list                every exercise by chapter, with your progress (the default)
  verify NAME         build and run one exercise's tests on your starter/NAME.rs
  watch [NAME]        verify NAME (or the next unfinished one) each time you save
                      it, and go on to the next when it passes
  hint NAME [TIER]    a hint: 1 a nudge, 2 a stronger one, 3 where the book explains it
  reset NAME [--yes]  put starter/NAME.rs back as it was (asks first if you changed it)
  report [--json]     run every exercise, for grading: name, chapter, result
  check               (for CI) every exercise fails on its starter, passes on its solution

Each run of an exercise's tests stops after STEPIO_EXERCISES_TIMEOUT seconds (60).
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["list"] => list(),
        ["verify", name] => with_exercise(name, |exercise| {
            if verify(exercise).0.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }),
        ["watch"] => watch(None, None),
        ["watch", name] => with_exercise(name, |exercise| watch(Some(exercise), None)),
        // For the runner's own test: stop after so many runs.
        ["watch", name, "--max-runs", runs] => {
            with_exercise(name, |exercise| watch(Some(exercise), runs.parse().ok()))
        }
        ["hint", name] => with_exercise(name, |exercise| hint(exercise, "1")),
        ["hint", name, tier] => with_exercise(name, |exercise| hint(exercise, tier)),
        ["reset", name] => with_exercise(name, |exercise| reset(exercise, false)),
        ["reset", name, "--yes"] => with_exercise(name, |exercise| reset(exercise, true)),
        ["report"] => report(false),
        ["report", "--json"] => report(true),
        ["check"] => check(),
        ["help" | "--help" | "-h"] => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn with_exercise(
    name: &str,
    run: impl FnOnce(&'static Exercise) -> ExitCode,
) -> ExitCode {
    match find(name) {
        Some(exercise) => run(exercise),
        None => {
            eprintln!(
                "no exercise named {name:?}; `cargo exercises list` shows them all"
            );
            ExitCode::from(2)
        }
    }
}

/// A progress bar such as `[######------]`.
fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(0);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled))
}

/// What `list` says of one exercise: a mark and a few words.
fn status(exercise: &Exercise, record: Option<&Record>) -> (&'static str, String) {
    let fingerprint = progress::fingerprint(&progress::starter(exercise.name));
    match record {
        None => ("    ", "not run yet".to_owned()),
        Some(record) if record.fingerprint != fingerprint => {
            ("edit", format!("changed since its last run ({})", record.word))
        }
        Some(record) => match record.word.as_str() {
            "pass" => ("done", format!("{}/{} tests pass", record.passed, record.total)),
            "timeout" => ("time", "timed out on its last run".to_owned()),
            "build-error" => ("fix ", "did not compile on its last run".to_owned()),
            _ => ("todo", format!("{}/{} tests pass", record.passed, record.total)),
        },
    }
}

fn list() -> ExitCode {
    let records = progress::load();
    let mut done = 0;
    let mut chapter = 0;
    let mut next = None;
    for exercise in EXERCISES {
        if exercise.chapter != chapter {
            chapter = exercise.chapter;
            println!("Chapter {chapter}");
        }
        let (mark, words) = status(exercise, records.get(exercise.name));
        if mark == "done" {
            done += 1;
        } else if next.is_none() {
            next = Some(exercise.name);
        }
        // The title on a line of its own, so the list fits 90 columns.
        println!("  [{mark}] {:<22} {words}", exercise.name);
        println!("         {}", exercise.title);
    }
    let total = EXERCISES.len();
    println!("\nProgress: {} {done}/{total} exercises done", bar(done, total, 30));
    if let Some(next) = next {
        println!("Next: edit crates/exercises/starter/{next}.rs,");
        println!("      then `cargo exercises verify {next}` (or `watch`)");
    }
    ExitCode::SUCCESS
}

/// Runs one exercise's tests on the starter, says how it went, and
/// records it. Returns the outcome and the fingerprint of the starter the
/// run began with.
fn verify(exercise: &Exercise) -> (Outcome, String) {
    let starter = progress::starter(exercise.name);
    println!("Testing {}: {}\n", starter.display(), exercise.title);
    let fingerprint = progress::fingerprint(&starter);
    let outcome = run_exercise(exercise.name, Code::Starter, time_limit(), true);
    let (passed, total) = outcome.counts();
    let name = exercise.name;
    match &outcome {
        Outcome::BuildFailed(why) => {
            println!("{why}");
            println!(
                "{name}: your code does not compile yet (the other exercises are not"
            );
            println!("affected). Stuck? `cargo exercises hint {name}`");
        }
        Outcome::TimedOut(_, limit) => {
            println!(
                "\n{name}: timed out after {} s, with {passed}/{total} tests",
                limit.as_secs()
            );
            println!(
                "finished and passed. A wake that never comes? `cargo exercises hint {name}`"
            );
        }
        Outcome::Ran(_) if outcome.passed() => {
            println!("\n{name}: all {total} tests pass. Well done!");
            println!("Compare with crates/exercises/solutions/{name}.rs if you like.");
        }
        Outcome::Ran(_) => {
            println!(
                "\n{name}: {passed}/{total} tests pass. Stuck? `cargo exercises hint {name}`"
            );
        }
    }
    let word = outcome.word().to_owned();
    progress::save(
        name,
        Record { word, passed, total, fingerprint: fingerprint.clone() },
    );
    (outcome, fingerprint)
}

/// Verifies `start` (or the first exercise not done), again each time its
/// starter is saved, and goes on to the next when it passes.
fn watch(start: Option<&'static Exercise>, max_runs: Option<usize>) -> ExitCode {
    let records = progress::load();
    let first_undone =
        || EXERCISES.iter().find(|e| status(e, records.get(e.name)).0 != "done");
    let Some(mut current) = start.or_else(first_undone) else {
        println!("Every exercise passes. Nothing to watch.");
        return ExitCode::SUCCESS;
    };
    let mut runs = 0;
    loop {
        let (outcome, tested) = verify(current);
        runs += 1;
        if max_runs.is_some_and(|max| runs >= max) {
            return ExitCode::SUCCESS;
        }
        if outcome.passed() {
            let position = EXERCISES.iter().position(|e| e.name == current.name);
            let Some(next) = position.and_then(|at| EXERCISES.get(at + 1)) else {
                println!("\nThat was the last exercise. Well done!");
                return ExitCode::SUCCESS;
            };
            println!("\nOn to the next: {} ({})\n", next.name, next.title);
            current = next;
            continue;
        }
        let path = progress::starter(current.name);
        println!(
            "\nWatching {}: save it to test again (Ctrl-C to stop).",
            path.display()
        );
        let _ = io::stdout().flush();
        wait_for_change(&path, &tested);
        println!("\n{}\n", "=".repeat(70));
    }
}

/// Returns once `path` differs from the version with fingerprint `tested`
/// (saved since the run began, even while the tests ran).
fn wait_for_change(path: &Path, tested: &str) {
    while progress::fingerprint(path) == tested {
        thread::sleep(Duration::from_millis(200));
    }
}

/// Prints tier `tier` of the exercise's hint (tiers are separated by `---`).
fn hint(exercise: &Exercise, tier: &str) -> ExitCode {
    let tiers: Vec<&str> = exercise.hint.split("\n---\n").map(str::trim).collect();
    let Some(n) = tier.parse::<usize>().ok().filter(|n| (1..=tiers.len()).contains(n))
    else {
        eprintln!("{} has hints 1 to {}", exercise.name, tiers.len());
        return ExitCode::from(2);
    };
    println!("Hint {n} of {} for {} ({}):\n", tiers.len(), exercise.name, exercise.title);
    println!("{}", tiers[n - 1]);
    if n < tiers.len() {
        println!("\nStill stuck? `cargo exercises hint {} {}`", exercise.name, n + 1);
    }
    ExitCode::SUCCESS
}

/// Restores the starter from git, asking first if it was changed.
fn reset(exercise: &Exercise, yes: bool) -> ExitCode {
    if env::var_os("STEPIO_EXERCISES_STARTERS").is_some() {
        eprintln!(
            "reset works on crates/exercises/starter/ only (STEPIO_EXERCISES_STARTERS is set)"
        );
        return ExitCode::FAILURE;
    }
    let manifest = env!("CARGO_MANIFEST_DIR");
    let file = format!("starter/{}.rs", exercise.name);
    let git =
        |args: &[&str]| Command::new("git").arg("-C").arg(manifest).args(args).status();
    let changed = match git(&["diff", "--quiet", "HEAD", "--", &file]) {
        Ok(status) => !status.success(),
        Err(err) => {
            eprintln!("reset needs git, to find the starter as it was: {err}");
            return ExitCode::FAILURE;
        }
    };
    if !changed {
        println!("{file} is as it was; nothing to reset.");
        return ExitCode::SUCCESS;
    }
    if !yes {
        print!("{file} has your changes. Throw them away and put it back? [y/N] ");
        let _ = io::stdout().flush();
        let mut answer = String::new();
        let _ = io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("Left as it is.");
            return ExitCode::SUCCESS;
        }
    }
    match git(&["checkout", "HEAD", "--", &file]) {
        Ok(status) if status.success() => {
            println!("{file} is back as it was.");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("git could not restore {file}");
            ExitCode::FAILURE
        }
    }
}

/// Runs every exercise on the starters, for a teacher or an autograder.
fn report(json: bool) -> ExitCode {
    let mut rows = Vec::new();
    for exercise in EXERCISES {
        let fingerprint = progress::fingerprint(&progress::starter(exercise.name));
        let outcome = run_exercise(exercise.name, Code::Starter, time_limit(), false);
        let (passed, total) = outcome.counts();
        let word = outcome.word().to_owned();
        progress::save(exercise.name, Record { word, passed, total, fingerprint });
        if !json {
            println!(
                "{:<22} chapter {}  {:<12} {passed}/{total}",
                exercise.name,
                exercise.chapter,
                outcome.word()
            );
        }
        rows.push((exercise, outcome));
    }
    if json {
        print!("{}", stepio_exercises::report_json(&rows));
    }
    ExitCode::SUCCESS
}

fn check() -> ExitCode {
    let mut ok = true;
    println!("{:<22} {:>16} {:>16}", "exercise", "fail on starter", "pass on solution");
    for exercise in EXERCISES {
        let limit = time_limit();
        let on_starter = run_exercise(exercise.name, Code::Starter, limit, false);
        let on_solution = run_exercise(exercise.name, Code::Solution, limit, false);
        let (starter_passed, starter_total) = on_starter.counts();
        let (passed, total) = on_solution.counts();
        let failed = starter_total - starter_passed;
        // Every test must fail on the starter (none passes by accident) and
        // pass on the solution, and there must be tests at all.
        let good = matches!(on_starter, Outcome::Ran(_))
            && starter_total > 0
            && starter_passed == 0
            && on_solution.passed()
            && total == starter_total;
        ok &= good;
        println!(
            "{:<22} {:>16} {:>16}  {}",
            exercise.name,
            format!("{failed}/{starter_total}"),
            format!("{passed}/{total}"),
            if good { "ok" } else { "WRONG" }
        );
        for outcome in [&on_starter, &on_solution] {
            if let Outcome::BuildFailed(why) = outcome {
                println!("{why}");
            }
        }
    }
    if ok {
        println!("{} passed, 0 failed", EXERCISES.len());
        ExitCode::SUCCESS
    } else {
        println!("exercise check failed: see the rows marked WRONG");
        ExitCode::FAILURE
    }
}
