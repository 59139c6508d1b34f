//! The catalogue matches the files on disk.

use std::path::Path;

use super::EXERCISES;

#[test]
fn every_exercise_has_its_four_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for exercise in EXERCISES {
        for (folder, extension) in
            [("starter", "rs"), ("solutions", "rs"), ("tests", "rs"), ("hints", "md")]
        {
            let path = root.join(folder).join(format!("{}.{extension}", exercise.name));
            assert!(path.exists(), "{} has no {}", exercise.name, path.display());
        }
        assert!(exercise.name.starts_with(&format!("ch{:02}_", exercise.chapter)));
        assert!(!exercise.hint.trim().is_empty());
    }
}

#[test]
fn every_starter_is_in_the_catalogue() {
    let starters = Path::new(env!("CARGO_MANIFEST_DIR")).join("starter");
    for entry in std::fs::read_dir(starters).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let name = name.trim_end_matches(".rs");
        assert!(super::find(name).is_some(), "starter/{name}.rs is not in EXERCISES");
    }
}

#[test]
fn starters_leave_work_to_do_and_solutions_do_not() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for exercise in EXERCISES {
        let starter = std::fs::read_to_string(
            root.join("starter").join(format!("{}.rs", exercise.name)),
        )
        .unwrap();
        let solution = std::fs::read_to_string(
            root.join("solutions").join(format!("{}.rs", exercise.name)),
        )
        .unwrap();
        assert!(
            starter.contains("todo!("),
            "{}: the starter has no todo!()",
            exercise.name
        );
        assert!(
            !solution.contains("todo!("),
            "{}: the solution has a todo!()",
            exercise.name
        );
    }
}

#[test]
fn the_report_for_an_autograder_is_one_json_object_per_exercise() {
    use std::time::Duration;

    use super::runner::run::Outcome;
    let rows = [
        (&EXERCISES[0], Outcome::Ran(vec![("a".into(), true), ("b".into(), true)])),
        (
            &EXERCISES[1],
            Outcome::TimedOut(vec![("a".into(), true)], Duration::from_secs(5)),
        ),
        (&EXERCISES[2], Outcome::BuildFailed("error[E0308]".into())),
    ];
    let expected = r#"[
  {"name":"ch01_counting_waker","chapter":1,"result":"pass","passed":2,"total":2},
  {"name":"ch01_race","chapter":1,"result":"timeout","passed":1,"total":1},
  {"name":"ch01_yield_now","chapter":1,"result":"build-error","passed":0,"total":0}
]
"#;
    assert_eq!(super::report_json(&rows), expected);
}

#[test]
fn every_hint_has_three_tiers_and_the_last_points_at_the_book() {
    for exercise in EXERCISES {
        let tiers: Vec<&str> = exercise.hint.split("\n---\n").map(str::trim).collect();
        assert_eq!(tiers.len(), 3, "{}: hints 1 to 3, split by `---`", exercise.name);
        assert!(tiers.iter().all(|tier| !tier.is_empty()), "{}", exercise.name);
        assert!(
            tiers[2].contains("book/src/"),
            "{}: tier 3 names the book",
            exercise.name
        );
    }
}
