#!/usr/bin/env bash
# Build and run the fuzz_check libFuzzer target (`make fuzz`).
#
#   fuzz/run.sh [SECONDS]        # default 600
#
# Configures build-fuzz with clang-14 (-DFLOWC_FUZZ=ON: ASan + UBSan +
# libFuzzer), seeds fuzz/corpus-seeds from examples/, tests/golden/ and the
# stdlib, and fuzzes into fuzz/corpus-check (gitignored; it grows across runs).
# Inputs that crash, hang (> 10 s) or exceed 2 GB are copied into
# fuzz/crashes/; the script then exits 1. Reproduce one with
#   build-fuzz/bin/fuzz_check fuzz/crashes/<file>
# and minimise it with
#   build-fuzz/bin/fuzz_check -minimize_crash=1 -runs=10000 fuzz/crashes/<file>
# Env: BUILD_DIR (default build-fuzz); FUZZ_KEEP_GOING=1 keeps fuzzing after a
# finding (restarting it for the time left) instead of stopping at the first.
set -euo pipefail

SECONDS_TO_RUN=${1:-600}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-fuzz}
CORPUS=$ROOT/fuzz/corpus-check
SEEDS=$ROOT/fuzz/corpus-seeds
CRASHES=$ROOT/fuzz/crashes

echo "== configuring and building fuzz_check in $BUILD_DIR" >&2
CC=clang-14 CXX=clang++-14 cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja \
  -DFLOWC_FUZZ=ON -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$BUILD_DIR" -j2 fuzz_check >&2

mkdir -p "$CORPUS" "$SEEDS" "$CRASHES"
python3 "$ROOT/fuzz/make_seeds.py" "$ROOT" "$SEEDS" >&2

ARTIFACTS=$(mktemp -d /tmp/flowc-fuzz-artifacts.XXXXXX)
trap 'rm -rf "$ARTIFACTS"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

echo "== fuzzing for ${SECONDS_TO_RUN}s" >&2
# Keep-going mode restarts the fuzzer after each finding for the time left
# (libFuzzer's own fork mode reloads the corpus per job and is far slower).
deadline=$((SECONDS + SECONDS_TO_RUN))
status=0
found=0
while :; do
  left=$((deadline - SECONDS))
  (( left > 0 )) || break
  run_status=0
  "$BUILD_DIR/bin/fuzz_check" \
    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -max_total_time="$left" \
    -dict="$ROOT/fuzz/flow.dict" -artifact_prefix="$ARTIFACTS/" -print_final_stats=1 \
    "$CORPUS" "$SEEDS" || run_status=$?
  for f in "$ARTIFACTS"/crash-* "$ARTIFACTS"/timeout-* "$ARTIFACTS"/oom-* "$ARTIFACTS"/leak-*; do
    [[ -e "$f" ]] || continue
    mv "$f" "$CRASHES/"
    echo "finding: fuzz/crashes/$(basename "$f")" >&2
    found=1
  done
  (( run_status == 0 )) || status=$run_status
  [[ "${FUZZ_KEEP_GOING:-0}" == 1 && $run_status != 0 ]] || break
done
if [[ $found == 1 || $status != 0 ]]; then
  echo "fuzz_check stopped with status $status; inputs are in $CRASHES" >&2
  exit 1
fi
echo "no findings in ${SECONDS_TO_RUN}s" >&2
