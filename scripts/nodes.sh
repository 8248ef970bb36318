#!/usr/bin/env bash
# Three Kenning nodes on one PostgreSQL database behind Debian's nginx in round-robin,
# and what they must share: search, libraries, the last seats, chat, rate limits,
# periodic jobs, and a node killed with -9 under checkout load losing nothing.
# Needs KENNING_TEST_DATABASE_URL (a PostgreSQL server where it may create a database),
# psql, python3 and /usr/sbin/nginx (or $NGINX). The checks are in scripts/nodes.py.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${KENNING_TEST_DATABASE_URL:-}" ]; then
  echo "scripts/nodes.sh needs KENNING_TEST_DATABASE_URL (a PostgreSQL server)" >&2
  exit 2
fi
for tool in psql python3 "${NGINX:-/usr/sbin/nginx}"; do
  command -v "$tool" >/dev/null || { echo "scripts/nodes.sh needs $tool" >&2; exit 2; }
done

cargo build -p kenning --locked
binary="${CARGO_TARGET_DIR:-target}/debug/kenning"

# The driver stops every process it started and drops its database, on failure and on
# SIGINT/SIGTERM too; this trap passes those signals on to it.
python3 scripts/nodes.py "$binary" "$KENNING_TEST_DATABASE_URL" &
driver=$!
trap 'kill -TERM "$driver" 2>/dev/null || true; wait "$driver" 2>/dev/null || true' INT TERM
wait "$driver"
