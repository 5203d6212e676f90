-- For each purchase of the day, every campaign session of the same visitor
-- that started within lookback_days before it. `touches` is how many
-- sessions share the purchase: linear attribution gives each 1/touches.
with purchases as (
  select
    ds,
    event_id,
    coalesce(user_id, anonymous_id) as visitor_id,
    occurred_at                     as purchased_at,
    revenue
  from ${ingest_events.raw_events}
  where ds = ${ds}
    and event_type = 'purchase'
),
campaign_sessions as (
  select
    session_id,
    visitor_id,
    started_at,
    utm_medium,
    utm_campaign
  from ${sessionize.sessions}
  where ds between ${ds}::date - ${lookback_days}::int and ${ds}::date
    and utm_campaign is not null
)
select
  p.ds,
  p.event_id                                 as purchase_event_id,
  p.purchased_at,
  p.revenue,
  s.session_id,
  s.started_at                               as session_started_at,
  case
    when s.utm_medium in ('cpc', 'ppc', 'paid_search') then 'search'
    when s.utm_medium in ('social', 'paid_social')     then 'social'
    when s.utm_medium in ('display', 'banner')         then 'display'
    when s.utm_medium = 'email'                        then 'email'
    when s.utm_medium = 'affiliate'                    then 'affiliate'
    else 'direct'
  end                                        as channel,
  s.utm_campaign                             as campaign,
  count(*) over (partition by p.event_id)    as touches
from purchases as p
join campaign_sessions as s
  on s.visitor_id = p.visitor_id
 and s.started_at <= p.purchased_at
 and s.started_at >= p.purchased_at - make_interval(days => ${lookback_days}::int)
