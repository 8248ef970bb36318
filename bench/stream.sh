#!/usr/bin/env bash
# Streaming benchmark: a 100 MB media file behind a signed link, on loopback.
# Usage: bench/stream.sh [megabytes] [clients]
# Prints single-client throughput (three runs) and peak server memory while `clients`
# download the whole file at once.
set -euo pipefail
cd "$(dirname "$0")/.."
mb="${1:-100}"
clients="${2:-50}"
port="${KENNING_BENCH_PORT:-18090}"

cargo build --release -p kenning --locked >&2
data_dir="$(mktemp -d)"
KENNING_LOG=warn ./target/release/kenning --data-dir "$data_dir" demo
KENNING_LOG=warn ./target/release/kenning --data-dir "$data_dir" --addr "127.0.0.1:$port" serve &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data_dir"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.2; done

token() {
  curl -fs -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"kenning-demo-2026\"}" "$base/api/v1/sessions" |
    sed -E 's/.*"token":"([^"]+)".*/\1/'
}
creator="$(token lin.wei@demo.kenning.test)"
buyer="$(token ana@demo.kenning.test)"
product="$(curl -fs "$base/api/v1/products?kind=course&per_page=50" |
  grep -o '"id":"[^"]*","kind":"course"[^}]*"title":"Rust in Practice' | head -1 |
  sed -E 's/"id":"([^"]+)".*/\1/')"
lesson="$(curl -fs "$base/api/v1/products/$product" | grep -o '"lessons":\[{"id":"[^"]*"' |
  sed -E 's/.*"id":"([^"]+)"/\1/')"

# A WAV header and silence: a valid audio file of the asked size.
file="$data_dir/big.wav"
python3 - "$file" "$mb" <<'PY'
import struct, sys
path, mb = sys.argv[1], int(sys.argv[2])
data = mb * 1024 * 1024 - 44
with open(path, "wb") as f:
    f.write(b"RIFF" + struct.pack("<I", 36 + data) + b"WAVEfmt " +
            struct.pack("<IHHIIHH", 16, 1, 2, 44100, 176400, 4, 16) +
            b"data" + struct.pack("<I", data))
    f.truncate(mb * 1024 * 1024)
PY
started=$(date +%s.%N)
curl -fs -H "Authorization: Bearer $creator" -H 'content-type: application/octet-stream' \
  --data-binary @"$file" "$base/api/v1/lessons/$lesson/media?name=big.wav" >/dev/null
echo "upload of ${mb} MB: $(echo "$(date +%s.%N) - $started" | bc) s; server peak so far $(awk '/VmHWM/ {print $2}' /proc/$pid/status) kB"

url="$(curl -fs -H "Authorization: Bearer $buyer" "$base/api/v1/lessons/$lesson" |
  grep -o '"url":"[^"]*"' | tail -1 | sed -E 's/"url":"([^"]+)"/\1/; s/\\u0026/\&/g')"
for run in 1 2 3; do
  speed="$(curl -fs -o /dev/null -w '%{speed_download}' "$base$url")"
  echo "single client, run $run: $(echo "scale=1; $speed / 1048576" | bc) MB/s"
done

idle_kb="$(awk '/VmRSS/ {print $2}' /proc/$pid/status)"
started=$(date +%s.%N)
for _ in $(seq 1 "$clients"); do curl -fs -o /dev/null "$base$url" & done
wait_clients() { while [ "$(jobs -rp | grep -vc "^$pid$")" -gt 0 ]; do sleep 0.1; done; }
wait_clients
elapsed="$(echo "$(date +%s.%N) - $started" | bc)"
echo "$clients clients × ${mb} MB at once: ${elapsed} s, $(echo "scale=1; $clients * $mb / $elapsed" | bc) MB/s in total"
echo "server memory: ${idle_kb} kB RSS before, peak $(awk '/VmHWM/ {print $2}' /proc/$pid/status) kB (VmHWM)"
