#!/usr/bin/env bash
# Regenerates the timelines the book's "Seeing the loop" chapter shows, each
# from a real run, into examples/expected/timelines/:
#   ch09_timeline.txt             count_down, traced with stepio::run_traced
#   ch09_blocking_mistake.txt     the blocking mistake, STEPIO_DEBUG=1 STEPIO_TRACE=1
#   ch09_executor_count_down.txt  the thread-pool fix, the same
#   *.json                        the trace files of those two runs, for Perfetto
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
for name in ch09_blocking_mistake ch09_executor_count_down; do
    echo "running $name with STEPIO_DEBUG=1 STEPIO_TRACE=1 STEPIO_TRACE_FILE=$out/$name.json"
    STEPIO_DEBUG=1 STEPIO_TRACE=1 STEPIO_TRACE_FILE="$out/$name.json" "target/debug/examples/$name" \
        2> "$out/$name.txt" > /dev/null
done
echo "running the tour with STEPIO_DEBUG=1 (about a minute)"
STEPIO_DEBUG=1 target/debug/examples/tour 2>&1 > /dev/null | grep '^stepio debug' > "$out/tour_debug.txt"
python=${PYTHON:-python3}
echo "running python/ch05_blocking_mistake.py with PYTHONASYNCIODEBUG=1"
PYTHONASYNCIODEBUG=1 "$python" examples/python/ch05_blocking_mistake.py 2> "$out/python/ch05_blocking_mistake.txt" > /dev/null
# Absolute paths in Python's messages would differ per machine.
sed -i -e "s#$(pwd)/##g" -e 's#/[^ ]*/lib/python3\.[0-9]*/#.../lib/python3/#g' "$out/python/ch05_blocking_mistake.txt"
