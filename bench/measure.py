#!/usr/bin/env python3
"""Run commands several times; print their wall times, CPU times and peak RSS as JSON.

    measure.py [--runs R] [--warmup W] [--cwd DIR] [--label L] -- CMD [ARG...]
    measure.py --spec SPEC.json

The first form measures one command and prints one JSON object. The second
measures several commands *interleaved*: round k runs the k-th repetition of
every command before any command's (k+1)-th, so on a shared machine every
command sees the same background load and ratios between them stay fair.
SPEC.json is a list of {"label", "argv", "runs", "cwd" (optional)}; the output
is a JSON list of result objects in the same order. A command with fewer runs
simply drops out of later rounds.

Wall time comes from time.perf_counter around fork/exec/wait; CPU time
(user + system) and peak RSS are the child's own ru_utime + ru_stime and
ru_maxrss as returned by wait4 (exact per run, unlike RUSAGE_CHILDREN, which
is a running maximum). The command's output is discarded. Warm-up runs
(default 1 per command) warm the page cache and are not reported.
Python 3 standard library only.
"""

import argparse
import json
import os
import statistics
import sys
import time


def run_once(argv, cwd):
    """Returns (wall seconds, cpu seconds, max_rss_kb, exit_code) for one run of argv."""
    devnull = os.open(os.devnull, os.O_RDWR)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # child
        try:
            if cwd:
                os.chdir(cwd)
            os.dup2(devnull, 0)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    os.close(devnull)
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def measure(specs, warmup):
    """Runs every spec interleaved; returns one result dict per spec."""
    for spec in specs:
        for _ in range(warmup):
            run_once(spec["argv"], spec.get("cwd"))
    samples = [{"wall": [], "cpu": [], "rss": [], "codes": [], "load": []} for _ in specs]
    for k in range(max(spec["runs"] for spec in specs)):
        for spec, sample in zip(specs, samples):
            if k >= spec["runs"]:
                continue
            sample["load"].append(os.getloadavg()[0])
            t, u, m, c = run_once(spec["argv"], spec.get("cwd"))
            sample["wall"].append(t)
            sample["cpu"].append(u)
            sample["rss"].append(m)
            sample["codes"].append(c)
    results = []
    for spec, s in zip(specs, samples):
        results.append({
            "label": spec.get("label", ""),
            "command": spec["argv"],
            "runs": spec["runs"],
            "times_s": [round(t, 4) for t in s["wall"]],
            "median_s": round(statistics.median(s["wall"]), 4),
            "min_s": round(min(s["wall"]), 4),
            "cpu_s": [round(u, 4) for u in s["cpu"]],
            "median_cpu_s": round(statistics.median(s["cpu"]), 4),
            "min_cpu_s": round(min(s["cpu"]), 4),
            "load_average_1m": [round(x, 2) for x in s["load"]],
            "max_rss_mb": round(max(s["rss"]) / 1024.0, 1),
            "exit_codes": sorted(set(s["codes"])),
        })
    return results


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--cwd")
    p.add_argument("--label", default="")
    p.add_argument("--spec", help="JSON list of commands to measure interleaved")
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args(argv)
    if a.spec:
        with open(a.spec, encoding="utf-8") as f:
            specs = json.load(f)
        if not specs or any(s.get("runs", 0) < 1 or not s.get("argv") for s in specs):
            p.error("every spec needs argv and runs >= 1")
        print(json.dumps(measure(specs, a.warmup)))
        return 0
    cmd = a.command[1:] if a.command and a.command[0] == "--" else a.command
    if not cmd or a.runs < 1:
        p.error("a command and --runs >= 1 are required")
    print(json.dumps(measure([{"label": a.label, "argv": cmd, "runs": a.runs, "cwd": a.cwd}], a.warmup)[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
