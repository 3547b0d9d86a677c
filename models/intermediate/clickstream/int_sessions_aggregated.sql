{{ config(**incremental_by_user_config()) }}

-- One row per session: when it happened, what the user did, and how far down
-- the funnel they went (open: "ever did"; strict: in order). Read by the mart
-- fct_sessions and by int_event_users_aggregated.
-- Incremental runs rebuild all sessions of the users with events in the window
-- (macros/incremental.sql).
{%- set window = events_of_users_in_window('ended_at') %}

with {{ window.cte }}

sessions as (
    {{ funnel_stages_by(window.relation, 'session_key', ['user_id', 'user_session']) }}
),

final as (
    select
        session_key,
        user_id,
        user_session,
        user_session is null as is_sessionized_by_timeout,
        first_event_at as started_at,
        last_event_at as ended_at,
        cast(first_event_at as date) as started_date,
        {{ seconds_between('first_event_at', 'last_event_at') }} as duration_seconds,
        events,
        views,
        carts,
        removes_from_cart,
        purchases,
        revenue,
        purchases > 0 as is_transaction,
        {{ furthest_stage('views > 0', 'carts > 0', 'purchases > 0') }}
            as furthest_stage,
        {{ furthest_stage(
            'views > 0', 'reaches_strict_cart', 'reaches_strict_purchase') }}
            as strict_furthest_stage
    from sessions
)

select * from final
