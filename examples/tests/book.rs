//! The book shows only real, compiled code: every `{{#include}}` in
//! `book/src` must name a file that exists and, when it names an anchor, an
//! anchor that exists in that file and includes at least one line.
//!
//! mdBook itself includes nothing, silently, for a misspelled anchor.

use std::fs;
use std::path::{Path, PathBuf};

use stepio_examples::book::{anchor_body, includes, markdown_files, repo_root};

/// Every problem with the includes of one chapter, as "file:line: what".
fn check_chapter(chapter: &Path, root: &Path) -> Vec<String> {
    let text = fs::read_to_string(chapter).unwrap();
    let shown = chapter.strip_prefix(root).unwrap_or(chapter).display().to_string();
    let mut problems = Vec::new();
    for include in includes(&text) {
        let target = chapter.parent().unwrap().join(&include.path);
        let Ok(source) = fs::read_to_string(&target) else {
            problems.push(format!(
                "{shown}:{}: included file `{}` does not exist",
                include.line, include.path
            ));
            continue;
        };
        let Some(anchor) = include.anchor else { continue };
        if anchor.split(':').all(|part| part.chars().all(|c| c.is_ascii_digit())) {
            problems.push(format!(
                "{shown}:{}: `{}:{anchor}` includes by line numbers; use an anchor",
                include.line, include.path
            ));
            continue;
        }
        if let Err(why) = anchor_body(&source, &anchor) {
            problems.push(format!("{shown}:{}: `{}`: {why}", include.line, include.path));
        }
    }
    problems
}

#[test]
fn every_book_include_resolves_to_a_non_empty_anchor() {
    let root = repo_root();
    let chapters = markdown_files(&root.join("book/src"));
    assert!(chapters.len() > 2, "book/src has no chapters");
    let problems: Vec<String> =
        chapters.iter().flat_map(|chapter| check_chapter(chapter, &root)).collect();
    assert!(problems.is_empty(), "broken includes in the book:\n{}", problems.join("\n"));
}

#[test]
fn a_missing_anchor_is_reported() {
    let source = "// ANCHOR: present\nfn f() {}\n// ANCHOR_END: present\n";
    assert!(anchor_body(source, "present").is_ok());
    assert_eq!(anchor_body(source, "absent").unwrap_err(), "no `ANCHOR: absent`");
    let empty = "// ANCHOR: empty\n\n// ANCHOR_END: empty\n";
    assert_eq!(anchor_body(empty, "empty").unwrap_err(), "anchor `empty` is empty");
    let open = "# ANCHOR: open\nprint()\n";
    assert!(anchor_body(open, "open").unwrap_err().contains("no `ANCHOR_END: open`"));
}

#[test]
fn includes_are_found_with_their_anchors() {
    let text = "x\n```rust\n{{#include ../../a.rs:main}}\n```\n{{#include b.txt}} {{#title T}}\n";
    let found = includes(text);
    assert_eq!(found.len(), 2);
    assert_eq!(
        (found[0].line, found[0].path.as_str(), found[0].anchor.as_deref()),
        (3, "../../a.rs", Some("main"))
    );
    assert_eq!(
        (found[1].line, found[1].path.as_str(), found[1].anchor.as_deref()),
        (5, "b.txt", None)
    );
}

#[test]
fn a_broken_include_names_chapter_and_line() {
    let dir =
        std::env::temp_dir().join(format!("stepio-book-check-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("code.rs"), "// ANCHOR: real\nfn f() {}\n// ANCHOR_END: real\n")
        .unwrap();
    let chapter = dir.join("chapter.md");
    fs::write(
        &chapter,
        "{{#include code.rs:real}}\n{{#include code.rs:typo}}\n{{#include gone.rs}}\n",
    )
    .unwrap();
    let problems = check_chapter(&chapter, &dir);
    fs::remove_dir_all(&dir).unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].starts_with("chapter.md:2: `code.rs`: no `ANCHOR: typo`"),
        "{}",
        problems[0]
    );
    assert!(
        problems[1].starts_with("chapter.md:3: included file `gone.rs` does not exist"),
        "{}",
        problems[1]
    );
}

/// Words that belong to the team's tracker, not to a reader's book.
const TRACKER_WORDS: &[&str] =
    &["brief", "issue", "issues", "commit", "commits", "session", "sessions"];

/// The tracker words in `text`, as "line: word" (a peer project's
/// `issue #123` is a citation, and allowed).
fn tracker_words(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let lower = line.to_lowercase();
        let words: Vec<&str> =
            lower.split(|c: char| !c.is_alphanumeric() && c != '#').collect();
        for (at, word) in words.iter().enumerate() {
            let cited = words.get(at + 1).is_some_and(|next| next.starts_with('#'));
            if TRACKER_WORDS.contains(word) && !cited {
                found.push(format!("{}: {word}", index + 1));
            }
        }
    }
    found
}

#[test]
fn the_book_speaks_to_readers_not_to_the_tracker() {
    let root = repo_root();
    let mut found = Vec::new();
    for chapter in markdown_files(&root.join("book/src")) {
        let shown = chapter.strip_prefix(&root).unwrap().display().to_string();
        for hit in tracker_words(&fs::read_to_string(&chapter).unwrap()) {
            found.push(format!("{shown}:{hit}"));
        }
    }
    assert!(found.is_empty(), "the book speaks of the tracker:\n{}", found.join("\n"));
}

#[test]
fn tracker_words_are_found_and_citations_allowed() {
    let text = "As the brief says.\ntokio issue #5021 measured it.\nFixed in a commit.";
    assert_eq!(tracker_words(text), ["1: brief", "3: commit"]);
}

/// What is wrong with one SVG figure's text, if anything: not a single
/// `<svg>` element with balanced tags, no `<title>` (what a screen reader
/// says), or no `<text>` (words drawn as outlines cannot be searched or
/// read aloud).
fn svg_problem(svg: &str) -> Option<String> {
    let mut open: Vec<String> = Vec::new();
    let mut rest = svg;
    let mut roots = 0;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            return Some("a tag is not closed".into());
        };
        let tag = &rest[start + 1..start + end];
        rest = &rest[start + end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .collect();
        if tag.starts_with('/') {
            if open.pop().as_deref() != Some(name.as_str()) {
                return Some(format!("`</{name}>` closes nothing open"));
            }
        } else if !tag.ends_with('/') {
            if open.is_empty() {
                roots += 1;
                if name != "svg" {
                    return Some(format!("the root element is `<{name}>`, not `<svg>`"));
                }
            }
            open.push(name);
        } else if open.is_empty() {
            return Some("an element outside `<svg>`".into());
        }
    }
    if !open.is_empty() {
        return Some(format!("`<{}>` is never closed", open.join("> <")));
    }
    if roots != 1 {
        return Some(format!("{roots} root elements"));
    }
    if !svg.contains("<title>") {
        return Some("no `<title>`".into());
    }
    if !svg.contains("<text") {
        return Some("no `<text>`: words must be text, not outlines".into());
    }
    None
}

#[test]
fn every_figure_is_well_formed_and_used_and_every_use_exists() {
    let root = repo_root();
    let figures_dir = root.join("book/src/figures");
    let figures: Vec<String> = fs::read_dir(&figures_dir)
        .map(|entries| {
            entries.map(|e| e.unwrap().file_name().into_string().unwrap()).collect()
        })
        .unwrap_or_default();
    let chapters: Vec<String> = markdown_files(&root.join("book/src"))
        .iter()
        .map(|path| fs::read_to_string(path).unwrap())
        .collect();
    let mut problems = Vec::new();
    for name in &figures {
        if !name.ends_with(".svg") {
            problems.push(format!("{name}: figures are SVG, with their source"));
            continue;
        }
        if let Some(problem) =
            svg_problem(&fs::read_to_string(figures_dir.join(name)).unwrap())
        {
            problems.push(format!("{name}: {problem}"));
        }
        if !chapters.iter().any(|text| text.contains(&format!("figures/{name}"))) {
            problems.push(format!("{name}: no chapter shows it"));
        }
    }
    for text in &chapters {
        for (at, _) in text.match_indices("figures/") {
            let name: String = text[at + 8..]
                .chars()
                .take_while(|c| !matches!(c, ')' | '"' | ' '))
                .collect();
            if !figures.contains(&name) {
                problems.push(format!("figures/{name} is shown but does not exist"));
            }
        }
    }
    assert!(problems.is_empty(), "figures:\n{}", problems.join("\n"));
}

#[test]
fn a_broken_figure_is_reported() {
    let good = "<?xml version=\"1.0\"?><svg><title>t</title><g><text>x</text><path d=\"\"/></g></svg>";
    assert_eq!(svg_problem(good), None);
    assert!(svg_problem("<svg><title>t</title><text>x</svg>").is_some());
    assert!(
        svg_problem("<svg><title>t</title><path/></svg>")
            .unwrap()
            .contains("no `<text>`")
    );
    assert!(svg_problem("<svg><text>x</text></svg>").unwrap().contains("no `<title>`"));
}

/// The widest a listing, an output or a text figure may be: what fits a
/// 1280 px window beside the book's sidebar, and a phone turned sideways.
const MAX_COLUMNS: usize = 90;

/// Every page of the book (chapters, their parts, the appendices and the
/// introduction): all are held to [`MAX_COLUMNS`] and [`MAX_WORDS`], and
/// their exercises are linked both ways.
fn checked_chapters(root: &Path) -> Vec<PathBuf> {
    markdown_files(&root.join("book/src"))
        .into_iter()
        .filter(|path| path.file_name().is_some_and(|name| name != "SUMMARY.md"))
        .collect()
}

/// Every line a chapter shows in a code block (its own, and what its
/// includes bring in) that is wider than [`MAX_COLUMNS`], as
/// "line: what (columns)".
fn too_wide(chapter: &Path) -> Vec<String> {
    let text = fs::read_to_string(chapter).unwrap();
    let dir = chapter.parent().unwrap();
    let mut found = Vec::new();
    let mut in_code = false;
    for (index, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let included = includes(line);
        if included.is_empty() {
            if in_code && line.chars().count() > MAX_COLUMNS {
                found.push(format!(
                    "{}: a line of the chapter ({})",
                    index + 1,
                    line.chars().count()
                ));
            }
            continue;
        }
        for include in included {
            // A markdown table outside a code block renders as a table,
            // which wraps; only what is shown as it is must fit.
            if !in_code && include.path.ends_with(".md") {
                continue;
            }
            let Ok(source) = fs::read_to_string(dir.join(&include.path)) else {
                continue;
            };
            let lines = match &include.anchor {
                Some(anchor) => anchor_body(&source, anchor).unwrap_or_default(),
                None => source.lines().map(str::to_owned).collect(),
            };
            let widest = lines.iter().map(|line| line.chars().count()).max().unwrap_or(0);
            if widest > MAX_COLUMNS {
                let what =
                    format!("{}:{}", include.path, include.anchor.unwrap_or_default());
                found.push(format!("{}: {what} ({widest})", index + 1));
            }
        }
    }
    found
}

#[test]
fn listings_and_outputs_fit_in_90_columns() {
    let root = repo_root();
    let mut found = Vec::new();
    for chapter in checked_chapters(&root) {
        let name = chapter.file_name().unwrap().to_string_lossy().into_owned();
        for problem in too_wide(&chapter) {
            found.push(format!("{name}:{problem}"));
        }
    }
    assert!(found.is_empty(), "wider than {MAX_COLUMNS} columns:\n{}", found.join("\n"));
}

#[test]
fn a_wide_listing_is_named_with_its_width() {
    let dir =
        std::env::temp_dir().join(format!("stepio-width-check-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let wide = "x".repeat(MAX_COLUMNS + 1);
    fs::write(dir.join("code.rs"), format!("// ANCHOR: a\n{wide}\n// ANCHOR_END: a\n"))
        .unwrap();
    let chapter = dir.join("chapter.md");
    fs::write(
        &chapter,
        format!(
            "```rust\n{{{{#include code.rs:a}}}}\n```\n```text\n{wide}\n```\n{wide}\n"
        ),
    )
    .unwrap();
    let found = too_wide(&chapter);
    fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found, ["2: code.rs:a (91)", "5: a line of the chapter (91)"]);
}

/// The most prose words a chapter (or a part of one) may have outside its
/// code, its included files and its folded `<details>`: what a reader
/// takes in at one sitting.
const MAX_WORDS: usize = 3_500;

/// The prose words of a chapter: outside code blocks, include lines and
/// folded `<details>` sections.
fn prose_words(text: &str) -> usize {
    let (mut words, mut in_code, mut folded) = (0, false, 0usize);
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code || trimmed.contains("{{#") {
            continue;
        }
        folded += trimmed.matches("<details").count();
        let was_folded = folded > 0;
        folded = folded.saturating_sub(trimmed.matches("</details>").count());
        if was_folded {
            continue;
        }
        words += trimmed
            .split_whitespace()
            .filter(|word| word.chars().any(char::is_alphanumeric))
            .count();
    }
    words
}

#[test]
fn every_page_keeps_to_the_word_budget() {
    let root = repo_root();
    let mut over = Vec::new();
    for chapter in checked_chapters(&root) {
        let name = chapter.file_name().unwrap().to_string_lossy().into_owned();
        let words = prose_words(&fs::read_to_string(&chapter).unwrap());
        if words > MAX_WORDS {
            over.push(format!("{name}: {words} words"));
        }
    }
    assert!(over.is_empty(), "over {MAX_WORDS} words of prose:\n{}", over.join("\n"));
}

#[test]
fn prose_words_skip_code_includes_and_folded_parts() {
    let text = "One two three.\n```rust\nlet four = 4;\n```\n{{#include a.rs:b}}\n\
                <details><summary>More</summary>\n\nfive six\n\n</details>\nseven, 8 -";
    assert_eq!(prose_words(text), 5);
}

/// mdBook's id for a heading: lower case, spaces to `-`, and only letters,
/// digits, `_` and `-` kept.
fn heading_id(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '_' || c == '-' => {
                Some(c.to_ascii_lowercase())
            }
            c if c.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect()
}

/// Every way a chapter's exercises are not linked both ways: each bullet of
/// its `## Exercises` section must link to a heading of the chapter (the
/// section it practises), and that section must point back at the
/// exercise with a link to `#exercises`.
fn exercise_links(text: &str) -> (Vec<String>, Vec<String>) {
    let ids: Vec<String> = text
        .lines()
        .filter(|line| line.starts_with('#'))
        .map(|line| heading_id(line.trim_start_matches('#').trim()))
        .collect();
    let Some(start) = text.find("\n## Exercises\n") else {
        return (Vec::new(), Vec::new());
    };
    let section = &text[start + 1..];
    let section =
        &section[..section[3..].find("\n## ").map_or(section.len(), |end| end + 3)];
    let rest = text.replacen(section, "", 1);
    let (mut names, mut problems) = (Vec::new(), Vec::new());
    for bullet in section.split("\n- ").skip(1) {
        let name =
            bullet.trim_start_matches('`').split('`').next().unwrap_or("").to_owned();
        let bullet = bullet.replace("\n  ", " ");
        let target = bullet.split("](#").nth(1).and_then(|after| after.split(')').next());
        match target {
            Some(id) if ids.iter().any(|known| known == id) => {}
            Some(id) => problems.push(format!("`{name}` links to a missing #{id}")),
            None => problems.push(format!("`{name}` links to no section")),
        }
        if !rest.contains(&format!("[`{name}`](#exercises)")) {
            problems.push(format!(
                "no section points at `{name}` with [`{name}`](#exercises)"
            ));
        }
        names.push(name);
    }
    (names, problems)
}

#[test]
fn every_chapter_links_its_exercises_both_ways() {
    let root = repo_root();
    let (mut listed, mut problems) = (Vec::new(), Vec::new());
    for chapter in checked_chapters(&root) {
        let name = chapter.file_name().unwrap().to_string_lossy().into_owned();
        let (names, found) = exercise_links(&fs::read_to_string(&chapter).unwrap());
        listed.extend(names);
        problems.extend(found.into_iter().map(|problem| format!("{name}: {problem}")));
    }
    let starters = fs::read_dir(root.join("crates/exercises/starter")).unwrap();
    for entry in starters {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(exercise) = file.strip_suffix(".rs") else { continue };
        if !listed.iter().any(|name| name == exercise) {
            problems.push(format!("{exercise} is in no chapter's Exercises section"));
        }
    }
    assert!(problems.is_empty(), "exercise links:\n{}", problems.join("\n"));
}

#[test]
fn a_missing_exercise_link_is_named() {
    let good = "## A part\n\n*Practise it:* [`ch01_x`](#exercises).\n\n## Exercises\n\n\
                - `ch01_x` (for [A part](#a-part)): do x.\n\n## Going further\n";
    assert_eq!(exercise_links(good), (vec!["ch01_x".to_owned()], Vec::new()));
    let bad =
        "## A part\n\n## Exercises\n\n- `ch01_x` (for [B](#b)): x.\n- `ch01_y`: y.\n";
    assert_eq!(
        exercise_links(bad).1,
        [
            "`ch01_x` links to a missing #b",
            "no section points at `ch01_x` with [`ch01_x`](#exercises)",
            "`ch01_y` links to no section",
            "no section points at `ch01_y` with [`ch01_y`](#exercises)",
        ]
    );
    assert_eq!(
        heading_id("Step 2: one thread, and `poll(2)`"),
        "step-2-one-thread-and-poll2"
    );
}

/// The ids mdBook gives the headings of `text` (outside code blocks).
fn heading_ids(text: &str) -> Vec<String> {
    let mut in_code = false;
    let mut ids = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            ids.push(heading_id(line.trim_start_matches('#').trim()));
        }
    }
    ids
}

#[test]
fn every_link_between_chapters_reaches_a_heading() {
    let dir = repo_root().join("book/src");
    let mut broken = Vec::new();
    for chapter in markdown_files(&dir) {
        let name = chapter.file_name().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(&chapter).unwrap();
        for link in text.split("](").skip(1) {
            let Some(target) = link.split(')').next() else { continue };
            if target.contains("://") || target.starts_with("figures/") {
                continue;
            }
            let (file, id) = target.split_once('#').unwrap_or((target, ""));
            let file = if file.is_empty() { name.clone() } else { file.to_owned() };
            let Ok(linked) = fs::read_to_string(dir.join(&file)) else {
                broken.push(format!("{name}: ({target}): no file {file}"));
                continue;
            };
            if !id.is_empty() && !heading_ids(&linked).iter().any(|known| known == id) {
                broken.push(format!("{name}: ({target}): no heading #{id} in {file}"));
            }
        }
    }
    assert!(broken.is_empty(), "broken links in the book:\n{}", broken.join("\n"));
}
