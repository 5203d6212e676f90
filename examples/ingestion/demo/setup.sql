-- The tables the vendor_payments workflow reads, as the SFTP sync and
-- treasury create them, with FX rates for the 10 days ending today.
-- PostgreSQL 15:  psql -v ON_ERROR_STOP=1 -f demo/setup.sql
-- Then deliver a file:
--   python3 scripts/make_sample_export.py --ds "$(date +%F)" | psql -v ON_ERROR_STOP=1

begin;

create schema if not exists landing;
create schema if not exists raw;

-- Written by the SFTP sync when a file has arrived completely.
create table if not exists landing.vendor_manifest (
  ds            date        primary key,
  file_name     text        not null,
  expected_rows integer     not null,
  arrived_at    timestamptz not null
);

-- Written by scripts/fetch_export.py: the file's lines, still as text.
create table if not exists landing.vendor_payments_file (
  ds          date        not null,
  file_name   text        not null,
  line_no     integer     not null,
  payment_id  text,
  merchant_id text,
  amount      text,
  currency    text,
  status      text,
  settled_at  text,
  loaded_at   timestamptz not null default now(),
  primary key (ds, line_no)
);

-- Published by treasury every morning.
create table if not exists raw.fx_rates (
  ds          date          not null,
  currency    text          not null,
  rate_to_usd numeric(12,6) not null,
  primary key (ds, currency)
);

insert into raw.fx_rates (ds, currency, rate_to_usd)
select current_date - d, c.currency, round(c.base * (1 + ((d * 7 + c.k) % 11 - 5) / 1000.0), 6)
from generate_series(0, 9) as d
cross join (values ('USD', 1.0, 0), ('EUR', 1.08, 1), ('GBP', 1.27, 2), ('CAD', 0.73, 3))
  as c(currency, base, k)
on conflict (ds, currency) do nothing;

commit;
