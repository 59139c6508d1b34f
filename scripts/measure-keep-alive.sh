#!/usr/bin/env bash
# Requests per second to chapter 4's web app (its 404 route, which answers
# at once) from 50 loopback connections: a connection per request, then
# kept alive, in alternating rounds. Release builds; about 25 s.
#
#   bash scripts/measure-keep-alive.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
cargo build --quiet --release -p stepio-examples --example ch04_http_server
cargo build --quiet --release -p stepio-bench --bin http_load
target/release/examples/ch04_http_server --port 0 > /tmp/stepio-keep-alive.$$ &
server=$!
trap 'kill $server; rm -f /tmp/stepio-keep-alive.$$' EXIT
until grep -q serving /tmp/stepio-keep-alive.$$; do sleep 0.1; done
addr=$(head -1 /tmp/stepio-keep-alive.$$ | sed 's|serving on http://||')
# The server's log goes to the file from here on; it is not read.
for round in $(seq "$rounds"); do
    echo "round $round: $(target/release/http_load "$addr" --close --seconds 2)"
    echo "round $round: $(target/release/http_load "$addr" --seconds 2)"
done
