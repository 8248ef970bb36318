#!/usr/bin/env bash
# HTTP benchmark: the demo catalog on SQLite, a release build, wrk on loopback.
# Usage: bench/run.sh [duration_seconds] [connections]
# Prints a Markdown table to stdout; raw wrk output goes to bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20}"
connections="${2:-32}"
threads=2
port="${KENNING_BENCH_PORT:-18080}"
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }

# KENNING_BIN: a binary built already (to compare two builds); otherwise build this tree.
bin="${KENNING_BIN:-${CARGO_TARGET_DIR:-target}/release/kenning}"
[ -n "${KENNING_BIN:-}" ] || cargo build --release -p kenning --locked >&2
data_dir="$(mktemp -d)"
mkdir -p bench/results
# Load the demo first, then start the server the way it idles in production: without the
# one-off memory of hashing the demo accounts' passwords.
KENNING_LOG=warn "$bin" --data-dir "$data_dir" demo
KENNING_LOG=warn "$bin" --data-dir "$data_dir" --addr "127.0.0.1:$port" serve &
pid=$!
nginx_pid=""
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null; rm -rf "$data_dir"' EXIT

# The yardstick in the same run: nginx serving a 10 KB static file (Debian's package).
nginx_port=$((port + 1))
if command -v nginx >/dev/null; then
  mkdir -p "$data_dir/nginx/www"
  chmod 755 "$data_dir" "$data_dir/nginx" "$data_dir/nginx/www"   # nginx's workers drop root
  head -c 10240 /dev/zero | tr '\0' 'k' > "$data_dir/nginx/www/static.html"
  cat > "$data_dir/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $data_dir/nginx/nginx.pid;
error_log $data_dir/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $data_dir/nginx;
  server { listen 127.0.0.1:$nginx_port; root $data_dir/nginx/www; }
}
CONF
  nginx -c "$data_dir/nginx/nginx.conf" -g 'daemon off;' &
  nginx_pid=$!
fi
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

base="http://127.0.0.1:$port"
product="$(curl -fs "$base/api/v1/products?kind=course&per_page=1" | sed -E 's/.*"items":\[\{"id":"([^"]+)".*/\1/')"
token="$(curl -fs -H 'content-type: application/json' \
  -d '{"email":"learner@demo.kenning.test","password":"kenning-demo-2026"}' \
  "$base/api/v1/sessions" | sed -E 's/.*"token":"([^"]+)".*/\1/')"
sleep 1
idle_kb="$(awk '/VmRSS/ {print $2}' /proc/$pid/status)"

run() { # name path [header]
  local name="$1" path="$2" header="${3:-}"
  local out="bench/results/$name.txt"
  if [ -n "$header" ]; then
    wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -H "$header" "$base$path" > "$out"
  else
    wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$base$path" > "$out"
  fi
  local rps p50 p99
  rps="$(awk '/Requests\/sec/ {printf "%d", $2}' "$out")"
  p50="$(awk '$1 == "50%" {print $2}' "$out")"
  p99="$(awk '$1 == "99%" {print $2}' "$out")"
  local errors
  errors="$(awk '/Non-2xx|Socket errors/ {print}' "$out" | tr '\n' ' ')"
  printf '| %s | `%s` | %s | %s | %s | %s |\n' "$name" "$path" "$rps" "$p50" "$p99" "${errors:-none}"
}

echo "| target | path | req/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|---|"
if [ -n "$nginx_pid" ]; then
  base_kenning="$base"; base="http://127.0.0.1:$nginx_port"
  run nginx-static "/static.html"
  base="$base_kenning"
fi
run home "/"
run product-page "/products/$product"
run product-page-signed-in "/products/$product" "Cookie: kenning_session=$token"
run product-api "/api/v1/products/$product"
run catalog-api "/api/v1/products"
run catalog-page "/catalog"
run search-page "/search?q=rust"
peak_kb="$(awk '/VmHWM/ {print $2}' /proc/$pid/status)"
echo
echo "server memory: idle after start ${idle_kb} kB RSS, peak ${peak_kb} kB (VmHWM)"
echo "wrk: $threads threads, $connections connections, ${duration}s per target; $(nproc) cores shared by server and load generator"
