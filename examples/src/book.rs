//! The book's includes: which files and anchors each chapter includes, and
//! the lines an anchor includes. Shared by the test that every include
//! resolves and the test that chapters show only what earlier stages built.

use std::fs;
use std::path::{Path, PathBuf};

/// The root of the repository.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// Every markdown file under `dir`, recursively, sorted.
pub fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(markdown_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "md") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// One `{{#include ...}}` (or `#rustdoc_include`) found in a chapter.
#[derive(Debug)]
pub struct Include {
    /// The chapter line it is on, from 1.
    pub line: usize,
    /// The included path, relative to the chapter.
    pub path: String,
    /// The anchor after the `:`, if any.
    pub anchor: Option<String>,
}

/// Every include of `text`, in order.
pub fn includes(text: &str) -> Vec<Include> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("{{#") {
            let after = &rest[start + 3..];
            let Some(end) = after.find("}}") else { break };
            let directive = after[..end].trim();
            rest = &after[end + 2..];
            let Some(argument) = directive
                .strip_prefix("include ")
                .or_else(|| directive.strip_prefix("rustdoc_include "))
            else {
                continue;
            };
            let argument = argument.trim();
            let (path, anchor) = match argument.split_once(':') {
                Some((path, anchor)) => (path, Some(anchor.to_owned())),
                None => (argument, None),
            };
            found.push(Include { line: index + 1, path: path.to_owned(), anchor });
        }
    }
    found
}

/// The lines an anchor includes, without nested anchor markers, or an error.
pub fn anchor_body(source: &str, anchor: &str) -> Result<Vec<String>, String> {
    let start_marker = format!("ANCHOR: {anchor}");
    let end_marker = format!("ANCHOR_END: {anchor}");
    let is_marker = |line: &str, marker: &str| {
        line.trim_start().trim_start_matches("//").trim_start_matches('#').trim()
            == marker
    };
    let lines: Vec<&str> = source.lines().collect();
    let start = lines
        .iter()
        .position(|line| is_marker(line, &start_marker))
        .ok_or_else(|| format!("no `ANCHOR: {anchor}`"))?;
    let len = lines[start + 1..]
        .iter()
        .position(|line| is_marker(line, &end_marker))
        .ok_or_else(|| format!("`ANCHOR: {anchor}` has no `ANCHOR_END: {anchor}`"))?;
    let body: Vec<String> = lines[start + 1..start + 1 + len]
        .iter()
        .filter(|line| !line.contains("ANCHOR:") && !line.contains("ANCHOR_END:"))
        .map(|line| line.to_string())
        .collect();
    if body.iter().all(|line| line.trim().is_empty()) {
        return Err(format!("anchor `{anchor}` is empty"));
    }
    Ok(body)
}

/// Every `.rs` file under `dir` but unit tests (`tests.rs`,
/// `*_tests.rs`), recursively, sorted.
pub fn rust_sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = rust_files(dir);
    files.retain(|path| !path.to_string_lossy().ends_with("tests.rs"));
    files
}

/// Every `.rs` file under `dir`, unit tests too, recursively (not into a
/// `target` directory), sorted.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name != "target") {
                files.extend(rust_files(&path));
            }
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The identifier at the start of `text` (letters, digits, `_`).
pub fn leading_identifier(text: &str) -> &str {
    let end =
        text.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(text.len());
    &text[..end]
}
