//! Picks the code each exercise's tests run against: the reference
//! solutions with the `solutions` feature (on by default, so `cargo test`
//! proves them), otherwise the starters in `starter/`, or in the folder
//! `STEPIO_EXERCISES_STARTERS` names (the runner's own tests use a copy).
//!
//! For each exercise (each `tests/chNN_*.rs`, a test target that cargo
//! finds by itself) it writes `code_<name>.rs` into `OUT_DIR`, one line
//! that makes the chosen file a module, which the exercise's test target
//! includes. So each exercise compiles on its own: a starter that does not
//! compile breaks its own tests and no other's.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-env-changed=STEPIO_EXERCISES_STARTERS");
    println!("cargo::rerun-if-changed=tests");
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets it"));
    let code = if env::var_os("CARGO_FEATURE_SOLUTIONS").is_some() {
        manifest.join("solutions")
    } else {
        env::var_os("STEPIO_EXERCISES_STARTERS")
            .map_or_else(|| manifest.join("starter"), PathBuf::from)
    };
    for entry in fs::read_dir(manifest.join("tests")).expect("tests/ exists") {
        let path = entry.expect("a readable entry").path();
        let Some(name) = path.file_stem().and_then(|stem| stem.to_str()) else {
            continue;
        };
        if !name.starts_with("ch") {
            continue; // support/ (what the checks share) and the runner's test
        }
        let file = code.join(format!("{name}.rs"));
        let module =
            format!("#[path = {:?}]\npub mod {name};\n", file.display().to_string());
        fs::write(out.join(format!("code_{name}.rs")), module)
            .expect("OUT_DIR is writable");
    }
}
