-- Web revenue against the ledger's sales accounts, both in the reporting
-- currency. A positive difference means the ledger is missing revenue.
with web as (
  select ds, account, sum(revenue_reporting) as web_revenue
  from ${web_revenue}
  where ds = ${ds}
  group by ds, account
),
ledger as (
  select
    g.ds,
    g.account,
    round(sum(g.amount * r.rate_to_usd / rr.rate_to_usd), 2) as ledger_revenue
  from ${gl_entries} as g
  join ${fx_rates} as r
    on r.ds = g.ds
   and r.currency = g.currency
  join ${fx_rates} as rr
    on rr.ds = g.ds
   and rr.currency = ${reporting_currency}
  where g.ds = ${ds}
    and g.account in ('4000-web-sales', '4010-app-sales')
  group by g.ds, g.account
)
select
  coalesce(w.ds, l.ds)                                          as ds,
  coalesce(w.account, l.account)                                as account,
  ${reporting_currency}::text                                   as currency,
  coalesce(w.web_revenue, 0)                                    as web_revenue,
  coalesce(l.ledger_revenue, 0)                                 as ledger_revenue,
  coalesce(w.web_revenue, 0) - coalesce(l.ledger_revenue, 0)    as difference
from web as w
full join ledger as l
  on l.ds = w.ds
 and l.account = w.account
