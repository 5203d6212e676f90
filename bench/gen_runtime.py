#!/usr/bin/env python3
"""Generate the projects (and their baselines) of the runtime benchmarks.

    gen_runtime.py chain N OUT_DIR            # N SQL tasks in a chain, mode none, `select 1 as t_<k>`
    gen_runtime.py commands L W OUT_DIR       # L layers of W command tasks `true`, plus build.ninja
    gen_runtime.py expectations ROWS OUT_DIR  # two tasks writing ROWS rows, 10 expectations each

chain: `flow.project` + `chain.flow` (workflow `chain`: task t_<k> runs
`select 1 as t_<k>` with `mode = none` and `after = [t_<k-1>]`), and
`baseline.sql`, the same N statements for one `psql -f` session. Each
statement names its task in a column alias so the server log says which task
a statement belongs to; the baseline sends exactly the same texts.

commands: workflow `commands`: task c_<l>_<i> runs `command(["true"])` with
`after = [c_<l-1>_<i>]` for l > 0 (W independent chains of L tasks, i.e. a
DAG L layers deep and W wide); `build.ninja` has the same L*W edges running
`true` with the same dependencies (ninja's outputs are never created, so
every invocation runs all of them).

expectations: workflow `expectations`, tasks `facts` and `facts_scan` (mode
replace), each building the same ROWS-row table from generate_series, each
with 10 expectations (EXPECTATION_SETS); `flowc plan --format json` of it
holds their batched metric queries.

Deterministic (no randomness). Python 3 standard library only.
"""

import os
import sys

PROJECT = """\
project {name} {{
  default_target = warehouse
  state_schema   = "flow"
}}
"""

COMMON = """\
## The benchmark database (`flowc run --dsn ...` points it at the benchmark's cluster).
target warehouse {
  dsn    = env("WAREHOUSE_DSN")
  schema = "bench"
  # The workflows stay in stage `model`, which runs only outside production:
  # the benchmarks run with `--env bench`, on schema `bench_bench`.
  environment bench { schema_suffix = "_bench" }
}

route ops {
  owner  = "bench"
  notify = [stderr()]
}
"""

WORKFLOW_HEAD = """\
workflow {name} {{
  owner       = "bench"
  target      = warehouse
  concurrency = {concurrency}
  on_failure  = alert(ops, severity = high)

  param ds: date = logical_date
"""


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def chain_statement(k):
    return "select 1 as t_%04d" % k


def gen_chain(n, out):
    parts = [WORKFLOW_HEAD.format(name="chain", concurrency=1)]
    for k in range(n):
        parts.append("\n  task t_%04d {\n    mode = none\n" % k)
        if k:
            parts.append("    after = [t_%04d]\n" % (k - 1))
        parts.append('    sql  = "%s"\n  }\n' % chain_statement(k))
    parts.append("}\n")
    write(os.path.join(out, "flow.project"), PROJECT.format(name="chain_bench"))
    write(os.path.join(out, "common.flow"), COMMON)
    write(os.path.join(out, "chain.flow"), "".join(parts))
    write(os.path.join(out, "baseline.sql"), "".join(chain_statement(k) + ";\n" for k in range(n)))


def command_name(layer, i):
    return "c_%02d_%03d" % (layer, i)


def gen_commands(layers, width, out, concurrency=4):
    parts = [WORKFLOW_HEAD.format(name="commands", concurrency=concurrency)]
    ninja = ["# %d layers of %d commands, each after one command of the previous layer\n" % (layers, width),
             "rule run\n  command = true\n\n"]
    for layer in range(layers):
        for i in range(width):
            name = command_name(layer, i)
            parts.append("\n  task %s {\n    run = command([\"true\"])\n" % name)
            if layer:
                parts.append("    after = [%s]\n" % command_name(layer - 1, i))
                ninja.append("build %s: run %s\n" % (name, command_name(layer - 1, i)))
            else:
                ninja.append("build %s: run\n" % name)
            parts.append("  }\n")
    parts.append("}\n")
    write(os.path.join(out, "flow.project"), PROJECT.format(name="commands_bench"))
    write(os.path.join(out, "common.flow"), COMMON)
    write(os.path.join(out, "commands.flow"), "".join(parts))
    write(os.path.join(out, "build.ninja"), "".join(ninja))


# Two sets of 10 expectations. `facts`: a typical mix, with the two that
# need a sort or hash of the column (unique, distinct_count). `facts_scan`:
# ten whose aggregates are computed in the scan itself (no distinct).
EXPECTATION_SETS = {
    "facts": [
        "expect unique(id)",
        "expect not_null(id, region)",
        "expect row_count() in 1 .. 10_000_000",
        'expect accepted_values(region, ["emea", "amer", "apac"])',
        "expect null_rate(discount) < 5% else warn",
        "expect distinct_count(customer_id) > 100",
        "expect min(amount) >= 0",
        "expect max(amount) < 10_000",
        "expect avg(amount) in 100 .. 1000",
        "expect freshness(loaded_at) < 2h",
    ],
    "facts_scan": [
        "expect not_null(id)",
        "expect not_null(region)",
        "expect row_count() in 1 .. 10_000_000",
        'expect accepted_values(region, ["emea", "amer", "apac"])',
        "expect null_rate(discount) < 5% else warn",
        "expect min(amount) >= 0",
        "expect max(amount) < 10_000",
        "expect avg(amount) in 100 .. 1000",
        "expect sum(amount) > 0",
        "expect freshness(loaded_at) < 2h",
    ],
}


def facts_select(rows):
    return """\
select g as id,
       g % 1000 as customer_id,
       (array['emea', 'amer', 'apac'])[1 + g % 3] as region,
       (g % 997) * 1.5 as amount,
       case when g % 50 = 0 then null else (g % 7) * 0.5 end as discount,
       now() - make_interval(secs => g % 3600) as loaded_at
from generate_series(1, {rows}) as g""".format(rows=rows)


def gen_expectations(rows, out):
    body = "\n".join("      " + line for line in facts_select(rows).split("\n"))
    text = WORKFLOW_HEAD.format(name="expectations", concurrency=1)
    for task, expectations in EXPECTATION_SETS.items():
        text += """
  task %s {
    writes  = "bench.%s"
    mode    = replace
    publish = true
    sql     = \"\"\"
%s
    \"\"\"
%s  }
""" % (task, task, body, "".join("    %s\n" % e for e in expectations))
    text += "}\n"
    write(os.path.join(out, "flow.project"), PROJECT.format(name="expectations_bench"))
    write(os.path.join(out, "common.flow"), COMMON)
    write(os.path.join(out, "expectations.flow"), text)


def main(argv):
    usage = __doc__.split("\n\n")[1]
    if len(argv) == 3 and argv[0] == "chain":
        gen_chain(int(argv[1]), argv[2])
    elif len(argv) == 4 and argv[0] == "commands":
        gen_commands(int(argv[1]), int(argv[2]), argv[3])
    elif len(argv) == 3 and argv[0] == "expectations":
        gen_expectations(int(argv[1]), argv[2])
    else:
        sys.stderr.write("usage:\n" + usage + "\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
