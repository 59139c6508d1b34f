//! Every chapter example prints what its committed expected output says:
//! the same lines in the same order, printed times within
//! [`stepio_examples::compare::TIMES`] (10 ms early to 250 ms late).
//! The Python version of each scenario is checked the same way.
//!
//! The times compared are the ones each program prints: the loop's
//! `time()`, or an `Instant` taken at the start of its `main`. So neither
//! the start-up of a process nor its wait for a turn here counts. What can
//! still make a printed time late is a machine too busy to run the example
//! when its timer fires; to keep that small, at most [`AT_ONCE`] examples
//! run at a time, and the CPU-bound ones run alone. `scripts/busy-test`
//! runs this test with every core busy.
//!
//! Regenerate the expected files with `scripts/regen-expected.sh`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;

use stepio_examples::compare::{TIMES, compare, order_by_lateness, order_ties};
use stepio_examples::servers::{ServerProcess, example_binary};

/// The examples that serve until stopped, each with the client example
/// that talks to it. The outputs of the clients are checked, run against
/// the Rust server (the Python clients too); the servers themselves are
/// tested in `tests/servers.rs`.
const SERVERS: &[(&str, &str)] =
    &[("ch04_echo_server", "ch04_echo_client"), ("ch04_http_server", "ch04_http_client")];

/// Starts the server `client` talks to, if it needs one, and returns it
/// with the arguments that point the client at it.
fn server_for(client: &str) -> Option<(ServerProcess, Vec<String>)> {
    let (server, _) = SERVERS.iter().find(|(_, c)| *c == client)?;
    let process = ServerProcess::start(&example_binary(server), &["--port", "0"])
        .unwrap_or_else(|err| panic!("{server}: {err}"));
    let args = vec!["--port".to_owned(), process.addr.port().to_string()];
    Some((process, args))
}

/// The examples whose events are printed by several threads: events due
/// at the same time (expected less than 5 ms apart) may come in either
/// order. (Chapter 9's is chapter 7's scenario, watched.)
const THREADED: &[&str] = &["ch07_executor_count_down", "ch09_executor_count_down"];

/// How late an event must be for its lateness to excuse its coming after
/// events expected later: 20 ms, more than any event of a quiet run is late
/// (at most 2 ms here). On a quiet machine the order is checked exactly.
const BUSY: f64 = 0.020;

fn is_server(name: &str) -> bool {
    SERVERS.iter().any(|(server, _)| *server == name)
}

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

/// Chapter 9's examples that run an earlier chapter's scenario unchanged,
/// only watched.
const WATCHED: &[&str] =
    &["ch09_blocking_mistake", "ch09_wait_count_down", "ch09_executor_count_down"];

/// How many examples may run at once, across all the tests of this file.
///
/// The examples mostly wait on timers (the whole set needs well under a
/// second of CPU), so running several at once saves minutes. But every
/// start is a burst of work (a Python interpreter takes about 50 ms of
/// CPU), and 50 bursts at once on a 2-core machine delay the first events
/// of every example by far more than any timer's own lateness.
const AT_ONCE: usize = 6;

/// The examples that keep the cores busy on purpose (chapter 7's two
/// prime counts): each runs alone, so that it neither delays the timers
/// of the others nor is timed while they run.
const CPU_BOUND: &[&str] = &["ch07_cpu_parallel"];

/// Turns to run an example: [`AT_ONCE`] of them, shared by the tests of
/// this file (which the test harness runs on several threads).
static TURNS: Turns = Turns {
    state: Mutex::new(TurnState { free: AT_ONCE, alone_waiting: 0 }),
    changed: Condvar::new(),
};

struct Turns {
    state: Mutex<TurnState>,
    changed: Condvar,
}

struct TurnState {
    free: usize,
    /// CPU-bound examples waiting to run alone: nobody else starts while
    /// one waits, so that the running ones drain and it gets its turn.
    alone_waiting: usize,
}

/// A turn to run: given back when dropped (also when the run panics).
struct Turn {
    taken: usize,
}

impl Turns {
    fn lock(&self) -> MutexGuard<'_, TurnState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for a turn: one of the [`AT_ONCE`], or all of them `alone`.
    fn take(&self, alone: bool) -> Turn {
        let mut state = self.lock();
        if alone {
            state.alone_waiting += 1;
            while state.free < AT_ONCE {
                state = self.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
            }
            state.alone_waiting -= 1;
            state.free = 0;
            Turn { taken: AT_ONCE }
        } else {
            while state.free == 0 || state.alone_waiting > 0 {
                state = self.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
            }
            state.free -= 1;
            Turn { taken: 1 }
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        TURNS.lock().free += self.taken;
        TURNS.changed.notify_all();
    }
}

/// Runs every command, [`AT_ONCE`] at a time, the CPU-bound ones alone,
/// and returns each one's stdout.
fn run_all(commands: Vec<(String, Command)>) -> Vec<(String, String)> {
    let runs: Vec<_> = commands
        .into_iter()
        .map(|(name, mut command)| {
            thread::spawn(move || {
                let _turn = TURNS.take(CPU_BOUND.contains(&name.as_str()));
                let output = command
                    .output()
                    .unwrap_or_else(|err| panic!("{name}: cannot start: {err}"));
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
        let expected = fs::read_to_string(&path).unwrap_or_else(|err| {
            panic!("{}: {err} (run scripts/regen-expected.sh {name})", path.display())
        });
        // Events printed from several threads at nearly the same time may
        // come in either order (chapter 7's thread-pool count_down).
        let (expected, actual) = if THREADED.contains(&name.as_str()) {
            order_ties(&expected, &actual, 0.005)
        } else {
            (expected, actual)
        };
        // An event that came after others because it was late (a busy
        // machine) goes back in place, if its times show it.
        let (expected, actual) = order_by_lateness(&expected, &actual, BUSY);
        if let Err(mismatch) = compare(&expected, &actual, TIMES) {
            failures.push(format!("{name}: {mismatch}"));
        }
    }
    assert!(
        failures.is_empty(),
        "outputs differ from examples/expected:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_chapter_example_prints_its_expected_output() {
    let mut servers = Vec::new();
    let commands = chapter_examples()
        .into_iter()
        .filter(|name| !is_server(name))
        .map(|name| {
            let mut command = Command::new(example_binary(&name));
            if let Some((server, args)) = server_for(&name) {
                command.args(args);
                servers.push(server);
            }
            (name, command)
        })
        .collect();
    check(run_all(commands), &examples_dir().join("expected"));
    drop(servers);
}

#[test]
fn every_python_version_prints_its_expected_output() {
    // The Python versions need python3. CI sets STEPIO_REQUIRE_PYTHON=1 so
    // that a machine without it fails instead of skipping.
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    if Command::new(&python).arg("--version").output().is_err() {
        assert!(
            std::env::var_os("STEPIO_REQUIRE_PYTHON").is_none(),
            "{python} not found"
        );
        eprintln!("{python} not found: the Python versions were not run");
        return;
    }
    let python_dir = examples_dir().join("python");
    let expected_dir = examples_dir().join("expected").join("python");
    // Every Python version but the servers, whether or not a Rust example
    // of the same name exists (chapter 7's coroutine-function check has
    // none: Rust's answer is a compile error).
    let mut names: Vec<String> = fs::read_dir(&python_dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter_map(|file| Some(file.strip_suffix(".py")?.to_owned()))
        .filter(|name| name.starts_with("ch") && !is_server(name))
        .collect();
    names.sort();
    let unchecked: Vec<&String> = names
        .iter()
        .filter(|name| !expected_dir.join(format!("{name}.txt")).exists())
        .collect();
    assert!(
        unchecked.is_empty(),
        "Python versions with no expected output: {unchecked:?}"
    );
    let mut servers = Vec::new();
    let commands = names
        .into_iter()
        .map(|name| {
            let mut command = Command::new(&python);
            command.arg(python_dir.join(format!("{name}.py")));
            if let Some((server, args)) = server_for(&name) {
                command.args(args);
                servers.push(server);
            }
            (name, command)
        })
        .collect();
    check(run_all(commands), &expected_dir);
    drop(servers);
}

/// The examples that pin down an order asyncio defines (who runs first,
/// what a primitive reports while it hands something on): each prints
/// exactly what its Python twin prints, line for line.
const SAME_AS_PYTHON: &[&str] = &[
    "ch05_done_order",
    "ch06_wait_for_zero",
    "ch08_handoff",
    "ch10_task_group",
    "ch10_barrier",
    "ch10_streams",
    "ch10_http_streams",
    "ch10_udp",
    "ch10_subprocess",
    "ch10_ctrl_c",
];

#[test]
fn the_order_examples_print_what_their_python_twins_print() {
    let expected = examples_dir().join("expected");
    for name in SAME_AS_PYTHON {
        let read = |dir: &Path| {
            fs::read_to_string(dir.join(format!("{name}.txt")))
                .unwrap_or_else(|err| panic!("{name}: {err}"))
        };
        assert_eq!(read(&expected), read(&expected.join("python")), "{name}");
    }
}

#[test]
fn every_chapter_example_is_in_the_tour() {
    let tour = fs::read_to_string(examples_dir().join("tour.rs")).unwrap();
    for name in chapter_examples() {
        // Chapter 9's watched runs of earlier scenarios: the tour runs those
        // scenarios in their own chapters (watched, with STEPIO_DEBUG=1).
        if WATCHED.contains(&name.as_str()) {
            continue;
        }
        // Servers run for ever: the tour starts them with `start_in_thread`,
        // and runs their clients against them with `run(addr...)`.
        let call = if is_server(&name) {
            "start_in_thread()"
        } else if SERVERS.iter().any(|(_, client)| *client == name) {
            "run(addr"
        } else {
            "main()"
        };
        assert!(
            tour.contains(&format!("{name}::{call}")),
            "the tour does not run {name}"
        );
    }
}

#[test]
fn the_python_servers_serve_the_rust_clients() {
    // The Python versions of the servers, checked through the Rust clients:
    // each client must print what it prints against the Rust server.
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    if Command::new(&python).arg("--version").output().is_err() {
        assert!(
            std::env::var_os("STEPIO_REQUIRE_PYTHON").is_none(),
            "{python} not found"
        );
        return;
    }
    let mut servers = Vec::new();
    let commands = SERVERS
        .iter()
        .map(|(server, client)| {
            let mut command = Command::new(&python);
            command
                .arg(examples_dir().join("python").join(format!("{server}.py")))
                .args(["--port", "0"]);
            let process = ServerProcess::spawn(command)
                .unwrap_or_else(|err| panic!("{server}.py: {err}"));
            let mut command = Command::new(example_binary(client));
            command.args(["--port", &process.addr.port().to_string()]);
            servers.push(process);
            (client.to_string(), command)
        })
        .collect();
    check(run_all(commands), &examples_dir().join("expected"));
    drop(servers);
}
