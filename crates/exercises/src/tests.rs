//! The catalogue matches the files on disk.

use std::path::Path;

use super::EXERCISES;

#[test]
fn every_exercise_has_its_four_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for exercise in EXERCISES {
        for (folder, extension) in
            [("starter", "rs"), ("solutions", "rs"), ("checks", "rs"), ("hints", "md")]
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
