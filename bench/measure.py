#!/usr/bin/env python3
"""Run a command several times; print one JSON object with its wall times and peak RSS.

    measure.py [--runs R] [--warmup W] [--cwd DIR] [--label L] -- CMD [ARG...]

Wall time comes from time.perf_counter around fork/exec/wait; CPU time
(user + system) and peak RSS are the child's own ru_utime + ru_stime and
ru_maxrss as returned by wait4 (so it is exact per run, unlike
RUSAGE_CHILDREN, which is a running maximum). The command's output is
discarded. Warm-up runs (default 1) warm the page cache and are not reported.
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


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--cwd")
    p.add_argument("--label", default="")
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args(argv)
    cmd = a.command[1:] if a.command and a.command[0] == "--" else a.command
    if not cmd or a.runs < 1:
        p.error("a command and --runs >= 1 are required")
    for _ in range(a.warmup):
        run_once(cmd, a.cwd)
    times, cpus, rss, codes = [], [], [], []
    for _ in range(a.runs):
        t, u, m, c = run_once(cmd, a.cwd)
        times.append(t)
        cpus.append(u)
        rss.append(m)
        codes.append(c)
    result = {
        "label": a.label,
        "command": cmd,
        "runs": a.runs,
        "times_s": [round(t, 4) for t in times],
        "median_s": round(statistics.median(times), 4),
        "min_s": round(min(times), 4),
        "cpu_s": [round(u, 4) for u in cpus],
        "median_cpu_s": round(statistics.median(cpus), 4),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "max_rss_mb": round(max(rss) / 1024.0, 1),
        "exit_codes": sorted(set(codes)),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
