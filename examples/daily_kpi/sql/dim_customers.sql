-- Customer dimension, rebuilt in full on every run (mode = replace).
-- The shop front writes regions in mixed case with stray spaces
-- ("EMEA", " apac"); downstream reports group by the normalised value.
select
  c.customer_id,
  initcap(trim(c.name))            as customer_name,
  lower(trim(c.region))            as region,
  coalesce(c.segment, 'unknown')   as segment,
  c.created_at::date               as customer_since
from ${customers} as c
