-- /opt/jobs/refresh_kpi.sql on etl-01, as found during the inventory.
-- Run by cron at 07:00 with no check that raw.orders holds yesterday's
-- export: when the export is late the dashboard silently shows the previous
-- day's numbers. daily_kpi.flow replaces it.
begin;

delete from dash.kpi_daily where ds = current_date - 1;

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
where o.ds = current_date - 1
group by o.ds, lower(trim(c.region));

commit;
