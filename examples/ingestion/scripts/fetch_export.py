#!/usr/bin/env python3
"""Load one day's vendor payment file into the landing table, as text.

Run by the `fetch_export` task of vendor_payments.flow:

    python3 scripts/fetch_export.py --ds 2026-11-24 --landing landing/paynova \
        --manifest landing.vendor_manifest --into landing.vendor_payments_file [--dry-run]

1. Reads the file name and expected row count for the day from the manifest
   table (with --dry-run: assumes payments_<ds>.csv and prints rows instead).
2. Reads the CSV from the landing directory and checks its header.
3. In one transaction: deletes the day's rows from the landing table and
   copies the file in (psql's \\copy), so a retry never duplicates rows.

The connection string comes from FLOW_TARGET_DSN (set by the runtime), else
LAKE_DSN, else libpq's PG* variables, and is never printed.

Exit codes: 0 loaded; 1 permanent failure (bad header, row count differs
from the manifest, SQL error); 75 (EX_TEMPFAIL) when the file has not been
synced yet or the database is unreachable: the runtime retries those.
"""

import argparse
import csv
import datetime
import os
import re
import subprocess
import sys
import tempfile

EX_TEMPFAIL = 75
COLUMNS = ["payment_id", "merchant_id", "amount", "currency", "status", "settled_at"]
TABLE_NAME = re.compile(r'^"?[A-Za-z_][A-Za-z0-9_]*"?(\."?[A-Za-z_][A-Za-z0-9_]*"?)?$')


class Transient(Exception):
    """A failure worth retrying later."""


class Permanent(Exception):
    """A failure that a retry cannot fix."""


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ds", required=True, type=datetime.date.fromisoformat)
    parser.add_argument("--landing", required=True, help="directory the SFTP sync writes to")
    parser.add_argument("--manifest", default="landing.vendor_manifest")
    parser.add_argument("--into", default="landing.vendor_payments_file")
    parser.add_argument("--dry-run", action="store_true",
                        help="parse and print the rows, touch no database")
    args = parser.parse_args(argv)
    for name in (args.manifest, args.into):
        if not TABLE_NAME.match(name):
            parser.error(f"not a plain [schema.]table name: {name!r}")
    return args


def psql(script, variables):
    """Runs a psql script; returns its stdout. Never shows the DSN."""
    command = ["psql", "--no-psqlrc", "--quiet", "--tuples-only", "--no-align",
               "--set", "ON_ERROR_STOP=1"]
    for key, value in variables.items():
        command += ["--set", f"{key}={value}"]
    dsn = os.environ.get("FLOW_TARGET_DSN") or os.environ.get("LAKE_DSN")
    if dsn:
        command += ["--dbname", dsn]
    result = subprocess.run(command, input=script, capture_output=True, text=True)
    if result.returncode == 2:
        raise Transient("cannot reach the database: " + result.stderr.strip())
    if result.returncode != 0:
        raise Permanent(result.stderr.strip())
    return result.stdout


def manifest_entry(args):
    if args.dry_run:
        return f"payments_{args.ds.isoformat()}.csv", None
    out = psql(f"select file_name, expected_rows from {args.manifest} where ds = :'ds'::date;\n",
               {"ds": args.ds.isoformat()})
    lines = [line for line in out.splitlines() if line.strip()]
    if len(lines) != 1:
        raise Permanent(f"expected one manifest row for {args.ds}, found {len(lines)}")
    file_name, expected = lines[0].split("|")
    if "/" in file_name or file_name.startswith("."):
        raise Permanent(f"manifest names a file outside the landing directory: {file_name!r}")
    return file_name, int(expected)


def read_rows(path):
    if not os.path.exists(path):
        raise Transient(f"{path} has not been synced yet")
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header != COLUMNS:
            raise Permanent(f"{path}: header is {header}, expected {COLUMNS}")
        rows = []
        for number, row in enumerate(reader, start=2):
            if len(row) != len(COLUMNS):
                raise Permanent(f"{path}:{number}: {len(row)} fields, expected {len(COLUMNS)}")
            rows.append((number, row))
    return rows


def load(args, file_name, rows):
    fd, tmp = tempfile.mkstemp(prefix="vendor_payments_", suffix=".csv")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            for number, row in rows:
                writer.writerow([args.ds.isoformat(), file_name, number] + row)
        columns = ", ".join(["ds", "file_name", "line_no"] + COLUMNS)
        quoted_tmp = tmp.replace("'", "''")
        script = (
            "begin;\n"
            f"delete from {args.into} where ds = :'ds'::date;\n"
            f"\\copy {args.into} ({columns}) from '{quoted_tmp}' with (format csv)\n"
            "commit;\n"
        )
        psql(script, {"ds": args.ds.isoformat()})
    finally:
        os.unlink(tmp)


def main(argv):
    args = parse_args(argv)
    try:
        file_name, expected = manifest_entry(args)
        rows = read_rows(os.path.join(args.landing, file_name))
        if expected is not None and expected != len(rows):
            raise Permanent(f"{file_name}: {len(rows)} rows, the manifest says {expected}")
        if args.dry_run:
            for number, row in rows[:10]:
                print(number, ",".join(row))
            print(f"fetch_export: {len(rows)} rows in {file_name} (dry run, nothing loaded)")
            return 0
        load(args, file_name, rows)
        print(f"fetch_export: loaded {len(rows)} rows from {file_name} into {args.into}")
        return 0
    except Transient as e:
        print(f"fetch_export: {e} (will retry)", file=sys.stderr)
        return EX_TEMPFAIL
    except Permanent as e:
        print(f"fetch_export: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
