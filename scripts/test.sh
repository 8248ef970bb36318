#!/usr/bin/env bash
# Every test Kenning has: unit and integration tests (SQLite always; PostgreSQL too when
# KENNING_TEST_DATABASE_URL is set, and required when CI=true), the API against its
# OpenAPI document, the fuzz targets, then the browser journeys in Debian's Chromium (each
# required when CI=true, skipped with a note otherwise), and three nodes on one PostgreSQL
# behind Debian's nginx (scripts/nodes.sh; required when CI=true, skipped otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --locked

# The API against its OpenAPI document (schemathesis: no 5xx, no schema violation, no
# undocumented status), as a demo learner and a demo creator.
if python3 -c "import schemathesis" 2>/dev/null; then
  scripts/schemathesis.sh
elif [ "${CI:-}" = "true" ]; then
  echo "CI=true needs schemathesis (pip install schemathesis; .ci/run installs it)" >&2
  exit 1
else
  echo "Skipping the schemathesis run: not installed (pip install schemathesis)." >&2
fi

# Three nodes on one PostgreSQL behind nginx: what they share, and a node killed under
# load losing nothing.
nginx_bin="${NGINX:-/usr/sbin/nginx}"
if [ -x "$nginx_bin" ] && [ -n "${KENNING_TEST_DATABASE_URL:-}" ]; then
  scripts/nodes.sh
elif [ "${CI:-}" = "true" ]; then
  echo "CI=true needs nginx at $nginx_bin and KENNING_TEST_DATABASE_URL for scripts/nodes.sh" >&2
  exit 1
else
  echo "Skipping the three-node check: needs nginx at $nginx_bin (apt-get install nginx-light)" \
    "and KENNING_TEST_DATABASE_URL." >&2
fi

# The fuzz targets in fuzz/, each for a bounded time over its committed seed corpus.
scripts/fuzz.sh

chromium_bin="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium_bin" ] && command -v npm >/dev/null; then
  cargo build -p kenning --locked
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error && npm test)
elif [ "${CI:-}" = "true" ]; then
  echo "CI=true needs Chromium at $chromium_bin and npm for the browser journeys" >&2
  exit 1
else
  echo "Skipping the browser journeys: no Chromium at $chromium_bin (apt-get install chromium)." >&2
fi
