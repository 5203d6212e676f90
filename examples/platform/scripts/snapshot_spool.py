#!/usr/bin/env python3
"""Copy one day's collector spool files into the audit directory.

Run by the `audit_snapshot` task of finance_close.flow, after ingestion has
loaded them:

    python3 scripts/snapshot_spool.py --ds 2026-11-24 [--spool spool] --out audit

Writes <out>/<ds>/ with a copy of every spool/<ds>/*.ndjson file and a
SHA256SUMS file. The day's directory is built under a temporary name and
renamed into place, so a rerun replaces the snapshot whole: idempotent.
"""

import argparse
import datetime
import hashlib
import os
import shutil
import sys
import tempfile


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ds", required=True, type=datetime.date.fromisoformat)
    parser.add_argument("--spool", default="spool")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    ds = args.ds.isoformat()

    source = os.path.join(args.spool, ds)
    if not os.path.isdir(source):
        print(f"snapshot_spool: no spool directory {source}", file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{ds}.", dir=args.out)
    sums = []
    for name in sorted(os.listdir(source)):
        if not name.endswith(".ndjson"):
            continue
        shutil.copy2(os.path.join(source, name), os.path.join(staging, name))
        with open(os.path.join(staging, name), "rb") as f:
            sums.append(f"{hashlib.sha256(f.read()).hexdigest()}  {name}\n")
    with open(os.path.join(staging, "SHA256SUMS"), "w", encoding="utf-8") as f:
        f.writelines(sums)
    target = os.path.join(args.out, ds)
    if os.path.isdir(target):
        shutil.rmtree(target)
    os.rename(staging, target)
    print(f"snapshot_spool: {len(sums)} files for {ds} in {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
