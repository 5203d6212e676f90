#!/usr/bin/env python3
"""Load one day's closed collector batches into the landing table.

Run by the `load_events` task of ingest_events.flow:

    python3 scripts/load_events.py --ds 2026-11-24 \
        --batches landing.collector_batches --into landing.events_json

Each batch listed for the day in the batches table is an NDJSON file (one
event per line). In one transaction the script deletes the day's landing
rows and copies every line in as (ds, batch_id, line_no, payload), so a retry
never duplicates. A line that is not JSON fails the load (exit 1); a batch
file not yet visible on this machine, or an unreachable database, exits 75
so the runtime retries. The DSN comes from FLOW_TARGET_DSN or WAREHOUSE_DSN
(else libpq's PG* variables) and is never printed.
"""

import argparse
import csv
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile

EX_TEMPFAIL = 75
TABLE_NAME = re.compile(r'^"?[A-Za-z_][A-Za-z0-9_]*"?(\."?[A-Za-z_][A-Za-z0-9_]*"?)?$')


def psql(script, ds):
    command = ["psql", "--no-psqlrc", "--quiet", "--tuples-only", "--no-align",
               "--set", "ON_ERROR_STOP=1", "--set", f"ds={ds}"]
    dsn = os.environ.get("FLOW_TARGET_DSN") or os.environ.get("WAREHOUSE_DSN")
    if dsn:
        command += ["--dbname", dsn]
    result = subprocess.run(command, input=script, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        sys.exit(EX_TEMPFAIL if result.returncode == 2 else 1)
    return result.stdout


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ds", required=True, type=datetime.date.fromisoformat)
    parser.add_argument("--batches", required=True)
    parser.add_argument("--into", required=True)
    args = parser.parse_args(argv)
    for name in (args.batches, args.into):
        if not TABLE_NAME.match(name):
            parser.error(f"not a plain [schema.]table name: {name!r}")
    ds = args.ds.isoformat()

    listing = psql(f"select batch_id, path from {args.batches} "
                   f"where ds = :'ds'::date and closed_at is not null order by batch_id;\n", ds)
    batches = [line.split("|", 1) for line in listing.splitlines() if line.strip()]

    fd, tmp = tempfile.mkstemp(prefix="events_", suffix=".csv")
    lines = 0
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            for batch_id, path in batches:
                if not os.path.exists(path):
                    print(f"load_events: batch {batch_id} not visible yet at {path}", file=sys.stderr)
                    return EX_TEMPFAIL
                with open(path, encoding="utf-8") as f:
                    for number, line in enumerate(f, start=1):
                        if not line.strip():
                            continue
                        try:
                            json.loads(line)
                        except json.JSONDecodeError as e:
                            print(f"load_events: {path}:{number}: not JSON: {e}", file=sys.stderr)
                            return 1
                        writer.writerow([ds, batch_id, number, line.strip()])
                        lines += 1
        quoted_tmp = tmp.replace("'", "''")
        psql("begin;\n"
             f"delete from {args.into} where ds = :'ds'::date;\n"
             f"\\copy {args.into} (ds, batch_id, line_no, payload) from '{quoted_tmp}' with (format csv)\n"
             "commit;\n", ds)
    finally:
        os.unlink(tmp)
    print(f"load_events: {lines} events from {len(batches)} batches into {args.into}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
