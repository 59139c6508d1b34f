//! Compares a run's output with the expected output of an earlier run.
//!
//! Event order and text must match exactly. A decimal number (such as
//! `1.0012`, an elapsed time in seconds) may differ within a [`Tolerance`],
//! because no two runs take exactly the same time. Whole numbers must match.

use std::fmt;

/// How far a printed decimal may be from the expected one.
///
/// Timers may be late (the machine is busy) but never early, so the
/// tolerance is lopsided: a little below, more above.
#[derive(Debug, Clone, Copy)]
pub struct Tolerance {
    /// How much smaller a number may be than expected.
    pub below: f64,
    /// How much larger a number may be than expected.
    pub above: f64,
}

/// The tolerance the output tests use for printed times: 10 ms early to
/// 250 ms late.
///
/// Early: a timer never fires before its deadline, but the committed
/// expected times come from a real run and are themselves a little late
/// (0.1 to 1 ms), so a new run may print a little less.
///
/// Late: how late a timer's callback runs is up to how busy the machine
/// is, and a scenario's lateness adds up along a chain of sleeps. Measured
/// on 2 cores with 16 busy loops (load average 9), the examples run 6 at a
/// time as `tests/outputs.rs` runs them: at most 50 ms late (Rust) and
/// 100 ms late (Python, the crawler). 250 ms leaves room for a busier
/// machine and still catches what these scenarios are about: a wrong
/// order, a missing event, waits that did not overlap (a whole delay
/// more), a timer a quarter of a second off. Lateness of a millisecond is
/// the timer tests' job (stage 3), on a simulated clock.
pub const TIMES: Tolerance = Tolerance { below: 0.010, above: 0.250 };

/// Events printed by different threads at nearly the same time come in no
/// fixed order: a thread woken a little late prints after one due a little
/// later. This puts such ties in one order, in both outputs, so that
/// `compare` can check the rest of the order exactly.
///
/// An event is a line that starts with a decimal time, together with the
/// line of dashes just before it, if any. The ties are the runs of
/// neighbouring events whose *expected* times are less than `within`
/// seconds apart; in both outputs, the events at those places are sorted by
/// their text (the time aside). Outputs with different numbers of events
/// are returned as they are, for `compare` to report.
pub fn order_ties(expected: &str, actual: &str, within: f64) -> (String, String) {
    let mut expected_events = events(expected);
    let mut actual_events = events(actual);
    if expected_events.len() == actual_events.len() {
        let mut start = 0;
        while start < expected_events.len() {
            let mut end = start + 1;
            while end < expected_events.len() {
                let (Some(a), Some(b)) =
                    (expected_events[end - 1].0, expected_events[end].0)
                else {
                    break;
                };
                if (a - b).abs() >= within {
                    break;
                }
                end += 1;
            }
            expected_events[start..end].sort_by(|a, b| a.1.cmp(&b.1));
            actual_events[start..end].sort_by(|a, b| a.1.cmp(&b.1));
            start = end;
        }
    }
    (join(&expected_events), join(&actual_events))
}

/// Puts back in the expected order the events that a busy machine made
/// late enough to come after others, and returns both outputs for
/// `compare` to check.
///
/// A single-threaded loop runs each callback when its time has come, in
/// the order of their deadlines; but each sleep starts when its task
/// resumes, so lateness adds up along a task's chain of sleeps. In T3's
/// `count_down`, C's third count is due at 1.5 s and B's second at 1.6 s:
/// with C 100 ms late (two hiccups of 50 ms), B prints first. That is the
/// loop doing its job on a busy machine, not a bug.
///
/// So an event E that the actual output prints later than expected is
/// moved back to its expected place only when its own times show why: E
/// was at least `min_late` seconds late, and every event that overtook it
/// was expected after E and printed at a time no later than E's. Anything
/// else (an event printed before its time, times going backwards, an
/// event too early to have been overtaken) is left in place for `compare`
/// to report. The moved event's time is still checked against its own
/// expected time.
pub fn order_by_lateness(
    expected: &str,
    actual: &str,
    min_late: f64,
) -> (String, String) {
    let expected_events = events(expected);
    let mut actual_events = events(actual);
    if expected_events.len() == actual_events.len() {
        for at in 0..expected_events.len() {
            let (want_time, want_text) = (expected_events[at].0, &expected_events[at].1);
            if actual_events[at].1 == *want_text {
                continue;
            }
            let Some(want_time) = want_time else { break };
            let Some(found) =
                (at + 1..actual_events.len()).find(|&i| actual_events[i].1 == *want_text)
            else {
                break;
            };
            let Some(late_time) = actual_events[found].0 else { break };
            let overtaken_by = at..found;
            let explained = late_time - want_time >= min_late
                && overtaken_by.clone().all(|i| {
                    let expected_time = expected_events.iter().find(|e| e.1 == actual_events[i].1).and_then(|e| e.0);
                    matches!((actual_events[i].0, expected_time), (Some(t), Some(due)) if t <= late_time && due >= want_time)
                });
            if !explained {
                break;
            }
            actual_events[at..=found].rotate_right(1);
        }
    }
    (join(&expected_events), join(&actual_events))
}

/// An output's events: (leading time, text without the time, the lines).
type Event<'a> = (Option<f64>, String, Vec<&'a str>);

fn events(output: &str) -> Vec<Event<'_>> {
    let mut events = Vec::new();
    let mut pending_dashes: Option<&str> = None;
    for line in output.lines() {
        if !line.is_empty() && line.chars().all(|c| c == '-') {
            if let Some(dashes) = pending_dashes.replace(line) {
                events.push((None, String::new(), vec![dashes]));
            }
            continue;
        }
        let first = line.split_whitespace().next().unwrap_or("");
        let time = first.parse::<f64>().ok().filter(|_| first.contains('.'));
        let text = line.get(first.len()..).unwrap_or("").to_owned();
        let mut lines: Vec<&str> = pending_dashes.take().into_iter().collect();
        lines.push(line);
        events.push((time, text, lines));
    }
    if let Some(dashes) = pending_dashes {
        events.push((None, String::new(), vec![dashes]));
    }
    events
}

fn join(events: &[Event<'_>]) -> String {
    let mut joined = String::new();
    for (_, _, lines) in events {
        for line in lines {
            joined.push_str(line);
            joined.push('\n');
        }
    }
    joined
}

/// The first difference between expected and actual output.
#[derive(Debug, PartialEq)]
pub struct Mismatch {
    /// The 1-based line number.
    pub line: usize,
    /// The expected line (empty past the end).
    pub expected: String,
    /// The actual line (empty past the end).
    pub actual: String,
    /// What differs.
    pub why: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: {}\n  expected: {:?}\n  actual:   {:?}",
            self.line, self.why, self.expected, self.actual
        )
    }
}

/// Compares `actual` with `expected` line by line.
///
/// # Errors
///
/// The first line that differs in text, in the number of lines, or in a
/// decimal outside `tolerance`.
pub fn compare(
    expected: &str,
    actual: &str,
    tolerance: Tolerance,
) -> Result<(), Mismatch> {
    let expected_lines: Vec<&str> = expected.lines().collect();
    let actual_lines: Vec<&str> = actual.lines().collect();
    for line in 0..expected_lines.len().max(actual_lines.len()) {
        let want = expected_lines.get(line).copied().unwrap_or("");
        let got = actual_lines.get(line).copied().unwrap_or("");
        let mismatch = |why: String| Mismatch {
            line: line + 1,
            expected: want.into(),
            actual: got.into(),
            why,
        };
        if line >= expected_lines.len() {
            return Err(mismatch("a line more than expected".into()));
        }
        if line >= actual_lines.len() {
            return Err(mismatch("the output ended early".into()));
        }
        let want_tokens = tokens(want);
        let got_tokens = tokens(got);
        if want_tokens.len() != got_tokens.len() {
            return Err(mismatch("the text differs".into()));
        }
        for (w, g) in want_tokens.iter().zip(&got_tokens) {
            match (w, g) {
                (Token::Decimal(w), Token::Decimal(g)) => {
                    let (w, g) = (w.parse::<f64>().unwrap(), g.parse::<f64>().unwrap());
                    if g < w - tolerance.below || g > w + tolerance.above {
                        return Err(mismatch(format!(
                            "{g} is outside [{}, {}]",
                            w - tolerance.below,
                            w + tolerance.above
                        )));
                    }
                }
                (Token::Text(w), Token::Text(g)) if w == g => {}
                _ => return Err(mismatch("the text differs".into())),
            }
        }
    }
    Ok(())
}

#[derive(Debug, PartialEq)]
enum Token<'a> {
    Text(&'a str),
    Decimal(&'a str),
}

/// Splits a line into decimals (digits, a dot, digits) and the text between.
fn tokens(line: &str) -> Vec<Token<'_>> {
    let bytes = line.as_bytes();
    let mut tokens = Vec::new();
    let (mut i, mut text_start) = (0, 0);
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()) {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let after_dot = i + 1;
            if i < bytes.len()
                && bytes[i] == b'.'
                && after_dot < bytes.len()
                && bytes[after_dot].is_ascii_digit()
            {
                i = after_dot;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                if text_start < start {
                    tokens.push(Token::Text(&line[text_start..start]));
                }
                tokens.push(Token::Decimal(&line[start..i]));
                text_start = i;
            }
        } else {
            i += 1;
        }
    }
    if text_start < line.len() {
        tokens.push(Token::Text(&line[text_start..]));
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_outputs_match() {
        assert_eq!(compare("a\nb 1.0000\n", "a\nb 1.0000\n", TIMES), Ok(()));
    }

    #[test]
    fn a_time_within_tolerance_matches() {
        assert_eq!(compare("at 1.0000 s\n", "at 1.2000 s\n", TIMES), Ok(()));
    }

    #[test]
    fn a_late_time_outside_tolerance_fails() {
        let err = compare("at 1.0000 s\n", "at 1.3000 s\n", TIMES).unwrap_err();
        assert_eq!(err.line, 1);
    }

    #[test]
    fn an_early_time_fails() {
        assert!(compare("at 1.0000 s\n", "at 0.9000 s\n", TIMES).is_err());
    }

    #[test]
    fn swapped_events_fail() {
        let err = compare("A = 3\nB = 3\n", "B = 3\nA = 3\n", TIMES).unwrap_err();
        assert_eq!(err.line, 1);
        assert_eq!(err.why, "the text differs");
    }

    #[test]
    fn whole_numbers_must_match_exactly() {
        assert!(compare("A = 3\n", "A = 2\n", TIMES).is_err());
    }

    #[test]
    fn missing_and_extra_lines_fail() {
        assert_eq!(
            compare("a\nb\n", "a\n", TIMES).unwrap_err().why,
            "the output ended early"
        );
        assert_eq!(
            compare("a\n", "a\nb\n", TIMES).unwrap_err().why,
            "a line more than expected"
        );
    }

    #[test]
    fn tokens_split_decimals_from_text() {
        assert_eq!(
            tokens("1.0012\tA = 3 (v1.2)"),
            [
                Token::Decimal("1.0012"),
                Token::Text("\tA = 3 (v"),
                Token::Decimal("1.2"),
                Token::Text(")")
            ]
        );
    }
}

#[cfg(test)]
mod tie_tests {
    use super::{TIMES, compare, order_by_lateness, order_ties};

    const COUNT_DOWN: &str =
        "----\n1.0003 \tA = 3\n----\n1.5006 \t\t\tC = 1\n----\n1.6005 \t\tB = 2\n";

    #[test]
    fn an_event_overtaken_because_it_was_late_goes_back_in_place() {
        // C = 1 120 ms late (two earlier hiccups): B = 2 came first.
        let actual =
            "----\n1.0003 \tA = 3\n----\n1.6005 \t\tB = 2\n----\n1.6206 \t\t\tC = 1\n";
        assert!(
            compare(COUNT_DOWN, actual, TIMES).is_err(),
            "as printed, the order differs"
        );
        let (expected, actual) = order_by_lateness(COUNT_DOWN, actual, 0.020);
        assert_eq!(compare(&expected, &actual, TIMES), Ok(()));
    }

    #[test]
    fn a_swap_that_lateness_does_not_explain_still_fails() {
        // Out of order with no lateness to explain it.
        let on_time =
            "----\n1.0003 \tA = 3\n----\n1.6005 \t\tB = 2\n----\n1.5006 \t\t\tC = 1\n";
        // B = 2 early (it overtook C = 1 by firing 120 ms early).
        let early =
            "----\n1.0003 \tA = 3\n----\n1.4805 \t\tB = 2\n----\n1.5006 \t\t\tC = 1\n";
        // C = 1 late, but printed with a time before the event that
        // overtook it: times that go backwards are no loop's doing.
        let backwards =
            "----\n1.0003 \tA = 3\n----\n1.7005 \t\tB = 2\n----\n1.6206 \t\t\tC = 1\n";
        for actual in [on_time, early, backwards] {
            let (expected, actual) = order_by_lateness(COUNT_DOWN, actual, 0.020);
            assert!(compare(&expected, &actual, TIMES).is_err(), "{actual}");
        }
    }

    #[test]
    fn a_little_lateness_does_not_excuse_a_swap() {
        // Near ties keep their order unless the machine was busy: A = 3
        // 10 ms late (under 20) may not come after C = 2.
        let expected = "----\n1.0003 \tA = 3\n----\n1.0004 \t\t\tC = 2\n";
        let actual = "----\n1.0100 \t\t\tC = 2\n----\n1.0103 \tA = 3\n";
        let (expected, actual) = order_by_lateness(expected, actual, 0.020);
        assert!(compare(&expected, &actual, TIMES).is_err());
    }

    #[test]
    fn ties_in_the_expected_output_may_come_in_either_order() {
        let expected = "----\n0.8 \t\tB = 3\n----\n1.0005 \tA = 3\n----\n1.0006 \t\t\tC = 2\n----\n1.5 \tC = 1\n";
        // C = 2 printed first, and A = 3 25 ms late: still the same events.
        let actual = "----\n0.81 \t\tB = 3\n----\n1.0004 \t\t\tC = 2\n----\n1.025 \tA = 3\n----\n1.5 \tC = 1\n";
        assert!(
            compare(expected, actual, TIMES).is_err(),
            "as printed, the order differs"
        );
        let (expected, actual) = order_ties(expected, actual, 0.005);
        assert_eq!(compare(&expected, &actual, TIMES), Ok(()));
    }

    #[test]
    fn events_that_are_not_tied_keep_their_order() {
        let expected = "----\n0.5 \tB\n----\n1.0 \tA\n";
        let swapped = "----\n1.0 \tA\n----\n0.5 \tB\n";
        let (expected, actual) = order_ties(expected, swapped, 0.005);
        assert!(compare(&expected, &actual, TIMES).is_err());
    }
}
