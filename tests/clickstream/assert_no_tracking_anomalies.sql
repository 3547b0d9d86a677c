-- Days whose purchases exceed their views or cart additions: real trackers
-- lose events (purchases recorded server-side, views client-side). This warns
-- with the number of such days; funnel_daily.is_tracking_anomaly lists them.
{{ config(severity='warn', warn_if='>0') }}

select
    event_date,
    view_events,
    cart_events,
    purchase_events
from {{ ref('funnel_daily') }}
where is_tracking_anomaly
