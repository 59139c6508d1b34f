//! The runner as a learner meets it, on a copy of the starters in which one
//! exercise does not compile and another hangs: the others still verify,
//! each failure is named, `list` answers from its record without building
//! anything, and `watch` runs the tests again when a starter is saved.
//!
//! The runs build in a target folder of their own (`target/runner-test`),
//! so that the starters copied here never replace the workspace's builds.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// The runner, with the environment of these tests.
fn runner(starters: &Path) -> Command {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_stepio-exercises"));
    command
        .env("STEPIO_EXERCISES_STARTERS", starters)
        .env("STEPIO_EXERCISES_TIMEOUT", "3")
        .env("CARGO_TARGET_DIR", root.join("../../target/runner-test"))
        .stdin(Stdio::null());
    command
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr)
}

/// A copy of `starter/` in a fresh folder, with ch01_race made not to
/// compile and ch03_level_and_slot made to hang.
fn broken_starters(tag: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir()
        .join(format!("stepio-runner-{tag}-{}", std::process::id()))
        .join("starter");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    for entry in fs::read_dir(root.join("starter")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    fs::write(dir.join("ch01_race.rs"), "this is not Rust\n").unwrap();
    let slot = dir.join("ch03_level_and_slot.rs");
    let hanging = fs::read_to_string(&slot).unwrap().replacen(
        "todo!(",
        "std::thread::sleep(std::time::Duration::MAX);\n    todo!(",
        1,
    );
    fs::write(&slot, hanging).unwrap();
    dir
}

#[test]
fn a_broken_or_hanging_starter_affects_only_its_own_exercise() {
    let starters = broken_starters("isolation");

    let broken = runner(&starters).args(["verify", "ch01_race"]).output().unwrap();
    assert!(!broken.status.success());
    assert!(text(&broken).contains("does not compile yet"), "{}", text(&broken));

    let hanging =
        runner(&starters).args(["verify", "ch03_level_and_slot"]).output().unwrap();
    assert!(!hanging.status.success());
    assert!(text(&hanging).contains("timed out after 3 s"), "{}", text(&hanging));

    // Another exercise builds and runs as if nothing were wrong.
    let other =
        runner(&starters).args(["verify", "ch02_counting_driver"]).output().unwrap();
    assert!(
        text(&other).contains("ch02_counting_driver: 0/3 tests pass"),
        "{}",
        text(&other)
    );

    // `list` reads the record: with a cargo that cannot run, it still answers.
    let list = runner(&starters).env("CARGO", "/nonexistent/cargo").output().unwrap();
    assert!(list.status.success(), "{}", text(&list));
    let shown = text(&list);
    assert!(shown.contains("[fix ] ch01_race              did not compile"), "{shown}");
    assert!(shown.contains("[time] ch03_level_and_slot    timed out"), "{shown}");
    assert!(shown.contains("[todo] ch02_counting_driver   0/3 tests pass"), "{shown}");
    assert!(shown.contains("[    ] ch01_counting_waker    not run yet"), "{shown}");
    fs::remove_dir_all(starters.parent().unwrap()).unwrap();
}

#[test]
fn watch_runs_the_tests_again_when_the_starter_is_saved() {
    let starters = broken_starters("watch");
    let mut child = runner(&starters)
        .args(["watch", "ch02_counting_driver", "--max-runs", "2"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, seen) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut output = Vec::new();
    // Until the first run is over and watch waits for a save (bounded).
    while !output.iter().any(|line: &String| line.starts_with("Watching ")) {
        let line = seen.recv_timeout(Duration::from_secs(300)).expect("a first run");
        output.push(line);
    }
    let starter = starters.join("ch02_counting_driver.rs");
    let mut code = fs::read_to_string(&starter).unwrap();
    code.push_str("\n// saved again\n");
    fs::write(&starter, code).unwrap();
    while let Ok(line) = seen.recv_timeout(Duration::from_secs(300)) {
        output.push(line);
    }
    assert!(child.wait().unwrap().success());
    let runs = output.iter().filter(|line| line.starts_with("Testing ")).count();
    assert_eq!(runs, 2, "{}", output.join("\n"));
    fs::remove_dir_all(starters.parent().unwrap()).unwrap();
}
