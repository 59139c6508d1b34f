#!/usr/bin/env bash
# Regenerates the timelines the book's "Seeing the loop" chapter shows, each
# from a real run, into examples/expected/timelines/:
#   ch09_timeline.txt             count_down, traced with stepio::run_traced
#   ch09_blocking_mistake.txt     the blocking mistake, STEPIO_DEBUG=1 STEPIO_TRACE=1
#   ch09_executor_count_down.txt  the thread-pool fix, the same
#   *.json                        the trace files of those two runs, for Perfetto
#   book/src/figures/ch09-*.svg   the timelines of those two runs, drawn as SVG
#   tour_debug.txt                every debug warning of the whole tour, STEPIO_DEBUG=1
#   python/ch05_blocking_mistake.txt  asyncio's debug mode on the same mistake
# Only stderr is kept: that is where the timeline and the warnings go.
# examples/tests/trace.rs checks that a fresh run draws the same rows and
# counts as these files. Run it after changing the timeline; review the diff.
set -euo pipefail
cd "$(dirname "$0")/.."
out=examples/expected/timelines
mkdir -p "$out/python"
cargo build --quiet --examples -p stepio-examples
echo "running ch09_timeline"
target/debug/examples/ch09_timeline 2> "$out/ch09_timeline.txt" > /dev/null
# The same runs also draw their timeline as SVG, for the book's figures.
for name in ch09_blocking_mistake ch09_executor_count_down; do
    svg="book/src/figures/${name//_/-}.svg"
    echo "running $name with STEPIO_DEBUG=1 STEPIO_TRACE=1 STEPIO_TRACE_FILE=$out/$name.json"
    STEPIO_DEBUG=1 STEPIO_TRACE=1 STEPIO_TRACE_FILE="$out/$name.json" STEPIO_TRACE_SVG="$svg" \
        "target/debug/examples/$name" 2> "$out/$name.txt" > /dev/null
done
echo "running the tour with STEPIO_DEBUG=1 (about a minute)"
# A warning may be folded over several lines; the later ones start with 4 spaces.
STEPIO_DEBUG=1 target/debug/examples/tour 2>&1 > /dev/null \
    | awk '/^stepio debug/ { keep = 1; print; next } keep && /^    / { print; next } { keep = 0 }' \
    > "$out/tour_debug.txt"
python=${PYTHON:-python3}
echo "running python/ch05_blocking_mistake.py with PYTHONASYNCIODEBUG=1"
PYTHONASYNCIODEBUG=1 "$python" examples/python/ch05_blocking_mistake.py 2> "$out/python/ch05_blocking_mistake.txt" > /dev/null
# Absolute paths in Python's messages would differ per machine.
sed -i -e "s#$(pwd)/##g" -e 's#/[^ ]*/lib/python3\.[0-9]*/#.../lib/python3/#g' "$out/python/ch05_blocking_mistake.txt"
# Python's lines run to 200 columns; fold them at 90 for the book, as stepio
# folds its own (the later pieces of a line start with 4 spaces).
"$python" - "$out/python/ch05_blocking_mistake.txt" <<'PY'
import sys, textwrap
path = sys.argv[1]
lines = open(path).read().splitlines()
folded = []
for line in lines:
    indent = line[: len(line) - len(line.lstrip(" "))]
    folded += textwrap.wrap(line, 90, initial_indent="", subsequent_indent=indent + "    ",
                            break_long_words=False, break_on_hyphens=False) or [""]
open(path, "w").write("\n".join(folded) + "\n")
PY
