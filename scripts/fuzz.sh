#!/usr/bin/env bash
# The fuzz targets in fuzz/ (cargo-fuzz, libFuzzer): each runs for FUZZ_SECONDS (20 by
# default) over its committed seed corpus, fuzz/corpus/<target>, and any crash fails the
# run. What a run adds to a corpus goes to fuzz/target/corpus-run/<target>, never into the
# committed seeds; a crashing input is kept in fuzz/artifacts/<target>/. Needs cargo-fuzz
# and the nightly toolchain (.ci/run installs cargo-fuzz): required when CI=true, skipped
# with a note otherwise. `scripts/fuzz.sh money range` runs only those targets.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${FUZZ_SECONDS:-20}"

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then
    echo "CI=true needs cargo-fuzz and a nightly toolchain (.ci/run installs cargo-fuzz)" >&2
    exit 1
  fi
  echo "Skipping the fuzz targets: no cargo-fuzz or nightly toolchain (cargo install cargo-fuzz --locked)." >&2
  exit 0
fi

# No sanitizer: the project's crates forbid unsafe code, and without AddressSanitizer the
# build is quicker and the targets run about twice as many inputs in the same time.
fuzz=(cargo +nightly fuzz)
started=$SECONDS
"${fuzz[@]}" build -s none
echo "fuzz build: $((SECONDS - started)) s"

if [ "$#" -gt 0 ]; then targets=("$@"); else mapfile -t targets < <("${fuzz[@]}" list); fi

# One target: its log and, at the end, its exit status, under target/corpus-run/.
fuzz_one() {
  local target="$1" log="target/corpus-run/$1.log"
  mkdir -p "target/corpus-run/$target"
  local status=0
  "${fuzz[@]}" run -s none "$target" "target/corpus-run/$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1 || status=$?
  echo "$status" >"target/corpus-run/$target.status"
}

# libFuzzer runs on one core: FUZZ_JOBS targets (default 2, the machine's cores) at a time.
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "${FUZZ_JOBS:-2}" ]; do wait -n || true; done
  fuzz_one "$target" &
done
wait

failed=()
for target in "${targets[@]}"; do
  log="target/corpus-run/$target.log"
  if [ "$(cat "target/corpus-run/$target.status" 2>/dev/null)" = 0 ]; then
    echo "fuzz $target: $(grep -E '^Done [0-9]+ runs' "$log" | tail -n 1)"
  else
    echo "fuzz $target: FAILED (log: fuzz/$log)" >&2
    grep -E "panicked at|Test unit written|SUMMARY|error" -A2 "$log" | head -n 30 >&2 || tail -n 30 "$log" >&2
    failed+=("$target")
  fi
done
echo "fuzzing: $((SECONDS - started)) s in all"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz targets that found a crash: ${failed[*]} (reproduce: cd fuzz && cargo +nightly fuzz run -s none <target> artifacts/<target>/<file>)" >&2
  exit 1
fi
