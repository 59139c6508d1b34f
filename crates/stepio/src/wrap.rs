//! Long lines of the loop's reports, folded to fit a terminal and the
//! book's pages.

/// The widest line a report prints: what the book's pages show whole.
pub(crate) const WIDTH: usize = 90;

/// What starts each line a long line was folded into, after the first.
pub(crate) const CONTINUED: &str = "    ";

/// `line` folded at spaces into lines of at most [`WIDTH`] characters,
/// each after the first starting with [`CONTINUED`]. A word longer than a
/// line (a path, say) gets a line of its own, whole. No trailing newline.
pub(crate) fn wrap(line: &str) -> String {
    let body = line.trim_start_matches(' ');
    let mut current = line[..line.len() - body.len()].to_owned(); // the indent
    let mut out = String::new();
    let mut words_on_line = 0;
    for word in body.split(' ') {
        let fits = current.chars().count() + 1 + word.chars().count() <= WIDTH;
        if words_on_line > 0 && !fits {
            out.push_str(current.trim_end());
            out.push('\n');
            current = CONTINUED.to_owned();
            words_on_line = 0;
        } else if words_on_line > 0 {
            current.push(' ');
        }
        current.push_str(word);
        words_on_line += 1;
    }
    out.push_str(current.trim_end());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_line_is_kept_and_a_long_one_folds_at_spaces() {
        assert_eq!(wrap("  2 tasks, 3 polls"), "  2 tasks, 3 polls");
        let long = format!("  {}", "word ".repeat(30));
        let folded = wrap(&long);
        assert!(folded.lines().count() > 1, "{folded}");
        for (index, line) in folded.lines().enumerate() {
            assert!(line.chars().count() <= WIDTH, "{line}");
            assert_eq!(line.starts_with(CONTINUED), index > 0, "{line}");
        }
        let unfolded: Vec<&str> = folded.split_whitespace().collect();
        assert_eq!(unfolded, long.split_whitespace().collect::<Vec<_>>());
        let path = "x".repeat(100);
        assert_eq!(
            wrap(&format!("see {path} now")),
            format!("see\n{CONTINUED}{path}\n{CONTINUED}now")
        );
    }
}
