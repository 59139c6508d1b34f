//! Building and running one exercise's tests, bounded in time.
//!
//! Each exercise is a test target of its own (`[[test]]` in Cargo.toml), so
//! a starter that does not compile, or hangs, affects its own run only.

use std::env;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Which code the tests run against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// `starter/` (or the folder `STEPIO_EXERCISES_STARTERS` names).
    Starter,
    /// `solutions/`.
    Solution,
}

/// How one run of an exercise's tests ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The tests ran: each test's name and whether it passed.
    Ran(Vec<(String, bool)>),
    /// The code did not compile; what the compiler said.
    BuildFailed(String),
    /// The tests did not finish within the limit; those that had finished.
    TimedOut(Vec<(String, bool)>, Duration),
}

impl Outcome {
    /// Tests passed, and tests known.
    pub fn counts(&self) -> (usize, usize) {
        match self {
            Outcome::Ran(results) | Outcome::TimedOut(results, _) => {
                (results.iter().filter(|(_, passed)| *passed).count(), results.len())
            }
            Outcome::BuildFailed(_) => (0, 0),
        }
    }

    /// Whether every test ran and passed (and there were tests).
    pub fn passed(&self) -> bool {
        matches!(self, Outcome::Ran(results)
            if !results.is_empty() && results.iter().all(|(_, passed)| *passed))
    }

    /// One word for reports: `pass`, `fail`, `timeout` or `build-error`.
    pub fn word(&self) -> &'static str {
        match self {
            Outcome::Ran(_) if self.passed() => "pass",
            Outcome::Ran(_) => "fail",
            Outcome::TimedOut(..) => "timeout",
            Outcome::BuildFailed(_) => "build-error",
        }
    }
}

/// The time limit on one exercise's tests: `STEPIO_EXERCISES_TIMEOUT`
/// seconds, or 60.
pub fn time_limit() -> Duration {
    let seconds = env::var("STEPIO_EXERCISES_TIMEOUT").ok().and_then(|s| s.parse().ok());
    Duration::from_secs_f64(seconds.unwrap_or(60.0))
}

/// Builds the test target of exercise `name` against `code`, runs it for at
/// most `limit`, and reads its results. With `echo`, the tests' output is
/// shown too.
pub fn run_exercise(name: &str, code: Code, limit: Duration, echo: bool) -> Outcome {
    let executable = match build(name, code) {
        Ok(executable) => executable,
        Err(why) => return Outcome::BuildFailed(why),
    };
    let mut child = match Command::new(&executable)
        .args(["--format", "pretty", "--color", "never"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(err) => {
            return Outcome::BuildFailed(format!("cannot run {executable:?}: {err}"));
        }
    };
    // Read both pipes on threads of their own, so a chatty test cannot fill
    // a pipe and stall while we wait for it to exit.
    let reader = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = reader(Box::new(child.stdout.take().expect("piped")));
    let stderr = reader(Box::new(child.stderr.take().expect("piped")));
    let start = Instant::now();
    let timed_out = loop {
        match child.try_wait() {
            Ok(Some(_)) => break false,
            Ok(None) if start.elapsed() >= limit => {
                let _ = child.kill();
                let _ = child.wait();
                break true;
            }
            Ok(None) => thread::sleep(Duration::from_millis(10)),
            Err(_) => break false,
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    if echo {
        print!("{stdout}");
        eprint!("{stderr}");
    }
    let results = parse_results(&stdout);
    if timed_out { Outcome::TimedOut(results, limit) } else { Outcome::Ran(results) }
}

/// libtest's `test NAME ... ok` and `test NAME ... FAILED` lines.
pub fn parse_results(stdout: &str) -> Vec<(String, bool)> {
    stdout
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("test ")?;
            if let Some(name) = rest.strip_suffix(" ... ok") {
                Some((name.to_owned(), true))
            } else {
                rest.strip_suffix(" ... FAILED").map(|name| (name.to_owned(), false))
            }
        })
        .collect()
}

/// `cargo test --no-run` for one exercise's target: the test executable,
/// or what the compiler said.
fn build(name: &str, code: Code) -> Result<PathBuf, String> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.args([
        "test",
        "--quiet",
        "-p",
        "stepio-exercises",
        "--test",
        name,
        "--no-run",
    ]);
    command.args(["--message-format", "json-render-diagnostics"]);
    if code == Code::Starter {
        command.arg("--no-default-features");
    }
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    // The artifact of the test target is the one line with an executable.
    stdout
        .lines()
        .filter(|line| line.contains(r#""reason":"compiler-artifact""#))
        .filter(|line| line.contains(r#""kind":["test"]"#))
        .find_map(|line| {
            let start = line.find(r#""executable":""#)? + r#""executable":""#.len();
            let end = start + line[start..].find('"')?;
            Some(PathBuf::from(&line[start..end]))
        })
        .ok_or_else(|| format!("cargo built no test executable for {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_read_from_libtest_lines() {
        let stdout =
            "running 2 tests\ntest a ... ok\ntest b::c ... FAILED\n\ntest result";
        let results = parse_results(stdout);
        assert_eq!(results, [("a".to_owned(), true), ("b::c".to_owned(), false)]);
        let outcome = Outcome::Ran(results);
        assert_eq!((outcome.counts(), outcome.word()), ((1, 2), "fail"));
        assert_eq!(Outcome::Ran(Vec::new()).word(), "fail"); // no tests is no pass
        let timed_out =
            Outcome::TimedOut(vec![("a".into(), true)], Duration::from_secs(1));
        assert_eq!((timed_out.passed(), timed_out.word()), (false, "timeout"));
    }
}
