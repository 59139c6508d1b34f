//! Chapters read in order: a listing included in chapter N shows only names
//! that chapters 1 to N introduced.
//!
//! What each chapter introduces comes from two places:
//!
//! - Its stage's crate (chapter 8's is `crates/stepio`): every public item,
//!   method, enum variant and trait item it declares, unless the code of an
//!   earlier stage already uses that name (then it is not new to a reader).
//! - [`PLACED`]: names whose code lives in an earlier crate than the chapter
//!   that teaches them (debug mode and tracing in stage 2, say). They are
//!   assigned to the chapter that teaches them, whatever crate holds them.
//!
//! Code is read without its comments: a comment may point ahead, a listing's
//! code may not. The check itself runs on today's book below, and
//! [`KNOWN`] lists what it still finds there: the restructure that moves
//! each stage's later machinery out (issue 18) empties it. The test fails
//! on a new finding and on a finding that is gone but still listed, so the
//! list only shrinks.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use stepio_examples::book::{
    anchor_body, includes, leading_identifier, repo_root, rust_sources,
};

/// Names assigned to the chapter that teaches them, wherever they are
/// declared.
const PLACED: &[(u32, &[&str])] = &[
    // Extensions are how stage 3 finds the loop's timers.
    (3, &["insert_extension", "extension", "clock"]),
    // Stage 5's tasks: queued through the loop's scheduler, one allocation
    // each, numbered per loop.
    (
        5,
        &[
            "Runnable",
            "Scheduler",
            "push_runnable",
            "next_task_number",
            "NeverRetrieved",
            "take_injected",
        ],
    ),
    // Debug mode and tracing, and the hook they attach to.
    (
        9,
        &[
            "Observer",
            "set_observer",
            "observer",
            "running_observer",
            "observe_new_loops",
            "Step",
            "TaskEvent",
            "TaskEnd",
            "TimersFired",
            "IoReady",
            "TaskRenamed",
            "JobStarted",
            "JobFinished",
            "TraceEvent",
            "Tracer",
            "Trace",
            "tracer",
            "set_tracer",
            "start_tracing",
            "trace",
            "TRACED",
            "OBSERVED",
            "ClockFn",
            "Watcher",
            "LoopDebug",
            "set_debug",
            "get_debug",
            "DebugReport",
            "slow_callback_duration",
            "set_slow_callback_duration",
            "set_debug_handler",
            "call_debug_handler",
            "watch_from_env",
        ],
    ),
    // The rest of asyncio: datagrams, signals, graceful stops and child
    // processes live in stage 4 beside TCP, and chapter 10 teaches them.
    (
        10,
        &[
            "UdpSocket",
            "send_to",
            "recv_from",
            "add_signal_handler",
            "remove_signal_handler",
            "ctrl_c",
            "serve_until",
            "accept_queued",
            "cancel_on_ctrl_c",
            "Child",
            "ChildWatch",
            "spawn_watched",
            "PipeReader",
            "PipeWriter",
            "send_signal",
            "terminate",
        ],
    ),
];

/// What the check finds in today's book: "chapter: listing: name (chapter
/// that introduces it)". Only shrinks.
const KNOWN: &[&str] = &[];

/// The crate of each stage, by chapter.
fn stage_crates(root: &Path) -> BTreeMap<u32, PathBuf> {
    let mut crates = BTreeMap::new();
    for entry in fs::read_dir(root.join("crates")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(number) = name.get(..2).and_then(|digits| digits.parse::<u32>().ok())
        {
            crates.insert(number, path);
        } else if name == "stepio" {
            crates.insert(8, path);
        }
    }
    crates
}

/// `text` without its comments (`//` to the end of the line, and `/* */`)
/// and with its string and character literals emptied: what a listing
/// prints is not a name it uses.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().copied()) {
            ('"', _) => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => drop(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
                out.push_str("\"\"");
            }
            // A character literal ('x', '\n', '"'); a lifetime ('a) is kept.
            ('\'', Some(next)) => {
                let mut ahead = chars.clone();
                ahead.next();
                if next == '\\' || ahead.peek() == Some(&'\'') {
                    chars.next();
                    for c in chars.by_ref() {
                        if c == '\'' {
                            break;
                        }
                    }
                    out.push_str("' '");
                } else {
                    out.push(c);
                }
            }
            ('/', Some('/')) => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The identifiers in `code`.
fn identifiers(code: &str) -> BTreeSet<String> {
    code.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| word.starts_with(|c: char| c.is_alphabetic() || c == '_'))
        .map(str::to_owned)
        .collect()
}

/// The names a crate's code declares publicly: items, methods, enum
/// variants and trait items (any `pub` declaration, at any depth; the
/// variants of a `pub enum`; the functions of a `pub trait`).
fn declared(code: &str) -> BTreeSet<String> {
    const KINDS: &[&str] =
        &["fn ", "async fn ", "struct ", "enum ", "trait ", "type ", "const ", "static "];
    let mut names = BTreeSet::new();
    // The indentation of the `pub enum` or `pub trait` whose body we are in.
    let mut body: Option<(usize, bool)> = None;
    for line in code.lines() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim_start();
        if let Some((outer, is_enum)) = body {
            if indent <= outer && trimmed.starts_with('}') {
                body = None;
            } else if indent == outer + 4 {
                let rest =
                    trimmed.strip_prefix("fn ").filter(|_| !is_enum).unwrap_or(trimmed);
                let name = leading_identifier(rest);
                let first = name.chars().next();
                let is_variant = is_enum && first.is_some_and(char::is_uppercase);
                if is_variant || (!is_enum && trimmed.starts_with("fn ")) {
                    names.insert(name.to_owned());
                }
            }
        }
        let Some(rest) = trimmed.strip_prefix("pub ") else { continue };
        for kind in KINDS {
            if let Some(rest) = rest.strip_prefix(kind) {
                names.insert(leading_identifier(rest).to_owned());
                if (*kind == "enum " || *kind == "trait ")
                    && line.trim_end().ends_with('{')
                {
                    body = Some((indent, *kind == "enum "));
                }
                break;
            }
        }
    }
    names.retain(|name| !name.is_empty());
    names
}

/// For each name a chapter introduces, that chapter.
fn introduced(root: &Path) -> BTreeMap<String, u32> {
    let mut chapter_of = BTreeMap::new();
    let mut used_so_far = BTreeSet::new();
    for (&chapter, dir) in &stage_crates(root) {
        let code = read_code(&rust_sources(&dir.join("src")));
        for name in declared(&code) {
            if !used_so_far.contains(&name) {
                chapter_of.entry(name).or_insert(chapter);
            }
        }
        used_so_far.extend(identifiers(&code));
        // The chapter's examples use names too (a local `name`, a `run`):
        // a later stage that declares one does not introduce it.
        used_so_far.extend(identifiers(&read_code(&chapter_examples(root, chapter))));
    }
    for (chapter, names) in PLACED {
        for name in *names {
            chapter_of.insert((*name).to_owned(), *chapter);
        }
    }
    chapter_of
}

/// The code of `files`, without comments, as one text.
fn read_code(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|file| strip_comments(&fs::read_to_string(file).unwrap()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The example files of a chapter: `examples/chNN_*.rs`.
fn chapter_examples(root: &Path, chapter: u32) -> Vec<PathBuf> {
    let prefix = format!("ch{chapter:02}_");
    let mut files: Vec<PathBuf> = fs::read_dir(root.join("examples"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.file_name().unwrap().to_string_lossy().starts_with(&prefix))
        .collect();
    files.sort();
    files
}

/// Every listing of a chapter that shows a name a later chapter introduces,
/// as "chapter N: path:anchor: `name` (chapter M)".
fn findings(
    chapter: u32,
    text: &str,
    dir: &Path,
    chapter_of: &BTreeMap<String, u32>,
) -> Vec<String> {
    let mut found = Vec::new();
    for include in includes(text) {
        if !include.path.ends_with(".rs") {
            continue;
        }
        let Ok(source) = fs::read_to_string(dir.join(&include.path)) else { continue };
        let lines = match &include.anchor {
            Some(anchor) => anchor_body(&source, anchor).unwrap_or_default().join("\n"),
            None => source,
        };
        let shown = format!(
            "{}:{}",
            include.path.trim_start_matches("../../"),
            include.anchor.unwrap_or_default()
        );
        for name in identifiers(&strip_comments(&lines)) {
            if let Some(&later) = chapter_of.get(&name).filter(|&&at| at > chapter) {
                found.push(format!(
                    "chapter {chapter}: {shown}: `{name}` (chapter {later})"
                ));
            }
        }
    }
    found
}

/// The pages of the book's chapters, each with its chapter's number, from
/// their file names (`chNN-…`): a chapter's sections (`ch04-1-…`) share
/// its number.
fn chapters(root: &Path) -> Vec<(u32, PathBuf)> {
    let mut pages: Vec<(u32, PathBuf)> = fs::read_dir(root.join("book/src"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            let number = name.strip_prefix("ch")?.get(..2)?.parse().ok()?;
            Some((number, path))
        })
        .collect();
    pages.sort();
    pages
}

#[test]
fn listings_show_only_names_from_their_chapter_or_earlier() {
    let root = repo_root();
    let chapter_of = introduced(&root);
    for (name, chapter) in
        [("call_later", 3), ("TcpStream", 4), ("create_task", 5), ("gather", 6)]
    {
        assert_eq!(chapter_of.get(name), Some(&chapter), "`{name}`");
    }
    let mut all = Vec::new();
    for (number, path) in chapters(&root) {
        let text = fs::read_to_string(&path).unwrap();
        all.extend(findings(number, &text, path.parent().unwrap(), &chapter_of));
    }
    let new: Vec<&String> =
        all.iter().filter(|finding| !KNOWN.contains(&finding.as_str())).collect();
    let gone: Vec<&&str> = KNOWN
        .iter()
        .filter(|known| !all.iter().any(|finding| finding == *known))
        .collect();
    assert!(
        new.is_empty(),
        "listings that show a later chapter's names:\n{}",
        join(&new)
    );
    assert!(gone.is_empty(), "fixed: take these out of KNOWN:\n{}", join(&gone));
}

fn join<T: AsRef<str>>(lines: &[T]) -> String {
    lines.iter().map(AsRef::as_ref).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_later_name_in_code_is_found_and_one_in_a_comment_is_not() {
    let dir =
        std::env::temp_dir().join(format!("stepio-order-check-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let code = "// ANCHOR: turn\n// A Runnable comes in chapter 5.\nfn turn() { let s = \"// Tracer\"; run(Runnable); }\n// ANCHOR_END: turn\n";
    fs::write(dir.join("code.rs"), code).unwrap();
    let chapter_of: BTreeMap<String, u32> =
        [("Runnable".to_owned(), 5), ("Tracer".to_owned(), 9), ("run".to_owned(), 2)]
            .into();
    let found = findings(2, "{{#include code.rs:turn}}\n", &dir, &chapter_of);
    fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found, ["chapter 2: code.rs:turn: `Runnable` (chapter 5)"]);
}

#[test]
fn declarations_are_found_with_variants_and_trait_items() {
    let code = "pub struct A;\npub(crate) fn b() {}\nimpl A {\n    pub fn c(&self) {}\n    fn d() {}\n}\n\
                pub enum E {\n    /// doc\n    One,\n    Two(u8),\n    Three { x: u8 },\n}\n\
                pub trait T {\n    fn f(&self);\n    fn g(&self) {\n        let h = 1;\n    }\n}\n";
    let names: Vec<String> = declared(code).into_iter().collect();
    assert_eq!(names, ["A", "E", "One", "T", "Three", "Two", "c", "f", "g"]);
}

/// The numbers that follow "stage", "stages", "chapter" or "chapters" in
/// `text`, however capitalized (`stage 5`, `stage-4`, `Stages 3 to 7`
/// gives 3).
fn stage_numbers(text: &str) -> Vec<u32> {
    let lower = text.to_lowercase();
    let mut found = Vec::new();
    for word in ["stage", "chapter"] {
        for (at, _) in lower.match_indices(word) {
            let rest = lower[at + word.len()..].trim_start_matches('s');
            let rest = rest.strip_prefix([' ', '-']).unwrap_or("");
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(number) = digits.parse() {
                found.push(number);
            }
        }
    }
    found
}

#[test]
fn no_stage_names_a_later_stage() {
    // ARCHITECTURE.md's list of extension points is the one place that
    // says which later stage uses what.
    let root = repo_root();
    let mut found = Vec::new();
    for (&stage, dir) in stage_crates(&root).iter().filter(|(stage, _)| **stage <= 7) {
        for file in rust_sources(&dir.join("src")) {
            let text = fs::read_to_string(&file).unwrap();
            for (index, line) in text.lines().enumerate() {
                if let Some(later) = stage_numbers(line).into_iter().find(|&n| n > stage)
                {
                    let place = file.strip_prefix(&root).unwrap().display();
                    found.push(format!(
                        "{place}:{}: stage {later}: {}",
                        index + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(found.is_empty(), "comments that name a later stage:\n{}", found.join("\n"));
}

#[test]
fn stage_numbers_are_read_from_prose() {
    assert_eq!(stage_numbers("Stage 5 keeps; a stage-4 loop; stages 3 to 7"), [5, 4, 3]);
    assert_eq!(stage_numbers("chapter 9's trace; the stage's own"), [9]);
}

#[test]
fn every_page_of_a_chapter_is_checked_not_only_one() {
    let pages = chapters(&repo_root());
    let chapter_4: Vec<String> = pages
        .iter()
        .filter(|(number, _)| *number == 4)
        .map(|(_, path)| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(chapter_4, ["ch04-1-readiness.md", "ch04-2-tcp.md", "ch04-reactor.md"]);
}
