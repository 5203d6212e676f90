#!/usr/bin/env python3
"""Summarise a check_bench.sh run: table, ratios, targets, and the JSON results file.

    check_report.py OUT_JSON META_JSON MEASURED_JSON

MEASURED_JSON is measure.py --spec output: results labelled flowc_check_10k,
flowc_check_100k and snakemake_dry_run_10k.
Targets are judged on the best (minimum) wall time of the runs, the figure
least disturbed by other load on a shared machine; medians and CPU time
(user + system) are reported beside it. Exits 0 when every target holds, 1 when one is missed (the results are
written either way). Python 3 standard library only.
"""

import json
import sys

# The targets from the issue.
TARGET_10K_S = 1.0
TARGET_10K_MB = 300.0
TARGET_SCALING = 12.0  # 100k time <= 12 x 10k time
TARGET_VS_SNAKEMAKE = 30.0  # flowc check >= 30 x faster than snakemake -n


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.loads(f.read())


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    out_path, meta_path, measured_path = argv
    meta = load(meta_path)
    measured = {r["label"]: r for r in load(measured_path)}
    f10, f100, sm = measured["flowc_check_10k"], measured["flowc_check_100k"], measured["snakemake_dry_run_10k"]

    scaling = f100["min_s"] / f10["min_s"]
    speedup = sm["min_s"] / f10["min_s"]
    cpu_scaling = f100["median_cpu_s"] / f10["median_cpu_s"]
    cpu_speedup = sm["median_cpu_s"] / f10["median_cpu_s"]
    checks = [
        ("10k tasks: time <= %.1f s" % TARGET_10K_S, f10["min_s"] <= TARGET_10K_S,
         "%.3f s" % f10["min_s"]),
        ("10k tasks: peak RSS <= %d MB" % TARGET_10K_MB, f10["max_rss_mb"] <= TARGET_10K_MB,
         "%.1f MB" % f10["max_rss_mb"]),
        ("100k time <= %d x 10k time" % TARGET_SCALING, scaling <= TARGET_SCALING, "%.2f x" % scaling),
        ("flowc check >= %d x faster than snakemake -n (10k)" % TARGET_VS_SNAKEMAKE,
         speedup >= TARGET_VS_SNAKEMAKE, "%.1f x" % speedup),
        ("flowc check exits 0 on the generated projects (checks clean)",
         f10["exit_codes"] == [0] and f100["exit_codes"] == [0],
         "exit codes %s / %s" % (f10["exit_codes"], f100["exit_codes"])),
    ]

    rows = [("flowc check, 10k tasks", f10), ("flowc check, 100k tasks", f100),
            ("snakemake -n, 10k jobs", sm)]
    print()
    print("%-26s %8s %8s %8s %12s %5s" % ("benchmark", "best s", "median s", "CPU s", "peak RSS MB", "runs"))
    for name, r in rows:
        print("%-26s %8.3f %8.3f %8.3f %12.1f %5d" % (name, r["min_s"], r["median_s"], r["median_cpu_s"],
                                                     r["max_rss_mb"], r["runs"]))
    print()
    print("100k / 10k time ratio:          %.2f x (CPU time: %.2f x)" % (scaling, cpu_scaling))
    print("snakemake -n / flowc check:     %.1f x (CPU time: %.1f x)" % (speedup, cpu_speedup))
    print()
    for name, ok, value in checks:
        print("%-4s %-58s %s" % ("ok" if ok else "MISS", name, value))

    result = dict(meta)
    result["results"] = {"flowc_check_10k": f10, "flowc_check_100k": f100, "snakemake_dry_run_10k": sm}
    result["ratios"] = {"time_100k_over_10k": round(scaling, 3), "snakemake_over_flowc_10k": round(speedup, 2),
                        "cpu_100k_over_10k": round(cpu_scaling, 3), "cpu_snakemake_over_flowc_10k": round(cpu_speedup, 2)}
    result["targets"] = [{"target": n, "met": ok, "measured": v} for n, ok, v in checks]
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print()
    print("results written to %s" % out_path)
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
