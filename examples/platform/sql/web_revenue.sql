-- Purchase revenue of the day per ledger account and currency, converted to
-- the reporting currency through USD at the day's treasury rates. A missing
-- rate leaves revenue_reporting null, which the task's expectation rejects.
select
  e.ds,
  case e.platform when 'web' then '4000-web-sales' else '4010-app-sales' end   as account,
  e.currency,
  sum(e.revenue)                                                                as revenue,
  round(sum(e.revenue * r.rate_to_usd / rr.rate_to_usd), 2)                     as revenue_reporting
from ${ingest_events.raw_events} as e
left join ${fx_rates} as r
  on r.ds = e.ds
 and r.currency = e.currency
left join ${fx_rates} as rr
  on rr.ds = e.ds
 and rr.currency = ${reporting_currency}
where e.ds = ${ds}
  and e.event_type = 'purchase'
group by e.ds, 2, e.currency
