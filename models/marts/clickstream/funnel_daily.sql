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

-- distinct users and sessions in two steps (one row per day and session, then
-- per day and user): one plain group-by each instead of five distinct counts
-- over every event (DECISIONLOG P9)
day_sessions as (
    select
        event_date,
        session_key,
        user_id,
        count(case when event_type = 'view' then 1 end) as view_events,
        count(case when event_type = 'cart' then 1 end) as cart_events,
        count(case when event_type = 'purchase' then 1 end) as purchase_events,
        {{ sum_money('revenue') }} as revenue
    from events
    group by event_date, session_key, user_id
),

day_users as (
    select
        event_date,
        user_id,
        max(case when view_events > 0 then 1 else 0 end) as has_viewed,
        max(case when cart_events > 0 then 1 else 0 end) as has_carted,
        max(case when purchase_events > 0 then 1 else 0 end) as has_purchased
    from day_sessions
    group by event_date, user_id
),

daily_users as (
    select
        event_date,
        {{ sum_int('has_viewed') }} as viewers,
        {{ sum_int('has_carted') }} as cart_users,
        {{ sum_int('has_purchased') }} as purchasers
    from day_users
    group by event_date
),

daily_sessions as (
    select
        event_date,
        count(*) as sessions,
        count(case when purchase_events > 0 then 1 end) as purchase_sessions,
        {{ sum_int('view_events') }} as view_events,
        {{ sum_int('cart_events') }} as cart_events,
        {{ sum_int('purchase_events') }} as purchase_events,
        {{ sum_money('revenue') }} as revenue
    from day_sessions
    group by event_date
),

daily as (
    select
        daily_sessions.event_date,
        daily_users.viewers,
        daily_users.cart_users,
        daily_users.purchasers,
        daily_sessions.sessions,
        daily_sessions.purchase_sessions,
        daily_sessions.view_events,
        daily_sessions.cart_events,
        daily_sessions.purchase_events,
        daily_sessions.revenue
    from daily_sessions
    inner join daily_users
        on daily_sessions.event_date = daily_users.event_date
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
