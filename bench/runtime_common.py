"""Shared by runtime_bench.py: the benchmark clusters' environment, timing,
statistics, flowc invocation, and parsing of the server log and the state
tables (handoff latency). Python 3 standard library only.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)

import gen_runtime  # noqa: E402
import pgcluster  # noqa: E402

STATE_DB = "flowstate"
TARGET_DB = "warehouse"

# The same server configuration for every benchmark. Durability as shipped
# (fsync, synchronous_commit on); JIT off so that no query pays LLVM
# compilation (it would add a fixed cost to each of the ten single queries of
# the expectation baseline and flatter the batched query).
SERVER_SETTINGS = {
    "shared_preload_libraries": "'pg_stat_statements'",
    "pg_stat_statements.max": "10000",
    "pg_stat_statements.track": "'top'",
    "pg_stat_statements.track_utility": "on",
    "shared_buffers": "'256MB'",
    "max_connections": "200",
    "jit": "off",
    "log_line_prefix": "'%m [%p] %d: '",
    "log_checkpoints": "off",
}


# ---------------------------------------------------------------- utilities

def now_utc():
    return datetime.datetime.now(datetime.timezone.utc)


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[:3]


def percentile(values, p):
    """Linear interpolation between closest ranks (numpy's default)."""
    xs = sorted(values)
    if not xs:
        return None
    k = (len(xs) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def r3(x):
    return None if x is None else round(x, 3)


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
    mem_kb = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 1048576, 1),
            "kernel": platform.release(),
            "os": sh("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME")}


def timed(argv, cwd=None, env=None, log=None):
    """Runs argv; returns (wall s, cpu s of the child, exit code, output)."""
    start = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    text = out.decode("utf-8", "replace")
    if log:
        with open(log, "w") as f:
            f.write(text)
    return wall, usage.ru_utime + usage.ru_stime, p.returncode, text


def find_flowc(explicit):
    for cand in [explicit, os.environ.get("FLOWC"), os.path.join(ROOT, "build-bench/bin/flowc"),
                 os.path.join(ROOT, "build/bin/flowc")]:
        if cand and os.path.exists(cand):
            return os.path.abspath(cand)
    raise SystemExit("no flowc binary: build it (cmake ... && ninja flowc) or set FLOWC")


def build_type(flowc):
    """CMAKE_BUILD_TYPE of the build directory holding bin/flowc, when known."""
    cache = os.path.join(os.path.dirname(os.path.dirname(flowc)), "CMakeCache.txt")
    try:
        with open(cache) as f:
            for line in f:
                if line.startswith("CMAKE_BUILD_TYPE:"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return ""


def flowc_run_available(flowc):
    """`flowc run` exists when --help works and it does not say it is not built."""
    r = subprocess.run([flowc, "run", "--help"], capture_output=True, text=True)
    if r.returncode != 0:
        return False
    probe = subprocess.run([flowc, "run", "/nonexistent-flowc-bench-project"], capture_output=True, text=True)
    return "not built yet" not in (probe.stdout + probe.stderr)


def split_select_list(sql):
    """`select e0, e1, ... from rest` -> ([e0, e1, ...], "from rest"), top-level commas only."""
    m = re.match(r"\s*select\s", sql, re.I)
    assert m, sql
    i, depth, start, exprs = m.end(), 0, m.end(), []
    quote = None
    while i < len(sql):
        c = sql[i]
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth == 0 and c == ",":
            exprs.append(sql[start:i].strip())
            start = i + 1
        elif depth == 0 and re.match(r"\sfrom\s", sql[i:i + 6], re.I):
            exprs.append(sql[start:i].strip())
            return exprs, sql[i:].strip()
        i += 1
    raise ValueError("no top-level FROM in: " + sql)


def condition_metrics(conditions, root):
    """Indexes of the metrics a check's condition tree reads."""
    out, stack = set(), [root]
    while stack:
        c = conditions[stack.pop()]
        if c["kind"] in ("compare", "in_range", "in_list", "change"):
            out.add(c["metric"])
        stack.extend(c.get("operands", []))
    return sorted(out)


# ---------------------------------------------------------------- the cluster

class Env:
    """A temporary directory with a private cluster, a state and a target database."""

    def __init__(self, args, name):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="flowc-rt-%s." % name, dir="/tmp")
        os.chmod(self.tmp, 0o755)
        self.pg = pgcluster.Cluster(os.path.join(self.tmp, "pg"), SERVER_SETTINGS, port=args.port)

    def __enter__(self):
        self.pg.start()
        self.pg.psql("create database %s;\ncreate database %s;\n" % (STATE_DB, TARGET_DB))
        self.pg.psql("create extension if not exists pg_stat_statements;\n")
        return self

    def __exit__(self, *exc):
        self.pg.stop()
        if self.args.keep:
            print("   kept %s" % self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def db_counters(self):
        """{db: (xact_commit, xact_rollback)} once the statistics have settled."""
        sql = ("select datname, xact_commit, xact_rollback from pg_stat_database "
               "where datname in ('%s', '%s')" % (STATE_DB, TARGET_DB))
        prev = None
        for _ in range(40):
            time.sleep(0.25)
            rows = self.pg.psql(sql)
            snap = {}
            for line in rows.strip().splitlines():
                db, c, r = line.split("\t")
                snap[db] = (int(c), int(r))
            if snap == prev:
                return snap
            prev = snap
        return prev

    def wal(self):
        """Cluster-wide (wal_records, wal_sync): WAL records and WAL flushes (fsyncs)."""
        rec, sync = self.pg.value("select wal_records, wal_sync from pg_stat_wal").split("\t")
        return int(rec), int(sync)

    def statements(self):
        """pg_stat_statements of the state and target databases since the last reset."""
        rows = self.pg.psql(
            "select d.datname, s.calls, round(s.total_exec_time::numeric, 3), "
            "left(regexp_replace(s.query, '\\s+', ' ', 'g'), 200) "
            "from pg_stat_statements s join pg_database d on d.oid = s.dbid "
            "where d.datname in ('%s', '%s') order by s.calls desc, s.total_exec_time desc" % (STATE_DB, TARGET_DB))
        out = []
        for line in rows.strip().splitlines():
            db, calls, total, query = line.split("\t", 3)
            out.append({"db": db, "calls": int(calls), "total_ms": float(total), "query": query})
        return out

    def reset_statements(self):
        self.pg.psql("select pg_stat_statements_reset();")


STATE_INDEX = "create index if not exists bench_task_runs_by_index on flow.task_runs (run_id, task_index)"


def maybe_state_index(args, env, section):
    """--state-index (an experiment, not the runtime as shipped): after the
    warm-up run has migrated the state schema, add an index that lets the
    claim statement's dependency check find a task's dependencies by index."""
    if args.state_index:
        env.pg.psql(STATE_INDEX + ";\nanalyze flow.task_runs;\n", db=STATE_DB)
        section["experiment"] = "state database with an extra index: " + STATE_INDEX
        print("   experiment: " + STATE_INDEX)


def section_name(args, name):
    return name + "_with_state_index" if args.state_index else name


def claim_ms(stmts):
    """Execution time of the executors' claim statement (`with candidate as (...`) in the state database."""
    return sum(x["total_ms"] for x in stmts if x["db"] == STATE_DB and x["query"].startswith("with candidate as"))


def flowc_run_argv(flowc, env, project, ds, concurrency=None):
    argv = [flowc, "run", project, "--env", "bench", "--dsn", env.pg.dsn(TARGET_DB),
            "--state-dsn", env.pg.dsn(STATE_DB), "--ds", ds]
    if concurrency:
        argv += ["--concurrency", str(concurrency)]
    return argv


class DsCounter:
    """A fresh logical date for every run, so no two runs share (workflow, ds)."""

    def __init__(self):
        self.day = datetime.date(2026, 1, 1)

    def next(self):
        self.day += datetime.timedelta(days=1)
        return self.day.isoformat()


def last_run(env, workflow):
    out = env.pg.value("select id, status from flow.runs where workflow = '%s' order by id desc limit 1"
                       % workflow, db=STATE_DB)
    if not out:
        return None, None
    rid, status = out.split("\t")
    return int(rid), status


# ---------------------------------------------------------------- log parsing

LOG_RECORD = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (\S+) \[(\d+)\] (\S*): (\w+):  (.*)$")
DURATION = re.compile(r"^duration: (\d+\.\d+) ms  (statement|parse|bind|execute|fastpath)([^:]*): (.*)$", re.S)


def parse_log(text):
    """Records of a server log written with log_line_prefix '%m [%p] %d: ' and
    log_min_duration_statement = 0: dicts with end (s since epoch), start
    (end - duration), pid, db, phase (statement/parse/bind/execute) and sql."""
    records, cur = [], None
    for line in text.splitlines():
        m = LOG_RECORD.match(line)
        if m:
            if cur:
                records.append(cur)
            ts, _tz, pid, db, level, msg = m.groups()
            cur = {"ts": ts, "pid": int(pid), "db": db, "level": level, "msg": msg}
        elif cur is not None:
            cur["msg"] += "\n" + line.lstrip("\t")
    if cur:
        records.append(cur)
    out = []
    for rec in records:
        if rec["level"] != "LOG":
            continue
        d = DURATION.match(rec["msg"])
        if not d:
            continue
        end = datetime.datetime.strptime(rec["ts"], "%Y-%m-%d %H:%M:%S.%f").timestamp()
        dur = float(d.group(1)) / 1000.0
        out.append({"end": end, "start": end - dur, "dur": dur, "pid": rec["pid"], "db": rec["db"],
                    "phase": d.group(2), "sql": d.group(4)})
    return out


def handoffs_from_log(records, n):
    """For each task k >= 1 of the chain: upstream k-1's success committed (end
    of its finish statement, the one calling pg_notify, in the state database)
    -> the downstream's first message on the target database, and -> the first
    message of the downstream's claim (the statement with `skip locked`).
    Also the whole gap on the target: end of `select 1 as t_<k-1>` -> start of
    `select 1 as t_<k>`.

    Records are matched in the order the server wrote them (each is written
    when its message completes, so the file order is causal); times are the
    log's millisecond timestamps, a start being the timestamp minus the
    message's (microsecond) duration."""
    user = {}
    for i, r in enumerate(records):
        if r["db"] == TARGET_DB and r["phase"] in ("statement", "execute"):
            m = re.search(r"select 1 as t_(\d{4})\b", r["sql"])
            if m:
                user[int(m.group(1))] = i
    finishes = [i for i, r in enumerate(records) if r["db"] == STATE_DB and r["phase"] in ("statement", "execute")
                and "pg_notify" in r["sql"]]
    to_target, to_claim, gaps = [], [], []
    fi = 0
    for k in range(1, n):
        up, down = user.get(k - 1), user.get(k)
        if up is None or down is None:
            continue
        gaps.append(records[down]["start"] - records[up]["end"])
        while fi < len(finishes) and finishes[fi] < up:
            fi += 1
        if fi >= len(finishes) or finishes[fi] > down:
            continue
        f = finishes[fi]
        commit = records[f]["end"]
        first_target = next((i for i in range(f + 1, down + 1) if records[i]["db"] == TARGET_DB), None)
        first_claim = next((i for i in range(f + 1, down + 1) if records[i]["db"] == STATE_DB
                            and "skip locked" in records[i]["sql"]), None)
        if first_target is not None:
            to_target.append(records[first_target]["start"] - commit)
        if first_claim is not None:
            to_claim.append(records[first_claim]["start"] - commit)
    return to_target, to_claim, gaps


def dist_ms(values):
    if not values:
        return None
    ms = [v * 1000.0 for v in values]
    return {"count": len(ms), "p50_ms": r3(percentile(ms, 50)), "p90_ms": r3(percentile(ms, 90)),
            "p99_ms": r3(percentile(ms, 99)), "max_ms": r3(max(ms)), "mean_ms": r3(statistics.mean(ms)),
            "min_ms": r3(min(ms))}


def handoffs_from_state(env, run_id):
    """attempts.started_at of task k minus attempts.finished_at of task k-1,
    in ms (microsecond timestamps, each its statement's one clock reading). Exactly
    0 when the finish of k-1 claimed k itself (the hand-off: one statement);
    otherwise the time from the start of the finish to the start of the
    claim statement that took k."""
    rows = env.pg.psql(
        "with a as (select t.task_index, a.started_at, a.finished_at from flow.attempts a "
        "join flow.task_runs t on t.run_id = a.run_id and t.task = a.task where a.run_id = %d) "
        "select extract(epoch from d.started_at - u.finished_at) from a d join a u on u.task_index = d.task_index - 1 "
        "order by d.task_index" % run_id, db=STATE_DB)
    return [float(x) for x in rows.split()]


# ---------------------------------------------------------------- benchmarks

