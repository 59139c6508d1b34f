//! What the runner remembers between runs: each exercise's last outcome,
//! and a fingerprint of the starter it ran on. `list` shows this without
//! building or running anything, so it answers at once whatever state the
//! starters are in.

use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// The last recorded outcome of one exercise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// `pass`, `fail`, `timeout` or `build-error`.
    pub word: String,
    /// Tests that passed.
    pub passed: usize,
    /// Tests that ran (or, on a timeout, finished).
    pub total: usize,
    /// The starter's fingerprint when it ran.
    pub fingerprint: String,
}

/// The folder of the starters: `STEPIO_EXERCISES_STARTERS`, or `starter/`.
pub fn starters() -> PathBuf {
    env::var_os("STEPIO_EXERCISES_STARTERS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("starter"),
        PathBuf::from,
    )
}

/// The starter of exercise `name`.
pub fn starter(name: &str) -> PathBuf {
    starters().join(format!("{name}.rs"))
}

/// A file's size and modification time: it changes when the file is saved.
pub fn fingerprint(path: &Path) -> String {
    let Ok(meta) = fs::metadata(path) else { return "missing".to_owned() };
    let modified = meta
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_nanos());
    format!("{}-{modified}", meta.len())
}

/// Where the progress file lives: in the build's target folder, so that a
/// fresh clone starts with none, and with one per starters folder.
fn file() -> PathBuf {
    let target = env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
        PathBuf::from,
    );
    let folder = starters().display().to_string().replace(['/', '\\', ':'], "_");
    target.join("stepio-exercises").join(format!("progress{folder}.tsv"))
}

/// Every recorded outcome, by exercise.
pub fn load() -> BTreeMap<String, Record> {
    let text = fs::read_to_string(file()).unwrap_or_default();
    parse(&text)
}

/// Records `record` for exercise `name`.
pub fn save(name: &str, record: Record) {
    let mut all = load();
    all.insert(name.to_owned(), record);
    let path = file();
    if let Some(dir) = path.parent() {
        let _ = fs::create_dir_all(dir);
    }
    let _ = fs::write(path, format(&all));
}

fn parse(text: &str) -> BTreeMap<String, Record> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let name = fields.next()?.to_owned();
            let word = fields.next()?.to_owned();
            let passed = fields.next()?.parse().ok()?;
            let total = fields.next()?.parse().ok()?;
            let fingerprint = fields.next()?.to_owned();
            Some((name, Record { word, passed, total, fingerprint }))
        })
        .collect()
}

fn format(all: &BTreeMap<String, Record>) -> String {
    all.iter()
        .map(|(name, r)| {
            format!("{name}\t{}\t{}\t{}\t{}\n", r.word, r.passed, r.total, r.fingerprint)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_a_round_trip_and_bad_lines_are_skipped() {
        let mut all = BTreeMap::new();
        let record = Record {
            word: "fail".into(),
            passed: 1,
            total: 4,
            fingerprint: "10-5".into(),
        };
        all.insert("ch01_race".to_owned(), record);
        let text = format(&all) + "garbage line\n";
        assert_eq!(parse(&text), all);
    }
}
