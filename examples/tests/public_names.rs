//! One public item per name across the stages' public API, so that a reader
//! who meets a name in chapter N never meets a different item of the same
//! name later (`stepio_waker::join_vec` and `stepio_gather::join_all`, not
//! two `join_all`s).
//!
//! The one exception is each stage's entry points: `run`,
//! `new_event_loop` and `serve` are asyncio's `asyncio.run`,
//! `new_event_loop` and `start_server`, built from that stage's drivers
//! and tasks, and the crate path says which stage's.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use stepio_examples::book::{leading_identifier, repo_root, rust_sources};

/// Names every stage may define once: its own entry point.
const ENTRY_POINTS: &[&str] = &["run", "new_event_loop", "serve"];

const ITEM_KINDS: &[&str] =
    &["fn", "async fn", "struct", "enum", "trait", "type", "const", "static", "union"];

/// The names of the public items a file defines at its top level (a public
/// item is written at column 0; methods and nested items are indented), and
/// of the macros it exports.
fn public_items(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut exported_macro = false;
    for line in text.lines() {
        if line.starts_with("#[macro_export]") {
            exported_macro = true;
            continue;
        }
        if exported_macro && let Some(rest) = line.strip_prefix("macro_rules! ") {
            names.push(format!("{}!", leading_identifier(rest)));
        }
        if !line.starts_with("#[") {
            exported_macro = false;
        }
        let Some(rest) = line.strip_prefix("pub ") else { continue };
        for kind in ITEM_KINDS {
            if let Some(rest) =
                rest.strip_prefix(kind).and_then(|rest| rest.strip_prefix(' '))
            {
                names.push(leading_identifier(rest).to_owned());
                break;
            }
        }
    }
    names
}

#[test]
fn no_two_public_items_share_a_name() {
    let root = repo_root();
    let mut crates: Vec<PathBuf> = fs::read_dir(root.join("crates"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.starts_with('0') || name == "stepio"
        })
        .collect();
    crates.sort();
    assert!(crates.len() >= 8, "stages not found under crates/: {crates:?}");

    let mut defined: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for dir in &crates {
        for file in rust_sources(&dir.join("src")) {
            let text = fs::read_to_string(&file).unwrap();
            let place = file.strip_prefix(&root).unwrap().display().to_string();
            for name in public_items(&text) {
                defined.entry(name).or_default().push(place.clone());
            }
        }
    }
    assert!(
        defined.contains_key("EventLoop") && defined.contains_key("gather!"),
        "{defined:?}"
    );
    let twins: Vec<String> = defined
        .iter()
        .filter(|(name, places)| {
            places.len() > 1 && !ENTRY_POINTS.contains(&name.as_str())
        })
        .map(|(name, places)| format!("`{name}` in {}", places.join(", ")))
        .collect();
    assert!(twins.is_empty(), "public items that share a name:\n{}", twins.join("\n"));
}

#[test]
fn public_items_are_found_and_indented_ones_skipped() {
    let text = "pub struct A;\npub(crate) fn b() {}\nimpl A {\n    pub fn c() {}\n}\n\
                pub async fn d() {}\n#[macro_export]\n#[doc(hidden)]\nmacro_rules! e { () => {} }\n\
                macro_rules! f { () => {} }\npub fn g<T>() {}\n";
    assert_eq!(public_items(text), ["A", "d", "e!", "g"]);
}
