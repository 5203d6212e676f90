-- The rows the executive dashboard reads, upserted on (ds, region): a rerun
-- of a day updates that day's rows and touches no other day. A merge keeps
-- a key the rerun no longer yields (a region renamed in the source since);
-- overwrite_partition(ds) would replace the day as a whole.
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
