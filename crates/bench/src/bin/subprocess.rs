//! Child processes: how long `true` takes to start and be seen ending, per
//! child, with its exit noticed by pidfd and by `SIGCHLD`, beside asyncio
//! (`python/children.py`), taking turns round by round. Each round runs
//! `CHILDREN` children one after another, then `CHILDREN` at once.
//! Chapter 10 quotes the table this prints.
//!
//! ```console
//! cargo run --release -p stepio-bench --bin subprocess
//! ```

use std::process::Command;
use std::time::Instant;

use stepio_bench::rounds::median;
use stepio_reactor::{Child, ChildWatch};

const CHILDREN: usize = 200;
const ROUNDS: usize = 7;

/// µs per child: one after another, then all at once.
fn stepio_round(watch: ChildWatch) -> (f64, f64) {
    stepio_reactor::run(async move {
        let per_child =
            |start: Instant| start.elapsed().as_secs_f64() * 1e6 / CHILDREN as f64;
        let spawn = || Child::spawn_watched(&mut Command::new("true"), watch).unwrap();
        let start = Instant::now();
        for _ in 0..CHILDREN {
            spawn().wait().await.unwrap();
        }
        let one_by_one = per_child(start);
        let start = Instant::now();
        let mut children: Vec<Child> = (0..CHILDREN).map(|_| spawn()).collect();
        for child in &mut children {
            child.wait().await.unwrap();
        }
        (one_by_one, per_child(start))
    })
    .unwrap()
}

/// One round of the Python script, as it reports it.
fn asyncio_round() -> (f64, f64) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/children.py");
    let out =
        Command::new("python3").args([script, &CHILDREN.to_string()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut numbers = text.split_whitespace().map(|n| n.parse::<f64>().unwrap());
    (numbers.next().unwrap(), numbers.next().unwrap())
}

/// A runtime's name, and one round of it.
type Runner<'a> = (&'a str, &'a dyn Fn() -> (f64, f64));

fn main() {
    let runners: [Runner<'_>; 3] = [
        ("stepio, pidfd", &|| stepio_round(ChildWatch::Pidfd)),
        ("stepio, SIGCHLD", &|| stepio_round(ChildWatch::Sigchld)),
        ("asyncio (CPython 3)", &asyncio_round),
    ];
    let mut times = vec![(Vec::new(), Vec::new()); runners.len()];
    for round in 0..=ROUNDS {
        for ((_, run), (one_by_one, at_once)) in runners.iter().zip(&mut times) {
            let (a, b) = run();
            if round > 0 {
                // Round 0 warms up.
                one_by_one.push(a);
                at_once.push(b);
            }
        }
    }
    println!("`true` started and seen ending, µs per child, median of {ROUNDS} rounds");
    println!("of {CHILDREN} children (the runtimes take turns):\n");
    println!("| runtime | one after another | {CHILDREN} at once |");
    println!("| --- | ---: | ---: |");
    for ((name, _), (one_by_one, at_once)) in runners.iter().zip(&times) {
        println!("| {name} | {:.0} | {:.0} |", median(one_by_one), median(at_once));
    }
}
