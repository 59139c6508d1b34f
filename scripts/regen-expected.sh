#!/usr/bin/env bash
# Regenerates the expected output of every chapter example from a real run:
#   examples/expected/<name>.txt         the Rust example's stdout
#   examples/expected/python/<name>.txt  the Python version's stdout
# Run it after changing what an example prints, review the diff, commit it.
# Usage: scripts/regen-expected.sh [name ...]   (default: every example)
#
# Servers (which run until stopped) have no expected output; their clients
# are run against the Rust server, started on a free port for the run.
set -euo pipefail
cd "$(dirname "$0")/.."

# client example -> the server example it talks to
declare -A server_of=([ch04_echo_client]=ch04_echo_server [ch04_http_client]=ch04_http_server)
is_server() { [[ " ${server_of[*]} " == *" $1 "* ]]; }

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for src in examples/ch[0-9][0-9]_*.rs; do
        names+=("$(basename "$src" .rs)")
    done
fi

cargo build --quiet --examples -p stepio-examples
mkdir -p examples/expected/python
for name in "${names[@]}"; do
    if is_server "$name"; then
        echo "skipping $name (a server; its client's output is checked)"
        continue
    fi
    args=()
    server_pid=""
    if [ -n "${server_of[$name]:-}" ]; then
        out=$(mktemp)
        "target/debug/examples/${server_of[$name]}" --port 0 > "$out" &
        server_pid=$!
        for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.1; done
        args=(--port "$(head -n 1 "$out" | grep -o '[0-9]*$')")
    fi
    echo "running $name ${args[*]}"
    "target/debug/examples/$name" "${args[@]}" > "examples/expected/$name.txt"
    if [ -f "examples/python/$name.py" ]; then
        python3 "examples/python/$name.py" "${args[@]}" > "examples/expected/python/$name.txt"
    fi
    if [ -n "$server_pid" ]; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; fi
done

# The exercise list the book shows, as a learner sees it before starting.
# The list as a learner sees it before any run: no progress recorded yet.
cargo build --quiet -p stepio-exercises
CARGO_TARGET_DIR="$(mktemp -d)" target/debug/stepio-exercises list > crates/exercises/expected-list.txt
