-- Sessions of one day: a visitor's events on one platform, split where the
-- gap between two events exceeds the session_gap_minutes parameter.
with events as (
  select
    ds,
    coalesce(user_id, anonymous_id) as visitor_id,
    platform,
    event_id,
    event_type,
    occurred_at,
    utm_source,
    utm_medium,
    utm_campaign,
    revenue
  from ${ingest_events.raw_events}
  where ds = ${ds}
),
marked as (
  select
    *,
    case
      when lag(occurred_at) over w is null then 1
      when occurred_at - lag(occurred_at) over w > make_interval(mins => ${session_gap_minutes}::int) then 1
      else 0
    end as starts_session
  from events
  window w as (partition by visitor_id, platform order by occurred_at, event_id)
),
numbered as (
  select
    *,
    sum(starts_session) over (partition by visitor_id, platform order by occurred_at, event_id) as session_no
  from marked
)
select
  ds,
  md5(concat_ws('/', visitor_id, platform, ds, session_no))                        as session_id,
  visitor_id,
  platform,
  min(occurred_at)                                                                 as started_at,
  max(occurred_at)                                                                 as ended_at,
  count(*)                                                                         as events,
  (array_agg(utm_source order by occurred_at) filter (where utm_source is not null))[1]     as utm_source,
  (array_agg(utm_medium order by occurred_at) filter (where utm_medium is not null))[1]     as utm_medium,
  (array_agg(utm_campaign order by occurred_at) filter (where utm_campaign is not null))[1] as utm_campaign,
  bool_or(event_type = 'purchase')                                                 as converted,
  coalesce(sum(revenue) filter (where event_type = 'purchase'), 0)                 as revenue
from numbered
group by ds, visitor_id, platform, session_no
