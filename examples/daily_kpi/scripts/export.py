#!/usr/bin/env python3
"""Export one day of the KPI table to CSV for the BI extract.

Run by the `refresh_extract` task of daily_kpi.flow:

    python3 scripts/export.py --date 2026-11-24 [--table dash.kpi_daily] [--out-dir exports]

A mirror run (FLOW_STAGE=mirror, set by the runtime: docs/tasks.md) writes
to <out-dir>/mirror/ instead: until the cutover, <out-dir>/kpi_daily_<date>.csv
is the legacy job's file, which the BI extract reads, and a mirror run must
not replace it. (The task has no `writes`, so there is no FLOW_OUTPUT to
follow.)

The connection string is read from the environment (FLOW_TARGET_DSN, set by
the runtime, else WAREHOUSE_DSN, else libpq's own PG* variables); it is never
printed. The file is written to a temporary name and renamed, so a retry
after a crash leaves either the old or the new file, never half of one: the
task is idempotent.

Exit codes: 0 written, 1 permanent failure (bad arguments, query error),
75 (EX_TEMPFAIL) when the database could not be reached, which the runtime
treats as transient and retries.
"""

import argparse
import datetime
import os
import re
import subprocess
import sys
import tempfile

EX_TEMPFAIL = 75
TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", required=True, type=datetime.date.fromisoformat,
                        help="the day to export (YYYY-MM-DD)")
    parser.add_argument("--table", default="dash.kpi_daily",
                        help="the KPI table to read (default dash.kpi_daily)")
    parser.add_argument("--out-dir", default="exports",
                        help="directory for kpi_daily_<date>.csv (default exports; "
                             "a mirror run writes to its mirror/ subdirectory)")
    args = parser.parse_args(argv)
    if not TABLE_NAME.match(args.table):
        parser.error(f"--table must be a plain [schema.]table name, not {args.table!r}")
    return args


def connection_args():
    """psql arguments selecting the database, without ever printing the DSN."""
    dsn = os.environ.get("FLOW_TARGET_DSN") or os.environ.get("WAREHOUSE_DSN")
    return ["--dbname", dsn] if dsn else []


def export(args):
    # psql quotes :'ds' itself, so the date reaches the server as a literal,
    # never as text spliced into the statement.
    query = (
        "copy (select ds, region, orders, customers, revenue, discount, avg_order_value\n"
        f"      from {args.table} where ds = :'ds'::date order by region)\n"
        "to stdout with (format csv, header)\n"
    )
    command = ["psql", "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1",
               "--set", f"ds={args.date.isoformat()}"] + connection_args()
    result = subprocess.run(command, input=query, capture_output=True, text=True)
    if result.returncode == 2:  # psql: connection to the server failed
        sys.stderr.write(result.stderr)
        return EX_TEMPFAIL, None
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        return 1, None
    return 0, result.stdout


def output_path(out_dir, date, stage):
    """The CSV's path; a mirror run's goes to <out_dir>/mirror/, beside production's."""
    if stage == "mirror":
        out_dir = os.path.join(out_dir, "mirror")
    return os.path.join(out_dir, f"kpi_daily_{date.isoformat()}.csv")


def write_atomically(path, text):
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".kpi_daily_", suffix=".csv.tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", newline="") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv):
    args = parse_args(argv)
    status, csv_text = export(args)
    if status != 0:
        return status
    rows = max(csv_text.count("\n") - 1, 0)
    if rows == 0:
        sys.stderr.write(f"export: {args.table} has no rows for {args.date}\n")
        return 1
    path = output_path(args.out_dir, args.date, os.environ.get("FLOW_STAGE"))
    write_atomically(path, csv_text)
    print(f"export: wrote {rows} rows for {args.date} to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
