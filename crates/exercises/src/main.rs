//! The exercise runner: `cargo exercises [list | verify NAME | hint NAME | check]`.
//!
//! It runs the exercise tests with cargo and reads the test names and
//! results from libtest's output (`test checks::<exercise>::<test> ... ok`).

use std::collections::BTreeMap;
use std::env;
use std::process::{Command, ExitCode, Stdio};

use stepio_exercises::{EXERCISES, Exercise, find};

const USAGE: &str = "\
usage: cargo exercises [COMMAND]

commands:
  list           every exercise by chapter, with your progress (the default)
  verify NAME    run one exercise's tests against your code in starter/NAME.rs
  hint NAME      print the hint for NAME
  check          (for CI) every exercise must fail on its starter and pass on its solution
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["list"] => list(),
        ["verify", name] => with_exercise(name, verify),
        ["hint", name] => with_exercise(name, |exercise| {
            println!("Hint for {} ({}):\n", exercise.name, exercise.title);
            println!("{}", exercise.hint.trim_end());
            ExitCode::SUCCESS
        }),
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

fn with_exercise(name: &str, run: impl FnOnce(&Exercise) -> ExitCode) -> ExitCode {
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

/// Which code the tests run against.
#[derive(Clone, Copy, PartialEq)]
enum Code {
    Starter,
    Solution,
}

/// The outcome of one `cargo test` run.
struct Run {
    /// Test name (without the `checks::` prefix) to passed.
    results: BTreeMap<String, bool>,
    /// Whether cargo built the tests at all.
    built: bool,
    /// What cargo printed on stderr (compile errors, panics).
    stderr: String,
}

impl Run {
    /// The results of one exercise's tests.
    fn of(&self, exercise: &str) -> Vec<bool> {
        let prefix = format!("{exercise}::");
        self.results
            .iter()
            .filter(|(name, _)| name.starts_with(&prefix))
            .map(|(_, passed)| *passed)
            .collect()
    }
}

/// Runs the exercise tests (those whose name contains `filter`) and parses
/// the results. With `echo`, cargo's and the tests' output is shown as well.
fn run_tests(code: Code, filter: &str, echo: bool) -> Run {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["test", "--quiet", "-p", "stepio-exercises", "--lib"]);
    if code == Code::Starter {
        command.arg("--no-default-features");
    }
    command
        .args(["--", "--format", "pretty", "--color", "never"])
        .arg(format!("checks::{filter}"));
    command.stdin(Stdio::null());
    let output = command.output().unwrap_or_else(|err| panic!("cannot run cargo: {err}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if echo {
        print!("{stdout}");
        eprint!("{stderr}");
    }
    let mut results = BTreeMap::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test checks::") else { continue };
        if let Some(name) = rest.strip_suffix(" ... ok") {
            results.insert(name.to_owned(), true);
        } else if let Some(name) = rest.strip_suffix(" ... FAILED") {
            results.insert(name.to_owned(), false);
        }
    }
    let built = stdout.contains("test result:");
    Run { results, built, stderr }
}

/// A progress bar such as `[######------]`.
fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(0);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled))
}

fn list() -> ExitCode {
    println!(
        "Running the exercise tests against your code in crates/exercises/starter/ ...\n"
    );
    let run = run_tests(Code::Starter, "", false);
    if !run.built {
        eprintln!(
            "Your exercise code does not compile yet. cargo says:\n\n{}",
            run.stderr
        );
    }
    let mut done = 0;
    let mut chapter = 0;
    for exercise in EXERCISES {
        if exercise.chapter != chapter {
            chapter = exercise.chapter;
            println!("Chapter {chapter}");
        }
        let results = run.of(exercise.name);
        let passed = results.iter().filter(|passed| **passed).count();
        let finished = !results.is_empty() && passed == results.len();
        done += usize::from(finished);
        let mark = if finished { "done" } else { "todo" };
        // The title on a line of its own, so the list fits 90 columns.
        println!("  [{mark}] {:<22} {}/{} tests", exercise.name, passed, results.len());
        println!("         {}", exercise.title);
    }
    let total = EXERCISES.len();
    println!("\nProgress: {} {done}/{total} exercises done", bar(done, total, 30));
    if let Some(next) =
        EXERCISES.iter().find(|exercise| run.of(exercise.name).contains(&false))
    {
        println!("Next: edit crates/exercises/starter/{}.rs,", next.name);
        println!("      then `cargo exercises verify {}`", next.name);
    }
    ExitCode::SUCCESS
}

fn verify(exercise: &Exercise) -> ExitCode {
    println!(
        "Testing crates/exercises/starter/{}.rs: {}\n",
        exercise.name, exercise.title
    );
    let run = run_tests(Code::Starter, &format!("{}::", exercise.name), true);
    let results = run.of(exercise.name);
    let passed = results.iter().filter(|passed| **passed).count();
    if run.built && !results.is_empty() && passed == results.len() {
        println!("\n{}: all {} tests pass. Well done!", exercise.name, results.len());
        println!(
            "Compare with crates/exercises/solutions/{}.rs if you like.",
            exercise.name
        );
        ExitCode::SUCCESS
    } else {
        println!(
            "\n{}: {passed}/{} tests pass. Stuck? `cargo exercises hint {}`",
            exercise.name,
            results.len(),
            exercise.name
        );
        ExitCode::FAILURE
    }
}

fn check() -> ExitCode {
    let starter = run_tests(Code::Starter, "", false);
    let solution = run_tests(Code::Solution, "", false);
    for (label, run) in [("starter", &starter), ("solution", &solution)] {
        if !run.built {
            eprintln!("the {label} build failed:\n{}", run.stderr);
            return ExitCode::FAILURE;
        }
    }
    let mut ok = true;
    println!("{:<22} {:>16} {:>16}", "exercise", "fail on starter", "pass on solution");
    for exercise in EXERCISES {
        let on_starter = starter.of(exercise.name);
        let on_solution = solution.of(exercise.name);
        let failed = on_starter.iter().filter(|passed| !**passed).count();
        let passed = on_solution.iter().filter(|passed| **passed).count();
        // Every test must fail on the starter (no test passes by accident)
        // and pass on the solution, and there must be tests at all.
        let good = !on_starter.is_empty()
            && failed == on_starter.len()
            && passed == on_solution.len()
            && on_solution.len() == on_starter.len();
        ok &= good;
        println!(
            "{:<22} {:>16} {:>16}  {}",
            exercise.name,
            format!("{failed}/{}", on_starter.len()),
            format!("{passed}/{}", on_solution.len()),
            if good { "ok" } else { "WRONG" }
        );
    }
    let extra: Vec<_> = solution
        .results
        .keys()
        .filter(|name| {
            !EXERCISES.iter().any(|e| name.starts_with(&format!("{}::", e.name)))
        })
        .collect();
    if !extra.is_empty() {
        println!("tests outside any exercise: {extra:?}");
        ok = false;
    }
    if ok {
        println!("{} passed, 0 failed", EXERCISES.len());
        ExitCode::SUCCESS
    } else {
        println!("exercise check failed: see the rows marked WRONG");
        ExitCode::FAILURE
    }
}
