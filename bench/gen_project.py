#!/usr/bin/env python3
"""Generate a deterministic synthetic .flow project for benchmarking `flowc check`.

    gen_project.py N OUT_DIR [--tasks-per-workflow M] [--files-per-workflow K] [--seed S]

N tasks are spread over ceil(N / M) workflows, one `.flow` file per workflow
(a workflow block cannot span files). Each workflow has a few sources with a
`ready` condition and M tasks whose SQL text blocks reference 1-3 earlier tasks
or sources of the same workflow through `${...}`, so the graph is acyclic by
construction. Every task writes its own table, uses an idempotent write mode
and carries two expectations; tasks nothing reads are `publish = true`. The
project is meant to check clean, warnings included.

--files-per-workflow K: besides the workflow's `.flow` file, K - 1 of its tasks
take their SQL from a `sql/<workflow>/<task>.sql` file beside the workflow's
file, read through `file("...")` (paths are relative to the `.flow` file)
(default K = 1: all SQL inline).

The same seed always yields byte-identical output; gen_snakemake.py imports
build_dag() from here so both generators describe the same graph.
Python 3 standard library only.
"""

import argparse
import os
import random
import sys

DEFAULT_SEED = 20261124
ROUTES = ["analytics_oncall", "platform_oncall", "finance_oncall", "growth_oncall"]
OWNERS = ["analytics-eng", "platform-eng", "finance-data", "growth-data"]
TIMEZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"]


class Node:
    """One source or task of a workflow."""

    def __init__(self, name, kind, table):
        self.name = name
        self.kind = kind  # "source" or "task"
        self.table = table
        self.deps = []  # names of upstream nodes in the same workflow
        self.mode = None
        self.expects = []
        self.sql_file = None  # relative path when the SQL lives in its own file
        self.publish = False


class Workflow:
    def __init__(self, index, name):
        self.index = index
        self.name = name
        self.sources = []
        self.tasks = []


def workflow_sizes(n, per_workflow):
    """Task counts per workflow: full workflows of `per_workflow`, remainder last."""
    sizes = [per_workflow] * (n // per_workflow)
    if n % per_workflow:
        sizes.append(n % per_workflow)
    return sizes


def pick_mode(rng):
    r = rng.random()
    if r < 0.6:
        return "overwrite_partition(ds)"
    if r < 0.9:
        return "replace"
    return "merge(key = [ds, id])"


EXPECTATIONS = [
    "expect unique(id)",
    "expect row_count() > 0",
    "expect not_null(id, ds)",
    "expect row_count() in 1 .. 10_000_000",
    "expect null_rate(value) < 5% else warn",
    "expect row_count() change < 30% else warn",
]


def build_dag(n, tasks_per_workflow=50, files_per_workflow=1, seed=DEFAULT_SEED):
    """The whole project as a list of Workflow, deterministic for a seed."""
    rng = random.Random(seed)
    workflows = []
    for w, size in enumerate(workflow_sizes(n, tasks_per_workflow)):
        wf = Workflow(w, "wf_%05d" % w)
        source_count = max(1, size // 10)
        for s in range(source_count):
            name = "src_%d" % s
            wf.sources.append(Node(name, "source", "raw.w%05d_src_%d" % (w, s)))
        for t in range(size):
            task = Node("t_%04d" % t, "task", "bench.w%05d_t_%04d" % (w, t))
            upstream = [src.name for src in wf.sources] + [x.name for x in wf.tasks]
            # Each source is read by the task of the same index, so no source is
            # unused; the rest draw mostly from recent tasks to get depth.
            if t < source_count:
                deps = [wf.sources[t].name]
            else:
                deps = []
            want = rng.randint(1, 3)
            while len(deps) < min(want, len(upstream)):
                if wf.tasks and rng.random() < 0.75:
                    lo = max(0, len(wf.tasks) - 8)
                    cand = wf.tasks[rng.randint(lo, len(wf.tasks) - 1)].name
                else:
                    cand = upstream[rng.randint(0, len(upstream) - 1)]
                if cand not in deps:
                    deps.append(cand)
            task.deps = deps
            task.mode = pick_mode(rng)
            first = rng.randint(0, 1)
            second = rng.randint(2, len(EXPECTATIONS) - 1)
            task.expects = [EXPECTATIONS[first], EXPECTATIONS[second]]
            if t < files_per_workflow - 1:
                task.sql_file = "sql/%s/%s.sql" % (wf.name, task.name)
            wf.tasks.append(task)
        read = {d for task in wf.tasks for d in task.deps}
        for task in wf.tasks:
            task.publish = task.name not in read
        workflows.append(wf)
    return workflows


def sql_text(task):
    """A select over the task's upstream nodes, all referenced through ${}."""
    lines = ["select ds, id, value"]
    lines.append("from ${%s} as u0" % task.deps[0])
    for i, dep in enumerate(task.deps[1:], start=1):
        lines.append("join ${%s} as u%d using (ds, id)" % (dep, i))
    if task.mode.startswith("overwrite_partition"):
        lines.append("where u0.ds = ${ds}")
    return lines


def render_workflow(wf, rng):
    out = []
    route = ROUTES[wf.index % len(ROUTES)]
    owner = OWNERS[wf.index % len(OWNERS)]
    tz = TIMEZONES[wf.index % len(TIMEZONES)]
    out.append("## Synthetic workflow %d (%d tasks, %d sources)." % (wf.index, len(wf.tasks), len(wf.sources)))
    out.append("workflow %s {" % wf.name)
    out.append('  owner       = "%s"' % owner)
    out.append("  target      = warehouse")
    out.append('  schedule    = cron("%d %d * * *", tz = "%s")' % (rng.randint(0, 59), rng.randint(0, 23), tz))
    out.append("  concurrency = %d" % rng.randint(1, 8))
    out.append("  on_failure  = alert(%s, severity = high)" % route)
    out.append("  on_warning  = alert(%s, severity = low)" % route)
    if wf.index % 2 == 0:
        out.append("  retry       = retry(2, backoff = exponential(30s, max = 10m))")
    out.append("  timeout     = 30m")
    out.append("")
    out.append("  param ds: date = logical_date")
    for src in wf.sources:
        out.append("")
        out.append("  source %s {" % src.name)
        out.append('    table = "%s"' % src.table)
        if rng.random() < 0.5:
            out.append("    ready = partition_exists(ds) and freshness(loaded_at) < 2h")
        else:
            out.append("    ready = row_count() > 0")
        out.append("    wait  = 3h")
        out.append("    poll  = 5m")
        out.append("    expect not_null(id)")
        out.append("  }")
    for task in wf.tasks:
        out.append("")
        out.append("  task %s {" % task.name)
        out.append('    writes = "%s"' % task.table)
        out.append("    mode   = %s" % task.mode)
        if task.sql_file:
            out.append('    sql    = file("%s")' % task.sql_file)
        else:
            out.append('    sql    = """')
            for line in sql_text(task):
                out.append("      " + line)
            out.append('    """')
        if task.publish:
            out.append("    publish = true")
        for e in task.expects:
            out.append("    " + e)
        out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


HEADER = """\
project bench {
  default_target = warehouse
  state_schema   = "flow"
}
"""

COMMON = """\
## The warehouse every synthetic workflow writes to.
target warehouse {
  dsn    = env("WAREHOUSE_DSN")
  schema = "analytics"
  environment dev { schema_suffix = "_dev" }
}
"""


def render_route(name, owner):
    return (
        "route %s {\n"
        '  owner        = "%s"\n'
        "  notify       = [stderr()]\n"
        "  min_severity = high\n"
        "  repeat       = 4h\n"
        "}\n" % (name, owner)
    )


def write_file(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def generate(n, out_dir, tasks_per_workflow=50, files_per_workflow=1, seed=DEFAULT_SEED):
    """Writes the project; returns (workflow count, task count, file count)."""
    workflows = build_dag(n, tasks_per_workflow, files_per_workflow, seed)
    # A second generator for presentation choices keeps build_dag's stream
    # identical to what gen_snakemake.py sees.
    rng = random.Random(seed + 1)
    files = 0
    write_file(os.path.join(out_dir, "flow.project"), HEADER)
    common = COMMON + "\n" + "\n".join(render_route(r, o) for r, o in zip(ROUTES, OWNERS))
    write_file(os.path.join(out_dir, "common.flow"), common)
    files += 2
    for wf in workflows:
        sub = os.path.join(out_dir, "workflows", "wf_%03d" % (wf.index // 100))  # <= 100 workflows per directory
        write_file(os.path.join(sub, wf.name + ".flow"), render_workflow(wf, rng))
        files += 1
        for task in wf.tasks:
            if task.sql_file:
                write_file(os.path.join(sub, task.sql_file), "\n".join(sql_text(task)) + "\n")
                files += 1
    return len(workflows), sum(len(w.tasks) for w in workflows), files


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int, help="number of tasks")
    p.add_argument("out_dir")
    p.add_argument("--tasks-per-workflow", type=int, default=50, metavar="M")
    p.add_argument("--files-per-workflow", type=int, default=1, metavar="K",
                   help="files per workflow: its .flow file plus K-1 external .sql files")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    a = p.parse_args(argv)
    if a.n < 1 or a.tasks_per_workflow < 1 or a.files_per_workflow < 1:
        p.error("N, M and K must be positive")
    if os.path.exists(a.out_dir) and os.listdir(a.out_dir):
        p.error("%s exists and is not empty" % a.out_dir)
    wfs, tasks, files = generate(a.n, a.out_dir, a.tasks_per_workflow, a.files_per_workflow, a.seed)
    print("%d tasks in %d workflows, %d files -> %s" % (tasks, wfs, files, a.out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
