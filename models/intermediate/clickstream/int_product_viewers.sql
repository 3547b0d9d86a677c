{{ config(**incremental_by_user_config()) }}

-- One row per (product, user who viewed it): whether that user also bought it.
-- The per-user state behind product_performance's viewers and view-to-purchase
-- rate: an incremental run re-reads only the events of the users with events
-- in the window (macros/incremental.sql) instead of every event
-- (DECISIONLOG P9).
{%- set window = events_of_users_in_window('last_event_at') %}

with {{ window.cte }}

final as (
    select
        product_id,
        user_id,
        max(case when event_type = 'purchase' then 1 else 0 end) = 1
            as has_purchased,
        max(event_time) as last_event_at
    from {{ window.relation }}
    group by product_id, user_id
    having max(case when event_type = 'view' then 1 else 0 end) = 1
)

select * from final
