#!/bin/sh
# The benchmarks' generated projects still check and plan with this flowc.
# They run only under `make bench`, so without this test a language rule
# that refuses them (an empty schema_suffix did) is found at measuring time.
#   tests/bench_projects.sh FLOWC
set -eu
FLOWC=$(realpath "$1")
BENCH=$(cd "$(dirname "$0")/../bench" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

checks() {  # DIR: `flowc check` finds nothing
  (cd "$1" && "$FLOWC" check >"$TMP/out" 2>&1) || { cat "$TMP/out"; echo "FAIL: check of $1"; exit 1; }
}
plans() {  # DIR: `flowc plan` in the runtime benchmarks' environment, as JSON
  (cd "$1" && "$FLOWC" plan --env bench --format json >"$1.plan.json" 2>"$TMP/out") ||
    { cat "$TMP/out"; echo "FAIL: plan of $1"; exit 1; }
}

python3 "$BENCH/gen_runtime.py" chain 5 "$TMP/chain"
python3 "$BENCH/gen_runtime.py" commands 2 3 "$TMP/commands"
python3 "$BENCH/gen_runtime.py" expectations 100 "$TMP/expectations"
python3 "$BENCH/gen_project.py" 40 "$TMP/project" --tasks-per-workflow 10 --files-per-workflow 2 >/dev/null
for project in chain commands expectations; do checks "$TMP/$project"; plans "$TMP/$project"; done
checks "$TMP/project"

# runtime_bench.py reads each expectation task's batched metric query: one
# whole-table query without parameters, ten checks.
python3 - "$TMP/expectations.plan.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
tasks = {t["name"]: t for t in plan["tasks"]}
for name in ("facts", "facts_scan"):
    task = tasks[name]
    assert not task["metrics"]["statement"]["params"], name
    assert len(task["checks"]) == 10, (name, len(task["checks"]))
print("ok: benchmark projects check and plan")
PY
