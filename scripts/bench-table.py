#!/usr/bin/env python3
"""Writes a markdown table of criterion medians for the book.

Usage: scripts/bench-table.py OUTPUT.md GROUP [GROUP ...]

Reads target/criterion/<group>/<bench>/new/{estimates,benchmark}.json, as
left by `cargo bench -p stepio-bench`, and writes one row per benchmark:
the median time per iteration and, where the benchmark declares a
throughput in elements, the median time per element.
"""
import json
import os
import sys


def fmt(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.1f} ns"


def main():
    out, groups = sys.argv[1], sys.argv[2:]
    root = os.environ.get("CARGO_TARGET_DIR", "target") + "/criterion"
    rows = []
    for group in groups:
        group_dir = os.path.join(root, group)
        for dirpath, _dirs, files in sorted(os.walk(group_dir)):
            if os.path.basename(dirpath) != "new" or "estimates.json" not in files:
                continue
            with open(os.path.join(dirpath, "estimates.json")) as f:
                median = json.load(f)["median"]["point_estimate"]
            with open(os.path.join(dirpath, "benchmark.json")) as f:
                bench = json.load(f)
            per_element = ""
            throughput = bench.get("throughput") or {}
            if "Elements" in throughput:
                per_element = fmt(median / throughput["Elements"])
            rows.append((bench["full_id"], fmt(median), per_element))
    if not rows:
        sys.exit(f"no criterion results for {groups} under {root}: run cargo bench first")
    with open(out, "w") as f:
        f.write("| benchmark | median per iteration | median per element |\n")
        f.write("| --- | ---: | ---: |\n")
        for name, per_iter, per_element in rows:
            f.write(f"| `{name}` | {per_iter} | {per_element or '-'} |\n")
    print(f"wrote {out} ({len(rows)} rows)")


main()
