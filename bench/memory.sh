#!/usr/bin/env bash
# Resident memory of a prebuilt kenning binary, from /proc/<pid>/status (VmRSS):
#   1. `serve --demo` on a fresh data directory, once the demo is loaded and the server
#      listens, then again after a short settle (the allocator hands freed pages back);
#   2. `serve` restarted on that data directory, idle, after the same settle.
# Usage: bench/memory.sh path/to/kenning [settle_seconds]
# Prints a Markdown table; nothing is built here (measure a release build: the numbers
# of a debug build only show the direction of a change).
set -euo pipefail
bin="${1:?usage: bench/memory.sh path/to/kenning [settle_seconds]}"
settle="${2:-15}"
port="${KENNING_BENCH_PORT:-18090}"
[ -x "$bin" ] || { echo "$bin is not an executable" >&2; exit 1; }
data_dir="$(mktemp -d)"
pid=""
stop() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  pid=""
}
trap 'stop; rm -rf "$data_dir"' EXIT

rss_mb() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# Starts the server in the background; returns once it answers /healthz.
start() {
  KENNING_LOG=warn "$bin" --data-dir "$data_dir" --addr "127.0.0.1:$port" "$@" &
  pid=$!
  for _ in $(seq 1 3000); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { echo "kenning exited" >&2; exit 1; }
    sleep 0.2
  done
  echo "kenning did not answer in time" >&2
  exit 1
}

start serve --demo
demo_loaded="$(rss_mb "$pid")"
sleep "$settle"
demo_settled="$(rss_mb "$pid")"
stop

start serve
restart_up="$(rss_mb "$pid")"
sleep "$settle"
restart_idle="$(rss_mb "$pid")"
stop

echo "| moment | VmRSS (MB) |"
echo "| --- | ---: |"
echo "| \`serve --demo\`, demo loaded, listening | $demo_loaded |"
echo "| the same, ${settle} s later | $demo_settled |"
echo "| \`serve\` after a restart, listening | $restart_up |"
echo "| the same, idle ${settle} s later | $restart_idle |"
