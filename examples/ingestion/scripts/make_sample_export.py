#!/usr/bin/env python3
"""Write a deterministic sample vendor file for one day, for demos and tests.

    python3 scripts/make_sample_export.py --ds 2026-11-24 [--rows 2000] [--landing landing/paynova]

Writes <landing>/payments_<ds>.csv and prints the SQL that records it in
landing.vendor_manifest, so `... | psql` completes the "delivery".
"""

import argparse
import csv
import datetime
import os
import sys

CURRENCIES = ["USD", "USD", "EUR", "GBP", "CAD"]
STATUSES = ["settled"] * 17 + ["refunded", "refunded", "chargeback"]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ds", required=True, type=datetime.date.fromisoformat)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--landing", default="landing/paynova")
    args = parser.parse_args(argv)

    os.makedirs(args.landing, exist_ok=True)
    name = f"payments_{args.ds.isoformat()}.csv"
    day = args.ds.toordinal()
    with open(os.path.join(args.landing, name), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["payment_id", "merchant_id", "amount", "currency", "status", "settled_at"])
        for i in range(args.rows):
            n = day * 100_000 + i
            status = STATUSES[(n * 7) % len(STATUSES)]
            cents = 500 + (n * 2654435761) % 50_000
            amount = cents / 100 if status == "settled" else -cents / 100
            seconds = (n * 40503) % 86_400
            settled = datetime.datetime.combine(args.ds, datetime.time()) + datetime.timedelta(seconds=seconds)
            writer.writerow([f"pay_{n}", f"m_{(n * 31) % 400:03d}", f"{amount:.2f}",
                             CURRENCIES[n % len(CURRENCIES)], status, settled.isoformat() + "Z"])
    print("insert into landing.vendor_manifest (ds, file_name, expected_rows, arrived_at)\n"
          f"values ('{args.ds.isoformat()}', '{name}', {args.rows}, now())\n"
          "on conflict (ds) do update set file_name = excluded.file_name,\n"
          "  expected_rows = excluded.expected_rows, arrived_at = excluded.arrived_at;")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
