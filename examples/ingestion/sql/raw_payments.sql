-- Types the landed text columns. A value that does not cast fails the task
-- (SQLSTATE class 22: permanent, not retried) instead of loading garbage.
select
  f.ds,
  f.payment_id,
  f.merchant_id,
  f.amount::numeric(14,2)         as amount,
  upper(trim(f.currency))         as currency,
  lower(trim(f.status))           as status,
  f.settled_at::timestamptz       as settled_at,
  f.file_name,
  f.line_no,
  f.loaded_at
from ${fetch_export} as f
where f.ds = ${ds}
