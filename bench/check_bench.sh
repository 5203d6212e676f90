#!/usr/bin/env bash
# Benchmark `flowc check` on generated 10k- and 100k-task projects against
# `snakemake -n` on the equivalent 10k-job DAG, all in one run.
#
#   bench/check_bench.sh            # build, generate, measure, report
#   RUNS=10 bench/check_bench.sh    # more runs per measurement (median reported)
#
# Env: RUNS (flowc runs per size, default 7), SNAKEMAKE_RUNS (default 3),
# BUILD_DIR (default build-bench), KEEP_TMP=1 keeps the generated projects.
# Writes bench/results/check-<date>.json; exits 1 when a target is missed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
RUNS=${RUNS:-7}
SNAKEMAKE_RUNS=${SNAKEMAKE_RUNS:-3}
PYTHON=${PYTHON:-python3}
BENCH=$ROOT/bench

echo "== building flowc (Release) in $BUILD_DIR"
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$BUILD_DIR" -j2 flowc >/dev/null
FLOWC=$BUILD_DIR/bin/flowc

TMP=$(mktemp -d /tmp/flowc-bench.XXXXXX)
if [[ "${KEEP_TMP:-0}" != 1 ]]; then
  trap 'rm -rf "$TMP"' EXIT
else
  echo "keeping generated projects in $TMP"
fi

echo "== generating projects in $TMP"
"$PYTHON" "$BENCH/gen_project.py" 10000 "$TMP/p10k"
"$PYTHON" "$BENCH/gen_project.py" 100000 "$TMP/p100k"
"$PYTHON" "$BENCH/gen_snakemake.py" 10000 "$TMP/s10k"

# A benchmark of a check that fails measures the wrong thing: show the first
# diagnostics so the cause is visible, and let the report flag it.
for p in p10k p100k; do
  if ! "$FLOWC" check --strict "$TMP/$p" >"$TMP/$p.out" 2>&1; then
    echo "warning: flowc check --strict $p did not exit 0; first lines of its output:" >&2
    head -n 20 "$TMP/$p.out" >&2
  fi
done

# Interleaved: each round runs flowc on 10k, flowc on 100k and (for the first
# SNAKEMAKE_RUNS rounds) snakemake, so all three see the same background load.
echo "== measuring, interleaved: flowc check 10k and 100k ($RUNS runs each), snakemake -n 10k ($SNAKEMAKE_RUNS runs)"
"$PYTHON" - "$TMP" "$FLOWC" "$RUNS" "$SNAKEMAKE_RUNS" >"$TMP/spec.json" <<'EOF'
import json, sys
tmp, flowc, runs, sm_runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
print(json.dumps([
    {"label": "flowc_check_10k", "argv": [flowc, "check", tmp + "/p10k"], "runs": runs},
    {"label": "flowc_check_100k", "argv": [flowc, "check", tmp + "/p100k"], "runs": runs},
    {"label": "snakemake_dry_run_10k", "argv": ["snakemake", "-n", "--cores", "1", "--quiet"],
     "runs": sm_runs, "cwd": tmp + "/s10k"},
]))
EOF
"$PYTHON" "$BENCH/measure.py" --spec "$TMP/spec.json" >"$TMP/measured.json"

# Where and with what the figures were taken.
DATE=$(date +%Y-%m-%d)
"$PYTHON" - "$TMP/meta.json" "$DATE" "$FLOWC" "$BENCH" <<'EOF'
import json, os, platform, subprocess, sys
out, date, flowc, bench = sys.argv[1:]
sys.path.insert(0, bench)
from gen_project import DEFAULT_SEED
def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
mem_kb = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
meta = {
    "benchmark": "flowc check",
    "date": date,
    "machine": {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 1048576, 1),
                "kernel": platform.release(), "os": sh("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME")},
    "flowc": {"binary": flowc, "build": "Release", "git": sh("git", "-C", bench, "describe", "--always", "--dirty")},
    "baseline": {"name": "snakemake -n --cores 1 --quiet", "version": sh("snakemake", "--version")},
    "generator": {"seed": DEFAULT_SEED, "tasks_per_workflow": 50, "files_per_workflow": 1},
    "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
}
json.dump(meta, open(out, "w"))
EOF

mkdir -p "$BENCH/results"
"$PYTHON" "$BENCH/check_report.py" "$BENCH/results/check-$DATE.json" "$TMP/meta.json" "$TMP/measured.json"
