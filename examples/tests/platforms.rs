//! The platform gate: every system-call declaration says, where it is
//! declared, which systems it is written for (Linux; macOS and FreeBSD), so
//! that a build for any other system stops at one clear `compile_error!`
//! (in stage 4) instead of linking calls that are not there. Checked here
//! because CI builds for Linux only.

use std::fs;

use stepio_examples::book::{repo_root, rust_files};

/// The gates an `extern "C"` block may have on the line before it.
const GATES: [&str; 3] = [
    "#[cfg(target_os = \"linux\")]",
    "#[cfg(any(target_os = \"macos\", target_os = \"freebsd\"))]",
    "#[cfg(any(target_os = \"linux\", target_os = \"macos\", target_os = \"freebsd\"))]",
];

/// The lines (1-based) of `text` that open an `extern "C"` block without
/// one of [`GATES`] on the line before.
fn ungated_externs(text: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let line = line.trim_start();
        let opens = line.starts_with("extern \"C\" {")
            || line.starts_with("unsafe extern \"C\" {");
        let gated = at > 0 && GATES.contains(&lines[at - 1].trim());
        if opens && !gated {
            found.push(at + 1);
        }
    }
    found
}

#[test]
fn every_foreign_declaration_is_gated_to_the_systems_it_is_written_for() {
    let root = repo_root();
    let mut files = rust_files(&root.join("crates"));
    files.extend(rust_files(&root.join("examples")));
    let mut ungated = Vec::new();
    let mut blocks = 0;
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        blocks += text.matches("extern \"C\" {").count();
        for line in ungated_externs(&text) {
            ungated
                .push(format!("{}:{line}", file.strip_prefix(&root).unwrap().display()));
        }
    }
    assert!(
        blocks >= 6,
        "found only {blocks} extern blocks: is the search looking in the right place?"
    );
    assert!(
        ungated.is_empty(),
        "extern blocks without #[cfg(target_os = \"linux\")]:\n{}",
        ungated.join("\n")
    );
}

#[test]
fn another_system_stops_at_one_message_that_names_the_platforms() {
    let lib =
        fs::read_to_string(repo_root().join("crates/04-reactor/src/lib.rs")).unwrap();
    let gate = lib
        .find(
            "#[cfg(not(any(target_os = \"linux\", target_os = \"macos\", \
             target_os = \"freebsd\")))]\ncompile_error!(",
        )
        .expect("the gate");
    let message = &lib[gate..lib[gate..].find(");").unwrap() + gate];
    assert!(message.contains("Linux") && message.contains("poll(2)"), "{message}");
    // Every module of the crate is gated too, so nothing else fails there.
    let supported = GATES[2];
    for line in lib
        .lines()
        .filter(|line| line.starts_with("mod ") || line.starts_with("pub mod "))
    {
        let before = &lib[..lib.find(line).unwrap()];
        let previous: Vec<&str> = before.lines().rev().take(2).collect();
        assert!(
            previous.contains(&supported),
            "`{line}` is not gated to the supported systems"
        );
    }
}

#[test]
fn the_search_finds_an_ungated_block() {
    let text = "#[cfg(target_os = \"linux\")]\nunsafe extern \"C\" {\n}\n\n#[cfg(unix)]\nunsafe extern \"C\" {\n}\n";
    assert_eq!(ungated_externs(text), [6]);
}
