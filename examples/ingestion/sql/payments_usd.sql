-- USD amounts at the day's rate. A left join, so a currency without a rate
-- yields a null amount_usd, which the not_null expectation catches.
select
  p.ds,
  p.payment_id,
  p.merchant_id,
  p.status,
  p.currency,
  p.amount,
  r.rate_to_usd,
  round(p.amount * r.rate_to_usd, 2) as amount_usd
from ${raw_payments} as p
left join ${fx_rates} as r
  on r.ds = p.ds
 and r.currency = p.currency
where p.ds = ${ds}
