#!/usr/bin/env bash
# Every benchmark, in order (`make bench`). Each writes bench/results/<name>-<date>.json.
# Later benchmarks append a line here. Exits non-zero if any benchmark misses a target.
set -uo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
status=0
"$BENCH/check_bench.sh" || status=1
"$BENCH/run_runtime.sh" || status=1
exit $status
