-- The rows the executive dashboard reads, upserted on (ds, region) so a rerun
-- of a day replaces that day's numbers and nothing else.
select
  r.ds,
  r.region,
  r.orders,
  r.customers,
  r.revenue,
  r.discount,
  r.avg_order_value
from ${revenue_daily} as r
where r.ds = ${ds}
