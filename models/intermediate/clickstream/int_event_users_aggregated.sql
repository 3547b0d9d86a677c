-- One row per clickstream user: events by type, revenue, transactions
-- (sessions with a purchase) and the funnel stages reached over all their
-- events, open and strict (a cart in one session after a view in an earlier
-- one counts for the user).
-- Incremental runs rebuild the users with events in the window
-- (macros/incremental.sql).
{{ config(**incremental_by_user_config()) }}
{%- set window = events_of_users_in_window('last_event_at') %}

with {{ window.cte }}

sessions as (
    select * from {{ ref('int_sessions_aggregated') }}
    {% if is_incremental() -%}
    where user_id in ({{ users_with_events_in_window('last_event_at') }})
    {%- endif %}
),

users as (
    {{ funnel_stages_by(window.relation, 'user_id') }}
),

user_sessions as (
    select
        user_id,
        count(*) as sessions,
        count(case when is_transaction then 1 end) as transactions
    from sessions
    group by user_id
),

final as (
    select
        users.user_id,
        user_sessions.sessions,
        user_sessions.transactions,
        users.events,
        users.views,
        users.carts,
        users.removes_from_cart,
        users.purchases,
        users.revenue,
        users.first_event_at,
        users.last_event_at,
        users.views > 0 as is_viewer,
        users.carts > 0 as is_cart_user,
        users.purchases > 0 as is_purchaser,
        users.reaches_strict_cart,
        users.reaches_strict_purchase
    from users
    inner join user_sessions
        on users.user_id = user_sessions.user_id
)

select * from final
