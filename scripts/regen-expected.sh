#!/usr/bin/env bash
# Regenerates the expected output of every chapter example from a real run:
#   examples/expected/<name>.txt         the Rust example's stdout
#   examples/expected/python/<name>.txt  the Python version's stdout
# Run it after changing what an example prints, review the diff, commit it.
# Usage: scripts/regen-expected.sh [name ...]   (default: every example)
set -euo pipefail
cd "$(dirname "$0")/.."

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for src in examples/ch[0-9][0-9]_*.rs; do
        names+=("$(basename "$src" .rs)")
    done
fi

cargo build --quiet --examples -p stepio-examples
mkdir -p examples/expected/python
for name in "${names[@]}"; do
    echo "running $name"
    cargo run --quiet --example "$name" > "examples/expected/$name.txt"
    if [ -f "examples/python/$name.py" ]; then
        python3 "examples/python/$name.py" > "examples/expected/python/$name.txt"
    fi
done

# The exercise list the book shows, as a learner sees it before starting.
cargo run --quiet -p stepio-exercises -- list > crates/exercises/expected-list.txt 2>/dev/null
