#!/usr/bin/env bash
# Checkout throughput: paid orders per second through the API with the sandbox provider.
# Usage: bench/checkout.sh [sqlite|postgres://…] [seconds] [workers]
# For PostgreSQL, give an empty database's URL. Prints one line from
# crates/kenning/examples/checkout_load.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-sqlite}"
seconds="${2:-20}"
workers="${3:-16}"
port="${KENNING_BENCH_PORT:-18091}"

# KENNING_BIN: a server built already (to compare two builds); otherwise build this tree.
target_dir="${CARGO_TARGET_DIR:-target}"
bin="${KENNING_BIN:-$target_dir/release/kenning}"
load="$target_dir/release/examples/checkout_load"
if [ -z "${KENNING_BIN:-}" ]; then
  cargo build --release -p kenning --locked --bin kenning --example checkout_load >&2
else
  cargo build --release -p kenning --locked --example checkout_load >&2
fi
data_dir="$(mktemp -d)"
db_args=()
if [ "$target" != "sqlite" ]; then db_args=(--database-url "$target"); fi
KENNING_LOG=warn "$bin" "${db_args[@]}" --data-dir "$data_dir" migrate
KENNING_LOG=warn "$bin" "${db_args[@]}" --data-dir "$data_dir" admin create \
  --email bench-creator@example.com --role creator --password 'bench password 2026' >/dev/null
KENNING_LOG=warn "$bin" "${db_args[@]}" --data-dir "$data_dir" --addr "127.0.0.1:$port" serve &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
"$load" "http://127.0.0.1:$port" bench-creator@example.com \
  'bench password 2026' "$seconds" "$workers"
KENNING_LOG=warn "$bin" "${db_args[@]}" --data-dir "$data_dir" ledger verify
