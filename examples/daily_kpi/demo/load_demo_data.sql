-- Demo data for examples/daily_kpi: the world as it is before the migration.
--
--   raw.customers   600 customers, regions spelled inconsistently as the
--                   shop front writes them ("EMEA", " apac", "Amer", ...)
--   raw.orders      ~4,200 orders over 10 days: current_date - 9 .. current_date
--   dash.kpi_daily  what the legacy cron job (legacy/refresh_kpi.sql) has
--                   computed for those 10 days: the table mirror runs compare with
--
-- Every value is a pure function of the row number, so two loads give the
-- same rows; only the dates move with current_date, so that a run for
-- "today" or "yesterday" finds its partition. loaded_at is set relative to
-- now(), so the `freshness(loaded_at) < 2h` readiness check passes right after
-- loading. Running the file again replaces everything it created.
--
-- PostgreSQL 15:  psql -v ON_ERROR_STOP=1 -f demo/load_demo_data.sql

begin;

create schema if not exists raw;
create schema if not exists dash;

drop table if exists raw.orders;
drop table if exists raw.customers;
drop table if exists dash.kpi_daily;

create table raw.customers (
  customer_id bigint      primary key,
  name        text        not null,
  region      text        not null,  -- raw spelling; dim_customers normalises it
  segment     text,                   -- null when sales never classified the account
  email       text        not null,
  created_at  timestamptz not null
);

insert into raw.customers (customer_id, name, region, segment, email, created_at)
select
  n,
  (array['ada', 'grace', 'alan', 'edsger', 'barbara', 'ken', 'margaret', 'dennis'])[1 + n % 8]
    || ' ' ||
  (array['lovelace', 'hopper', 'turing', 'dijkstra', 'liskov', 'thompson', 'hamilton', 'ritchie', 'knuth'])[1 + (n * 7) % 9],
  -- n % 3 picks the region (0 emea, 1 amer, 2 apac); n % 6 picks a spelling of it.
  (array['EMEA', 'Amer', ' apac', 'emea', 'AMER ', 'APAC'])[1 + n % 6],
  case when n % 10 = 0 then null
       else (array['consumer', 'smb', 'enterprise'])[1 + (n / 3) % 3] end,
  'customer' || n || '@example.com',
  timestamptz '2024-01-01 00:00:00+00' + ((n * 37) % 700) * interval '1 day'
from generate_series(1, 600) as n;

create table raw.orders (
  ds          date          not null,  -- the order day: the partition column
  order_id    bigint        primary key,
  customer_id bigint        not null references raw.customers (customer_id),
  amount      numeric(12,2) not null,  -- gross order value
  discount    numeric(12,2),           -- null when the promotion service did not answer
  region      text          not null,  -- shipping region code as the shop front sends it
  loaded_at   timestamptz   not null   -- when the export loader wrote the row
);

create index orders_ds_idx on raw.orders (ds);

insert into raw.orders (ds, order_id, customer_id, amount, discount, region, loaded_at)
select
  current_date - 9 + d,
  1000000 + g,
  c.customer_id,
  o.amount,
  case when g % 29 = 0 then null
       when (g * 40503) % 101 < 17 then round(o.amount * 0.10, 2)
       else 0 end,
  (array['EU', 'US', 'APAC'])[1 + c.customer_id % 3],
  now() - interval '20 minutes' - (g % 40) * interval '1 minute'
from generate_series(0, 9) as d
cross join lateral generate_series(1, 380 + (d * 53) % 80) as k
cross join lateral (select (d * 1000 + k)::bigint as g) as ids
-- A multiplicative hash: some customers order several times a day, some not at all.
cross join lateral (select 1 + ((ids.g * 2246822519) % 999983 * 2654435761 % 1000033) % 600 as customer_id) as c
cross join lateral (select round(5 + ((ids.g * 2654435761) % 25000) / 100.0, 2) as amount) as o;

-- The legacy job's output, computed exactly as legacy/refresh_kpi.sql does
-- (for every day instead of only yesterday, as if it had run each morning).
create table dash.kpi_daily (
  ds              date    not null,
  region          text    not null,
  orders          bigint  not null,
  customers       bigint  not null,
  revenue         numeric not null,
  discount        numeric,
  avg_order_value numeric not null,
  primary key (ds, region)
);

insert into dash.kpi_daily (ds, region, orders, customers, revenue, discount, avg_order_value)
select
  o.ds,
  lower(trim(c.region)),
  count(*),
  count(distinct o.customer_id),
  sum(o.amount - coalesce(o.discount, 0)),
  sum(o.discount),
  round(sum(o.amount - coalesce(o.discount, 0)) / count(*), 2)
from raw.orders o
join raw.customers c on c.customer_id = o.customer_id
group by o.ds, lower(trim(c.region));

commit;

analyze raw.customers;
analyze raw.orders;
analyze dash.kpi_daily;
