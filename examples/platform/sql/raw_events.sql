-- Typed events for one day. Collectors resend a batch when an upload times
-- out, so the same event_id can land twice: keep the first copy.
select distinct on (e.payload ->> 'event_id')
  e.ds,
  e.payload ->> 'event_id'                                   as event_id,
  nullif(e.payload ->> 'user_id', '')                        as user_id,
  e.payload ->> 'anonymous_id'                               as anonymous_id,
  lower(e.payload ->> 'platform')                            as platform,
  e.payload ->> 'type'                                       as event_type,
  (e.payload ->> 'timestamp')::timestamptz                   as occurred_at,
  e.payload -> 'context' ->> 'page_url'                      as page_url,
  lower(e.payload -> 'context' -> 'utm' ->> 'source')        as utm_source,
  lower(e.payload -> 'context' -> 'utm' ->> 'medium')        as utm_medium,
  e.payload -> 'context' -> 'utm' ->> 'campaign'             as utm_campaign,
  (e.payload -> 'properties' ->> 'revenue')::numeric(14, 2)  as revenue,
  upper(e.payload -> 'properties' ->> 'currency')            as currency
from ${load_events} as e
where e.ds = ${ds}
order by e.payload ->> 'event_id', e.batch_id, e.line_no
