#!/usr/bin/env python3
"""The runtime benchmarks of issue 3, each against a baseline measured in the same run.

    runtime_bench.py [--flowc PATH] [--runs R] [--keep] [overhead] [expectations] [commands]

overhead      1,000 SQL tasks `select 1` (mode none) in a chain, `flowc run`, against
              the same 1,000 statements through one `psql -f` session: wall times,
              ratio, bookkeeping commits and statements per task (pg_stat_database,
              pg_stat_statements), and the handoff latency (upstream's success
              committed -> downstream's first statement) from a traced run
              (log_min_duration_statement = 0) and from the state tables.
expectations  10 expectations on a 1,000,000-row table: the batched metric query,
              exactly as `flowc plan --format json` prints it, against one query
              per expectation (the same aggregates), interleaved in one psql
              session with \\timing; EXPLAIN of the batched query.
commands      1,000 command tasks `true`, 10 layers of 100 (each after one task of
              the previous layer), `flowc run --concurrency N`, against
              `ninja -j N` on the same DAG.

With no benchmark named, all three run. Each benchmark generates its project
into a temporary directory and starts its own PostgreSQL cluster there
(pgcluster.py: Unix socket only, as the `postgres` user when run as root,
pg_stat_statements preloaded), which it stops at the end. Results go to
bench/results/runtime-<date>.json (sections of benchmarks not run this time
are kept from an earlier run of the same day); a summary is printed. Exits 1
when a target is missed or a benchmark could not run.

Env: FLOWC (default: build-bench/bin/flowc, else build/bin/flowc), PG_BIN.
Python 3 standard library only (plus psql, and ninja for `commands`).
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
import gen_runtime  # noqa: E402
import pgcluster  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from runtime_common import *  # noqa: E402,F401,F403  (helpers, Env, log parsing)

def warm_up(args, env, flowc, proj, ds, section, result, name, concurrency=None):
    """One `flowc run` before the measured ones (migrations, caches); on
    failure the section records why and False is returned."""
    _, _, code, out = timed(flowc_run_argv(flowc, env, proj, ds.next(), concurrency), cwd=proj,
                            log=os.path.join(env.tmp, "warmup.out"))
    if code != 0:
        section["error"] = "warm-up flowc run exited %d: %s" % (code, out[-2000:])
        print("   " + section["error"])
        result[section_name(args, name)] = section
    return code == 0


def bench_overhead(args, flowc, result):
    n = args.tasks
    print("== overhead and handoff: a chain of %d SQL tasks `select 1` (mode none), %d runs" % (n, args.runs))
    with Env(args, "chain") as env:
        proj = os.path.join(env.tmp, "chain")
        gen_runtime.gen_chain(n, proj)
        baseline = os.path.join(proj, "baseline.sql")
        ds = DsCounter()
        section = {"tasks": n, "runs": args.runs, "load_at_start": loadavg(),
                   "state_database": STATE_DB, "target_database": TARGET_DB,
                   "note": "state and target are two databases of the same cluster; fsync and synchronous_commit on"}

        # the compile step alone, for scale: `flowc run` starts with it
        plan_times = []
        for _ in range(3):
            w, c, code, out = timed([flowc, "plan", proj, "--format", "json", "--ds", "2026-11-24"])
            plan_times.append(w)
        size = len(subprocess.run([flowc, "plan", proj, "--format", "json", "--ds", "2026-11-24"],
                                  capture_output=True).stdout)
        section["flowc_plan_json"] = {"best_s": r3(min(plan_times)), "median_s": r3(statistics.median(plan_times)),
                                      "bytes": size}

        psql_argv = env.pg.psql_argv(TARGET_DB) + ["-o", "/dev/null", "-f", baseline]
        # warm-up: migrations, caches
        if not warm_up(args, env, flowc, proj, ds, section, result, "overhead"):
            return False
        timed(psql_argv)
        maybe_state_index(args, env, section)

        runs = []
        for k in range(args.runs):
            load = os.getloadavg()[0]
            bw, bc, bcode, _ = timed(psql_argv)
            env.reset_statements()
            before = env.db_counters()
            wal_before = env.wal()
            d = ds.next()
            fw, fc, fcode, fout = timed(flowc_run_argv(flowc, env, proj, d), cwd=proj,
                                        log=os.path.join(env.tmp, "run-%d.out" % k))
            after = env.db_counters()
            wal_after = env.wal()
            stmts = env.statements()
            rid, status = last_run(env, "chain")
            hand = handoffs_from_state(env, rid) if rid else []
            done = int(env.pg.value("select count(*) from flow.task_runs where run_id = %d and state = 'succeeded'"
                                    % rid, db=STATE_DB)) if rid else 0
            per_db = {}
            for db in (STATE_DB, TARGET_DB):
                commits = after[db][0] - before[db][0]
                rollbacks = after[db][1] - before[db][1]
                calls = sum(s["calls"] for s in stmts if s["db"] == db)
                per_db[db] = {"commits": commits, "rollbacks": rollbacks, "statements": calls,
                              "commits_per_task": r3(commits / n), "statements_per_task": r3(calls / n)}
            run = {"ds": d, "run_id": rid, "status": status, "exit_code": fcode, "tasks_succeeded": done,
                   "flowc_wall_s": r3(fw), "flowc_cpu_s": r3(fc), "psql_wall_s": r3(bw), "psql_cpu_s": r3(bc),
                   "psql_exit_code": bcode, "load_1m": round(load, 2), "databases": per_db,
                   "cluster_wal": {"records": wal_after[0] - wal_before[0], "flushes": wal_after[1] - wal_before[1],
                                   "flushes_per_task": r3((wal_after[1] - wal_before[1]) / n)},
                   "handoff_state_tables": dist_ms(hand),
                   "handed_over_in_finish": sum(1 for h in hand if h == 0.0), "handoffs": len(hand),
                   "state_db_exec_ms": round(sum(x["total_ms"] for x in stmts if x["db"] == STATE_DB), 1),
                   "claim_exec_ms": round(claim_ms(stmts), 1),
                   "top_statements": stmts[:25]}
            runs.append(run)
            print("   run %d: flowc run %.2f s (exit %d, %s, %d/%d succeeded), psql -f %.3f s; "
                  "state db %.2f commits, %.2f statements per task; %.2f WAL flushes per task; "
                  "claims executed for %.1f s" % (
                      k + 1, fw, fcode, status, done, n, bw, per_db[STATE_DB]["commits_per_task"],
                      per_db[STATE_DB]["statements_per_task"], run["cluster_wal"]["flushes_per_task"],
                      run["claim_exec_ms"] / 1000))
            if fcode != 0:
                print("   flowc run output (tail):\n" + fout[-1500:])
        section["runs_detail"] = runs
        ok_runs = [r for r in runs if r["exit_code"] == 0 and r["status"] == "succeeded"]
        if not ok_runs:
            section["error"] = "no flowc run succeeded"
            result[section_name(args, "overhead")] = section
            return False
        fws = [r["flowc_wall_s"] for r in ok_runs]
        bws = [r["psql_wall_s"] for r in runs]
        st = [r["databases"][STATE_DB] for r in ok_runs]
        tg = [r["databases"][TARGET_DB] for r in ok_runs]
        section["summary"] = {
            "flowc_run_wall_s": {"median": r3(statistics.median(fws)), "best": r3(min(fws))},
            "psql_wall_s": {"median": r3(statistics.median(bws)), "best": r3(min(bws))},
            "ratio_median": round(statistics.median(fws) / statistics.median(bws), 1),
            "ratio_best": round(min(fws) / min(bws), 1),
            "overhead_per_task_ms": r3((statistics.median(fws) - statistics.median(bws)) * 1000 / n),
            "state_commits_per_task": r3(statistics.median([s["commits_per_task"] for s in st])),
            "state_statements_per_task": r3(statistics.median([s["statements_per_task"] for s in st])),
            "target_commits_per_task": r3(statistics.median([s["commits_per_task"] for s in tg])),
            "target_statements_per_task": r3(statistics.median([s["statements_per_task"] for s in tg])),
            "wal_flushes_per_task": r3(statistics.median([r["cluster_wal"]["flushes_per_task"] for r in ok_runs])),
            "handed_over_in_finish": "%d of %d" % (sum(r["handed_over_in_finish"] for r in ok_runs),
                                                   sum(r["handoffs"] for r in ok_runs)),
        }

        # One traced run: every protocol message logged with its duration.
        env.pg.set(log_min_duration_statement="0")
        start = env.pg.log_size()
        d = ds.next()
        tw, _, tcode, _ = timed(flowc_run_argv(flowc, env, proj, d), cwd=proj,
                                log=os.path.join(env.tmp, "traced.out"))
        env.pg.set(log_min_duration_statement="-1")
        records = parse_log(env.pg.read_log(start))
        to_target, to_claim, gaps = handoffs_from_log(records, n)
        rid, status = last_run(env, "chain")
        msgs = {}
        for r in records:
            if r["db"] in (STATE_DB, TARGET_DB):
                key = "%s %s" % (r["db"], r["phase"])
                msgs[key] = msgs.get(key, 0) + 1
        section["traced_run"] = {
            "ds": d, "run_id": rid, "status": status, "exit_code": tcode, "wall_s": r3(tw),
            "protocol_messages": msgs,
            "protocol_messages_per_task": {k: r3(v / n) for k, v in msgs.items()},
            "handoff_commit_to_downstream_target_statement": dist_ms(to_target),
            "handoff_commit_to_downstream_claim": dist_ms(to_claim),
            "gap_upstream_statement_end_to_downstream_statement_start": dist_ms(gaps),
            "timestamp_resolution_ms": 1,
        }
        hand_all = [r["handoff_state_tables"] for r in ok_runs if r["handoff_state_tables"]]
        section["summary"]["handoff_log_p50_ms"] = (section["traced_run"]["handoff_commit_to_downstream_target_statement"]
                                                    or {}).get("p50_ms")
        section["summary"]["handoff_log_p99_ms"] = (section["traced_run"]["handoff_commit_to_downstream_target_statement"]
                                                    or {}).get("p99_ms")
        section["summary"]["handoff_state_p50_ms"] = r3(statistics.median([h["p50_ms"] for h in hand_all])) if hand_all else None
        section["summary"]["handoff_state_p99_ms"] = r3(statistics.median([h["p99_ms"] for h in hand_all])) if hand_all else None
        s = section["summary"]
        section["targets"] = {
            "bookkeeping_commits_per_task_le_2": s["state_commits_per_task"] <= 2,
            "bookkeeping_round_trips_per_task_le_4": s["state_statements_per_task"] <= 4,
            "handoff_p50_le_5ms": s["handoff_log_p50_ms"] is not None and s["handoff_log_p50_ms"] <= 5,
            "handoff_p99_le_25ms": s["handoff_log_p99_ms"] is not None and s["handoff_log_p99_ms"] <= 25,
        }
        section["load_at_end"] = loadavg()
        result[section_name(args, "overhead")] = section
        print("   flowc run median %.2f s vs psql -f %.3f s: %.1f x; %.3f ms of overhead per task" % (
            statistics.median(fws), statistics.median(bws), s["ratio_median"], s["overhead_per_task_ms"]))
        print("   bookkeeping per task (state db): %.2f commits, %.2f statements; target db: %.2f commits, %.2f statements"
              % (s["state_commits_per_task"], s["state_statements_per_task"], s["target_commits_per_task"],
                 s["target_statements_per_task"]))
        mean = (section["traced_run"]["handoff_commit_to_downstream_target_statement"] or {}).get("mean_ms")
        print("   handoff (log, commit -> downstream's first target statement; 1 ms timestamps): p50 %s ms, "
              "p99 %s ms, mean %s ms; handed over inside the finish statement: %s" % (
                  s["handoff_log_p50_ms"], s["handoff_log_p99_ms"], mean, s["handed_over_in_finish"]))
        return all(section["targets"].values())


def measure_expectation_set(args, env, task):
    """One task's batched metric query against one query per expectation."""
    mq = task["metrics"]
    batched = mq["statement"]["sql"]
    if mq["statement"]["params"]:
        raise SystemExit("the benchmark expects a whole-table metric query without params")
    table = '"%s"."%s"' % (mq["table"]["schema"], mq["table"]["name"])
    labels = [m["label"] for m in mq["metrics"]]
    exprs, rest = split_select_list(batched)
    assert len(exprs) == len(labels), (exprs, labels)
    singles = []
    for check in task["checks"]:
        idx = condition_metrics(task["conditions"], check["condition"])
        singles.append({"check": check["name"], "metrics": [labels[i] for i in idx],
                        "sql": "select\n  " + ",\n  ".join(exprs[i] for i in idx) + "\n" + rest})

    print("   %s: building %s (%d rows)" % (task["name"], table, args.rows))
    env.pg.psql('create schema if not exists "%s";\ncreate table %s as\n%s;\nvacuum analyze %s;\n'
                % (mq["table"]["schema"], table, task["select"]["sql"], table), db=TARGET_DB)
    size = env.pg.value("select pg_size_pretty(pg_total_relation_size('%s'))" % table.replace("'", "''"),
                        db=TARGET_DB)

    # Same answers? (freshness reads now(), so it moves between queries.)
    def values(sql):
        return env.pg.psql(sql + ";\n", db=TARGET_DB).strip().split("\t")
    batched_values = values(batched)
    agree = True
    for s in singles:
        for label, v in zip(s["metrics"], values(s["sql"])):
            want = batched_values[labels.index(label)]
            if v != want and not label.startswith("freshness("):
                agree = False
                print("   value mismatch for %s: batched %s, single %s" % (label, want, v))

    # EXPLAIN of the batched query: how many scans of the table?
    plan_json = json.loads(env.pg.psql("explain (analyze, costs off, format json)\n" + batched + ";\n",
                                       db=TARGET_DB))
    nodes = []

    def walk(node):
        nodes.append(node)
        for child in node.get("Plans", []):
            walk(child)
    walk(plan_json[0]["Plan"])

    def node_name(n):
        name = n["Node Type"]
        if n.get("Parallel Aware"):
            name = "Parallel " + name
        if n.get("Partial Mode", "Simple") != "Simple":
            name = n["Partial Mode"] + " " + name
        return name
    scans = [n for n in nodes if n.get("Relation Name") == mq["table"]["name"]]
    explain_text = env.pg.psql("explain (costs off)\n" + batched + ";\n", db=TARGET_DB, tuples=False)
    single_plans = []
    for s in singles:
        single_plans.append(" > ".join(
            n for n in re.findall(r"(?:->\s+)?([A-Z][A-Za-z ]+?)(?: on | using |\s*$)",
                                  env.pg.psql("explain (costs off)\n" + s["sql"] + ";\n", db=TARGET_DB),
                                  re.M)))

    # Variant (information only): a one-column duplicate count without row().
    variant = re.sub(r'count\(distinct row\(("[^"()]+")\)\)', r"count(distinct \1)", batched)
    have_variant = variant != batched

    # Timing: one psql session, \timing, interleaved rounds (odd rounds run the
    # batched query last); round 0 is a warm-up and is not reported. Once with
    # the server's defaults (parallel query on), once with every query serial.
    def timing(session_prefix):
        script = ["\\timing on", "\\o /dev/null"] + session_prefix
        order = []
        for rnd in range(args.rounds + 1):
            seq = [("batched", batched)] + [("single:%d" % i, s["sql"]) for i, s in enumerate(singles)]
            if rnd % 2:
                seq = seq[1:] + seq[:1]
            if have_variant:
                seq.append(("variant", variant))
            for label, sql in seq:
                script.append(sql + ";")
                order.append((rnd, label))
        out = subprocess.run(env.pg.psql_argv(TARGET_DB), input="\n".join(script) + "\n",
                             capture_output=True, text=True, check=True).stdout
        times = [float(x) for x in re.findall(r"^Time: ([\d.]+) ms", out, re.M)]
        times = times[len(session_prefix):]
        assert len(times) == len(order), (len(times), len(order), out[:500])
        per_round = {}
        for (rnd, label), t in zip(order, times):
            if rnd:
                per_round.setdefault(rnd, {})[label] = t
        return per_round

    per_round = timing([])
    serial_round = timing(["set max_parallel_workers_per_gather = 0;"])
    cold = cold_timing(args, env, [("batched", batched)] + [("single:%d" % i, s["sql"]) for i, s in enumerate(singles)])
    rounds = sorted(per_round)
    b = [per_round[r]["batched"] for r in rounds]
    s_tot = [sum(v for k, v in per_round[r].items() if k.startswith("single:")) for r in rounds]
    ratios = [st / bt for st, bt in zip(s_tot, b)]
    sb = [serial_round[r]["batched"] for r in rounds]
    ss_tot = [sum(v for k, v in serial_round[r].items() if k.startswith("single:")) for r in rounds]
    single_medians = []
    for i, s in enumerate(singles):
        ts = [per_round[r]["single:%d" % i] for r in rounds]
        single_medians.append({"check": s["check"], "metrics": s["metrics"], "median_ms": r3(statistics.median(ts)),
                               "serial_median_ms": r3(statistics.median([serial_round[r]["single:%d" % i]
                                                                          for r in rounds])),
                               "plan": single_plans[i]})
    section = {
        "task": task["name"], "expectations": [c["name"] for c in task["checks"]],
        "table": table, "table_size": size,
        "batched_sql": batched, "single_sql": [s["sql"] for s in singles],
        "values_agree": agree,
        "explain": {"nodes": [node_name(n) for n in nodes],
                    "scans_of_table": [{"node": node_name(n), "relation": n.get("Relation Name"),
                                        "workers_launched": n.get("Workers Launched")} for n in scans],
                    "text": explain_text.strip()},
        "batched_ms": [r3(x) for x in b], "singles_total_ms": [r3(x) for x in s_tot],
        "ratio_per_round": [round(x, 2) for x in ratios],
        "single_median_ms": single_medians,
        "summary": {"batched_median_ms": r3(statistics.median(b)), "batched_best_ms": r3(min(b)),
                    "singles_total_median_ms": r3(statistics.median(s_tot)),
                    "singles_total_best_ms": r3(min(s_tot)),
                    "ratio_median": round(statistics.median(s_tot) / statistics.median(b), 2),
                    "ratio_best": round(min(s_tot) / min(b), 2),
                    "scans_in_batched_plan": len(scans)},
        "serial": {"note": "the same rounds with max_parallel_workers_per_gather = 0 in the session",
                   "batched_ms": [r3(x) for x in sb], "singles_total_ms": [r3(x) for x in ss_tot],
                   "batched_median_ms": r3(statistics.median(sb)),
                   "singles_total_median_ms": r3(statistics.median(ss_tot)),
                   "ratio_median": round(statistics.median(ss_tot) / statistics.median(sb), 2)},
    }
    if cold:
        cb = [c["batched"] for c in cold]
        cs = [sum(v for k, v in c.items() if k.startswith("single:")) for c in cold]
        section["cold"] = {
            "note": "before every query: the server stopped, the kernel's page cache dropped, the server started; "
                    "the query's catalog lookups and plan warmed by an EXPLAIN in its session, then timed",
            "batched_ms": [r3(x) for x in cb], "singles_total_ms": [r3(x) for x in cs],
            "single_ms": [{"check": s["check"], "ms": [r3(c["single:%d" % i]) for c in cold]}
                          for i, s in enumerate(singles)],
            "batched_median_ms": r3(statistics.median(cb)), "singles_total_median_ms": r3(statistics.median(cs)),
            "ratio_median": round(statistics.median(cs) / statistics.median(cb), 2)}
    else:
        section["cold"] = {"note": "not measured: dropping the kernel's page cache needs root"}
    if have_variant:
        v = [per_round[r]["variant"] for r in rounds]
        section["variant_distinct_without_row"] = {"sql": variant, "median_ms": r3(statistics.median(v)),
                                                   "ms": [r3(x) for x in v],
                                                   "serial_median_ms": r3(statistics.median(
                                                       [serial_round[r]["variant"] for r in rounds]))}
    sm = section["summary"]
    print("   %s: %s; batched plan: %s; %d scan(s) of the table" % (
        table, size, " > ".join(node_name(n) for n in nodes), len(scans)))
    print("   batched median %.1f ms vs 10 single queries %.1f ms: %.2f x (per round: %s)" % (
        sm["batched_median_ms"], sm["singles_total_median_ms"], sm["ratio_median"],
        ", ".join("%.2f" % x for x in ratios)))
    print("   serial (max_parallel_workers_per_gather = 0): batched %.1f ms vs %.1f ms: %.2f x" % (
        section["serial"]["batched_median_ms"], section["serial"]["singles_total_median_ms"],
        section["serial"]["ratio_median"]))
    for s in single_medians:
        print("     %7.1f ms (serial %7.1f)  %-45s %s" % (s["median_ms"], s["serial_median_ms"], s["check"], s["plan"]))
    if cold:
        print("   cold (page cache dropped, server restarted before each query, %d rounds): batched %.1f ms vs "
              "%.1f ms: %.2f x" % (len(cold), section["cold"]["batched_median_ms"],
                                   section["cold"]["singles_total_median_ms"], section["cold"]["ratio_median"]))
    if have_variant:
        print("   (batched with count(distinct \"id\") instead of count(distinct row(\"id\")): median %.1f ms)"
              % section["variant_distinct_without_row"]["median_ms"])
    return section


def drop_page_cache():
    """Empties the kernel's page cache; False when not allowed (not root)."""
    os.sync()
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def cold_timing(args, env, labelled):
    """Each query read from storage: before each, the server stops (its shared
    buffers go), the page cache is dropped and the server starts. In the
    query's own session an EXPLAIN first loads the catalog entries and plans
    it (the single queries would share a warm session in practice), then the
    query is timed. Rounds alternate the batched query first and last.
    Returns [{label: ms}] per round, or None without root."""
    if args.cold_rounds <= 0 or not drop_page_cache():
        return None
    rounds = []
    for rnd in range(args.cold_rounds):
        seq = labelled if rnd % 2 == 0 else labelled[1:] + labelled[:1]
        times = {}
        for label, sql in seq:
            env.pg.stop()
            drop_page_cache()
            env.pg.start()
            script = "\\o /dev/null\nexplain " + sql + ";\n\\timing on\n" + sql + ";\n"
            out = subprocess.run(env.pg.psql_argv(TARGET_DB), input=script, capture_output=True, text=True,
                                 check=True).stdout
            times[label] = float(re.findall(r"^Time: ([\d.]+) ms", out, re.M)[-1])
        rounds.append(times)
    return rounds


def bench_expectations(args, flowc, result):
    print("== expectations: 10 expectations on a %d-row table, batched vs one query each, %d rounds"
          % (args.rows, args.rounds))
    with Env(args, "expect") as env:
        proj = os.path.join(env.tmp, "expectations")
        gen_runtime.gen_expectations(args.rows, proj)
        plan = json.loads(subprocess.run([flowc, "plan", proj, "--format", "json", "--ds", "2026-11-24"],
                                         capture_output=True, text=True, check=True).stdout)
        section = {"rows": args.rows, "rounds": args.rounds, "load_at_start": loadavg(),
                   "settings": {"jit": "off", "shared_buffers": "256MB",
                                "max_parallel_workers_per_gather": env.pg.value("show max_parallel_workers_per_gather")},
                   "sets": {}}
        for task in plan["tasks"]:
            section["sets"][task["name"]] = measure_expectation_set(args, env, task)
        sets = section["sets"]
        section["targets"] = {}
        for name, st in sets.items():
            section["targets"]["%s_batched_ge_5x_faster" % name] = st["summary"]["ratio_median"] >= 5
            section["targets"]["%s_batched_is_one_scan" % name] = st["summary"]["scans_in_batched_plan"] == 1
            if "ratio_median" in st["cold"]:
                section["targets"]["%s_batched_ge_5x_faster_cold" % name] = st["cold"]["ratio_median"] >= 5
        section["load_at_end"] = loadavg()
        result["expectations"] = section
        return all(section["targets"].values()) and all(st["values_agree"] for st in sets.values())


def bench_commands(args, flowc, result):
    layers, width, conc = args.layers, args.width, args.concurrency
    print("== command tasks: %d x `true`, %d layers of %d, flowc run --concurrency %d vs ninja -j %d, %d runs"
          % (layers * width, layers, width, conc, conc, args.runs))
    ninja = shutil.which("ninja")
    if not ninja:
        result[section_name(args, "commands")] = {"error": "ninja not found"}
        print("   ninja not found")
        return False
    with Env(args, "cmd") as env:
        proj = os.path.join(env.tmp, "commands")
        gen_runtime.gen_commands(layers, width, proj, concurrency=conc)
        ds = DsCounter()
        ninja_argv = [ninja, "-C", proj, "-j", str(conc)]
        section = {"tasks": layers * width, "layers": layers, "width": width, "concurrency": conc,
                   "runs": args.runs, "load_at_start": loadavg(),
                   "ninja_version": sh(ninja, "--version")}
        if not warm_up(args, env, flowc, proj, ds, section, result, "commands", conc):
            return False
        timed(ninja_argv)
        maybe_state_index(args, env, section)
        runs = []
        for k in range(args.runs):
            load = os.getloadavg()[0]
            nw, nc, ncode, nout = timed(ninja_argv)
            d = ds.next()
            env.reset_statements()
            fw, fc, fcode, fout = timed(flowc_run_argv(flowc, env, proj, d, conc), cwd=proj,
                                        log=os.path.join(env.tmp, "run-%d.out" % k))
            stmts = env.statements()
            rid, status = last_run(env, "commands")
            done = int(env.pg.value("select count(*) from flow.task_runs where run_id = %d and state = 'succeeded'"
                                    % rid, db=STATE_DB)) if rid else 0
            ran = len(re.findall(r"^\[\d+/\d+\]", nout, re.M)) or nout.count("run c_") or None
            runs.append({"ds": d, "run_id": rid, "status": status, "exit_code": fcode, "tasks_succeeded": done,
                         "flowc_wall_s": r3(fw), "flowc_cpu_s": r3(fc), "ninja_wall_s": r3(nw), "ninja_cpu_s": r3(nc),
                         "ninja_exit_code": ncode, "load_1m": round(load, 2),
                         "state_db_statements": sum(x["calls"] for x in stmts if x["db"] == STATE_DB),
                         "state_db_exec_ms": round(sum(x["total_ms"] for x in stmts if x["db"] == STATE_DB), 1),
                         "top_statements": stmts[:10]})
            print("   run %d: flowc run %.2f s (exit %d, %s, %d/%d succeeded; state db: %d statements, "
                  "%.1f s executing, %.1f s of it in claims), ninja %.3f s (exit %d)" % (
                      k + 1, fw, fcode, status, done, layers * width, runs[-1]["state_db_statements"],
                      runs[-1]["state_db_exec_ms"] / 1000,
                      claim_ms(stmts) / 1000, nw, ncode))
            if fcode != 0:
                print("   flowc run output (tail):\n" + fout[-1500:])
        section["runs_detail"] = runs
        ok = [r for r in runs if r["exit_code"] == 0 and r["status"] == "succeeded"]
        if not ok:
            section["error"] = "no flowc run succeeded"
            result[section_name(args, "commands")] = section
            return False
        fws = [r["flowc_wall_s"] for r in ok]
        nws = [r["ninja_wall_s"] for r in runs]
        section["summary"] = {
            "flowc_run_wall_s": {"median": r3(statistics.median(fws)), "best": r3(min(fws))},
            "flowc_run_cpu_s_median": r3(statistics.median([r["flowc_cpu_s"] for r in ok])),
            "ninja_wall_s": {"median": r3(statistics.median(nws)), "best": r3(min(nws))},
            "ratio_median": round(statistics.median(fws) / statistics.median(nws), 2),
            "ratio_best": round(min(fws) / min(nws), 2),
            "flowc_ms_per_task": r3(statistics.median(fws) * 1000 / (layers * width)),
        }
        section["targets"] = {"flowc_le_2x_ninja": section["summary"]["ratio_median"] <= 2}
        section["load_at_end"] = loadavg()
        result[section_name(args, "commands")] = section
        s = section["summary"]
        print("   flowc run median %.2f s vs ninja -j %d median %.3f s: %.1f x" % (
            s["flowc_run_wall_s"]["median"], conc, s["ninja_wall_s"]["median"], s["ratio_median"]))
        return all(section["targets"].values())


# ---------------------------------------------------------------- main

def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("benchmarks", nargs="*", metavar="BENCHMARK", help="overhead, expectations, commands (default: all)")
    p.add_argument("--flowc")
    p.add_argument("--runs", type=int, default=3, help="measured flowc runs per benchmark (default 3)")
    p.add_argument("--tasks", type=int, default=1000, help="chain length (default 1000)")
    p.add_argument("--rows", type=int, default=1000000)
    p.add_argument("--rounds", type=int, default=7, help="expectation rounds (default 7)")
    p.add_argument("--layers", type=int, default=10)
    p.add_argument("--width", type=int, default=100)
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--port", type=int, default=5499)
    p.add_argument("--cold-rounds", type=int, default=3,
                   help="expectation rounds read from storage (needs root to drop the page cache; 0 = skip)")
    p.add_argument("--keep", action="store_true", help="keep the temporary directories")
    p.add_argument("--state-index", action="store_true",
                   help="experiment: add an index on task_runs (run_id, task_index) to the state database "
                        "after the warm-up run; results go to <benchmark>_with_state_index")
    p.add_argument("--out", help="result file (default bench/results/runtime-<date>.json)")
    a = p.parse_args(argv)
    known = ["overhead", "expectations", "commands"]
    chosen = a.benchmarks or known
    for name in chosen:
        if name not in known:
            p.error("unknown benchmark %r (known: %s)" % (name, ", ".join(known)))
    # A private copy: a rebuild of the original during the benchmark changes nothing.
    original = find_flowc(a.flowc)
    bindir = tempfile.mkdtemp(prefix="flowc-rt-bin.", dir="/tmp")
    os.chmod(bindir, 0o755)
    flowc = os.path.join(bindir, "flowc")
    shutil.copy2(original, flowc)
    date = now_utc().date().isoformat()
    out = a.out or os.path.join(BENCH, "results", "runtime-%s.json" % date)
    result = {}
    if os.path.exists(out):
        with open(out) as f:
            result = json.load(f)
    result.update({
        "benchmark": "flowc runtime",
        "date": date,
        "machine": machine(),
        "postgresql": sh(os.path.join(pgcluster.find_pg_bin(), "postgres"), "--version"),
        "server_settings": SERVER_SETTINGS,
        "flowc": {"binary": original, "version": sh(flowc, "--version"),
                  "sha256": hashlib.sha256(open(flowc, "rb").read()).hexdigest()[:16],
                  "build_type": build_type(original),
                  "mtime": datetime.datetime.fromtimestamp(os.path.getmtime(original), datetime.timezone.utc)
                  .isoformat(timespec="seconds"),
                  "git": sh("git", "-C", ROOT, "describe", "--always", "--dirty")},
    })
    status = 0
    run_ok = flowc_run_available(flowc)
    for name in chosen:
        started = now_utc().isoformat(timespec="seconds")
        if name in ("overhead", "commands") and not run_ok:
            print("== %s: skipped, `%s run` is not available" % (name, flowc))
            result.setdefault(name, {})
            result[name] = {"skipped": "flowc run not available", "measured_at": started}
            status = 1
            continue
        fn = {"overhead": bench_overhead, "expectations": bench_expectations, "commands": bench_commands}[name]
        ok = fn(a, flowc, result)
        key = section_name(a, name) if name != "expectations" else name
        result[key]["measured_at"] = started
        result[key]["flowc"] = dict(result["flowc"])
        result[key]["load_at_end"] = loadavg()
        if not ok:
            status = 1
    shutil.rmtree(bindir, ignore_errors=True)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print("== results: %s%s" % (out, "" if status == 0 else " (a target was missed or a benchmark did not run)"))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
