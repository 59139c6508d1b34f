//! Every chapter example prints what its committed expected output says:
//! the same lines in the same order, printed times within
//! [`stepio_examples::compare::TIMES`] (10 ms early to 250 ms late).
//! The Python version of each scenario is checked the same way.
//!
//! Regenerate the expected files with `scripts/regen-expected.sh`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;

use stepio_examples::compare::{TIMES, compare};

fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The names of every chapter example (`chNN_<topic>.rs`), sorted.
fn chapter_examples() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(examples_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("ch") && name.ends_with(".rs"))
        .map(|name| name.trim_end_matches(".rs").to_owned())
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no chapter examples found");
    names
}

/// Where cargo put the example binaries: `cargo test` builds them beside
/// the `deps` folder this test runs from.
fn example_binary(name: &str) -> PathBuf {
    let test_exe = std::env::current_exe().unwrap();
    let profile_dir = test_exe.parent().and_then(Path::parent).unwrap();
    let binary = profile_dir.join("examples").join(name);
    assert!(
        binary.exists(),
        "{} is missing: `cargo test` builds it; after `cargo test --test outputs` alone, run `cargo build --examples`",
        binary.display()
    );
    binary
}

/// Runs every command at once (the examples mostly wait), and returns each
/// one's stdout.
fn run_all(commands: Vec<(String, Command)>) -> Vec<(String, String)> {
    let runs: Vec<_> = commands
        .into_iter()
        .map(|(name, mut command)| {
            thread::spawn(move || {
                let output = command.output().unwrap_or_else(|err| panic!("{name}: cannot start: {err}"));
                assert!(
                    output.status.success(),
                    "{name} failed with {}:\n{}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr)
                );
                (name, String::from_utf8(output.stdout).unwrap())
            })
        })
        .collect();
    runs.into_iter().map(|run| run.join().unwrap()).collect()
}

/// Compares each run with its expected file, and fails naming every mismatch.
fn check(runs: Vec<(String, String)>, expected_dir: &Path) {
    let mut failures = Vec::new();
    for (name, actual) in runs {
        let path = expected_dir.join(format!("{name}.txt"));
        let expected = fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("{}: {err} (run scripts/regen-expected.sh {name})", path.display()));
        if let Err(mismatch) = compare(&expected, &actual, TIMES) {
            failures.push(format!("{name}: {mismatch}"));
        }
    }
    assert!(failures.is_empty(), "outputs differ from examples/expected:\n{}", failures.join("\n"));
}

#[test]
fn every_chapter_example_prints_its_expected_output() {
    let commands = chapter_examples()
        .into_iter()
        .map(|name| {
            let command = Command::new(example_binary(&name));
            (name, command)
        })
        .collect();
    check(run_all(commands), &examples_dir().join("expected"));
}

#[test]
fn every_python_version_prints_its_expected_output() {
    // The Python versions need python3. CI sets STEPIO_REQUIRE_PYTHON=1 so
    // that a machine without it fails instead of skipping.
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    if Command::new(&python).arg("--version").output().is_err() {
        assert!(std::env::var_os("STEPIO_REQUIRE_PYTHON").is_none(), "{python} not found");
        eprintln!("{python} not found: the Python versions were not run");
        return;
    }
    let python_dir = examples_dir().join("python");
    let commands = chapter_examples()
        .into_iter()
        .filter(|name| python_dir.join(format!("{name}.py")).exists())
        .map(|name| {
            let mut command = Command::new(&python);
            command.arg(python_dir.join(format!("{name}.py")));
            (name, command)
        })
        .collect();
    check(run_all(commands), &examples_dir().join("expected").join("python"));
}

#[test]
fn every_chapter_example_is_in_the_tour() {
    let tour = fs::read_to_string(examples_dir().join("tour.rs")).unwrap();
    for name in chapter_examples() {
        assert!(tour.contains(&format!("{name}::main()")), "the tour does not run {name}");
    }
}
