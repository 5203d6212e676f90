-- Revenue credited to each channel and campaign for the day, beside what was
-- spent on it. Campaigns with spend but no conversions appear with zero
-- revenue; conversions without spend (organic email, say) with zero spend.
with credit as (
  select
    ds,
    channel,
    campaign,
    count(distinct purchase_event_id) as purchases,
    sum(revenue / touches)            as attributed_revenue
  from ${touchpoints}
  where ds = ${ds}
  group by ds, channel, campaign
),
spend as (
  select
    ds,
    channel,
    campaign,
    sum(spend) as spend
  from ${ad_spend}
  where ds = ${ds}
  group by ds, channel, campaign
)
select
  coalesce(c.ds, s.ds)                                                  as ds,
  coalesce(c.channel, s.channel)                                        as channel,
  coalesce(c.campaign, s.campaign)                                      as campaign,
  coalesce(c.purchases, 0)                                              as purchases,
  round(coalesce(c.attributed_revenue, 0), 2)                           as attributed_revenue,
  coalesce(s.spend, 0)                                                  as spend,
  round(coalesce(c.attributed_revenue, 0) / nullif(s.spend, 0), 3)      as roas
from credit as c
full join spend as s
  on s.ds = c.ds
 and s.channel = c.channel
 and s.campaign = c.campaign
