-- Revenue per region for one day (mode = overwrite_partition(ds)).
-- Revenue is net of discounts; an order without a recorded discount counts
-- as undiscounted, but `discount` stays null for a region where no order
-- recorded one, so the null_rate expectation can notice a broken feed.
select
  o.ds,
  c.region,
  count(*)                                                       as orders,
  count(distinct o.customer_id)                                  as customers,
  sum(o.amount - coalesce(o.discount, 0))                        as revenue,
  sum(o.discount)                                                as discount,
  round(sum(o.amount - coalesce(o.discount, 0)) / count(*), 2)   as avg_order_value
from ${stage_orders} as o
join ${dim_customers} as c
  on c.customer_id = o.customer_id
where o.ds = ${ds}
group by o.ds, c.region
