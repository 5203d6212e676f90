#!/usr/bin/env python3
"""Generate the Snakemake equivalent of gen_project.py's DAG, for `snakemake -n`.

    gen_snakemake.py N OUT_DIR [--tasks-per-workflow M] [--seed S]

One rule per task; a task's `${...}` dependencies become its input files and
its table becomes its output file. Sources are input files that already exist
(created empty under OUT_DIR/data/raw), as a source table exists before a run.
`rule all` asks for every published (sink) task, so the dry run schedules all
N jobs. Same seed and M as gen_project.py give the same graph.
Python 3 standard library only.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_project import DEFAULT_SEED, build_dag  # noqa: E402


def node_path(wf, name, sources):
    if name in sources:
        return "data/raw/%s_%s.tbl" % (wf.name, name)
    return "data/%s/%s.tbl" % (wf.name, name)


def render(workflows):
    out = []
    sinks = []
    for wf in workflows:
        for task in wf.tasks:
            if task.publish:
                sinks.append('"%s"' % node_path(wf, task.name, set()))
    out.append("rule all:")
    out.append("    input:")
    for s in sinks:
        out.append("        %s," % s)
    out.append("")
    for wf in workflows:
        sources = {s.name for s in wf.sources}
        for task in wf.tasks:
            out.append("rule %s_%s:" % (wf.name, task.name))
            out.append("    input:")
            for dep in task.deps:
                out.append('        "%s",' % node_path(wf, dep, sources))
            out.append('    output: "%s"' % node_path(wf, task.name, sources))
            out.append('    shell: "touch {output}"')
            out.append("")
    return "\n".join(out)


def generate(n, out_dir, tasks_per_workflow=50, seed=DEFAULT_SEED):
    """Writes OUT_DIR/Snakefile and the source files; returns the job count."""
    workflows = build_dag(n, tasks_per_workflow, 1, seed)
    os.makedirs(os.path.join(out_dir, "data", "raw"), exist_ok=True)
    for wf in workflows:
        for src in wf.sources:
            open(os.path.join(out_dir, node_path(wf, src.name, {src.name})), "w").close()
    with open(os.path.join(out_dir, "Snakefile"), "w", encoding="utf-8", newline="\n") as f:
        f.write(render(workflows))
    return sum(len(wf.tasks) for wf in workflows)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int, help="number of jobs (tasks)")
    p.add_argument("out_dir")
    p.add_argument("--tasks-per-workflow", type=int, default=50, metavar="M")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    a = p.parse_args(argv)
    if a.n < 1 or a.tasks_per_workflow < 1:
        p.error("N and M must be positive")
    jobs = generate(a.n, a.out_dir, a.tasks_per_workflow, a.seed)
    print("%d jobs -> %s/Snakefile" % (jobs, a.out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
