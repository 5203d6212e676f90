#!/usr/bin/env bash
# The runtime benchmarks of issue 3 (bench/runtime_bench.py), each against a
# baseline measured in the same run, each in its own throw-away PostgreSQL
# cluster:
#
#   bench/run_runtime.sh                    # build flowc (Release), run all three
#   bench/run_runtime.sh overhead           # just one: overhead | expectations | commands
#   RUNS=5 CONCURRENCY=8 bench/run_runtime.sh commands
#
# Env: FLOWC (a flowc binary to use instead of building build-bench/),
# BUILD_DIR (default build-bench), RUNS (flowc runs per benchmark, default 3),
# ROUNDS (expectation rounds, default 7), CONCURRENCY (commands, default 4),
# KEEP_TMP=1 keeps the generated projects, clusters and logs, PG_BIN.
# Writes bench/results/runtime-<date>.json; exits 1 when a target is missed
# or a benchmark could not run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}

if [[ -z "${FLOWC:-}" ]]; then
  BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
  echo "== building flowc (Release) in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C "$BUILD_DIR" -j2 flowc >/dev/null
  FLOWC=$BUILD_DIR/bin/flowc
fi

args=(--flowc "$FLOWC" --runs "${RUNS:-3}" --rounds "${ROUNDS:-7}" --concurrency "${CONCURRENCY:-4}")
[[ "${KEEP_TMP:-0}" == 1 ]] && args+=(--keep)
exec "$PYTHON" "$ROOT/bench/runtime_bench.py" "${args[@]}" "$@"
