{{ config(**incremental_by_date_config('event_date')) }}

-- One row per day with events: the funnel by day, and a flag for days whose
-- purchases exceed their views or cart additions (a tracking anomaly).
-- A day depends on that day's events only: incremental runs rebuild the days
-- of the window (macros/incremental.sql).
with events as (
    select * from {{ ref('int_events_sessionized') }}
    {% if is_incremental() -%}
    where event_date >= {{ incremental_window_start('event_date') }}
    {%- endif %}
),

daily as (
    select
        event_date,
        count(distinct case when event_type = 'view' then user_id end) as viewers,
        count(distinct case when event_type = 'cart' then user_id end)
            as cart_users,
        count(distinct case when event_type = 'purchase' then user_id end)
            as purchasers,
        count(distinct session_key) as sessions,
        count(distinct case when event_type = 'purchase' then session_key end)
            as purchase_sessions,
        count(case when event_type = 'view' then 1 end) as view_events,
        count(case when event_type = 'cart' then 1 end) as cart_events,
        count(case when event_type = 'purchase' then 1 end)
            as purchase_events,
        {{ sum_money('revenue') }} as revenue
    from events
    group by event_date
),

final as (
    select
        event_date,
        viewers,
        cart_users,
        purchasers,
        sessions,
        view_events,
        cart_events,
        purchase_events,
        revenue,
        {{ ratio('cart_users', 'viewers') }} as view_to_cart_user_rate,
        {{ ratio('purchasers', 'cart_users') }} as cart_to_purchase_user_rate,
        purchase_events > view_events
        or purchase_events > cart_events as is_tracking_anomaly,
        purchase_sessions,
        {{ ratio('purchase_sessions', 'sessions') }} as session_conversion_rate
    from daily
)

select * from final
